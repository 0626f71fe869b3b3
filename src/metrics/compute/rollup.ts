import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import type { Dimension, Scope } from '../types.js';
import type { Window } from './rows.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A part of a window served by one rollup grain: 'h' hour, 'd' day or 'm' month buckets, [start, end). */
interface RollupRange {
  window: number;
  grain: 'h' | 'd' | 'm';
  start: Date;
  end: Date;
}

const nextMonth = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
const ceilMonth = (ms: number): number => {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return start === ms ? ms : nextMonth(ms);
};

/**
 * Splits windows into whole UTC months, the whole UTC days around them and the hours at either edge, or
 * null when a bound is not on a whole UTC hour (zones with :30/:45 offsets): those are computed raw.
 */
export function rollupRanges(windows: Window[]): RollupRange[] | null {
  const out: RollupRange[] = [];
  const push = (window: number, grain: RollupRange['grain'], s: number, e: number) => {
    if (s < e) out.push({ window, grain, start: new Date(s), end: new Date(e) });
  };
  for (const [i, w] of windows.entries()) {
    const s = w.start.getTime();
    const e = w.end.getTime();
    if (s % HOUR !== 0 || e % HOUR !== 0) return null;
    const ds = Math.ceil(s / DAY) * DAY;
    const de = Math.floor(e / DAY) * DAY;
    if (ds >= de) {
      push(i, 'h', s, e);
      continue;
    }
    push(i, 'h', s, ds);
    push(i, 'h', de, e);
    const ms = ceilMonth(ds);
    let me = ms;
    while (nextMonth(me) <= de) me = nextMonth(me);
    if (ms < me) {
      push(i, 'd', ds, ms);
      push(i, 'm', ms, me);
      push(i, 'd', me, de);
    } else {
      push(i, 'd', ds, de);
    }
  }
  return out;
}

/**
 * The rollup rows of `table` in the ranges, narrowed to the scope, as relation `r`, with each row's window
 * index as `w.i`. One UNION ALL arm per range with its bounds as parameters: the planner sees the real
 * ranges and takes the team or rep index where it is narrower than the key index (a VALUES list joined
 * LATERAL hides the bounds, and a plain range join gets a hash join over a sequential scan).
 */
export function rollupRows(ranges: RollupRange[], scope: Scope, table: SQL = sql`metric_rollups`): SQL {
  const filter =
    scope.kind === 'rep'
      ? sql`and r.rep_id = ${scope.repId}`
      : scope.kind === 'team'
        ? sql`and r.team_id = ${scope.teamId}`
        : sql``;
  const arms = ranges.map(
    (r) => sql`select ${r.window}::int as wi, r.* from ${table} r
      where r.grain = ${r.grain}::char(1) and r.bucket >= ${r.start.toISOString()}::timestamptz
        and r.bucket < ${r.end.toISOString()}::timestamptz ${filter}`,
  );
  return sql`(${sql.join(arms, sql` union all `)}) r cross join lateral (select r.wi as i) w`;
}

/** Segment key from rollups (0 = no rep / no team, like NULL in raw rows); null for dimensions rollups lack. */
export function rollupSegment(by: Dimension): SQL | null {
  if (by === 'rep') return sql`nullif(r.rep_id, 0)::text`;
  if (by === 'team') return sql`nullif(r.team_id, 0)::text`;
  return null;
}
