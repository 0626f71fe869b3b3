import { sql } from '../db/client.js';
import { formatCount } from '../numbers/count.js';
import { formatPercent } from '../numbers/percent.js';
import { runAdmitted } from './admitted.js';
import { lostDeals } from './compute/lost.js';
import { runMetricQuery } from './compute/query.js';
import { scopedRows, segmentLabelJoin } from './compute/rows.js';
import { compareNames, getMetric } from './get-metric.js';
import type { MetricDeps, MetricResult, Period, Scope } from './types.js';

export { NO_LOSS_REASONS_NOTE } from './compute/lost.js';

/** Reasons shown by name; the rest are grouped as "Other (N reasons)". */
export const TOP_REASONS = 5;

export interface LossReasonRow {
  /**
   * The normalised reason ("price too high"), or null for "No reason given" (no reason, an empty one or a
   * placeholder such as "N/A" or "none": `normalisedReason`) and the "Other" group.
   */
  key: string | null;
  /** "Price too high", "No reason given", "Other (4 reasons)". */
  label: string;
  kind: 'reason' | 'none' | 'other';
  lost: number;
  /** Amount lost in the answer's currency, minor units (deals in other currencies are not in it). */
  amount: number;
  /** Deals of `lost` in another currency than the answer's: their amount is not in `amount` (no rates). */
  otherCurrency: number;
  /** Deals of `lost` in the answer's currency recorded without an amount: shown as such, never as 0. */
  noAmount: number;
  /** lost ÷ all deals lost in the period, 0..1. */
  share: number;
  /** Deals lost for this reason in the previous period (same point of a running period). */
  previousLost: number;
}

export interface LossReasons {
  /** The `lostdeals` metric: count, amount, trend, target, series. */
  result: MetricResult;
  rows: LossReasonRow[];
  /** Deals lost in the period with a reason recorded (a placeholder such as "N/A" is none). */
  withReason: number;
  /** False when no deal lost in the period (or the one before) carries a reason: say so, do not show 0. */
  hasReasons: boolean;
}

interface ReasonRow {
  reason: string | null;
  cur_n: number;
  cur_amount: number;
  cur_other: number;
  cur_no_amount: number;
  prev_n: number;
  /** The reason's most used spelling in the period (`segmentLabelJoin`); "No reason given" without one. */
  label: string;
}

/**
 * Why deals were lost: deals lost in `period` for `scope` by normalised reason, each with the amount lost
 * (main currency; deals in other currencies counted apart, never as 0), its share of all deals lost and the count in the previous period; the top five by
 * count (a tie by name, as a split by reason orders them), the long tail as "Other (N reasons)", deals without
 * a reason last (one "No reason given" row: no reason, an empty one or a placeholder such as "N/A", "-" or
 * "No reason given").
 * Throws like `getMetric`.
 */
export async function getLossReasons(
  deps: MetricDeps,
  query: { scope: Scope; period: string | Period; brief?: boolean },
): Promise<LossReasons> {
  // `brief`: only this period's reasons (no target, trend or series), for the win-rate answer's line.
  const full = !query.brief;
  const result = await getMetric(deps, {
    metric: 'lostdeals',
    scope: query.scope,
    period: query.period,
    include: { target: full, trend: full, series: full },
  });
  const current = result.period;
  const previous = result.trend?.previous.period ?? null;
  const min = previous ? previous.start : current.start;
  const since = previous ? previous.end.toISOString() : min.toISOString();
  const from = current.start.toISOString();
  // A reason is shown under its most used spelling among this period's deals (as a split by reason is).
  const { join, label } = segmentLabelJoin(
    'reason',
    sql`(select * from x where x.ts >= ${from}::timestamptz) x`,
  );
  const rows = await runAdmitted(deps, query.scope, () =>
    runMetricQuery<ReasonRow>(
      deps.db,
      sql`with x as (${scopedRows(lostDeals('reason'), query.scope, min, current.end, 'reason')})
      select a.g as reason, a.cur_n, a.cur_amount, a.cur_other, a.cur_no_amount, a.prev_n, ${label} as label
      from (select x.seg as g,
        count(*) filter (where x.ts >= ${from}::timestamptz)::int as cur_n,
        coalesce(sum(x.amount_minor) filter (where x.ts >= ${from}::timestamptz
          and x.currency = ${result.currency ?? 'USD'}), 0)::float8 as cur_amount,
        count(*) filter (where x.ts >= ${from}::timestamptz
          and x.currency is distinct from ${result.currency ?? 'USD'})::int as cur_other,
        count(*) filter (where x.ts >= ${from}::timestamptz
          and x.currency = ${result.currency ?? 'USD'} and x.amount_minor is null)::int as cur_no_amount,
        count(*) filter (where x.ts < ${since}::timestamptz)::int as prev_n
      from x
      where x.ts >= ${from}::timestamptz or x.ts < ${since}::timestamptz
      group by x.seg) a ${join}`,
    ),
  );
  const total = rows.reduce((s, r) => s + Number(r.cur_n), 0);
  const toRow = (r: ReasonRow): LossReasonRow => ({
    key: r.reason,
    label: r.reason === null ? 'No reason given' : r.label,
    kind: r.reason === null ? 'none' : 'reason',
    lost: Number(r.cur_n),
    amount: Number(r.cur_amount),
    otherCurrency: Number(r.cur_other),
    noAmount: Number(r.cur_no_amount),
    share: total > 0 ? Number(r.cur_n) / total : 0,
    previousLost: Number(r.prev_n),
  });
  const named = rows
    .filter((r) => r.reason !== null && Number(r.cur_n) > 0)
    .map(toRow)
    // One order for reasons everywhere (as a split by reason ranks them): most deals first, then by name.
    .sort(
      (a, b) => b.lost - a.lost || compareNames(a.label, b.label) || compareNames(a.key ?? '', b.key ?? ''),
    );
  // Grouping a single reason as "Other (1 reason)" hides it for nothing: show it by name instead.
  const cut = named.length > TOP_REASONS + 1 ? TOP_REASONS : named.length;
  const tail = named.slice(cut);
  const out = named.slice(0, cut);
  if (tail.length > 0) {
    const lost = tail.reduce((s, r) => s + r.lost, 0);
    out.push({
      key: null,
      label: `Other (${tail.length} reasons)`,
      kind: 'other',
      lost,
      amount: tail.reduce((s, r) => s + r.amount, 0),
      otherCurrency: tail.reduce((s, r) => s + r.otherCurrency, 0),
      noAmount: tail.reduce((s, r) => s + r.noAmount, 0),
      share: total > 0 ? lost / total : 0,
      previousLost: tail.reduce((s, r) => s + r.previousLost, 0),
    });
  }
  const none = rows.find((r) => r.reason === null);
  if (none && Number(none.cur_n) > 0) out.push(toRow(none));
  const withReason = named.reduce((s, r) => s + r.lost, 0);
  const hasReasons = rows.some((r) => r.reason !== null);
  return { result, rows: out, withReason, hasReasons };
}

/**
 * "Top loss reasons: Price (3 of 5 lost, 60%), Timing (1, 20%); no reason given: 1 (20%)" for the win-rate
 * answer; "none recorded" when no deal lost in the period has a reason; null when none was lost. `show`
 * writes each reason as recorded for where the line goes (the Slack answer neutralises `* _ ~` and
 * backticks, which metrics know nothing of: helper-218 saw `*Bold* & <Co>` shown bold); default as is.
 */
export async function topLossReasonsLine(
  deps: MetricDeps,
  query: { scope: Scope; period: string | Period },
  count = 3,
  show: (reason: string) => string = (reason) => reason,
): Promise<string | null> {
  const lr = await getLossReasons(deps, { ...query, brief: true });
  const total = lr.result.sampleSize;
  if (total === 0) return null;
  if (lr.withReason === 0)
    return `Top loss reasons: none recorded for the ${formatCount(total)} deal${total === 1 ? '' : 's'} lost.`;
  const top = lr.rows.filter((r) => r.kind === 'reason').slice(0, count);
  const parts = top.map(
    (r, i) =>
      `${show(r.label)} (${i === 0 ? `${formatCount(r.lost)} of ${formatCount(total)} lost` : formatCount(r.lost)}, ${formatPercent(r.share, 0)})`,
  );
  // The deals lost without a reason are said too: the shares above do not add up to the whole without them.
  const none = lr.rows.find((r) => r.kind === 'none');
  const unreasoned = none
    ? `; no reason given: ${formatCount(none.lost)} (${formatPercent(none.share, 0)})`
    : '';
  return `Top loss reasons: ${parts.join(', ')}${unreasoned}`;
}
