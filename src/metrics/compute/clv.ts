import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, multiply, take } from '../calculation.js';
import type { Dimension, Scope } from '../types.js';
import {
  type ComputeContext,
  type Computed,
  chooseCurrency,
  type MetricComputer,
  noData,
  pickCurrency,
  type Row,
  toNumber,
  value,
} from './aggregate.js';
import { aggregatePerWindow, contractArr, customerAt, scopedAccounts } from './customers.js';
import { runMetricQuery } from './query.js';
import { segmentLabelJoin, span, type Window, windowsRelation } from './rows.js';

/** CLV looks at the 12 months ending at the window's end (now for a running window): [asOf − 1 year, asOf). */
function trailingYear(w: Window): Window {
  const start = new Date(w.asOf);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return { start, end: w.asOf, asOf: w.asOf };
}

function customersQuery(scope: Scope, windows: Window[], by?: Dimension): SQL {
  const group = by ? sql`a.seg` : sql`w.i`;
  return sql`select ${group} as g,
      count(*) filter (where ${customerAt(sql`w.s`)})::int as at_start,
      count(*) filter (where ${customerAt(sql`w.s`)} and a.churned < w.asof)::int as lost,
      count(*) filter (where a.became < w.asof and (a.churned is null or a.churned >= w.s))::int as active
    from ${windowsRelation(windows)} cross join (${scopedAccounts(scope, by)}) a group by ${group}`;
}

/** Seconds in a Julian year: contract ARR × (seconds of the contract inside the window ÷ a year). */
const YEAR_SECONDS = 31557600;

/**
 * Revenue records of the scope's accounts (alias `v`), one kind per account: its won deals (`amount` at the
 * instant t0 = t1 = close); for an account with contracts but no won deal on record (a subscription business
 * that imports contracts only), its contracts' revenue (annual value `amount` earned over [t0, t1)), so it is
 * neither counted twice nor left at $0. Columns: kind ('contract' | 'deal'), currency, amount, t0, t1, seg.
 */
function revenueRecords(scope: Scope, by?: Dimension): SQL {
  const seg = by ? sql`, a.seg` : sql``;
  return sql`select 'contract' as kind, c.currency, ${contractArr} as amount, c.starts_at as t0, c.ends_at as t1${seg}
      from contracts c join (${scopedAccounts(scope, by)}) a on a.id = c.account_id
      where not exists (select 1 from opportunities k where k.account_id = c.account_id and k.outcome = 'won')
    union all
    select 'deal', o.currency, o.amount_minor::float8, o.closed_at, o.closed_at${seg}
      from opportunities o join (${scopedAccounts(scope, by)}) a on a.id = o.account_id
      where o.outcome = 'won'`;
}

/** Revenue of one record inside [s, asof): a deal closed in it, or a contract's ARR pro rata to its overlap. */
const earned = (s: SQL, asof: SQL) => sql`case when v.kind = 'deal'
    then case when v.t0 >= ${s} and v.t0 < ${asof} then v.amount else 0 end
    else v.amount * greatest(0, extract(epoch from (least(v.t1, ${asof}) - greatest(v.t0, ${s})))) / ${YEAR_SECONDS} end`;
const touches = (s: SQL, asof: SQL) =>
  sql`(v.t0 < ${asof} and (v.t1 > ${s} or (v.kind = 'deal' and v.t0 >= ${s})))`;

function revenueQuery(scope: Scope, windows: Window[], by?: Dimension): SQL {
  const group = by ? sql`v.seg` : sql`w.i`;
  return sql`select ${group} as g, v.currency, count(*)::int as cur_n,
      coalesce(sum(${earned(sql`w.s`, sql`w.asof`)}), 0)::float8 as cur_amount,
      count(*) filter (where v.kind = 'contract')::int as contracts,
      extract(epoch from max(v.t0))::float8 as newest_epoch
    from ${windowsRelation(windows)}
    join (${revenueRecords(scope, by)}) v on ${touches(sql`w.s`, sql`w.asof`)}
    group by ${group}, v.currency`;
}

/** Revenue of the scope's accounts for every window in one pass, as rows per (window, currency). */
async function revenuePerWindow(db: Db, scope: Scope, windows: Window[]): Promise<Row[]> {
  const { min, max } = span(windows);
  const cols = windows.flatMap((w, i) => {
    const s = sql`${w.start.toISOString()}::timestamptz`;
    const asof = sql`${w.asOf.toISOString()}::timestamptz`;
    return [
      sql`count(*) filter (where ${touches(s, asof)})::int as ${sql.raw(`"cur_n_${i}"`)}`,
      sql`coalesce(sum(${earned(s, asof)}) filter (where ${touches(s, asof)}), 0)::float8 as ${sql.raw(`"cur_amount_${i}"`)}`,
      sql`count(*) filter (where ${touches(s, asof)} and v.kind = 'contract')::int as ${sql.raw(`"contracts_${i}"`)}`,
      sql`extract(epoch from max(v.t0) filter (where ${touches(s, asof)}))::float8 as ${sql.raw(`"newest_epoch_${i}"`)}`,
    ];
  });
  const rows = await runMetricQuery<Row>(
    db,
    sql`select v.currency, ${sql.join(cols, sql`, `)}
      from (${revenueRecords(scope)}) v
      where v.t0 < ${max.toISOString()}::timestamptz and v.t1 >= ${min.toISOString()}::timestamptz
      group by v.currency`,
  );
  return rows.flatMap((r) =>
    windows.map((_, i) => ({
      g: i,
      currency: r.currency,
      cur_n: r[`cur_n_${i}`],
      cur_amount: r[`cur_amount_${i}`],
      contracts: r[`contracts_${i}`],
      newest_epoch: r[`newest_epoch_${i}`],
    })),
  );
}

function finalizeClv(
  c: Row | undefined,
  revenue: Row[],
  currency: string | null,
  margin: number,
): Omit<Computed, 'newest'> {
  const atStart = toNumber(c?.at_start);
  const lost = toNumber(c?.lost);
  const active = toNumber(c?.active);
  const { row, otherN } = pickCurrency(revenue, currency);
  const rev = toNumber(row?.cur_amount);
  const churn = atStart > 0 ? lost / atStart : null;
  const arpc = active > 0 ? rev / active : null;
  let v = value(0);
  if (active === 0) v = noData('no customers in the 12 months to the end of this period');
  else if (churn === null)
    v = noData('no customers 12 months before the end of this period, so no churn rate');
  else if (churn === 0) v = noData('no churn observed in the 12 months to the end of this period');
  // Whole minor units: CLV is an estimate, and its published value has always been a whole cent.
  else v = value(Math.round(((arpc ?? 0) * margin) / churn));
  const notes =
    otherN > 0 && currency
      ? [
          `${otherN} revenue records (contracts or won deals) in other currencies left out (no exchange rates).`,
        ]
      : [];
  const contracts = toNumber(row?.contracts);
  if (contracts > 0)
    notes.push(
      `Revenue includes ${formatCount(contracts)} contract${contracts === 1 ? '' : 's'} (ARR pro rata to the time in force) of accounts with contracts but no won deal on record; won deals for the rest.`,
    );
  return {
    value: v,
    n: active,
    currency,
    notes,
    calc: {
      formula:
        '(revenue ÷ customers) × gross margin ÷ (customers lost ÷ customers at start), trailing 12 months; revenue = amount won, or contract revenue for accounts with contracts but no won deal',
      inputs: [
        calcInput('revenue from customers (12 months)', rev, 'money'),
        calcInput('customers (12 months)', active, 'count'),
        calcInput('gross margin', margin, 'ratio'),
        calcInput('customers lost (12 months)', lost, 'count'),
        calcInput('customers at start (12 months ago)', atStart, 'count'),
      ],
      step: divide(multiply(divide(take(0), take(1)), take(2)), divide(take(3), take(4))),
    },
    figures: [
      {
        key: 'arpc',
        label: 'Annual revenue per customer',
        unit: 'money',
        value: arpc === null ? noData('no customers') : value(arpc),
      },
      {
        key: 'churn',
        label: 'Annual churn rate',
        unit: 'ratio',
        value: churn === null ? noData('no customers at the start') : value(churn),
      },
      { key: 'margin', label: 'Gross margin', unit: 'ratio', value: value(margin) },
    ],
  };
}

async function run(db: Db, scope: Scope, windows: Window[], by?: Dimension) {
  const ws = windows.map(trailingYear);
  return Promise.all([
    by
      ? runMetricQuery<Row>(db, customersQuery(scope, ws, by))
      : aggregatePerWindow(db, ws, scopedAccounts(scope), (s, asof) => ({
          g: sql`null::int`,
          at_start: sql`count(*) filter (where ${customerAt(s)})::int`,
          lost: sql`count(*) filter (where ${customerAt(s)} and a.churned < ${asof})::int`,
          active: sql`count(*) filter (where a.became < ${asof} and (a.churned is null or a.churned >= ${s}))::int`,
        })).then((rows) => rows.map((r, i) => ({ ...r, g: i }))),
    by ? runMetricQuery<Row>(db, revenueQuery(scope, ws, by)) : revenuePerWindow(db, scope, ws),
  ]);
}

/** Customer lifetime value over the trailing 12 months; "no churn observed" instead of infinity. */
export const clvComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx: ComputeContext) {
    const [customers, revenue] = await run(db, scope, windows);
    const currency =
      chooseCurrency(revenue.filter((r) => String(r.g) === String(headline))) ?? chooseCurrency(revenue);
    return windows.map((_, i) => {
      const rev = revenue.filter((r) => String(r.g) === String(i));
      const c = customers.find((r) => String(r.g) === String(i));
      const newest = Math.max(0, ...rev.map((r) => toNumber(r.newest_epoch)));
      return {
        ...finalizeClv(c, rev, currency, ctx.grossMargin),
        newest: newest > 0 ? new Date(newest * 1000) : null,
      };
    });
  },
  async segments(db, scope, window, by, ctx) {
    const [customers, revenue] = await run(db, scope, [window], by);
    const currency = chooseCurrency(revenue);
    const { join, label } = segmentLabelJoin(by);
    const labels = await runMetricQuery<Row>(
      db,
      sql`select a.g, ${label} as label from (${customersQuery(scope, [trailingYear(window)], by)}) a ${join}`,
    );
    const labelOf = new Map(labels.map((l) => [String(l.g), String(l.label)]));
    return customers.map((c) => {
      const f = finalizeClv(
        c,
        revenue.filter((r) => String(r.g) === String(c.g)),
        currency,
        ctx.grossMargin,
      );
      return {
        key: c.g === null ? null : String(c.g),
        label: labelOf.get(String(c.g)) ?? String(c.g),
        value: f.value,
        n: f.n,
      };
    });
  },
};
