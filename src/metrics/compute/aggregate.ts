import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import type { Calculation, Dimension, Figure, MetricValue, Scope } from '../types.js';
import { runMetricQuery } from './query.js';
import { rollupRanges, rollupRows, rollupSegment } from './rollup.js';
import {
  type RowSource,
  SPELLED,
  scopedRows,
  segmentLabelJoin,
  span,
  type Window,
  windowsRelation,
} from './rows.js';

/** A metric computed for one window (or one segment), before targets and trends are added. */
export interface Computed {
  value: MetricValue;
  n: number;
  figures: Figure[];
  calc: Omit<Calculation, 'window' | 'n'>;
  currency: string | null;
  notes: string[];
  newest: Date | null;
}

export interface SegmentComputed {
  key: string | null;
  label: string;
  value: MetricValue;
  n: number;
  /** Records left out for being in other currencies, set only when the segment has none in the answer's. */
  otherCurrenciesOnly?: number;
  /** The split's currency (money metrics): its headline's, see `ComputeContext.currency`. */
  currency?: string | null;
  /**
   * Set on what is no row: records in the headline that the split leaves out (customer accounts with no
   * owner in a split of retention, CLV or ARPU by rep or team), as the note saying so; the answer shows the
   * note among its notes, and no row for it.
   */
  leftOutNote?: string;
}

export interface ComputeContext {
  now: Date;
  /** Gross margin 0..1 for CLV. */
  grossMargin: number;
  /**
   * Weekdays elapsed per window, same order as the windows (calls per rep per working day); NaN for every
   * window unless the computer reads them (`MetricComputer.readsWorkingDays`).
   */
  workingDays: number[];
  /** Read pre-aggregated rollups where the metric has them (default); false forces raw rows (tests compare both). */
  useRollups: boolean;
  /**
   * The currency to compute money in, when it is known: in a split the headline's (a split otherwise picks
   * by its own rows, which agrees with the headline except on a tie broken by the other windows); in every
   * window and the split, the one the question asked for (`MetricQuery.currency`, a digest line's). Absent,
   * `windows` chooses it (`windowsCurrency`).
   */
  currency?: string | null;
  /** Zone when a team has none (business hours of response time). */
  defaultTimezone?: string;
  /** The asked period's zone (calendar-day metrics such as lead-to-close). */
  timezone?: string;
  /** Pipeline coverage: the scope's revenue target scaled to the asked period (minor units); null = none. */
  revenueTarget?: number | null;
  /** ISO 4217 code of `revenueTarget`. */
  revenueTargetCurrency?: string | null;
  /** The question is `all time` (no period ahead, no target): pipeline coverage says why it has no figure. */
  allTime?: boolean;
  /**
   * A split by rep or team: the reps' (or teams') names by id (`namesAt`, read once per data version), which
   * label the split's rows instead of a name lookup per row in its statement. Absent: labels are read in SQL.
   */
  segmentNames?: ReadonlyMap<number, string>;
}

/** What every metric implements: the value over several windows at once, and a split of one window. */
export interface MetricComputer {
  /**
   * Its figures divide by working days (`ComputeContext.workingDays`): only then are they counted (two zone
   * conversions per window, ~0.05 ms of a rep's headline of 0.6 ms on the bench data).
   */
  readsWorkingDays?: boolean;
  /** One result per window, in the order given; `headline` is the index whose currency leads. */
  windows(
    db: Db,
    scope: Scope,
    windows: Window[],
    headline: number,
    ctx: ComputeContext,
  ): Promise<Computed[]>;
  segments(
    db: Db,
    scope: Scope,
    window: Window,
    by: Dimension,
    ctx: ComputeContext,
  ): Promise<SegmentComputed[]>;
  /**
   * Optional: a one-window answer split `by`, its headline and its split read together (one statement, or
   * two side by side), equal to `windows([window], 0)[0]` and `segments(window)`. Null when this computer cannot here (raw rows, a
   * dimension rollups lack): the caller then asks `windows` and `segments`.
   */
  headlineWithSegments?(
    db: Db,
    scope: Scope,
    window: Window,
    by: Dimension,
    ctx: ComputeContext,
  ): Promise<{ headline: Computed; segments: SegmentComputed[] } | null>;
}

export type Row = Record<string, unknown>;

export interface FinalizeInput {
  /** The aggregate rows of one group: one row, or one per currency when the spec is per currency. */
  rows: Row[];
  /** The currency chosen for the whole answer (money metrics), else null. */
  currency: string | null;
  window: Window;
  workingDays: number;
  ctx: ComputeContext;
}

/** A metric expressed as aggregates over rows that fall in a window. */
export interface AggregateSpec {
  /** Row sources (for a split by `by`); several are combined with `union all`, each row with its `part`. */
  sources(by?: Dimension, ctx?: ComputeContext): RowSource[];
  /** Aggregate select list over `x`. Money specs must output `cur_n` and `cur_amount` per currency. */
  /**
   * `headline` is the window whose figures are shown (others only need the value; rows carry their window
   * index as `x.wi`), with the FILTER that keeps its rows; null in splits.
   */
  aggregates: SQL | ((ctx: ComputeContext, headline: HeadlineWindow | null) => SQL);
  /** Leaner row sources for splits, when the figures' extra joins are not needed there. */
  segmentSources?(by: Dimension): RowSource[];
  /** Group additionally by `x.currency` (rows must carry it). */
  perCurrency?: boolean;
  /** `finalize` reads `workingDays` (a per-working-day figure); without it they are NaN. */
  perWorkingDay?: boolean;
  /**
   * The same aggregates over the rollups `r` (same output names), and a HAVING that drops groups with no
   * records (raw rows only form groups when records exist). Absent: the metric is always computed raw.
   * `aggregates` and `having` read only counter columns and `team_id`, so a team or the org reads the
   * team-level twin `metric_team_rollups` for every window. `activeReps` (optional): the condition on a rep's
   * rollup row `r` for the rep to count as active (`r.calls > 0`); the answer then has output `reps`, the reps
   * (not "no rep", rep_id 0) with such a row in the window. A team's or the org's headline window counts them
   * with a second statement run beside the first, `count(distinct rep_id)` over the rep rows that meet it
   * (index-only through `metric_rollups_calling_idx` for a team: ~1 ms where reading every rep row of a team's
   * 30 days took ~7 ms on the bench data); a rep's windows and a split by rep group one rep's rows, where it is
   * `bool_or`, so Postgres can hash-aggregate instead of sorting every rollup row (org × year by rep:
   * 42 → 27 ms on the bench data).
   * `newest`: the rollup row's newest event of the kinds the metric reads (`r.newest_call_at`, or the
   * `greatest` of several), the freshness the raw path reads as `max(x.ts)` of its own rows.
   * `segmentAggregates` (optional, for a metric whose value is no amount of money): the part of `aggregates`
   * a split row's value and count need, summed over every currency (calls: `n` alone; lost deals: `cur_n`),
   * for a team's or the org's headline split by rep (see `headlineWithSegments`).
   */
  rollup?: { aggregates: SQL; having: SQL; newest: SQL; activeReps?: SQL; segmentAggregates?: SQL };
  finalize(input: FinalizeInput): Omit<Computed, 'newest'>;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Picks the answer's currency from rows that carry `currency`, `cur_n` (records) and `cur_amount` (minor
 * units): the currency with most records over all the rows; on a tie `prefer` (a target's currency), then
 * the one with most records counting those without an amount (`no_amount`, won deals: a USD org's won deal
 * with an empty amount still says the org sells in USD), then the one with most records over `usual` (every
 * window of the answer: the series' usual currency), then the first by ISO code. Amounts never decide: ¥150,000 and €99.50 are not comparable without exchange rates.
 * Null when there are no rows. Rows of one currency are totalled first, so a split (one row per segment and
 * currency) picks the same currency as its headline (one row per currency) over the same records.
 */
export function chooseCurrency(
  rows: Row[],
  opts: { usual?: Row[]; prefer?: string | null } = {},
): string | null {
  const records = (list: Row[], withoutAmount = false) => {
    const totals = new Map<string, number>();
    for (const r of list) {
      const code = String(r.currency).trim();
      totals.set(code, (totals.get(code) ?? 0) + num(r.cur_n) + (withoutAmount ? num(r.no_amount) : 0));
    }
    return totals;
  };
  const here = records(rows);
  const all = records(rows, true);
  const usual = records(opts.usual ?? []);
  const rank = (code: string): [number, number, number, number] => [
    here.get(code) ?? 0,
    code === opts.prefer ? 1 : 0,
    all.get(code) ?? 0,
    usual.get(code) ?? 0,
  ];
  let best: string | null = null;
  for (const code of [...here.keys()].sort()) {
    if (best === null) {
      best = code;
      continue;
    }
    const [a, b] = [rank(code), rank(best)];
    const i = a.findIndex((v, k) => v !== b[k]);
    if (i >= 0 && a[i]! > b[i]!) best = code;
  }
  return best;
}

/**
 * The answer's currency over per-window rows (`g` = window index): chosen on the headline window's rows,
 * ties broken by all the windows (chooseCurrency's `usual`); with none in the headline, over all of them.
 */
export function windowsCurrency(rows: Row[], headline: number): string | null {
  const head = rows.filter((r) => String(r.g) === String(headline));
  return chooseCurrency(head, { usual: rows }) ?? chooseCurrency(rows);
}

function unionRows(
  spec: AggregateSpec,
  scope: Scope,
  min: Date,
  max: Date,
  by?: Dimension,
  split = false,
  ctx?: ComputeContext,
): SQL {
  const sources = split && spec.segmentSources && by ? spec.segmentSources(by) : spec.sources(by, ctx);
  const parts = sources.map((s) => scopedRows(s, scope, min, max, by));
  return parts.length === 1 ? parts[0]! : sql.join(parts, sql` union all `);
}

/**
 * A money split's segments from its rows (one per segment and currency: `g` the key, null for "No rep" /
 * "No team", `label` its name), each finalized in `currency` by `finalize` (ARR, ARPU).
 */
export function currencySegments(
  rows: Row[],
  currency: string | null,
  finalize: (group: Row[], currency: string | null) => { value: MetricValue; n: number },
): SegmentComputed[] {
  return [...groupRows(rows, (r) => String(r.g)).values()].map((g) => {
    const f = finalize(g, currency);
    return {
      key: g[0]!.g === null ? null : String(g[0]!.g),
      label: String(g[0]!.label),
      value: f.value,
      n: f.n,
      currency,
    };
  });
}

function groupRows(rows: Row[], key: (r: Row) => string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * The window whose figures are shown, in a query over rows tagged with their window index `x.wi`: its index,
 * the predicate that keeps its rows (`only`: `x.wi = i`, or `true` when the query reads that window alone)
 * and the same as a FILTER clause (`filter`: ` filter (where x.wi = i)`, or nothing). Postgres sorts once
 * for ordered-set aggregates over the same values with equal FILTERs, so a headline read alone sorts its
 * values once for the median, the p90 and the middle values.
 */
export interface HeadlineWindow {
  index: number;
  only: SQL;
  filter: SQL;
}

/** The headline window `index` of a query over `windowCount` windows (see `HeadlineWindow`). */
export function headlineWindow(index: number, windowCount: number): HeadlineWindow {
  return windowCount === 1
    ? { index, only: sql`true`, filter: sql`` }
    : { index, only: sql`x.wi = ${index}`, filter: sql` filter (where x.wi = ${index})` };
}

/**
 * Rows tagged with their window index `wi`. Contiguous windows (a series) get it from one CASE over the
 * timestamp in a single pass; overlapping ones (a series plus a "same point" trend window) join a
 * VALUES list, a row landing in every window that holds it.
 */
export function windowedRows(windows: Window[], rows: SQL): SQL {
  const contiguous = windows.every((w, i) => i === 0 || w.start.getTime() === windows[i - 1]!.end.getTime());
  if (!contiguous) {
    return sql`select x.*, w.i as wi from ${windowsRelation(windows)}
      join (${rows}) x on x.ts >= w.s and x.ts < w.e`;
  }
  const arms = windows.map((w, i) => sql`when x.ts < ${w.end.toISOString()}::timestamptz then ${i}::int`);
  return sql`select * from (select x.*, case ${sql.join(arms, sql` `)} end as wi from (${rows}) x) x
    where x.wi is not null`;
}

/** `reps` of one rep's rows (a rep's windows, a split by rep): 1 when the rep (not rep_id 0) was active. */
const oneRepActive = (activeReps: SQL, as = 'reps'): SQL =>
  sql`(max(r.rep_id) <> 0 and coalesce(bool_or(${activeReps}), false))::int as ${sql.identifier(as)}`;

/**
 * The rollup rows of every window, grouped by window index `g` (and currency when `perCurrency`). A rep reads
 * `metric_rollups` in one query; a team or the org reads the team twin `metric_team_rollups`, and with
 * `activeReps` counts the headline window's active reps beside it from the rep rows (see `AggregateSpec`).
 */
async function rollupWindows(
  db: Db,
  rollup: NonNullable<AggregateSpec['rollup']>,
  scope: Scope,
  ranges: NonNullable<ReturnType<typeof rollupRanges>>,
  headline: number,
  perCurrency: boolean,
): Promise<Row[]> {
  const rcur = perCurrency ? sql`, r.currency` : sql``;
  /** One row per window (and currency) of `relation`, with `extra` aggregates. */
  const perWindow = (relation: SQL, extra: SQL = sql``, prepared = false) =>
    runMetricQuery<Row>(
      db,
      sql`select w.i as g${rcur}, ${rollup.aggregates}${extra},
          extract(epoch from max(${rollup.newest}))::float8 as newest_epoch
        from ${relation}
        group by w.i${rcur} having ${rollup.having}`,
      { prepared },
    );
  const { activeReps } = rollup;
  if (scope.kind === 'rep') {
    // Prepared: planning this statement cost as much as running it (0.4 ms each for a rep's quarter), its
    // text depends only on the windows' shape (the bounds and the rep are parameters), and one rep's rows
    // are always best read through the rep's index, so the generic plan Postgres settles on is the right one.
    return perWindow(
      rollupRows(ranges, scope),
      activeReps ? sql`, ${oneRepActive(activeReps)}` : sql``,
      true,
    );
  }
  // A team's rows too are best read through its index whatever the bounds (the org has no filter: left to
  // the planner per call).
  const teamPrepared = scope.kind === 'team';
  const windowRows = perWindow(rollupRows(ranges, scope, sql`metric_team_rollups`), sql``, teamPrepared);
  if (!activeReps) return windowRows;
  const [rows, [active]] = await Promise.all([
    windowRows,
    runMetricQuery<{ reps: number }>(
      db,
      sql`select count(distinct r.rep_id)::int as reps
        from ${rollupRows(
          ranges.filter((r) => r.window === headline),
          scope,
        )}
        where ${activeReps} and r.rep_id <> 0`,
      { prepared: teamPrepared },
    ),
  ]);
  // Only the headline's figures are shown: the other windows need no rep count.
  return rows.map((r) => (String(r.g) === String(headline) ? { ...r, reps: active?.reps ?? 0 } : r));
}

/** Builds a computer that runs one grouped query for all windows and one for a split. */
export function aggregateComputer(spec: AggregateSpec): MetricComputer {
  const cur = spec.perCurrency ? sql`, x.currency` : sql``;
  const aggregates = (ctx: ComputeContext, headline: HeadlineWindow | null) =>
    typeof spec.aggregates === 'function' ? spec.aggregates(ctx, headline) : spec.aggregates;
  const rcur = spec.perCurrency ? sql`, r.currency` : sql``;
  return {
    ...(spec.perWorkingDay ? { readsWorkingDays: true } : {}),
    async windows(db, scope, windows, headline, ctx) {
      const { min, max } = span(windows);
      const ranges = spec.rollup && ctx.useRollups ? rollupRanges(windows) : null;
      const rows =
        spec.rollup && ranges
          ? await rollupWindows(db, spec.rollup, scope, ranges, headline, spec.perCurrency === true)
          : await runMetricQuery<Row>(
              db,
              sql`select x.wi as g${cur}, ${aggregates(ctx, headlineWindow(headline, windows.length))},
                extract(epoch from max(x.ts))::float8 as newest_epoch
              from (${windowedRows(windows, unionRows(spec, scope, min, max, undefined, false, ctx))}) x
              group by x.wi${cur}`,
              // One rep's raw rows are read through the rep's index whatever the bounds: prepared, as its rollups.
              { prepared: scope.kind === 'rep' },
            );
      const byWindow = groupRows(rows, (r) => String(r.g));
      const currency = spec.perCurrency ? (ctx.currency ?? windowsCurrency(rows, headline)) : null;
      return windows.map((window, i) => {
        return finalizeWindow(
          spec,
          byWindow.get(String(i)) ?? [],
          currency,
          window,
          ctx.workingDays[i] ?? 0,
          ctx,
        );
      });
    },
    async segments(db, scope, window, by, ctx) {
      const seg = rollupSegment(by);
      const ranges = spec.rollup && ctx.useRollups && seg ? rollupRanges([window]) : null;
      // A split by rep reads the rep rows; a team's or the org's split by team the team twin (a segment's
      // value and count never need the rep dimension).
      const byRep = scope.kind === 'rep' || by === 'rep';
      // Each group then holds one rep's rows.
      const activeReps = spec.rollup?.activeReps;
      const rollup = seg && ranges ? spec.rollup : undefined;
      // A spelled dimension (templates) is labelled from the split's raw rows: they are read once, as `x`.
      const spelled = !(rollup && seg && ranges) && SPELLED.has(by);
      const { join, label } = labelsOf(by, ctx, spelled ? sql`x` : undefined);
      const raw = () => unionRows(spec, scope, window.start, window.end, by, true, ctx);
      const inner =
        rollup && seg && ranges
          ? sql`select ${seg.key} as g${rcur}, ${rollup.aggregates}${
              byRep && activeReps ? sql`, ${oneRepActive(activeReps)}` : sql``
            }
              from ${byRep ? rollupRows(ranges, scope) : rollupRows(ranges, scope, sql`metric_team_rollups`)}
              group by ${seg.column}${rcur} having ${rollup.having}`
          : sql`select x.seg as g${cur}, ${aggregates(ctx, null)}
              from ${spelled ? sql`x` : sql`(${raw()}) x`}
              group by x.seg${cur}`;
      const rows = await runMetricQuery<Row>(
        db,
        sql`${spelled ? sql`with x as (${raw()}) ` : sql``}select a.*, ${label} as label from (${inner}) a ${join}`,
      );
      const currency = spec.perCurrency ? (ctx.currency ?? chooseCurrency(rows)) : null;
      return segmentsOf(spec, rows, currency, window, ctx, by);
    },
    /**
     * The split's rollup rows grouped by segment (and currency), and their total, the headline, summed from
     * them (`totalsOf`): one pass over the rows a split reads anyway, where `windows` and `segments` read the
     * window twice (and a team's or the org's calling reps a third time, `activeReps`). The total of the rep
     * rows equals the team twin's (the rollup equality tests). Its `reps` is the number of rep segments (one
     * rep each, every one kept active: see below), so with `activeReps` only a split by rep is answered here
     * (a split by team may hold one rep twice: a rep who changed teams in the window).
     * The currency is chosen on the total's rows, as `windows` chooses it for one window.
     * With `segmentAggregates`, a team's or the org's split by rep instead reads only those per rep, and the
     * headline from the team twin beside it (two statements at once, no activeReps statement: the rep count
     * is the split's).
     */
    async headlineWithSegments(db, scope, window, by, ctx) {
      const seg = rollupSegment(by);
      const ranges = spec.rollup && ctx.useRollups && seg ? rollupRanges([window]) : null;
      const byRep = scope.kind === 'rep' || by === 'rep';
      const activeReps = spec.rollup?.activeReps;
      if (!spec.rollup || !seg || !ranges || (activeReps && by !== 'rep')) return null;
      const { join, label } = labelsOf(by, ctx);
      const lean = spec.rollup.segmentAggregates;
      if (lean && by === 'rep' && scope.kind !== 'rep') {
        // The split's rows carry only what a row's value needs, in every currency (its value is a count or a
        // rate, which the answer's currency does not change), beside the headline read from the team twin
        // (a few rows per team and month): one pass over the rep rows, as the hand SQL makes, instead of
        // every figure's sum per rep to total them (org × this year by rep, calls: 6.3–6.8 → 4.5–5.3 ms on
        // the bench data, the twin's statement 0.4 ms beside it).
        const { activeReps: _counted, ...twin } = spec.rollup;
        const splitRows = sql`select ${seg.key} as g, ${lean} from ${rollupRows(ranges, scope)}
          group by ${seg.column} having ${spec.rollup.having}`;
        const [head, parts] = await Promise.all([
          rollupWindows(db, twin, scope, ranges, 0, spec.perCurrency === true),
          runMetricQuery<Row>(
            db,
            namesFor(by, ctx) ? splitRows : sql`select a.*, ${label} as label from (${splitRows}) a ${join}`,
          ),
        ]);
        // Every rep row kept is an active rep (see below).
        const reps = parts.filter((r) => r.g !== null).length;
        const rows = activeReps ? head.map((r) => ({ ...r, reps })) : head;
        const currency = spec.perCurrency ? (ctx.currency ?? chooseCurrency(rows)) : null;
        return {
          headline: finalizeWindow(spec, rows, currency, window, ctx.workingDays.at(-1) ?? 0, ctx),
          segments: segmentsOf(spec, parts, currency, window, ctx, by),
        };
      }
      // A team's or the org's newest record is read from the team twin, as its answer without a split reads
      // it (`windows`), in one uncorrelated subquery (the same on every row): in the grouping it made every
      // one of the reps' month rows be read out to its newest-time columns, the last of the row (org × year by
      // rep, calls: ~2.5 of 12 ms on the bench data). A rep's is the largest of its segments'.
      const twinNewest = byRep && scope.kind !== 'rep';
      const newest = sql`extract(epoch from max(${spec.rollup.newest}))::float8`;
      const newestColumn = twinNewest
        ? sql`(select ${newest} from ${rollupRows(ranges, scope, sql`metric_team_rollups`)})`
        : newest;
      const inner = sql`select ${seg.key} as g${rcur}, ${spec.rollup.aggregates}, ${newestColumn} as newest_epoch
        from ${byRep ? rollupRows(ranges, scope) : rollupRows(ranges, scope, sql`metric_team_rollups`)}
        group by ${seg.column}${rcur} having ${spec.rollup.having}`;
      const parts = await runMetricQuery<Row>(
        db,
        namesFor(by, ctx) ? inner : sql`select a.*, ${label} as label from (${inner}) a ${join}`,
      );
      // A split by rep groups one rep's rows, and `activeReps` is the row form of `having` (a rep who made a
      // call has calls in the window, and counts are never negative): every rep row kept is an active rep.
      if (activeReps) for (const r of parts) r.reps = r.g === null ? 0 : 1;
      const totals = totalsOf(parts, spec.perCurrency === true);
      const currency = spec.perCurrency ? (ctx.currency ?? chooseCurrency(totals)) : null;
      return {
        headline: finalizeWindow(spec, totals, currency, window, ctx.workingDays.at(-1) ?? 0, ctx),
        segments: segmentsOf(spec, parts, currency, window, ctx, by),
      };
    },
  };
}

/**
 * The label join and column of a split by `by` (`segmentLabelJoin`), none when the names are given
 * (`ComputeContext.segmentNames`: `segmentsOf` labels the rows from them).
 */
function labelsOf(by: Dimension, ctx: ComputeContext, rows?: SQL): { join: SQL; label: SQL } {
  return namesFor(by, ctx) ? { join: sql``, label: sql`null::text` } : segmentLabelJoin(by, rows);
}

/** The names a split by `by` is labelled from, when it is by rep or team and they were given. */
function namesFor(by: Dimension, ctx: ComputeContext): ReadonlyMap<number, string> | undefined {
  return by === 'rep' || by === 'team' ? ctx.segmentNames : undefined;
}

/** Columns of a split's rows that are no aggregate to total. */
const NOT_SUMMED = new Set(['g', 'label', 'currency', 'newest_epoch']);

/**
 * The total rows of a split (one, or one per currency) from its segments' rows: every aggregate column
 * summed (each rollup aggregate is a sum of counters: `AggregateSpec.rollup`, and the segments partition
 * the rows), `newest_epoch` the largest. A segment dropped by `having` holds no records, so it adds nothing;
 * with no segments there is no total, as a grouped total would be dropped by the same `having`. This
 * replaced GROUPING SETS, which cost ~1 of 7 ms of the org's year by rep on the bench data.
 */
function totalsOf(parts: Row[], perCurrency: boolean): Row[] {
  const totals = new Map<string, Row>();
  // Every row of one statement has the same columns.
  const columns = Object.keys(parts[0] ?? {}).filter((c) => !NOT_SUMMED.has(c));
  for (const part of parts) {
    const k = perCurrency ? String(part.currency) : '';
    let total = totals.get(k);
    if (!total) {
      total = perCurrency ? { currency: part.currency } : {};
      for (const c of columns) total[c] = 0;
      totals.set(k, total);
    }
    for (const c of columns) total[c] = (total[c] as number) + num(part[c]);
    if (part.newest_epoch !== null && part.newest_epoch !== undefined)
      total.newest_epoch = Math.max(num(total.newest_epoch), num(part.newest_epoch));
  }
  return [...totals.values()];
}

/**
 * `spec.finalize` over one window's (or segment's) rows, with the newest record's time: the rows'
 * largest `newest_epoch` (epoch seconds) as a Date, null when none carries one.
 */
function finalizeWindow(
  spec: AggregateSpec,
  rows: Row[],
  currency: string | null,
  window: Window,
  workingDays: number,
  ctx: ComputeContext,
): Computed {
  const done = spec.finalize({ rows, currency, window, workingDays, ctx });
  const newestEpoch = Math.max(0, ...rows.map((r) => num(r.newest_epoch)));
  return { ...done, newest: newestEpoch > 0 ? new Date(newestEpoch * 1000) : null };
}

/** A split's segments from its rows (one per segment, or per segment and currency), finalized in `currency`. */
function segmentsOf(
  spec: AggregateSpec,
  rows: Row[],
  currency: string | null,
  window: Window,
  ctx: ComputeContext,
  by: Dimension,
): SegmentComputed[] {
  const groups = groupRows(rows, (r) => (r.g === null ? '\u0000' : String(r.g)));
  const names = namesFor(by, ctx);
  const none = by === 'rep' ? 'No rep' : 'No team';
  return [...groups.entries()].map(([key, group]) => {
    // A segment's newest record is not shown: `spec.finalize` alone, not `finalizeWindow`.
    const done = spec.finalize({
      rows: group,
      currency,
      window,
      workingDays: ctx.workingDays.at(-1) ?? 0,
      ctx,
    });
    // A segment whose records are all in other currencies says so (its value is no data in `currency`); a
    // count of them (lost deals) is a value, in no currency.
    const other =
      currency !== null && done.value.kind === 'no_data' ? pickCurrency(group, currency) : undefined;
    return {
      key: key === '\u0000' ? null : key,
      label: names ? (names.get(Number(key)) ?? none) : String(group[0]!.label),
      value: done.value,
      n: done.n,
      currency,
      ...(other && !other.row && other.otherN > 0 ? { otherCurrenciesOnly: other.otherN } : {}),
    };
  });
}

/** Shorthands for finalizers. */
export const value = (v: number): MetricValue => ({ kind: 'value', value: v });
export const noData = (reason: string): MetricValue => ({ kind: 'no_data', reason });
export const ratio = (num: number, den: number, reason: string): MetricValue =>
  den > 0 ? value(num / den) : noData(reason);
export const toNumber = num;
/**
 * The note for `n` records left out for being in other currencies than the answer's (no exchange rates):
 * "1 won deal in another currency left out", "3 won deals in other currencies left out". `what` is the
 * record's name, singular and plural ([`won deal`, `won deals`]).
 */
export function otherCurrenciesLeftOut(n: number, what: readonly [one: string, many: string]): string {
  return n === 1
    ? `1 ${what[0]} in another currency left out`
    : `${formatCount(n)} ${what[1]} in other currencies left out`;
}

/** Whether an answer's note is one `otherCurrenciesLeftOut` wrote (records left out for their currency). */
export function isOtherCurrenciesNote(note: string): boolean {
  return / in (?:another currency|other currencies) left out\b/.test(note);
}

/** The row for the chosen currency, and how many records in other currencies were left out. */
export function pickCurrency(rows: Row[], currency: string | null): { row: Row | undefined; otherN: number } {
  let row: Row | undefined;
  let otherN = 0;
  for (const r of rows) {
    if (currency !== null && String(r.currency).trim() === currency) row = r;
    else otherN += num(r.cur_n);
  }
  return { row, otherN };
}
