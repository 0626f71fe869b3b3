import type { WebClient } from '@slack/web-api';
import { resolveCaller, type SlackProfile } from '../access/caller.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { buildNoticeMessage, COULD_NOT_LOAD } from './blocks/notice.js';
import { enforceLimits } from './limits.js';
import type { Reply } from './reply.js';

/** How long an answer may take before the user is told to try again (Slack already got its ack). */
export const ANSWER_TIMEOUT_MS = 10_000;

/** users.info → email and time zone, for linking a Slack user to a rep. Any Slack error means "unknown". */
export function profileLookup(
  client: WebClient,
  deps: Deps,
): (userId: string) => Promise<SlackProfile | null> {
  return async (userId) => {
    try {
      const res = await client.users.info({ user: userId });
      return { email: res.user?.profile?.email ?? null, timezone: res.user?.tz ?? null };
    } catch (err) {
      deps.logger.warn({ err: describeError(err), userId }, 'users.info failed');
      return null;
    }
  };
}

/** The caller behind a Slack user id (null = Tally doesn't know them). */
export function findCaller(deps: Deps, client: WebClient, userId: string, now: Date): Promise<Caller | null> {
  return resolveCaller(deps.db, userId, now, profileLookup(client, deps));
}

/**
 * Runs `work` with a time limit; a database error or timeout becomes the one polite sentence (details are
 * logged without stack traces). Bad input never reaches here as an error: commands answer it themselves.
 */
export async function answerSafely(deps: Deps, what: string, work: () => Promise<Reply>): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} timed out after ${ANSWER_TIMEOUT_MS} ms`)),
          ANSWER_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    deps.logger.error({ err: describeError(err), what }, 'could not answer');
    return { visibility: 'ephemeral', message: buildNoticeMessage(COULD_NOT_LOAD) };
  } finally {
    clearTimeout(timer);
  }
}

/** The response_url payload for a reply (the limits guard runs once more, as the last step before Slack). */
export function toResponse(reply: Reply, mode: { replaceOriginal: boolean }) {
  const message = enforceLimits(reply.message);
  return {
    response_type: reply.visibility,
    replace_original: mode.replaceOriginal,
    text: message.text,
    blocks: message.blocks,
  };
}
