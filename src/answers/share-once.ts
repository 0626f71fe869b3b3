import { createHash } from 'node:crypto';
import { type Db, queryRows, sql } from '../db/client.js';

/**
 * Claims the one share of an answer message: true for the first "Share in channel" click on it, false for
 * any later one, from any instance (a double click, or a second click minutes later, posted the answer to
 * the channel twice). The key is the clicking user, the message the button is on (channel and `message_ts`,
 * either may be absent from a payload) and the button's value (the answer's state), stored as a SHA-256
 * in `slack_seen_requests` (`insert … on conflict do nothing`), so it is kept as long as a replayed request
 * is (15 minutes, src/http/seen-requests.ts) and purged with them. Rejects when the database cannot answer.
 */
export async function claimShare(
  db: Db,
  click: { userId: string; channelId?: string; messageTs?: string; value: string },
  now: Date,
): Promise<boolean> {
  const parts = [click.userId, click.channelId ?? '', click.messageTs ?? '', click.value];
  const key = `share:${createHash('sha256').update(parts.join('\n')).digest('hex')}`;
  const rows = await queryRows<{ key: string }>(
    db,
    sql`insert into slack_seen_requests (key, seen_at) values (${key}, ${now.toISOString()})
        on conflict (key) do nothing returning key`,
  );
  return rows.length > 0;
}
