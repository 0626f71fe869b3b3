import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
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
import { aggregatePerWindow, customerAt, scopedAccounts } from './customers.js';
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
      count(*) filter (where ${customerAt(sql`w.s`)} and a.churned <= w.asof)::int as lost,
      count(*) filter (where a.became <= w.asof and (a.churned is null or a.churned > w.s))::int as active
    from ${windowsRelation(windows)} cross join (${scopedAccounts(scope, by)}) a group by ${group}`;
}

function revenueQuery(scope: Scope, windows: Window[], by?: Dimension): SQL {
  const group = by ? sql`a.seg` : sql`w.i`;
  return sql`select ${group} as g, o.currency, count(*)::int as cur_n, coalesce(sum(o.amount_minor), 0)::float8 as cur_amount,
      extract(epoch from max(o.closed_at))::float8 as newest_epoch
    from ${windowsRelation(windows)}
    join opportunities o on o.outcome = 'won' and o.closed_at >= w.s and o.closed_at < w.asof
    join (${scopedAccounts(scope, by)}) a on a.id = o.account_id
    group by ${group}, o.currency`;
}

/** Revenue won from the scope's accounts for every window in one pass, as rows per (window, currency). */
async function revenuePerWindow(db: Db, scope: Scope, windows: Window[]): Promise<Row[]> {
  const { min, max } = span(windows);
  const cols = windows.flatMap((w, i) => {
    const inWindow = sql`o.closed_at >= ${w.start.toISOString()}::timestamptz and o.closed_at < ${w.asOf.toISOString()}::timestamptz`;
    return [
      sql`count(*) filter (where ${inWindow})::int as ${sql.raw(`"cur_n_${i}"`)}`,
      sql`coalesce(sum(o.amount_minor) filter (where ${inWindow}), 0)::float8 as ${sql.raw(`"cur_amount_${i}"`)}`,
      sql`extract(epoch from max(o.closed_at) filter (where ${inWindow}))::float8 as ${sql.raw(`"newest_epoch_${i}"`)}`,
    ];
  });
  const rows = await runMetricQuery<Row>(
    db,
    sql`select o.currency, ${sql.join(cols, sql`, `)}
      from opportunities o join (${scopedAccounts(scope)}) a on a.id = o.account_id
      where o.outcome = 'won' and o.closed_at >= ${min.toISOString()}::timestamptz
        and o.closed_at < ${max.toISOString()}::timestamptz
      group by o.currency`,
  );
  return rows.flatMap((r) =>
    windows.map((_, i) => ({
      g: i,
      currency: r.currency,
      cur_n: r[`cur_n_${i}`],
      cur_amount: r[`cur_amount_${i}`],
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
  else v = value(Math.round(((arpc ?? 0) * margin) / churn));
  const notes =
    otherN > 0 && currency ? [`${otherN} won deals in other currencies left out (no exchange rates).`] : [];
  return {
    value: v,
    n: active,
    currency,
    notes,
    calc: {
      formula:
        '(revenue won ÷ customers) × gross margin ÷ (customers lost ÷ customers at start), trailing 12 months',
      numeratorLabel: 'revenue won from customers',
      numerator: rev,
      denominatorLabel: 'customers',
      denominator: active,
    },
    figures: [
      {
        key: 'arpc',
        label: 'Annual revenue per customer',
        unit: 'money',
        value: arpc === null ? noData('no customers') : value(Math.round(arpc)),
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
          lost: sql`count(*) filter (where ${customerAt(s)} and a.churned <= ${asof})::int`,
          active: sql`count(*) filter (where a.became <= ${asof} and (a.churned is null or a.churned > ${s}))::int`,
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
