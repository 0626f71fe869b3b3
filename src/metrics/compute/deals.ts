import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, take } from '../calculation.js';
import type { Dimension } from '../types.js';
import {
  type AggregateSpec,
  aggregateComputer,
  type MetricComputer,
  noData,
  otherCurrenciesLeftOut,
  pickCurrency,
  ratio,
  toNumber,
  value,
} from './aggregate.js';
import { CYCLE, negativeDurationNote } from './durations.js';
import { withHistogram } from './histogram.js';
import { middleValues, optionalMedian } from './median-inputs.js';
import { ROLLUP_NEWEST } from './rollup.js';
import type { RowSource } from './rows.js';

/** Opportunities by one of their timestamps; the lead is joined only for a split by lead source. */
function opps(ts: SQL, where: SQL, columns: SQL, by?: Dimension): RowSource {
  const withLead = by === 'source';
  return {
    from: withLead ? sql`opportunities x left join leads sl on sl.id = x.lead_id` : sql`opportunities x`,
    ts,
    rep: sql`x.owner_rep_id`,
    where,
    columns,
    dims: { product: sql`x.product`, source: withLead ? sql`sl.source` : sql`null::text` },
  };
}

const won = (by?: Dimension) =>
  opps(sql`x.closed_at`, sql`x.outcome = 'won'`, sql`x.currency, x.amount_minor, x.created_at`, by);

const moneyAggregates = sql`count(*)::int as cur_n, coalesce(sum(x.amount_minor), 0)::float8 as cur_amount`;

/**
 * Won deals per currency: `cur_n` counts those with an amount (the records behind `cur_amount`, and what picks
 * the answer's currency), `no_amount` those without one (an empty amount: no money in any currency).
 */
const wonAggregates = sql`count(x.amount_minor)::int as cur_n,
  coalesce(sum(x.amount_minor), 0)::float8 as cur_amount,
  (count(*) - count(x.amount_minor))::int as no_amount`;
const wonRollup = {
  aggregates: sql`sum(r.deals_won_with_amount)::int as cur_n, sum(r.won_minor)::float8 as cur_amount,
    (sum(r.deals_won) - sum(r.deals_won_with_amount))::int as no_amount`,
  having: sql`sum(r.deals_won) > 0`,
  newest: ROLLUP_NEWEST.won,
};

function otherCurrencyNote(
  otherN: number,
  what: readonly [one: string, many: string],
  currency: string | null,
): string[] {
  if (otherN === 0 || currency === null) return [];
  return [`${otherCurrenciesLeftOut(otherN, what)} (no exchange rates); figures are in ${currency}.`];
}

/**
 * The note for won deals without an amount, left out of the amount won and of the deals it is divided by
 * (in the style of `otherCurrenciesLeftOut`): "1 won deal without an amount left out."
 */
function wonWithoutAmountNote(noAmount: number): string[] {
  if (noAmount === 0) return [];
  return [
    `${noAmount === 1 ? '1 won deal' : `${formatCount(noAmount)} won deals`} without an amount left out.`,
  ];
}

/** Won ÷ (won + lost) over opportunities closed in the period. */
export const winrateComputer: MetricComputer = aggregateComputer({
  sources: (by) => [opps(sql`x.closed_at`, sql`x.outcome in ('won', 'lost')`, sql`x.outcome`, by)],
  aggregates: sql`count(*) filter (where x.outcome = 'won')::int as won, count(*)::int as closed`,
  rollup: {
    aggregates: sql`sum(r.deals_won)::int as won, (sum(r.deals_won) + sum(r.deals_lost))::int as closed`,
    having: sql`sum(r.deals_won) + sum(r.deals_lost) > 0`,
    newest: sql`greatest(${ROLLUP_NEWEST.won}, ${ROLLUP_NEWEST.lost})`,
  },
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const wins = toNumber(r.won);
    const closed = toNumber(r.closed);
    return {
      value: ratio(wins, closed, 'no deals closed in this period'),
      n: closed,
      currency: null,
      notes: [],
      calc: {
        formula: 'won ÷ (won + lost)',
        inputs: [
          calcInput('deals won', wins, 'count'),
          calcInput('deals closed (won + lost)', closed, 'count'),
        ],
        step: divide(take(0), take(1)),
      },
      figures: [
        { key: 'won', label: 'Won', unit: 'count', value: value(wins) },
        { key: 'lost', label: 'Lost', unit: 'count', value: value(closed - wins) },
      ],
    };
  },
});

/**
 * What a won-deals metric sees: the answer's currency's deals with an amount (`n`) and their total,
 * deals with an amount in other currencies, and won deals without an amount (every currency).
 */
interface WonTotals {
  otherN: number;
  n: number;
  total: number;
  noAmount: number;
  currency: string | null;
}

/** A won-deals answer's notes: deals in other currencies, then deals without an amount. */
const wonNotes = ({ otherN, noAmount, currency }: WonTotals): string[] => [
  ...otherCurrencyNote(otherN, ['won deal', 'won deals'], currency),
  ...wonWithoutAmountNote(noAmount),
];

/** Why there is no value when every deal won lacks an amount. */
const NO_AMOUNT = 'no deal won in this period has an amount';

/**
 * A metric over the deals won in the period that carry an amount, in the answer's currency (no FX between
 * currencies); won deals without an amount are counted for the notes.
 */
function wonDealsComputer(
  finalize: (won: WonTotals) => ReturnType<AggregateSpec['finalize']>,
): MetricComputer {
  return aggregateComputer({
    sources: (by) => [won(by)],
    aggregates: wonAggregates,
    perCurrency: true,
    rollup: wonRollup,
    finalize({ rows, currency }) {
      const { row, otherN } = pickCurrency(rows, currency);
      const noAmount = rows.reduce((s, r) => s + toNumber(r.no_amount), 0);
      return finalize({
        otherN,
        n: toNumber(row?.cur_n),
        total: toNumber(row?.cur_amount),
        noAmount,
        currency,
      });
    },
  });
}

/**
 * Total won ÷ number won with an amount, in the answer's currency: a won deal without an amount is left out
 * (not a $0 deal) and noted.
 */
export const dealsizeComputer: MetricComputer = wonDealsComputer((won) => ({
  value:
    won.n > 0
      ? value(won.total / won.n)
      : noData(won.noAmount > 0 && won.otherN === 0 ? NO_AMOUNT : 'no deals won in this period'),
  n: won.n,
  currency: won.currency,
  notes: wonNotes(won),
  calc: {
    formula: 'total amount won ÷ number of deals won with an amount',
    inputs: [
      calcInput('amount won', won.total, 'money'),
      calcInput('deals won with an amount', won.n, 'count'),
    ],
    step: divide(take(0), take(1)),
  },
  figures: [{ key: 'total', label: 'Total won', unit: 'money', value: value(won.total) }],
}));

/**
 * Why revenue has no value, or null when it has one: zero won is a true zero when nothing was won at all;
 * otherwise say which currency is missing, or that no deal won has an amount.
 */
function revenueMissing({ n, otherN, noAmount, currency }: WonTotals): string | null {
  if (n > 0 || (otherN === 0 && noAmount === 0)) return null;
  return otherN > 0 ? `no deals won in ${currency}` : NO_AMOUNT;
}

/** Total amount won, in the answer's currency; a won deal without an amount adds nothing and is noted. */
export const revenueComputer: MetricComputer = wonDealsComputer((won) => {
  const missing = revenueMissing(won);
  return {
    value: missing === null ? value(won.total) : noData(missing),
    n: won.n,
    currency: won.currency,
    notes: wonNotes(won),
    calc: {
      formula: 'sum of amounts won',
      inputs: [
        calcInput('amount won', won.total, 'money'),
        calcInput('deals won with an amount', won.n, 'count'),
      ],
      step: take(0),
    },
    // Beside "2 won deals without an amount left out", the count says it holds only the others.
    figures: [
      {
        key: 'deals',
        label: won.noAmount > 0 ? 'Deals won with an amount' : 'Deals won',
        unit: 'count',
        value: value(won.n),
      },
    ],
  };
});

/** Days from creation to close of one won deal, clamped at 0 per deal (durations.ts); the histogram's value. */
const cycleDays = sql`tally_cycle_days(x.created_at, x.ts)`;

const cycleSpec: AggregateSpec = {
  sources: (by) => [won(by)],
  aggregates: (_ctx, headline) => sql`count(*)::int as n,
    percentile_cont(0.5) within group (order by ${cycleDays})::float8 as median,
    (sum(tally_duration_micros(x.created_at, x.ts)) / nullif(count(*) * 86400000000::numeric, 0))::float8 as mean,
    count(*) filter (where x.ts < x.created_at)::int as skewed
    ${middleValues(cycleDays, headline)}`,
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const n = toNumber(r.n);
    const none = 'no deals won in this period';
    return {
      value: n > 0 ? value(toNumber(r.median)) : noData(none),
      n,
      currency: null,
      notes: negativeDurationNote(
        toNumber(r.skewed),
        ['deal closed before it was created', 'deals closed before they were created'],
        '0 days',
      ),
      calc: {
        formula: 'median of (closed − created) in days, over deals won',
        inputs: [calcInput('deals won', n, 'count')],
        ...optionalMedian('sales cycles of deals won, in days', 'days', n, r),
      },
      figures: [
        {
          key: 'mean',
          label: 'Mean',
          unit: 'days',
          value: n > 0 ? value(toNumber(r.mean)) : noData(none),
        },
      ],
    };
  },
};

/**
 * Days from creation to close for deals won in the period: every window and the splits by rep or team from
 * the cycle histogram (exact medians, see histogram.ts), raw rows for splits by product or source.
 */
export const cycleComputer: MetricComputer = withHistogram(aggregateComputer(cycleSpec), cycleSpec.finalize, {
  histogram: CYCLE,
  toRow: (r) => ({ n: r.valued, median: r.median, mean: r.mean, skewed: r.skewed }),
});

/** Opportunities created in the period and the pipeline value they carry. */
export const oppsComputer: MetricComputer = aggregateComputer({
  sources: (by) => [opps(sql`x.created_at`, sql`true`, sql`x.currency, x.amount_minor`, by)],
  aggregates: moneyAggregates,
  perCurrency: true,
  rollup: {
    aggregates: sql`sum(r.opps_created)::int as cur_n, sum(r.pipeline_minor)::float8 as cur_amount`,
    having: sql`sum(r.opps_created) > 0`,
    segmentAggregates: sql`sum(r.opps_created)::int as cur_n`,
    newest: ROLLUP_NEWEST.opp,
  },
  finalize({ rows, currency }) {
    const n = rows.reduce((s, r) => s + toNumber(r.cur_n), 0);
    const { row, otherN } = pickCurrency(rows, currency);
    const pipeline = toNumber(row?.cur_amount);
    return {
      value: value(n),
      n,
      currency,
      notes: otherCurrencyNote(otherN, ['opportunity', 'opportunities'], currency).map(
        (s) => `Pipeline value: ${s}`,
      ),
      calc: {
        formula: 'count of opportunities created in the period',
        inputs: [calcInput('opportunities created', n, 'count')],
        step: take(0),
      },
      figures: [
        {
          key: 'pipeline',
          label: 'Pipeline value',
          unit: 'money',
          value: row ? value(pipeline) : noData('no opportunities created in this period'),
        },
      ],
    };
  },
});
