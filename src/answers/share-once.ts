import { createHash } from 'node:crypto';
import { type Db, queryRows, sql } from '../db/client.js';

/** The answer to a second "Share in channel" on the same answer message (Slack's and the console's). */
export const ALREADY_SHARED = 'You already shared this answer in the channel.';

/** Who clicked "Share in channel" on which answer message. */
export interface ShareClick {
  userId: string;
  channelId?: string;
  messageTs?: string;
  value: string;
}

function shareKey(click: ShareClick): string {
  const parts = [click.userId, click.channelId ?? '', click.messageTs ?? '', click.value];
  return `share:${createHash('sha256').update(parts.join('\n')).digest('hex')}`;
}

/**
 * Claims the one share of an answer message: true for the first "Share in channel" click on it, false for
 * any later one, from any instance (a double click, or a second click minutes later, posted the answer to
 * the channel twice). The key is the clicking user, the message the button is on (channel and `message_ts`,
 * either may be absent from a payload) and the button's value (the answer's state), stored as a SHA-256
 * in `slack_seen_requests` (`insert … on conflict do nothing`), so it is kept as long as a replayed request
 * is (15 minutes, src/http/seen-requests.ts) and purged with them. Rejects when the database cannot answer.
 */
export async function claimShare(db: Db, click: ShareClick, now: Date): Promise<boolean> {
  const key = shareKey(click);
  const rows = await queryRows<{ key: string }>(
    db,
    sql`insert into slack_seen_requests (key, seen_at) values (${key}, ${now.toISOString()})
        on conflict (key) do nothing returning key`,
  );
  return rows.length > 0;
}

/**
 * Gives a claim back (deletes its key) after the share's post definitely failed (Slack answered it with an
 * error status), so the next click may try again. Never after a post that may have landed (no answer in
 * time): a second click would post the answer twice. Rejects when the database cannot answer.
 */
export async function releaseShare(db: Db, click: ShareClick): Promise<void> {
  await queryRows(db, sql`delete from slack_seen_requests where key = ${shareKey(click)}`);
}
