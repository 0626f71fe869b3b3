import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { isDeactivated } from '../access/caller.js';
import { outboxFor } from '../delivery/outbox.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import {
  BUSY_MESSAGE,
  INTERACTIVE_BUDGET_MS,
  isBusyError,
  withInteractiveDeadline,
} from '../metrics/index.js';
import { findCaller, retryingRespond, SlackRateLimitedError, slackBusyMessage } from '../slack/respond.js';
import { DIGEST_BY_REP_ACTION } from './blocks.js';
import { BY_REP_REFUSAL, buildByRepMessage, mayViewByRep, parseByRepPayload } from './by-rep.js';

const ANSWER_MEMORY_MS = 10 * 60_000;

/**
 * The digest's "By rep" button: answers in the digest's thread rather than the channel, so the details
 * are there for whoever wants them without adding noise. With private leaderboards
 * (TALLY_LEADERBOARDS_PUBLIC=false) only managers of the team and admins get them, as an ephemeral reply.
 * On a preview (`/metrics digest preview`: an ephemeral message, or a button marked `preview`) the table
 * is the presser's alone, ephemeral, under the same permissions: a private preview never posts in the
 * channel (fresh tester helper-213, finding 2: the table went to the channel, threaded on the preview).
 */
export function registerDigestActions(app: App, deps: Deps): void {
  // Threads already answered (channel:ts) by this instance, so a second click does not repeat the table.
  const answered = new Map<string, number>();
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${DIGEST_BY_REP_ACTION}(#\\d+)?$`),
    async ({ ack, body, action, client, respond: respondOnce }) => {
      // Ack first: Slack shows the clicker an error if it hears nothing within 3 seconds.
      await ack();
      const respond = retryingRespond(respondOnce);
      const say = (text: string) =>
        respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
      const payload = parseByRepPayload(action.value);
      const channel = body.container?.channel_id ?? body.channel?.id;
      // Slack quirk: a click inside a thread reply carries the reply's ts; the thread is the parent's.
      const threadTs = body.message?.thread_ts ?? body.container?.message_ts ?? body.message?.ts;
      if (!payload || !channel || !threadTs) return;
      const now = deps.clock();
      const key = `${channel}:${threadTs}`;
      try {
        // An interactive ask like a command: past capacity the clicker is told "busy" within seconds.
        await withInteractiveDeadline(Date.now() + INTERACTIVE_BUDGET_MS, async () => {
          const preview = payload.preview === true || body.container?.is_ephemeral === true;
          if (!deps.config.leaderboardsPublic || preview) {
            const found = await findCaller(deps, client, body.user.id, now);
            const caller = found && !isDeactivated(found) ? found : null;
            if (!mayViewByRep(deps, caller, payload)) {
              await say(BY_REP_REFUSAL);
              return;
            }
            const message = await buildByRepMessage(deps, payload, now);
            await respond({ response_type: 'ephemeral', replace_original: false, ...message });
            return;
          }
          const seen = answered.get(key);
          if (seen !== undefined && now.getTime() - seen < ANSWER_MEMORY_MS) {
            await say('The per-rep numbers are already in this digest’s thread.');
            return;
          }
          answered.set(key, now.getTime());
          const message = await buildByRepMessage(deps, payload, now);
          const outbox = outboxFor({ ...deps, slack: client });
          const result = await outbox!.send({ channel, threadTs, ...message });
          if (!result.ok) {
            answered.delete(key);
            deps.logger.warn({ channel, error: result.error }, 'digest by-rep reply not posted');
            await say("I couldn't post in this thread right now — please try again in a minute.");
          }
        });
      } catch (err) {
        if (isBusyError(err)) {
          answered.delete(key);
          await say(BUSY_MESSAGE);
          return;
        }
        // Slack rate-limited the presser's lookup: try again when Slack said, as commands say (helper-218).
        if (err instanceof SlackRateLimitedError) {
          answered.delete(key);
          await say(slackBusyMessage(err.retryAfterSeconds));
          return;
        }
        deps.logger.error({ err: describeError(err) }, 'digest by-rep button failed');
        await say("Couldn't load metrics right now — please try again in a minute.");
      }
    },
  );
}
