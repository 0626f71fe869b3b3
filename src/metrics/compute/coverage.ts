import { type Db, sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, subtract, take } from '../calculation.js';
import type { Scope } from '../types.js';
import {
  type ComputeContext,
  type Computed,
  chooseCurrency,
  type MetricComputer,
  noData,
  type Row,
  toNumber,
  value,
} from './aggregate.js';
import { runMetricQuery } from './query.js';
import { type RowSource, scopedRows, span, type Window, windowsRelation } from './rows.js';

/** The rule of thumb: open pipeline worth three times what is still needed. */
export const COVERAGE_REFERENCE = 3;
const YEAR_MS = 365 * 86_400_000;

/**
 * The opportunity rows coverage reads, each tagged `part`: 'won' (closed won, by close), 'closed' (won or
 * lost, by close, for the historical win rate) and 'open' (open with an expected close date, placed at
 * local midnight of that date in `zone`).
 */
function sources(zone: string): RowSource[] {
  const base = (ts: ReturnType<typeof sql>, where: ReturnType<typeof sql>, part: string): RowSource => ({
    from: sql`opportunities x`,
    ts,
    rep: sql`x.owner_rep_id`,
    where,
    columns: sql`${part}::text as part, x.outcome, x.currency, x.amount_minor, x.expected_close_date`,
    dims: { product: sql`x.product` },
  });
  return [
    base(sql`x.closed_at`, sql`x.outcome in ('won', 'lost')`, 'closed'),
    base(
      sql`(x.expected_close_date::timestamp at time zone ${zone})`,
      sql`x.outcome = 'open' and x.expected_close_date is not null`,
      'open',
    ),
  ];
}

/** One row per (window, currency): won so far, open pipeline in the window, overdue count, win-rate counts. */
async function coverageRows(db: Db, scope: Scope, windows: Window[], ctx: ComputeContext): Promise<Row[]> {
  const zone = ctx.timezone ?? ctx.defaultTimezone ?? 'UTC';
  const { min, max } = span(windows);
  const earliest = new Date(Math.min(min.getTime(), ...windows.map((w) => w.asOf.getTime() - YEAR_MS)));
  const rows = sources(zone).map((s) => scopedRows(s, scope, earliest, max));
  const today = sql`(${ctx.now.toISOString()}::timestamptz at time zone ${zone})::date`;
  return runMetricQuery<Row>(
    db,
    sql`select w.i as g, x.currency,
        coalesce(sum(x.amount_minor) filter (where x.part = 'closed' and x.outcome = 'won'
          and x.ts >= w.s and x.ts < w.asof), 0)::float8 as won_amount,
        coalesce(sum(x.amount_minor) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e), 0)::float8 as pipeline,
        count(*) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e)::int as open_n,
        count(*) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e and x.expected_close_date < ${today})::int as overdue,
        count(*) filter (where x.part = 'closed' and x.ts >= w.asof - interval '365 days' and x.ts < w.asof)::int as hist_closed,
        count(*) filter (where x.part = 'closed' and x.outcome = 'won' and x.ts >= w.asof - interval '365 days'
          and x.ts < w.asof)::int as hist_won,
        count(*) filter (where x.ts >= w.s and x.ts < w.e)::int as cur_n,
        extract(epoch from max(x.ts) filter (where x.part = 'closed' and x.ts < w.asof))::float8 as newest_epoch
      from ${windowsRelation(windows)} join (${sql.join(rows, sql` union all `)}) x
        on x.ts >= least(w.s, w.asof - interval '365 days') and x.ts < w.e
      group by w.i, x.currency`,
  );
}

function finalize(
  rows: Row[],
  currency: string | null,
  w: Window,
  ctx: ComputeContext,
): Omit<Computed, 'newest'> {
  const row = rows.find((r) => String(r.currency).trim() === currency);
  const won = toNumber(row?.won_amount);
  const pipeline = toNumber(row?.pipeline);
  const histClosed = rows.reduce((s, r) => s + toNumber(r.hist_closed), 0);
  const histWon = rows.reduce((s, r) => s + toNumber(r.hist_won), 0);
  const winRate = histClosed > 0 ? histWon / histClosed : null;
  // A target in another currency than the deals is not used: no exchange rate is assumed.
  const targetCurrency = ctx.revenueTargetCurrency ?? null;
  const otherCurrency = currency !== null && targetCurrency !== null && currency !== targetCurrency;
  const target = otherCurrency ? null : (ctx.revenueTarget ?? null);
  const remaining = target === null ? null : target - won;
  const running = ctx.now.getTime() >= w.start.getTime() && ctx.now.getTime() < w.end.getTime();
  let v = value(0);
  if (otherCurrency)
    v = noData(
      `the revenue target is in ${targetCurrency} and the deals are in ${currency}; set a ${currency} revenue target`,
    );
  else if (target === null) v = noData('no revenue target is set for this scope and period');
  else if (!running) v = noData('coverage looks ahead: ask about a period that is still running');
  else if (remaining !== null && remaining <= 0) v = noData('the revenue target is already reached');
  else v = value(pipeline / (remaining as number));
  const overdue = toNumber(row?.overdue);
  const notes: string[] = [];
  if (overdue > 0)
    notes.push(
      `${formatCount(overdue)} open deal${overdue === 1 ? ' is' : 's are'} past the expected close date and still counted.`,
    );
  const forecast = winRate === null ? null : won + pipeline * winRate;
  return {
    value: v,
    n: toNumber(row?.open_n),
    currency,
    notes,
    calc: {
      formula: `open pipeline expected to close in the period ÷ (revenue target − won so far); reference ${COVERAGE_REFERENCE}×`,
      inputs: [
        calcInput('open pipeline expected to close', pipeline, 'money'),
        ...(target !== null
          ? [
              calcInput('revenue target for the period', target, 'money'),
              calcInput('won so far', won, 'money'),
            ]
          : []),
      ],
      ...(target !== null ? { step: divide(take(0), subtract(take(1), take(2))) } : {}),
    },
    figures: [
      { key: 'pipeline', label: 'Open pipeline expected to close', unit: 'money', value: value(pipeline) },
      {
        key: 'needed',
        label: 'Still needed for target',
        unit: 'money',
        value:
          remaining === null
            ? noData(otherCurrency ? `no ${currency} revenue target` : 'no revenue target')
            : value(Math.max(0, remaining)),
      },
      { key: 'won', label: 'Won so far', unit: 'money', value: value(won) },
      {
        key: 'win_rate',
        label: 'Historical win rate (12 months)',
        unit: 'ratio',
        value: winRate === null ? noData('no deals closed in the last 12 months') : value(winRate),
      },
      {
        key: 'forecast',
        label: 'Forecast (won + pipeline × win rate)',
        unit: 'money',
        value: forecast === null ? noData('no historical win rate') : value(forecast),
      },
      { key: 'reference', label: 'Rule of thumb', unit: 'multiple', value: value(COVERAGE_REFERENCE) },
    ],
  };
}

/**
 * Pipeline coverage for a running period: open pipeline with an expected close date inside the period ÷
 * the revenue still needed for the scope's revenue target (ctx.revenueTarget, already scaled to the
 * period), with won so far, the historical win rate (won ÷ closed over the 12 months to now) and the
 * forecast won + pipeline × win rate. Splits by rep, team or product are not offered (one target).
 */
export const coverageComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx) {
    const rows = await coverageRows(db, scope, windows, ctx);
    const headRows = rows.filter((r) => String(r.g) === String(headline));
    const currency = chooseCurrency(headRows) ?? chooseCurrency(rows);
    return windows.map((w, i) => {
      const group = rows.filter((r) => String(r.g) === String(i));
      const newest = Math.max(0, ...group.map((r) => toNumber(r.newest_epoch)));
      return { ...finalize(group, currency, w, ctx), newest: newest > 0 ? new Date(newest * 1000) : null };
    });
  },
  async segments() {
    return [];
  },
};
