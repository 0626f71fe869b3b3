import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import type { Dimension, Scope } from '../types.js';
import type { AggregateSpec, MetricComputer, Row } from './aggregate.js';
import { runMetricQuery } from './query.js';
import { rollupRanges, rollupRows } from './rollup.js';
import { segmentLabelJoin, type Window } from './rows.js';

/**
 * A duration metric kept as a histogram (response time, sales cycle): where its histograms and its raw
 * records live. The raw record is aliased `l`; `value` and `vb` are the very expressions of the histogram
 * triggers and of the bucket indexes, so a bucket read returns exactly the values the histogram counted.
 */
export interface DurationHistogram {
  /** Rep-level histogram (grain, bucket, rep_id, team_id, vb, n, micros, skewed, newest_at). */
  repTable: SQL;
  /** The same without the rep dimension (team and org reads). */
  teamTable: SQL;
  /** Raw records, aliased `l`. */
  from: SQL;
  /** The instant that puts a record in a period and in a team. */
  ts: SQL;
  rep: SQL;
  /** Which raw records count (e.g. won deals). */
  where: SQL;
  /** The record's value (float8), null when it has none yet (an unanswered lead: bucket -1). */
  value: SQL;
  vb: SQL;
  /** Microseconds per unit of `value`, for the exact mean (1e6 for seconds, 86 400e6 for days). */
  microsPerUnit: number;
}

/** One group's histogram figures: a window (g = index) or a rep / team of a split (g = id, 0 = none). */
export interface HistogramRow {
  g: number;
  label?: string;
  /** Records in the group, with or without a value. */
  total: number;
  /** Records with a value (the median's n). */
  valued: number;
  /** Exact mean of the values (Σ microseconds ÷ (n × microsPerUnit), rounded once); null when none, and in a split. */
  mean: number | null;
  /** Records whose end came before their start (clamped to 0). */
  skewed: number;
  newest: Date | null;
  /** Exactly `percentile_cont(0.5)` of the values; null when none. */
  median: number | null;
  /** Exactly `percentile_cont(0.9)`, only for the group asked (`p90For`); else null. */
  p90: number | null;
  /** The middle values behind the median (ranks ⌊(n − 1)/2⌋ and ⌊n/2⌋, 0-based; equal when n is odd). */
  midLo: number | null;
  midHi: number | null;
}

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Which histogram table answers: rep-level for a rep or a split by rep, team-level otherwise. */
function tableFor(h: DurationHistogram, scope: Scope, by?: Dimension): SQL {
  return scope.kind === 'rep' || by === 'rep' ? h.repTable : h.teamTable;
}

/**
 * The raw values of group `b.g` in bucket `b.vb` within [ww.s, ww.e), smallest first, the first `b.lim`.
 * A rep's through the owner index; a team's rep by rep through its memberships (each over the part of the
 * window the rep was in the team); the org's through the bucket index.
 */
function bucketValues(h: DurationHistogram, scope: Scope, by?: Dimension): SQL {
  const inWindow = sql`${h.ts} >= ww.s and ${h.ts} < ww.e`;
  const tail = sql`and ${h.vb} = b.vb and (${h.where}) order by 1 limit b.lim`;
  const rep = (id: SQL) =>
    sql`select ${h.value} as v from ${h.from} where ${h.rep} = ${id} and ${inWindow} ${tail}`;
  const team = (id: SQL, repFilter: SQL = sql``) =>
    sql`select ${h.value} as v from team_memberships m join ${h.from} on ${h.rep} = m.rep_id
        and ${h.ts} >= greatest(ww.s, m.valid_from) and ${h.ts} < ww.e
        and (m.valid_to is null or ${h.ts} < m.valid_to)
      where m.team_id = ${id} and m.valid_from < ww.e and (m.valid_to is null or m.valid_to > ww.s) ${repFilter}
      ${tail}`;
  const at = sql`m.rep_id = ${h.rep} and m.valid_from <= ${h.ts} and (m.valid_to is null or ${h.ts} < m.valid_to)`;
  const either = (zero: SQL, other: SQL) => sql`(${zero}) union all (${other})`;
  if (scope.kind === 'rep') {
    if (by !== 'team') return rep(sql`${scope.repId}`);
    return sql`select ${h.value} as v from ${h.from} left join team_memberships m on ${at}
      where ${h.rep} = ${scope.repId} and coalesce(m.team_id, 0) = b.g and ${inWindow} ${tail}`;
  }
  if (scope.kind === 'team')
    return team(sql`${scope.teamId}`, by === 'rep' ? sql`and m.rep_id = b.g` : sql``);
  if (by === 'rep')
    return either(
      sql`select ${h.value} as v from ${h.from} where b.g = 0 and ${h.rep} is null and ${inWindow} ${tail}`,
      sql`select * from (${rep(sql`b.g`)}) r where b.g <> 0`,
    );
  if (by === 'team')
    return either(
      sql`select ${h.value} as v from ${h.from} left join team_memberships m on ${at}
        where b.g = 0 and m.rep_id is null and ${inWindow} ${tail}`,
      sql`select * from (${team(sql`b.g`)}) t where b.g <> 0`,
    );
  return sql`select ${h.value} as v from ${h.from} where ${inWindow} ${tail}`;
}

/**
 * The picked percentiles of every group at once: per group, quantile k's `percentile_cont` from its ranks
 * `lo` and `hi` (its own interpolation), and the median's middle values, for "How is this calculated?".
 * Joined to `t` by group, not a subquery per group: a split by rep has hundreds of groups, and a correlated
 * scan of `q` and `vals` per group made it quadratic (about 0.7 ms a rep on the bench data).
 */
// Each quantile's two ranks are read in one hash join of `q` with `vals` on the group (a group has at most
// four picked values), not two joins on (group, rank): the planner estimated one row for each CTE and
// nested-looped the second join, comparing every pair (org × year by rep: 537,285 pairs, ~55 ms).
const picked = sql`res as (
    select m.g,
      max(case when m.hi > m.lo then m.lo_val + (m.hi_val - m.lo_val) * m.prop else m.lo_val end) filter (where m.k = 0) as median,
      max(case when m.hi > m.lo then m.lo_val + (m.hi_val - m.lo_val) * m.prop else m.lo_val end) filter (where m.k = 1) as p90,
      max(m.lo_val) filter (where m.k = 0) as mid_lo,
      max(m.hi_val) filter (where m.k = 0) as mid_hi
    from (
      select q.g, q.k, q.lo, q.hi, q.prop,
        max(vals.val) filter (where vals.rank = q.lo) as lo_val,
        max(vals.val) filter (where vals.rank = q.hi) as hi_val
      from q join vals on vals.g = q.g and (vals.rank = q.lo or vals.rank = q.hi)
      group by q.g, q.k, q.lo, q.hi, q.prop
    ) m
    group by m.g
  )`;

/**
 * Exact medians (and a p90) of a duration per group, in two steps. (1) From the histogram, the count of
 * records per group and value bucket, hence the total, the valued count, the exact mean (summed whole
 * microseconds), the clock-skew count, and the bucket holding each rank the percentiles need. (2) Only those
 * buckets' raw values, smallest first up to the deepest rank needed, to pick the ranks; the interpolation is
 * `percentile_cont`'s own (rank p × (n − 1), lo + (hi − lo) × fraction, in float8), so the result equals it
 * exactly. Groups are the windows (`by` undefined; g = window index) or the reps / teams of one window
 * (g = id, 0 = none); `p90For` names the one window whose p90 is wanted. One round trip. Returns null when a
 * window bound is not on a whole UTC hour (zones with :30/:45 offsets): the caller reads raw rows.
 */
export async function histogramFigures(
  db: Db,
  h: DurationHistogram,
  scope: Scope,
  windows: Window[],
  opts: { by?: Extract<Dimension, 'rep' | 'team'>; p90For?: number } = {},
): Promise<HistogramRow[] | null> {
  const { by, p90For } = opts;
  // A split shows each group's median and n only: its means (a numeric sum over every histogram row, about
  // half the statement for the org's year by rep) are left out, null.
  const micros = by ? sql`null::numeric` : sql`sum(r.micros)`;
  const ranges = rollupRanges(windows, { quarters: true });
  if (!ranges) return null;
  const group = by === 'rep' ? sql`r.rep_id` : by === 'team' ? sql`r.team_id` : sql`w.i`;
  const bounds = sql.join(
    windows.map((w, i) => sql`(${i}::int, ${iso(w.start)}, ${iso(w.end)})`),
    sql`, `,
  );
  const quantiles =
    p90For === undefined
      ? sql`(values (0, 0.5::float8, null::int)) qq(k, p, for_g)`
      : sql`(values (0, 0.5::float8, null::int), (1, 0.9::float8, ${p90For}::int)) qq(k, p, for_g)`;
  const query = sql`with h as (
      select ${group} as g, r.vb, sum(r.n)::int as n, ${micros} as micros, sum(r.skewed)::int as skewed,
        max(r.newest_at) filter (where r.n > 0) as newest
      from ${rollupRows(ranges, scope, tableFor(h, scope, by))}
      group by 1, 2 having sum(r.n) > 0
    ),
    t as (
      select g, sum(n)::int as total, coalesce(sum(n) filter (where vb >= 0), 0)::int as valued,
        ${by ? micros : sql`coalesce(sum(micros) filter (where vb >= 0), 0)`} as micros, sum(skewed)::int as skewed, max(newest) as newest
      from h group by g
    ),
    c as (
      select g, vb, n, (sum(n) over (partition by g order by vb) - n)::int as before from h where vb >= 0
    ),
    q as (
      select t.g, qq.k, floor(qq.p * (t.valued - 1))::int as lo, ceil(qq.p * (t.valued - 1))::int as hi,
        qq.p * (t.valued - 1) - floor(qq.p * (t.valued - 1)) as prop
      from t join ${quantiles} on qq.for_g is null or qq.for_g = t.g
      where t.valued > 0
    ),
    k as (select distinct q.g, x.rank from q cross join lateral (values (q.lo), (q.hi)) x(rank)),
    p as (
      select k.g, k.rank, c.vb, k.rank - c.before as offs
      from k join c on c.g = k.g and k.rank >= c.before and k.rank < c.before + c.n
    ),
    b as (select p.g, p.vb, max(p.offs) + 1 as lim from p group by 1, 2),
    v as materialized (
      select b.g, b.vb, x.vals from b join (values ${bounds}) ww(i, s, e) on ww.i = ${by ? sql`0` : sql`b.g`}
      cross join lateral (select array_agg(z.v order by z.v) as vals from (${bucketValues(h, scope, by)}) z) x
    ),
    vals as (select p.g, p.rank, v.vals[p.offs + 1] as val from p join v on v.g = p.g and v.vb = p.vb),
    ${picked}
    select t.g, t.total, t.valued, t.skewed, extract(epoch from t.newest)::float8 as newest_epoch,
      (t.micros / nullif(t.valued * ${h.microsPerUnit}::numeric, 0))::float8 as mean,
      res.median, res.p90, res.mid_lo, res.mid_hi
    from t left join res on res.g = t.g`;
  const labelled = by
    ? (() => {
        const { join: labels, label } = segmentLabelJoin(by);
        return sql`select a.*, ${label} as label from (
            select nullif(x.g, 0)::text as g, x.total, x.valued, x.skewed, x.newest_epoch, x.mean, x.median, x.p90, x.mid_lo, x.mid_hi
            from (${query}) x
          ) a ${labels}`;
      })()
    : query;
  const rows = await runMetricQuery<Row>(db, labelled);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    ...(by ? { label: String(r.label) } : {}),
    g: r.g === null ? 0 : Number(r.g),
    total: Number(r.total),
    valued: Number(r.valued),
    mean: num(r.mean),
    skewed: Number(r.skewed ?? 0),
    newest:
      r.newest_epoch === null || r.newest_epoch === undefined
        ? null
        : new Date(Number(r.newest_epoch) * 1000),
    median: num(r.median),
    p90: num(r.p90),
    midLo: num(r.mid_lo),
    midHi: num(r.mid_hi),
  }));
}

/** How a metric reads its histogram: the finalize row of a group, and the headline's extra figures. */
export interface HistogramUse {
  histogram: DurationHistogram;
  /** The aggregate row `finalize` expects, from a group's histogram figures. */
  toRow(r: HistogramRow): Row;
  /** Whether the headline needs a p90. */
  p90?: boolean;
  /**
   * Extra headline figures (merged into its row), or null when the headline must be computed from raw
   * rows after all (e.g. response time for a team with business hours).
   */
  headlineExtras?(db: Db, scope: Scope, window: Window, now: Date): Promise<Row | null>;
}

/**
 * A duration metric answered from its histogram: every window (headline, previous period, series) and the
 * splits by rep or team, with the raw computer for what the histogram cannot answer exactly (`useRollups:
 * false`, window bounds off whole UTC hours, splits by source or product, `headlineExtras` returning null).
 */
export function withHistogram(
  raw: MetricComputer,
  finalize: AggregateSpec['finalize'],
  use: HistogramUse,
): MetricComputer {
  return {
    async windows(db, scope, windows, headline, ctx) {
      // One rep's raw rows are few: measured on the bench data, reading them (owner index) beats two steps
      // over the histogram (rep × quarter full answer 27 ms raw vs 388 ms, load 26–30).
      if (!ctx.useRollups || scope.kind === 'rep' || !rollupRanges(windows))
        return raw.windows(db, scope, windows, headline, ctx);
      const [rows, extras] = await Promise.all([
        histogramFigures(db, use.histogram, scope, windows, use.p90 ? { p90For: headline } : {}),
        use.headlineExtras ? use.headlineExtras(db, scope, windows[headline]!, ctx.now) : Promise.resolve({}),
      ]);
      const head =
        extras === null
          ? (
              await raw.windows(db, scope, [windows[headline]!], 0, {
                ...ctx,
                workingDays: [ctx.workingDays[headline] ?? 0],
              })
            )[0]!
          : null;
      const byWindow = new Map((rows ?? []).map((r) => [r.g, r]));
      return windows.map((window, i) => {
        if (i === headline && head) return head;
        const r = byWindow.get(i);
        const done = finalize({
          rows: r
            ? [
                {
                  ...use.toRow(r),
                  ...(i === headline ? { mid_lo: r.midLo, mid_hi: r.midHi, ...extras } : {}),
                },
              ]
            : [],
          currency: null,
          window,
          workingDays: ctx.workingDays[i] ?? 0,
          ctx,
        });
        return { ...done, newest: r?.newest ?? null };
      });
    },
    async segments(db, scope, window, by, ctx) {
      const rows =
        ctx.useRollups && (by === 'rep' || by === 'team')
          ? await histogramFigures(db, use.histogram, scope, [window], { by })
          : null;
      if (!rows) return raw.segments(db, scope, window, by, ctx);
      return rows.map((r) => {
        const done = finalize({
          rows: [use.toRow(r)],
          currency: null,
          window,
          workingDays: ctx.workingDays.at(-1) ?? 0,
          ctx,
        });
        return { key: r.g === 0 ? null : String(r.g), label: r.label ?? '', value: done.value, n: done.n };
      });
    },
  };
}
