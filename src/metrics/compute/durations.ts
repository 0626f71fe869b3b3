import { sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import type { DurationHistogram } from './histogram.js';

/**
 * The one rule for durations (response time, sales cycle, lead-to-close cycle): a record whose end comes
 * before its start (CRM clock skew, bad data) is clamped to 0 per record, before any median or mean, and
 * such records are counted in the answer's notes. Aggregates are never floored after averaging.
 */

/**
 * The note for `count` records whose duration was negative, e.g. "2 deals closed before they were created
 * (clock skew or bad data) count as 0 days." `what` is [singular, plural] phrase. Empty when none.
 */
export function negativeDurationNote(count: number, what: [string, string], zero: string): string[] {
  if (count <= 0) return [];
  return [
    `${formatCount(count)} ${count === 1 ? what[0] : what[1]} (clock skew or bad data) count${count === 1 ? 's' : ''} as ${zero}${count === 1 ? '' : ' each'}.`,
  ];
}

/**
 * Sales cycle of won deals in `cycle_rollups` / `cycle_team_rollups`: days from creation to close
 * (`tally_cycle_days`, clamped at 0 per deal), by the close's instant and the owner's team then; the raw
 * bucket reads use `opportunities_owner_cycle_vb_idx` and `opportunities_cycle_vb_idx` (won deals only).
 */
export const CYCLE: DurationHistogram = {
  repTable: sql`cycle_rollups`,
  teamTable: sql`cycle_team_rollups`,
  from: sql`opportunities l`,
  ts: sql`l.closed_at`,
  rep: sql`l.owner_rep_id`,
  where: sql`l.outcome = 'won'`,
  value: sql`tally_cycle_days(l.created_at, l.closed_at)`,
  vb: sql`tally_cycle_vb(tally_cycle_days(l.created_at, l.closed_at))`,
  microsPerUnit: 86_400_000_000,
};
