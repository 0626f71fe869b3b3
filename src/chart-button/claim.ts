import { createHash } from 'node:crypto';
import { type Db, queryRows, sql } from '../db/client.js';
import { CHART_UPLOAD_LIMIT_MS } from './deliver.js';

/** Who pressed "Chart" on which answer message (the button's action id and value name the chart). */
export interface ChartPress {
  userId: string;
  channelId?: string;
  messageTs?: string;
  actionId: string;
  value: string;
}

/** A press's claim on drawing its chart: its key and when it was taken (what release compares). */
export interface ChartClaim {
  key: string;
  at: Date;
}

/**
 * How long a claim holds: a press gives up on its upload CHART_UPLOAD_LIMIT_MS after it came in, so a
 * claim older than that (its instance died, or could not release it) is stale and a new press takes it over.
 */
export const CHART_CLAIM_MS = CHART_UPLOAD_LIMIT_MS;

function chartPressKey(press: ChartPress): string {
  const parts = [press.userId, press.channelId ?? '', press.messageTs ?? '', press.actionId, press.value];
  return `chart:${createHash('sha256').update(parts.join('\n')).digest('hex')}`;
}

/**
 * Claims the drawing of one press's chart across instances: a claim for the first press of a person on an
 * answer message's Chart button, null while another press of it (a double click reaching another
 * instance, which shares only the database) holds the claim. The key is the person, the message (channel
 * and `message_ts`, either may be absent from a payload), the button's action id and value, stored as a
 * SHA-256 in `slack_seen_requests` as Share's claim is (src/answers/share-once.ts). Unlike Share's it does
 * not stand for good: the press gives it back once its chart is answered (releaseChart), so pressing
 * again later shows the chart again, and a claim older than CHART_CLAIM_MS is taken over (an instance
 * that died drawing). Rejects when the database cannot answer.
 */
export async function claimChart(db: Db, press: ChartPress, now: Date): Promise<ChartClaim | null> {
  const key = chartPressKey(press);
  const stale = new Date(now.getTime() - CHART_CLAIM_MS);
  const rows = await queryRows<{ key: string }>(
    db,
    sql`insert into slack_seen_requests (key, seen_at) values (${key}, ${now.toISOString()})
        on conflict (key) do update set seen_at = excluded.seen_at
        where slack_seen_requests.seen_at < ${stale.toISOString()}
        returning key`,
  );
  return rows.length > 0 ? { key, at: now } : null;
}

/**
 * Gives a claim back once its press has answered (picture or failure), so a later press may draw again;
 * only this claim (a claim taken over since is another press's). Rejects when the database cannot answer.
 */
export async function releaseChart(db: Db, claim: ChartClaim): Promise<void> {
  await queryRows(
    db,
    sql`delete from slack_seen_requests where key = ${claim.key} and seen_at = ${claim.at.toISOString()}`,
  );
}
