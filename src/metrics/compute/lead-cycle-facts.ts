import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import type { Dimension, Scope } from '../types.js';
import type { AggregateSpec, MetricComputer, Row } from './aggregate.js';
import { windowedRows } from './aggregate.js';
import { runMetricQuery } from './query.js';
import { segmentLabelJoin, span } from './rows.js';

const iso = (d: Date) => d.toISOString();

/**
 * Rows of `lead_wins` closed in [min, max) that belong to `scope`, with `ts` (the close), `raw_days` (local
 * calendar days from start to close in `zone`, unclamped), `from_creation` and `seg` (the split's key, text,
 * when `by` is given). A team is its reps' memberships at the close ([valid_from, valid_to)), exactly as raw
 * rows (`scopedRows`): a rep in two teams at once counts in both, a rep who moved counts where they were.
 * The team's read starts from its memberships and reads each one's facts by `lead_wins_rep_closed_idx`
 * within that membership's validity (a fenced lateral subquery, so the plan cannot fall back to reading the
 * whole org's facts and joining them to the team), so it reads only the team's facts. The days are computed
 * once per row, where the row is read.
 */
function factRows(scope: Scope, min: Date, max: Date, zone: string, by?: Dimension): SQL {
  const days = sql`((f.closed_at at time zone ${zone})::date - (f.started_at at time zone ${zone})::date)`;
  const bounds = sql`f.closed_at >= ${iso(min)}::timestamptz and f.closed_at < ${iso(max)}::timestamptz`;
  const cols = sql`f.closed_at as ts, f.rep_id, ${days} as raw_days, f.from_creation`;
  const seg = (team: SQL): SQL => {
    switch (by) {
      case undefined:
        return sql``;
      case 'rep':
        return sql`, f.rep_id::text as seg`;
      case 'team':
        return sql`, ${team}::text as seg`;
      case 'product':
        return sql`, f.product as seg`;
      case 'source':
        return sql`, f.source as seg`;
      default:
        return sql`, null::text as seg`;
    }
  };
  if (scope.kind === 'team') {
    return sql`select f.*${seg(sql`m.team_id`)} from team_memberships m
      cross join lateral (select ${cols}, f.product, f.source from lead_wins f
        where f.rep_id = m.rep_id and ${bounds}
          and f.closed_at >= m.valid_from and f.closed_at < coalesce(m.valid_to, 'infinity'::timestamptz)
        offset 0) f
      where m.team_id = ${scope.teamId} and m.valid_from < ${iso(max)}::timestamptz
        and (m.valid_to is null or m.valid_to > ${iso(min)}::timestamptz)`;
  }
  const teamJoin =
    by === 'team'
      ? sql`left join team_memberships m on m.rep_id = f.rep_id and m.valid_from <= f.closed_at
          and (m.valid_to is null or f.closed_at < m.valid_to)`
      : sql``;
  const rep = scope.kind === 'rep' ? sql`and f.rep_id = ${scope.repId}` : sql``;
  return sql`select ${cols}${seg(sql`m.team_id`)} from lead_wins f ${teamJoin} where ${bounds} ${rep}`;
}

/**
 * The aggregates of lead-to-close per group `g` from rows `x` (g, raw_days, from_creation, ts), without
 * sorting the rows: first a histogram of whole days per group (one hashed pass over the rows; the days
 * are only a grouping key), then from it the count `n`, the exact median (`median`: the mean of the values
 * at 0-based ranks ⌊(n − 1)/2⌋ and ⌊n/2⌋ of the days clamped at 0, which is what `percentile_cont(0.5)`
 * returns), the mean (`mean`: the sum over the count in numeric, as `avg` computes it), `skewed` (days < 0),
 * `from_creation`, `newest_epoch` (latest close, epoch seconds) and, for group `headline` only, the two middle
 * values `mid_lo` and `mid_hi` (median-inputs.ts). Same output as the raw rows' `percentile_cont` and `avg`.
 */
function histogramAggregates(rows: SQL, headline: number | null): SQL {
  const lo = sql`min(r.v) filter (where r.cum >= (r.n + 1) / 2)`;
  const hi = sql`min(r.v) filter (where r.cum >= r.n / 2 + 1)`;
  const mids =
    headline === null
      ? sql``
      : sql`, (case when r.g = ${headline} then ${lo} end)::float8 as mid_lo,
          (case when r.g = ${headline} then ${hi} end)::float8 as mid_hi`;
  return sql`with h as (
      select x.g, x.raw_days as d, count(*) as c, count(*) filter (where x.from_creation) as fc,
        max(x.ts) as newest
      from (${rows}) x group by x.g, x.raw_days
    ), r as (
      select h.*, greatest(0, h.d) as v,
        (sum(h.c) over (partition by h.g order by greatest(0, h.d), h.d))::bigint as cum,
        (sum(h.c) over (partition by h.g))::bigint as n
      from h
    )
    select r.g, r.n::int as n, ((${lo} + ${hi}) / 2.0)::float8 as median,
      (sum(r.v * r.c) / r.n)::float8 as mean,
      coalesce(sum(r.c) filter (where r.d < 0), 0)::int as skewed, sum(r.fc)::int as from_creation,
      extract(epoch from max(r.newest))::float8 as newest_epoch${mids}
    from r group by r.g, r.n`;
}

/**
 * Lead-to-close over `lead_wins` (src/db/schema/lead-wins.ts) for every window of a series in one statement
 * and for a split in one statement; `finalize` turns a group's row into the answer, the same as for raw rows.
 * Days are local calendar days in the asked period's zone (`ctx.timezone`, else the default, else UTC).
 */
export function leadCycleFactsComputer(finalize: AggregateSpec['finalize']): MetricComputer {
  const zoneOf = (ctx: { timezone?: string; defaultTimezone?: string }) =>
    ctx.timezone ?? ctx.defaultTimezone ?? 'UTC';
  return {
    async windows(db, scope, windows, headline, ctx) {
      const { min, max } = span(windows);
      const tagged = sql`select x.wi as g, x.raw_days, x.from_creation, x.ts
        from (${windowedRows(windows, factRows(scope, min, max, zoneOf(ctx)))}) x`;
      const rows = await runMetricQuery<Row>(db, histogramAggregates(tagged, headline));
      const byWindow = new Map(rows.map((r) => [String(r.g), r]));
      return windows.map((window, i) => {
        const row = byWindow.get(String(i));
        const done = finalize({
          rows: row ? [row] : [],
          currency: null,
          window,
          workingDays: ctx.workingDays[i] ?? 0,
          ctx,
        });
        const epoch = Number(row?.newest_epoch ?? 0);
        return { ...done, newest: epoch > 0 ? new Date(epoch * 1000) : null };
      });
    },
    async segments(db, scope, window, by, ctx) {
      const { join, label } = segmentLabelJoin(by);
      const rows = sql`select x.seg as g, x.raw_days, x.from_creation, x.ts
        from (${factRows(scope, window.start, window.end, zoneOf(ctx), by)}) x`;
      const found = await runMetricQuery<Row>(
        db,
        sql`select a.*, ${label} as label from (${histogramAggregates(rows, null)}) a ${join}`,
      );
      return found.map((row) => {
        const done = finalize({
          rows: [row],
          currency: null,
          window,
          workingDays: ctx.workingDays.at(-1) ?? 0,
          ctx,
        });
        return {
          key: row.g === null ? null : String(row.g),
          label: String(row.label),
          value: done.value,
          n: done.n,
        };
      });
    },
  };
}
