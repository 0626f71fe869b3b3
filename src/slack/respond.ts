import type { FetchFunction, WebClient } from '@slack/web-api';
import pRetry from 'p-retry';
import { type DeactivatedCaller, isDeactivated, resolveCaller, type SlackProfile } from '../access/caller.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import {
  BUSY_MESSAGE,
  beforeDeadline,
  INTERACTIVE_BUDGET_MS,
  isBusyError,
  withInteractiveDeadline,
} from '../metrics/index.js';
import {
  buildDeactivatedUserMessage,
  buildNoticeMessage,
  buildUnknownUserMessage,
  COULD_NOT_LOAD,
} from './blocks/notice.js';
import { enforceLimits } from './limits.js';
import type { Reply } from './reply.js';

/** How long an answer may take before the user is told to try again (Slack already got its ack). */
export const ANSWER_TIMEOUT_MS = 10_000;

/** Slack could not tell who a user is (rate limit, revoked token, 5xx, network): not "unknown user". */
export class SlackUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(`users.info failed: ${reason}`);
    this.name = 'SlackUnreachableError';
  }
}

/**
 * Slack answered a lookup with HTTP 429: it asks for `retryAfterSeconds` before that method is called
 * again. The person is told to try again then (slackBusyMessage), not that Slack could not be reached.
 */
export class SlackRateLimitedError extends Error {
  constructor(
    readonly method: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${method} rate limited: Slack asked for ${retryAfterSeconds} s`);
    this.name = 'SlackRateLimitedError';
  }
}

/** The client's rate-limit rejection (webClientOptions: rejectRateLimitedCalls), as Slack's Retry-After seconds. */
export function rateLimitedSeconds(err: unknown): number | undefined {
  const e = err as { code?: unknown; retryAfter?: unknown };
  if (e?.code !== 'slack_webapi_rate_limited_error') return undefined;
  const seconds = Number(e.retryAfter);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 1;
}

/** Slack's error code of a failed Web API call (`channel_not_found`), or the library's error code. */
export function slackErrorCode(err: unknown): string {
  const e = err as { data?: { error?: unknown }; code?: unknown };
  if (typeof e?.data?.error === 'string') return e.data.error;
  return typeof e?.code === 'string' ? e.code : describeError(err).message;
}

/** Slack's Retry-After as the person reads it: "30 seconds", "1 second" (whole seconds, at least 1). */
export function secondsToWait(retryAfterSeconds: number): string {
  const n = Math.max(1, Math.ceil(retryAfterSeconds));
  return `${n} second${n === 1 ? '' : 's'}`;
}

/** "Try again in N seconds", with Slack's own Retry-After (at least 1 s). */
export function slackBusyMessage(retryAfterSeconds: number, nothingChanged = false): string {
  const wait = `try again in ${secondsToWait(retryAfterSeconds)}`;
  return nothingChanged
    ? `Tally is busy right now — Slack asked it to wait; nothing was changed, ${wait}.`
    : `Tally is busy right now — Slack asked it to wait; ${wait}.`;
}

/** What the person sees when Slack could not tell Tally who they (or the person they named) are. */
export const SLACK_UNREACHABLE =
  "Couldn't reach Slack to look that person up right now — please try again in a minute.";

/**
 * users.info → email and time zone, for linking a Slack user to a rep. Slack's `user_not_found` means
 * unknown (null); a 429 throws SlackRateLimitedError with Slack's Retry-After (the client logged it as
 * `slack rate limited`); any other failure throws SlackUnreachableError, so the person is told Slack could not be
 * reached, not that Tally doesn't know them.
 */
export function profileLookup(
  client: WebClient,
  deps: Deps,
): (userId: string) => Promise<SlackProfile | null> {
  return async (userId) => {
    try {
      const res = await client.users.info({ user: userId });
      return { email: res.user?.profile?.email ?? null, timezone: res.user?.tz ?? null };
    } catch (err) {
      const slackError = (err as { data?: { error?: unknown } }).data?.error;
      if (slackError === 'user_not_found' || slackError === 'users_not_found') return null;
      const retryAfter = rateLimitedSeconds(err);
      if (retryAfter !== undefined) throw new SlackRateLimitedError('users.info', retryAfter);
      const reason = typeof slackError === 'string' ? slackError : describeError(err).message;
      deps.logger.warn({ err: describeError(err), userId }, 'users.info failed: Slack could not be reached');
      throw new SlackUnreachableError(reason);
    }
  };
}

/**
 * The caller behind a Slack user id (null = Tally doesn't know them; DeactivatedCaller = their rep is
 * deactivated). Inside an interactive ask it is bound by the ask's deadline like the answer (database
 * lookups and users.info alike): past it, it rejects with MetricsError('busy').
 */
export function findCaller(
  deps: Deps,
  client: WebClient,
  userId: string,
  now: Date,
): Promise<Caller | DeactivatedCaller | null> {
  return beforeDeadline(resolveCaller(deps.db, userId, now, profileLookup(client, deps)));
}

/**
 * What findCaller found, as the caller to answer, or as the ephemeral refusal to give instead: "Tally
 * doesn't know you" for null, "your profile is deactivated" for a DeactivatedCaller (neither sees figures).
 */
export function callerOrRefusal(
  found: Caller | DeactivatedCaller | null,
): { ok: true; caller: Caller } | { ok: false; reply: Reply } {
  if (!found) return { ok: false, reply: { visibility: 'ephemeral', message: buildUnknownUserMessage() } };
  if (isDeactivated(found))
    return { ok: false, reply: { visibility: 'ephemeral', message: buildDeactivatedUserMessage() } };
  return { ok: true, caller: found };
}

/**
 * Runs `work` as an interactive ask: everything on its path (caller lookup, scope, access checks, metric
 * computations) must be done by `deadline` (default: INTERACTIVE_BUDGET_MS from now, i.e. from the ack),
 * else the person is told Tally is busy (MetricsError('busy') → BUSY_MESSAGE, or `options.busy()`). A database error, or work
 * that still hangs after ANSWER_TIMEOUT_MS, becomes the one polite "Couldn't load" sentence, or
 * `options.failure(cause)` when given (for a change: COULD_NOT_SAVE after an error, COULD_NOT_CONFIRM after the
 * timeout, since its statement may still commit; details are logged without stack traces). Bad input never reaches here as an error: commands answer it themselves.
 */
export async function answerSafely(
  deps: Deps,
  what: string,
  work: () => Promise<Reply>,
  options: {
    deadline?: number;
    failure?: (cause: 'error' | 'timeout') => string;
    /** The busy sentence (default BUSY_MESSAGE): for a change, BUSY_NOTHING_CHANGED. */
    busy?: () => string;
    /** For a change: a rate-limited lookup says nothing was changed (slackBusyMessage). */
    changes?: () => boolean;
  } = {},
): Promise<Reply> {
  const deadline = options.deadline ?? Date.now() + INTERACTIVE_BUDGET_MS;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  try {
    return await Promise.race([
      withInteractiveDeadline(deadline, work),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new Error(`${what} timed out after ${ANSWER_TIMEOUT_MS} ms`));
        }, ANSWER_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    if (isBusyError(err)) {
      deps.logger.info({ what }, 'past capacity: told the user to try again');
      return { visibility: 'ephemeral', message: buildNoticeMessage(options.busy?.() ?? BUSY_MESSAGE) };
    }
    if (err instanceof SlackRateLimitedError) {
      deps.logger.info(
        { what, method: err.method, retryAfterSeconds: err.retryAfterSeconds },
        'rate-limited by Slack: told the user when to try again',
      );
      const message = slackBusyMessage(err.retryAfterSeconds, options.changes?.() ?? false);
      return { visibility: 'ephemeral', message: buildNoticeMessage(message) };
    }
    if (err instanceof SlackUnreachableError)
      return { visibility: 'ephemeral', message: buildNoticeMessage(SLACK_UNREACHABLE) };
    deps.logger.error({ err: describeError(err), what }, 'could not answer');
    const cause = timedOut ? 'timeout' : 'error';
    return {
      visibility: 'ephemeral',
      message: buildNoticeMessage(options.failure?.(cause) ?? COULD_NOT_LOAD),
    };
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

/** Backoff of a response_url post's retries: 3 more tries at most, 0.25–0.5 s, 0.5–1 s, 1–2 s apart (jittered). */
export const RESPOND_RETRY = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 } as const;

/**
 * How long one response_url post may wait for Slack's answer (ms): the Web API client's own request
 * timeout (webClientOptions in src/app/slack-app.ts), so a hung endpoint can hold an answer, and a stop's
 * drain, no longer than a hung Web API call can.
 */
export const RESPOND_TIMEOUT_MS = 10_000;

/** Slack did not answer a response_url post within its timeout. Its message is what the log shows. */
export class RespondTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Slack did not answer the response_url post within ${timeoutMs} ms; gave up on it`);
    this.name = 'RespondTimeoutError';
  }
}

/**
 * The fetch Bolt posts response_url answers with (the App's `clientOptions.fetch`): a request that brings
 * no signal of its own is aborted after `timeoutMs` (AbortSignal.timeout, as the Web API client times its
 * calls) and rejects with RespondTimeoutError. Bolt's `respond` brings none; the Web API client's calls
 * bring their own timeout's signal and pass through unchanged.
 */
export function respondFetch(timeoutMs: number = RESPOND_TIMEOUT_MS): FetchFunction {
  return async (url, init) => {
    if (init?.signal) return fetch(url, init);
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if ((err as { name?: unknown }).name === 'TimeoutError') throw new RespondTimeoutError(timeoutMs);
      throw err;
    }
  };
}

/**
 * Bolt's `respond` (a POST to the interaction's response_url), retried with backoff (p-retry,
 * RESPOND_RETRY) when Slack answered 5xx or the network failed; never after a 4xx (an expired or used-up
 * response_url, a payload Slack refused: sending it again cannot help, and a second copy could land), nor
 * after a post Slack did not answer in time (RespondTimeoutError, see respondFetch: it may have been taken,
 * and a hung endpoint would hold each try as long again).
 * Same arguments as `respond`; resolves once one post is accepted; throws the last error when every try
 * failed (Bolt's RespondError carries the HTTP status in `statusCode`).
 */
export function retryingRespond<A extends unknown[]>(
  respond: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    await pRetry(() => respond(...args), {
      ...RESPOND_RETRY,
      randomize: true,
      shouldRetry: ({ error }) => {
        if (error instanceof RespondTimeoutError) return false;
        const status = (error as { statusCode?: unknown }).statusCode;
        // No status: the request never got an HTTP answer (reset, refused, DNS): worth another try.
        return typeof status !== 'number' || status >= 500;
      },
    });
  };
}

/**
 * Tells one person `text` as an ephemeral notice in `channel` through the Web API, where the response_url
 * just failed (a share Slack refused: src/answers/actions.ts, src/app/metrics-command.ts). Never throws: a
 * refused post is logged (`what`, with the method and Slack's error, no text or token).
 */
export async function tellEphemeral(
  deps: Deps,
  client: WebClient,
  to: { channel: string; user: string },
  text: string,
  what: string,
): Promise<void> {
  const message = buildNoticeMessage(text);
  try {
    await client.chat.postEphemeral({ ...to, text: message.text, blocks: message.blocks });
  } catch (err) {
    deps.logger.error({ method: 'chat.postEphemeral', err: describeError(err) }, what);
  }
}
