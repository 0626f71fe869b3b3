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

/** `(values (i, grain, s, e), …) as w(i, grain, s, e)`. */
export function rollupRelation(ranges: RollupRange[]): SQL {
  const rows = ranges.map(
    (r) =>
      sql`(${r.window}::int, ${r.grain}::char(1), ${r.start.toISOString()}::timestamptz, ${r.end.toISOString()}::timestamptz)`,
  );
  return sql`(values ${sql.join(rows, sql`, `)}) as w(i, grain, s, e)`;
}

/** Join condition of rollup rows `r` to the ranges `w`, narrowed to the scope. */
export function rollupJoin(scope: Scope): SQL {
  const filter =
    scope.kind === 'rep'
      ? sql`and r.rep_id = ${scope.repId}`
      : scope.kind === 'team'
        ? sql`and r.team_id = ${scope.teamId}`
        : sql``;
  // LATERAL with OFFSET 0 (so it is not flattened into a join) makes the planner scan the index once per
  // range; a plain range join from VALUES gets a hash join over a sequential scan of the whole table.
  return sql`cross join lateral (
    select r.* from metric_rollups r
    where r.grain = w.grain and r.bucket >= w.s and r.bucket < w.e ${filter}
    offset 0
  ) r`;
}

/** Segment key from rollups (0 = no rep / no team, like NULL in raw rows); null for dimensions rollups lack. */
export function rollupSegment(by: Dimension): SQL | null {
  if (by === 'rep') return sql`nullif(r.rep_id, 0)::text`;
  if (by === 'team') return sql`nullif(r.team_id, 0)::text`;
  return null;
}
