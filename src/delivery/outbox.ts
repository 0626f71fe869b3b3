import type { KnownBlock, MessageMetadata } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { errorCode, isDatabaseOutage } from '../db/failures.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { enforceLimits, type SlackMessage } from '../slack/limits.js';
import { type Attempt, classify } from './outbox-errors.js';
import { createLocalPacer, createPgPacer, type Pacer } from './pacer.js';

/**
 * The one paced sender for messages the bot starts on its own (digests, alerts, nudges). Slash-command
 * answers go through `respond` and do not need it.
 *
 * Policy, owned here and nowhere else:
 * - pacing: at least `perChannelIntervalMs` between two messages to the same channel (Slack allows about
 *   one chat.postMessage per second per channel) and at least `globalIntervalMs` between any two messages
 *   (workspace-wide pace, default one per second);
 * - HTTP 429: wait the Retry-After, pause every sender of every instance sharing the pacer (Slack's limits
 *   are per method and workspace), re-checked after each sleep, retry;
 * - destination errors (`not_in_channel`, `channel_not_found`, `is_archived`, `user_not_found`,
 *   `cannot_dm_bot`, `account_inactive`, …): returned as `unreachable` at once, never retried;
 * - request errors that retrying cannot fix (`invalid_blocks`, …): `failed` at once;
 * - a lost token (`invalid_auth`, `token_revoked`, `account_inactive` on a post, …): every send stops
 *   (`auth_lost`, shared through the pacer), one log line; each later send first tries `auth.test`
 *   (at most every 30 s) and everything resumes by itself once Slack accepts the token again;
 * - anything else (5xx, network, `internal_error`): retried with backoff, `maxAttempts` in all.
 *
 * Slack quirk: the WebClient retries and queues 429s on its own (up to ~30 minutes by default). The client
 * handed to an outbox must leave that to us, or the pace and attempt bounds here mean nothing:
 * `new WebClient(token, { slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true })`
 * (`outboxFor` builds such a client itself from the app's token and API URL).
 */

/** A message to post; `text` + `blocks` pass through `enforceLimits` before they leave. */
export interface OutboxMessage extends SlackMessage {
  /** Channel id (C…/G…/D…). For a person, use `sendDm`. */
  channel: string;
  /** Reply in a thread instead of the channel. */
  threadTs?: string;
  /** Slack message metadata, e.g. a run id that lets a restarted job find a post it already made. */
  metadata?: MessageMetadata;
  /** Link and media previews are noise in digests and alerts; off unless asked. */
  unfurl?: boolean;
  /**
   * Asked after the pace wait, right before each call to Slack: false (or a throw) means "do not send"
   * (the delivery layer checks that its claim is still its own), and the result is `failed` / `not_mine`.
   */
  guard?: () => Promise<boolean>;
}

export type SendResult =
  /**
   * `sentAt`: when the successful attempt left, by the outbox's clock (ms), for logs and pacing checks. `ts`:
   * the message's Slack timestamp; null when an `ok` answer carried none (Slack always sends one; a proxy or
   * stand-in may not), so no "undefined" is stored as a message to thread under or edit.
   */
  | { ok: true; channel: string; ts: string | null; attempts: number; sentAt: number }
  /** The channel or person cannot receive messages from us until someone fixes it; do not retry. */
  | { ok: false; reason: 'unreachable'; error: string; attempts: number }
  /** Gave up: a request Slack rejects, or a transient error that outlasted `maxAttempts`. */
  | { ok: false; reason: 'failed'; error: string; attempts: number }
  /** Not sent: Slack no longer accepts the token. Nothing left; try again later. */
  | { ok: false; reason: 'auth_lost'; error: string; attempts: number };

export interface OutboxOptions {
  /** Minimum milliseconds between any two messages (default 1000: one per second). */
  globalIntervalMs?: number;
  /** Minimum milliseconds between two messages to the same channel (default 1000). */
  perChannelIntervalMs?: number;
  /** Attempts per message, first try included (default 5). */
  maxAttempts?: number;
  /** Upper bound for one Retry-After wait, in seconds (default 120); a longer one counts as a failure. */
  maxRetryAfterSeconds?: number;
  /** Milliseconds since the epoch; injectable so tests run on virtual time. */
  now?: () => number;
  /** Waits `ms`; injectable so tests do not wait real seconds. */
  sleep?: (ms: number) => Promise<void>;
  /** Shared pace (default: an in-process pacer on `now` and `sleep` with the intervals above). */
  pacer?: Pacer;
  logger?: Logger;
}

export interface Outbox {
  /** Posts one message, paced and retried per the policy above. Never throws. */
  send(message: OutboxMessage): Promise<SendResult>;
  /** Opens (or reuses) the DM with a Slack user and posts there. Never throws. */
  sendDm(userId: string, message: Omit<OutboxMessage, 'channel'>): Promise<SendResult>;
  /** The IM channel id of a user (conversations.open), or why there is none. Never throws. */
  openDm?(userId: string): Promise<{ channel: string } | { fail: SendResult }>;
}

/** A send's error while the database (the shared pacer's home) is down: nothing was posted; retry later. */
export const DATABASE_UNREACHABLE = 'database_unreachable';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A lost token is re-tried (auth.test) at most this often per outbox. */
const AUTH_PROBE_MS = 30_000;

/** Creates an outbox over `client`. One per process and client, so the pace is shared by every sender. */
export function createOutbox(client: WebClient, options: OutboxOptions = {}): Outbox {
  const globalInterval = options.globalIntervalMs ?? 1000;
  const channelInterval = options.perChannelIntervalMs ?? 1000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger;

  const pacer =
    options.pacer ??
    createLocalPacer(now, { globalIntervalMs: globalInterval, perChannelIntervalMs: channelInterval, sleep });
  const dmChannels = new Map<string, string>();
  let lastProbe = Number.NEGATIVE_INFINITY;

  const waitTurn = (channel: string): Promise<number> => pacer.waitTurn(channel);

  /** Null when sends may go ahead; else the lost token's error (after an auth.test probe at most every 30 s). */
  const authBlocked = async (): Promise<string | null> => {
    const lost = await pacer.authLost();
    if (!lost) return null;
    if (now() - lastProbe < AUTH_PROBE_MS) return lost;
    lastProbe = now();
    try {
      await client.auth.test();
    } catch {
      return lost;
    }
    if (await pacer.clearAuthLost())
      logger?.info({ was: lost }, 'Slack accepts the token again; sends resume');
    return null;
  };

  const authFailed = async (error: string): Promise<void> => {
    if (await pacer.setAuthLost(error).catch(() => true))
      logger?.error(
        { error },
        'Slack rejected the bot token: all sends stopped, /healthz unhealthy, until a call succeeds (reinstall the app or fix SLACK_BOT_TOKEN)',
      );
  };

  const withRetries = async <T extends { kind: 'ok' }>(
    channel: string,
    guard: (() => Promise<boolean>) | undefined,
    call: () => Promise<T | Exclude<Attempt, { kind: 'ok' }>>,
  ): Promise<{ result: T; sentAt: number } | { fail: SendResult }> => {
    let backoffMs = 1000;
    for (let attempt = 1; ; attempt++) {
      const blocked = await authBlocked();
      if (blocked) return { fail: { ok: false, reason: 'auth_lost', error: blocked, attempts: attempt - 1 } };
      const sentAt = await waitTurn(channel);
      if (guard && !(await guard().catch(() => false)))
        return { fail: { ok: false, reason: 'failed', error: 'not_mine', attempts: attempt - 1 } };
      const outcome = await call();
      if (outcome.kind === 'ok') {
        // Slack accepted the message: nothing after this may throw (a database outage here must not turn a
        // sent message into a failure that is retried, and so posted twice).
        if (await pacer.clearAuthLost().catch(() => false))
          logger?.info('Slack accepts the token again; sends resume');
        return { result: outcome as T, sentAt };
      }
      if (outcome.kind === 'auth_lost') {
        await authFailed(outcome.error);
        return { fail: { ok: false, reason: 'auth_lost', error: outcome.error, attempts: attempt } };
      }
      if (outcome.kind === 'unreachable') {
        return { fail: { ok: false, reason: 'unreachable', error: outcome.error, attempts: attempt } };
      }
      if (outcome.kind === 'rejected') {
        return { fail: { ok: false, reason: 'failed', error: outcome.error, attempts: attempt } };
      }
      const error = outcome.kind === 'rate_limited' ? 'ratelimited' : outcome.error;
      if (attempt >= maxAttempts) {
        return { fail: { ok: false, reason: 'failed', error, attempts: attempt } };
      }
      if (outcome.kind === 'rate_limited') {
        if (outcome.retryAfterSeconds > maxRetryAfter) {
          return { fail: { ok: false, reason: 'failed', error, attempts: attempt } };
        }
        const waitMs = Math.max(1, outcome.retryAfterSeconds) * 1000;
        // Everyone waits (every instance on a shared pacer): the limit is the app's, not this message's.
        await pacer.pause(waitMs).catch(() => sleep(waitMs));
        logger?.warn(
          { method: 'chat.postMessage', channel, retryAfterSeconds: outcome.retryAfterSeconds, attempt },
          'slack rate limited',
        );
      } else {
        logger?.warn({ channel, error, attempt }, 'slack post failed, retrying');
        await sleep(backoffMs);
        backoffMs *= 2;
      }
    }
  };

  const send = async (message: OutboxMessage): Promise<SendResult> => {
    const limited = enforceLimits({ text: message.text, blocks: message.blocks });
    let attempts = 0;
    const outcome = await withRetries(message.channel, message.guard, async () => {
      attempts++;
      try {
        const res = await client.chat.postMessage({
          channel: message.channel,
          text: limited.text,
          blocks: limited.blocks as KnownBlock[],
          unfurl_links: message.unfurl ?? false,
          unfurl_media: message.unfurl ?? false,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          ...(message.metadata ? { metadata: message.metadata } : {}),
        });
        const ts = typeof res.ts === 'string' && res.ts !== '' ? res.ts : null;
        return { kind: 'ok' as const, channel: String(res.channel ?? message.channel), ts };
      } catch (err) {
        return classify(err, 'post');
      }
    });
    if ('fail' in outcome) return outcome.fail;
    const { channel, ts } = outcome.result;
    return { ok: true, channel, ts, attempts, sentAt: outcome.sentAt };
  };

  const openDm = async (userId: string): Promise<{ channel: string } | { fail: SendResult }> => {
    const cached = dmChannels.get(userId);
    if (cached) return { channel: cached };
    // conversations.open is a different method with its own (generous) limit: it is not paced by channel.
    for (let attempt = 1; ; attempt++) {
      let outcome: Attempt;
      try {
        const res = await client.conversations.open({ users: userId });
        const id = res.channel?.id;
        if (!id) return { fail: { ok: false, reason: 'failed', error: 'no_channel', attempts: attempt } };
        dmChannels.set(userId, id);
        return { channel: id };
      } catch (err) {
        outcome = classify(err, 'open');
      }
      if (outcome.kind === 'auth_lost') {
        await authFailed(outcome.error);
        return { fail: { ok: false, reason: 'auth_lost', error: outcome.error, attempts: attempt } };
      }
      if (outcome.kind === 'unreachable' || outcome.kind === 'rejected' || attempt >= maxAttempts) {
        const error = outcome.kind === 'rate_limited' ? 'ratelimited' : (outcome as { error: string }).error;
        const reason = outcome.kind === 'unreachable' ? 'unreachable' : 'failed';
        return { fail: { ok: false, reason, error, attempts: attempt } };
      }
      await sleep(outcome.kind === 'rate_limited' ? Math.max(1, outcome.retryAfterSeconds) * 1000 : 1000);
    }
  };

  // The shared pacer lives in the database: while it is down every send throws. That is one outage, logged
  // once (warn) when the first send meets it; the delivery loop retries the rows without spending attempts.
  let databaseDown = false;
  const sent = (result: SendResult): SendResult => {
    if (databaseDown && result.ok) {
      databaseDown = false;
      logger?.info('database reachable again: sends resume');
    }
    return result;
  };
  const crashed = (err: unknown): SendResult => {
    if (isDatabaseOutage(err)) {
      if (!databaseDown) logger?.warn({ code: errorCode(err) }, 'database unreachable: sends wait for it');
      databaseDown = true;
      return { ok: false, reason: 'failed', error: DATABASE_UNREACHABLE, attempts: 0 };
    }
    // Defensive: a bug in here must not take down the job that called us.
    logger?.error({ err: describeError(err) }, 'outbox send crashed');
    return { ok: false, reason: 'failed', error: 'internal', attempts: 0 };
  };

  return {
    send: async (message) => {
      try {
        return sent(await send(message));
      } catch (err) {
        return crashed(err);
      }
    },
    sendDm: async (userId, message) => {
      try {
        const dm = await openDm(userId);
        if ('fail' in dm) return dm.fail;
        return sent(await send({ ...message, channel: dm.channel }));
      } catch (err) {
        return crashed(err);
      }
    },
    openDm: async (userId) => {
      try {
        const blocked = await authBlocked();
        if (blocked) return { fail: { ok: false, reason: 'auth_lost', error: blocked, attempts: 0 } };
        return await openDm(userId);
      } catch (err) {
        return { fail: crashed(err) };
      }
    },
  };
}

const registry = new WeakMap<WebClient, Outbox>();

/** Replaces the shared outbox of a client (tests with virtual time; main with configured pace). */
export function setOutbox(client: WebClient, outbox: Outbox): void {
  registry.set(client, outbox);
}

/**
 * The app's shared outbox for `deps.slack`, paced by TALLY_SLACK_POSTS_PER_SECOND; null without Slack
 * (local console). Digests and alerts call this, so they share one pace.
 *
 * It sends through its own WebClient (same token and SLACK_API_URL as `deps.slack`) built with
 * `retryConfig: { retries: 0 }, rejectRateLimitedCalls: true`, so the outbox owns the retry policy
 * whatever options the app's client was created with (Bolt's client keeps its own retries for replies).
 */
export function outboxFor(deps: Pick<Deps, 'slack' | 'config' | 'logger' | 'db'>): Outbox | null {
  if (!deps.slack) return null;
  const existing = registry.get(deps.slack);
  if (existing) return existing;
  const client = new WebClient(deps.slack.token, {
    slackApiUrl: deps.slack.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const globalIntervalMs = Math.round(1000 / deps.config.slackPostsPerSecond);
  const outbox = createOutbox(client, {
    globalIntervalMs,
    // Shared by every instance on this database: workspace rate, per-channel rule, 429 pauses, lost token.
    pacer: createPgPacer(deps.db, { globalIntervalMs, perChannelIntervalMs: 1000 }),
    logger: deps.logger,
  });
  registry.set(deps.slack, outbox);
  return outbox;
}
