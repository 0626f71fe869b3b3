import type { DigestSubscription } from '../db/schema/digests.js';
import { enqueueDeliveries } from '../delivery/store.js';
import type { Deps } from '../deps.js';
import { section } from '../slack/blocks/pieces.js';
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
 * Marks a channel subscription broken (it stops running) and queues a DM to its creator, once per
 * breakage: the delivery key names the breakage (`broken:<subscription>:<ms>`), so two instances never
 * both queue it. Call inside the transaction that settles the failed digest.
 */
export async function breakSubscription(
  deps: Pick<Deps, 'db' | 'logger'>,
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
  await enqueueDeliveries(deps.db, [
    {
      key: `broken:${sub.id}:${now.getTime()}`,
      kind: 'broken_notice',
      to: { userId: sub.createdBySlackUserId },
      message: { text, blocks: [section(text)] },
      ref: { subscriptionId: sub.id },
    },
  ]);
}
