import type { DigestSubscription } from '../db/schema/digests.js';
import type { Deps } from '../deps.js';
import { section } from '../slack/blocks/pieces.js';
import type { Outbox } from '../slack/outbox.js';
import { claimBrokenNotice, markBroken } from './store.js';

const WHY: Record<string, string> = {
  not_in_channel: 'Tally is not a member of that channel',
  channel_not_found: 'the channel no longer exists (or Tally cannot see it)',
  is_archived: 'the channel is archived',
};

/** The DM to the subscription's creator: what broke and the three ways out. Pure. */
export function brokenNoticeText(sub: DigestSubscription, error: string): string {
  const why = WHY[error] ?? `Slack refused the post (\`${error}\`)`;
  return [
    `:warning: Digest #${sub.id} for <#${sub.target}> has stopped: ${why}.`,
    'To fix it, either:',
    `• invite Tally to the channel (\`/invite @Tally\` in <#${sub.target}>), then \`/metrics digest resume ${sub.id}\`, or`,
    `• pick another channel: \`/metrics digest add #other-channel …\` and \`/metrics digest remove ${sub.id}\`.`,
    'Until then no digest is posted there, and you will not hear about it again.',
  ].join('\n');
}

/**
 * Marks a channel subscription broken (it stops running) and tells its creator by DM, once per breakage:
 * the notice is claimed in the database first, so two instances never both send it.
 */
export async function breakSubscription(
  deps: Pick<Deps, 'db' | 'logger'>,
  outbox: Outbox,
  sub: DigestSubscription,
  error: string,
  now: Date,
): Promise<void> {
  const broken = await markBroken(deps.db, sub.id, error, now);
  deps.logger.warn(
    { subscriptionId: sub.id, channel: sub.target, error },
    'digest channel unreachable; subscription marked broken',
  );
  if (!broken) return;
  if (!sub.createdBySlackUserId) return;
  if (!(await claimBrokenNotice(deps.db, sub.id, now))) return;
  const text = brokenNoticeText(sub, error);
  const result = await outbox.sendDm(sub.createdBySlackUserId, { text, blocks: [section(text)] });
  if (!result.ok) {
    deps.logger.warn(
      { subscriptionId: sub.id, error: result.error },
      'could not tell the digest creator it broke',
    );
  }
}
