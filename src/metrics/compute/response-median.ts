import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import type { Dimension, Scope } from '../types.js';
import type { AggregateSpec, MetricComputer, Row } from './aggregate.js';
import { runMetricQuery } from './query.js';
import { rollupRanges, rollupRows } from './rollup.js';
import { segmentLabelJoin, type Window } from './rows.js';

/** One group's leads: created, answered, and the exact median response seconds (null when none answered). */
export interface MedianRow {
  g: number;
  created: number;
  answered: number;
  median: number | null;
}

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** The lead's response seconds and value bucket, the very expressions of `leads_response_vb_idx`. */
const SECS = sql`tally_response_secs(l.created_at, l.first_touch_at)`;
const VB = sql`tally_response_vb(tally_response_secs(l.created_at, l.first_touch_at))`;

/** Raw leads of a rep or the org, for the second step; `needTeam` joins the owner's membership at creation as `m`. */
function rawScope(scope: Scope, needTeam: boolean): { join: SQL; where: SQL } {
  const at = sql`m.rep_id = l.owner_rep_id and m.valid_from <= l.created_at and (m.valid_to is null or l.created_at < m.valid_to)`;
  const join = needTeam ? sql`left join team_memberships m on ${at}` : sql``;
  if (scope.kind === 'rep') return { join, where: sql`and l.owner_rep_id = ${scope.repId}` };
  return { join, where: sql`` };
}

/**
 * Exact medians of lead response seconds per group, in two steps. (1) From `response_rollups`, the count of
 * leads per group and value bucket, hence created, answered and the bucket(s) holding the middle rank(s).
 * (2) Only those buckets' raw values (indexes `leads_response_vb_idx`, `leads_owner_response_vb_idx`), ordered, to pick the middle value(s):
 * the same lo + (hi − lo) × 0.5 interpolation as `percentile_cont(0.5)`, so the result equals it exactly.
 * Groups are the windows (`by` undefined; g = window index) or the reps / teams of one window (g = id,
 * 0 = none). Returns null when a window bound is not on a whole UTC hour (the caller computes raw rows).
 */
export async function responseMedians(
  db: Db,
  scope: Scope,
  windows: Window[],
  by?: Extract<Dimension, 'rep' | 'team'>,
): Promise<(MedianRow & { label?: string })[] | null> {
  const ranges = rollupRanges(windows);
  if (!ranges) return null;
  const group = by === 'rep' ? sql`r.rep_id` : by === 'team' ? sql`r.team_id` : sql`w.i`;
  const bounds = sql.join(
    windows.map((w, i) => sql`(${i}::int, ${iso(w.start)}, ${iso(w.end)})`),
    sql`, `,
  );
  const { join, where } = rawScope(scope, by === 'team');
  // The raw rows of group p.g in bucket p.vb (the window of p.wi).
  const groupFilter =
    by === 'rep'
      ? sql`and l.owner_rep_id = p.g`
      : by === 'team'
        ? sql`and coalesce(m.team_id, 0) = p.g`
        : sql``;
  // The raw values of group p.g in bucket p.vb within [p.s, p.e), ordered, the p.offs-th of them. A team's
  // are read rep by rep through the owner index, each over the part of the window the rep was in the team.
  const ordered = sql`order by 1 offset p.offs limit 1`;
  const bucketValues =
    scope.kind === 'team'
      ? sql`select ${SECS} as secs from team_memberships m
          join leads l on l.owner_rep_id = m.rep_id and ${VB} = p.vb
            and l.created_at >= greatest(p.s, m.valid_from) and l.created_at < p.e
            and (m.valid_to is null or l.created_at < m.valid_to)
          where m.team_id = ${scope.teamId} and m.valid_from < p.e and (m.valid_to is null or m.valid_to > p.s)
            ${by === 'rep' ? sql`and m.rep_id = p.g` : sql``}
          ${ordered}`
      : sql`select ${SECS} as secs from leads l ${join}
          where l.created_at >= p.s and l.created_at < p.e and ${VB} = p.vb ${where} ${groupFilter}
          ${
            // Leads with no owner (group 0 of a split by rep): their own arm, so the others use the owner index.
            by === 'rep'
              ? sql`union all select ${SECS} from leads l ${join}
                  where p.g = 0 and l.owner_rep_id is null and l.created_at >= p.s and l.created_at < p.e
                    and ${VB} = p.vb ${where}`
              : sql``
          }
          ${ordered}`;
  const query = sql`with h as (
      select ${group} as g, r.vb, sum(r.n)::int as n
      from ${rollupRows(ranges, scope, sql`response_rollups`)}
      group by 1, 2 having sum(r.n) > 0
    ),
    t as (
      select g, sum(n)::int as created, coalesce(sum(n) filter (where vb >= 0), 0)::int as answered
      from h group by g
    ),
    c as (
      select g, vb, n, (sum(n) over (partition by g order by vb) - n)::int as before from h where vb >= 0
    ),
    k as (
      select t.g, x.rank from t
      cross join lateral (select distinct unnest(array[(t.answered - 1) / 2, t.answered / 2])) x(rank)
      where t.answered > 0
    ),
    p as (
      select k.g, k.rank, c.vb, k.rank - c.before as offs, ww.s, ww.e
      from k join c on c.g = k.g and k.rank >= c.before and k.rank < c.before + c.n
      join (values ${bounds}) ww(i, s, e) on ww.i = ${by ? sql`0` : sql`k.g`}
    ),
    v as (
      select p.g, p.rank, x.secs from p cross join lateral (${bucketValues}) x
    )
    select t.g, t.created, t.answered,
      (select lo.secs + (hi.secs - lo.secs) * (case when t.answered % 2 = 0 then 0.5 else 0 end)::float8
        from v lo join v hi on hi.g = lo.g
        where lo.g = t.g and lo.rank = (t.answered - 1) / 2 and hi.rank = t.answered / 2) as median
    from t`;
  const labelled = by
    ? (() => {
        const { join: labels, label } = segmentLabelJoin(by);
        return sql`select a.*, ${label} as label from (
            select nullif(x.g, 0)::text as g, x.created, x.answered, x.median from (${query}) x
          ) a ${labels}`;
      })()
    : query;
  const rows = await runMetricQuery<Row>(db, labelled);
  return rows.map((r) => ({
    ...(by ? { label: String(r.label) } : {}),
    g: r.g === null ? 0 : Number(r.g),
    created: Number(r.created),
    answered: Number(r.answered),
    median: r.median === null || r.median === undefined ? null : Number(r.median),
  }));
}

/**
 * Response time with the histogram: the headline window is computed from raw rows as before (its mean, p90
 * and SLA share need every value), the other windows of the series and the splits by rep or team take their
 * exact medians from `responseMedians`. One rep's series (few rows), zones with :30/:45 offsets, splits by
 * source and `useRollups: false` use the raw computer.
 */
export function withResponseHistogram(
  raw: MetricComputer,
  finalize: AggregateSpec['finalize'],
): MetricComputer {
  return {
    async windows(db, scope, windows, headline, ctx) {
      // One rep's leads are few: their raw rows are cheaper than two steps over the histogram.
      if (!ctx.useRollups || scope.kind === 'rep' || windows.length < 2 || !rollupRanges(windows))
        return raw.windows(db, scope, windows, headline, ctx);
      const others = windows.flatMap((w, i) => (i === headline ? [] : [{ w, i }]));
      const [head, medians] = await Promise.all([
        raw.windows(db, scope, [windows[headline]!], 0, {
          ...ctx,
          workingDays: [ctx.workingDays[headline] ?? 0],
        }),
        responseMedians(
          db,
          scope,
          others.map((o) => o.w),
        ),
      ]);
      const byWindow = new Map((medians ?? []).map((m) => [others[m.g]!.i, m]));
      return windows.map((window, i) => {
        if (i === headline) return head[0]!;
        const m = byWindow.get(i);
        const done = finalize({
          rows: m ? [{ created: m.created, answered: m.answered, median: m.median }] : [],
          currency: null,
          window,
          workingDays: ctx.workingDays[i] ?? 0,
          ctx,
        });
        return { ...done, newest: null };
      });
    },
    async segments(db, scope, window, by, ctx) {
      const medians =
        ctx.useRollups && (by === 'rep' || by === 'team')
          ? await responseMedians(db, scope, [window], by)
          : null;
      if (!medians) return raw.segments(db, scope, window, by, ctx);
      return medians.map((m) => {
        const done = finalize({
          rows: [{ created: m.created, answered: m.answered, median: m.median }],
          currency: null,
          window,
          workingDays: ctx.workingDays.at(-1) ?? 0,
          ctx,
        });
        return { key: m.g === 0 ? null : String(m.g), label: m.label ?? '', value: done.value, n: done.n };
      });
    },
  };
}
