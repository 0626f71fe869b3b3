import type { WebClient } from '@slack/web-api';
import { classify } from './outbox-errors.js';

export type FindResult =
  | { kind: 'found'; ts: string }
  | { kind: 'absent' }
  /** Slack could not be read: its error code (`ratelimited` for a 429, with the Retry-After seconds). */
  | { kind: 'unknown'; error: string; retryAfterSeconds?: number };

/**
 * Slack quirk used as our idempotency key: chat.postMessage has none, but a message carries metadata,
 * and conversations.history returns it with `include_all_metadata`. Looks for a message in `channel`
 * (a channel, or the IM of a DM) since `since` whose metadata has `delivery_key` = `key`.
 *
 * Limits (documented in docs/architecture.md): needs the history scopes (`channels:history`,
 * `groups:history`, `im:history`); reads the newest 200 messages since `since`; a failure to read is
 * `unknown`, and the caller then sends (at-least-once for that one message).
 */
export async function findPostedByKey(
  client: WebClient,
  channel: string,
  key: string,
  since: Date,
): Promise<FindResult> {
  try {
    const res = await client.conversations.history({
      channel,
      oldest: String(Math.floor(since.getTime() / 1000) - 60),
      include_all_metadata: true,
      limit: 200,
    });
    const hit = res.messages?.find(
      (m) => (m.metadata?.event_payload as Record<string, unknown> | undefined)?.delivery_key === key,
    );
    return hit?.ts ? { kind: 'found', ts: hit.ts } : { kind: 'absent' };
  } catch (err) {
    const failure = classify(err);
    return failure.kind === 'rate_limited'
      ? { kind: 'unknown', error: 'ratelimited', retryAfterSeconds: failure.retryAfterSeconds }
      : { kind: 'unknown', error: failure.error };
  }
}
