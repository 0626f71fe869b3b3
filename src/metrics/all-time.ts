import type { SQL } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../db/client.js';
import { allTimeSince } from './periods.js';
import type { Period, Scope } from './types.js';

/**
 * `all time` for a scope starts at the scope's first record: the earliest lead created, opportunity
 * created or activity logged that the scope owns (a rep's own; a team's by membership at the record's
 * instant, as metrics attribute rows; the org's all). Each lookup is an index probe on the
 * (rep, instant) indexes, never a scan. Returns the period unchanged when it is not `all time` or the
 * scope has no records; database errors propagate.
 */
export async function narrowAllTime(db: Db, scope: Scope, period: Period): Promise<Period> {
  if (!period.allTime) return period;
  return allTimeSince(period, await firstRecordAt(db, scope));
}

/**
 * The instant of the scope's first record (as `narrowAllTime` reads it: lead or opportunity created,
 * activity logged), or null when the scope has none. Index probes only; database errors propagate.
 */
export async function firstRecordAt(db: Db, scope: Scope): Promise<Date | null> {
  const rows = await queryRows<{ first: number | null }>(db, firstRecordQuery(scope));
  const epoch = rows[0]?.first;
  return epoch === null || epoch === undefined ? null : new Date(Number(epoch) * 1000);
}

function firstRecordQuery(scope: Scope): SQL {
  const epoch = (e: SQL) => sql`select extract(epoch from ${e})::float8 as first`;
  if (scope.kind === 'rep') {
    const r = scope.repId;
    return epoch(sql`least(
      (select min(created_at) from leads where owner_rep_id = ${r}),
      (select min(created_at) from opportunities where owner_rep_id = ${r}),
      (select min(occurred_at) from activities where rep_id = ${r}))`);
  }
  if (scope.kind === 'team') {
    // Per membership: the member's first record while in the team ([valid_from, valid_to)).
    const within = (col: SQL) => sql`${col} >= m.valid_from and (m.valid_to is null or ${col} < m.valid_to)`;
    return epoch(sql`(select min(least(
      (select min(l.created_at) from leads l where l.owner_rep_id = m.rep_id and ${within(sql`l.created_at`)}),
      (select min(o.created_at) from opportunities o where o.owner_rep_id = m.rep_id and ${within(sql`o.created_at`)}),
      (select min(a.occurred_at) from activities a where a.rep_id = m.rep_id and ${within(sql`a.occurred_at`)})))
      from team_memberships m where m.team_id = ${scope.teamId})`);
  }
  // Activities have no index on the instant alone: probe each rep's (and the rep-less rows') first one.
  return epoch(sql`least(
    (select min(created_at) from leads),
    (select min(created_at) from opportunities),
    (select min((select a.occurred_at from activities a where a.rep_id = r.id order by a.occurred_at limit 1)) from reps r),
    (select min(occurred_at) from activities where rep_id is null))`);
}
