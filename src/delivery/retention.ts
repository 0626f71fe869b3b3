import { type Db, queryRows, sql } from '../db/client.js';

/** Rows removed by one retention pass, per table. */
export interface PurgeReport {
  deliveries: number;
  digestRuns: number;
  leadNudges: number;
  slipAlerts: number;
  paceRows: number;
}

/**
 * Deletes finished ledger rows older than `days` (TALLY_DELIVERY_RETENTION_DAYS, default 90, at least 8 so
 * the digest look-back and the 7-day nudge window never lose the rows that stop a repeat): deliveries that
 * are sent / failed / skipped, digest runs by slot, lead nudges and slip alerts by claim time (rows still
 * `claimed` are kept), and per-channel pace rows idle for a day. On the database clock.
 */
export async function purgeOldDeliveries(db: Db, days: number): Promise<PurgeReport> {
  const count = async (q: ReturnType<typeof sql>) =>
    (
      await queryRows<{ n: number }>(db, sql`with d as (${q} returning 1) select count(*)::int as n from d`)
    )[0]?.n ?? 0;
  const cutoff = sql`clock_timestamp() - make_interval(days => ${days})`;
  return {
    deliveries: await count(
      sql`delete from deliveries where state in ('sent', 'failed', 'skipped') and updated_at < ${cutoff}`,
    ),
    digestRuns: await count(sql`delete from digest_runs where state <> 'claimed' and slot < ${cutoff}`),
    leadNudges: await count(
      sql`delete from lead_nudges where status <> 'claimed' and claimed_at < ${cutoff}`,
    ),
    slipAlerts: await count(
      sql`delete from slip_alerts where status <> 'claimed' and claimed_at < ${cutoff}`,
    ),
    paceRows: await count(
      sql`delete from slack_pace where key like 'channel:%' and next_at < clock_timestamp() - interval '1 day'`,
    ),
  };
}
