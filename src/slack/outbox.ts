import type { KnownBlock, MessageMetadata } from '@slack/types';
import { WebClient } from '@slack/web-api';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { enforceLimits, type SlackMessage } from './limits.js';
import { type Attempt, classify } from './outbox-errors.js';

/**
 * The one paced sender for messages the bot starts on its own (digests, alerts, nudges). Slash-command
 * answers go through `respond` and do not need it.
 *
 * Policy, owned here and nowhere else:
 * - pacing: at least `perChannelIntervalMs` between two messages to the same channel (Slack allows about
 *   one chat.postMessage per second per channel) and at least `globalIntervalMs` between any two messages
 *   (workspace-wide pace, default one per second);
 * - HTTP 429: wait the Retry-After, pause every sender (Slack's limits are per method and workspace), retry;
 * - destination errors (`not_in_channel`, `channel_not_found`, `is_archived`, `user_not_found`,
 *   `cannot_dm_bot`, `account_inactive`, …): returned as `unreachable` at once, never retried;
 * - request errors that retrying cannot fix (`invalid_blocks`, `invalid_auth`, …): `failed` at once;
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
}

export type SendResult =
  /** `sentAt`: when the successful attempt left, by the outbox's clock (ms), for logs and pacing checks. */
  | { ok: true; channel: string; ts: string; attempts: number; sentAt: number }
  /** The channel or person cannot receive messages from us until someone fixes it; do not retry. */
  | { ok: false; reason: 'unreachable'; error: string; attempts: number }
  /** Gave up: a request Slack rejects, or a transient error that outlasted `maxAttempts`. */
  | { ok: false; reason: 'failed'; error: string; attempts: number };

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
  logger?: Logger;
}

export interface Outbox {
  /** Posts one message, paced and retried per the policy above. Never throws. */
  send(message: OutboxMessage): Promise<SendResult>;
  /** Opens (or reuses) the DM with a Slack user and posts there. Never throws. */
  sendDm(userId: string, message: Omit<OutboxMessage, 'channel'>): Promise<SendResult>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates an outbox over `client`. One per process and client, so the pace is shared by every sender. */
export function createOutbox(client: WebClient, options: OutboxOptions = {}): Outbox {
  const globalInterval = options.globalIntervalMs ?? 1000;
  const channelInterval = options.perChannelIntervalMs ?? 1000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger;

  let globalNext = 0;
  const channelNext = new Map<string, number>();
  const dmChannels = new Map<string, string>();

  // Reservations are taken synchronously, so concurrent senders never get the same slot.
  const reserve = (channel: string): number => {
    const at = Math.max(now(), globalNext, channelNext.get(channel) ?? 0);
    globalNext = at + globalInterval;
    channelNext.set(channel, at + channelInterval);
    return at;
  };

  const waitTurn = async (channel: string): Promise<number> => {
    const at = reserve(channel);
    const wait = at - now();
    if (wait > 0) await sleep(wait);
    return at;
  };

  const withRetries = async <T extends { kind: 'ok' }>(
    channel: string,
    call: () => Promise<T | Exclude<Attempt, { kind: 'ok' }>>,
  ): Promise<{ result: T; sentAt: number } | { fail: SendResult }> => {
    let backoffMs = 1000;
    for (let attempt = 1; ; attempt++) {
      const sentAt = await waitTurn(channel);
      const outcome = await call();
      if (outcome.kind === 'ok') return { result: outcome as T, sentAt };
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
        // Everyone waits: the limit is the app's, not this message's.
        globalNext = Math.max(globalNext, now() + waitMs);
        logger?.warn(
          { channel, retryAfterSeconds: outcome.retryAfterSeconds, attempt },
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
    const outcome = await withRetries(message.channel, async () => {
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
        return { kind: 'ok' as const, channel: String(res.channel ?? message.channel), ts: String(res.ts) };
      } catch (err) {
        return classify(err);
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
        outcome = classify(err);
      }
      if (outcome.kind === 'unreachable' || outcome.kind === 'rejected' || attempt >= maxAttempts) {
        const error = outcome.kind === 'rate_limited' ? 'ratelimited' : (outcome as { error: string }).error;
        const reason = outcome.kind === 'unreachable' ? 'unreachable' : 'failed';
        return { fail: { ok: false, reason, error, attempts: attempt } };
      }
      await sleep(outcome.kind === 'rate_limited' ? Math.max(1, outcome.retryAfterSeconds) * 1000 : 1000);
    }
  };

  return {
    send: async (message) => {
      try {
        return await send(message);
      } catch (err) {
        // Defensive: a bug in here must not take down the job that called us.
        logger?.error({ err: describeError(err) }, 'outbox send crashed');
        return { ok: false, reason: 'failed', error: 'internal', attempts: 0 };
      }
    },
    sendDm: async (userId, message) => {
      const dm = await openDm(userId);
      if ('fail' in dm) return dm.fail;
      return send({ ...message, channel: dm.channel });
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
export function outboxFor(deps: Pick<Deps, 'slack' | 'config' | 'logger'>): Outbox | null {
  if (!deps.slack) return null;
  const existing = registry.get(deps.slack);
  if (existing) return existing;
  const client = new WebClient(deps.slack.token, {
    slackApiUrl: deps.slack.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const outbox = createOutbox(client, {
    globalIntervalMs: Math.round(1000 / deps.config.slackPostsPerSecond),
    logger: deps.logger,
  });
  registry.set(deps.slack, outbox);
  return outbox;
}
