import type { WebClient } from '@slack/web-api';

/**
 * Slack quirk used as our own idempotency key: chat.postMessage has none, but a message can carry
 * metadata, and conversations.history returns it with `include_all_metadata`. Best effort: without the
 * history scope (or on any error) this finds nothing and the run is posted.
 */
export async function findPostedRun(
  client: WebClient,
  channel: string,
  runId: number,
  slot: Date,
): Promise<string | null> {
  try {
    const res = await client.conversations.history({
      channel,
      oldest: String(Math.floor(slot.getTime() / 1000)),
      include_all_metadata: true,
      limit: 200,
    });
    const hit = res.messages?.find(
      (m) =>
        m.metadata?.event_type === 'tally_digest' &&
        Number((m.metadata.event_payload as Record<string, unknown> | undefined)?.run_id) === runId,
    );
    return hit?.ts ?? null;
  } catch {
    return null;
  }
}
