import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, multiply, take } from '../calculation.js';
import type { Dimension, Scope } from '../types.js';
import {
  accountStateSplits,
  instantIndex,
  newestFact,
  type Prefix,
  prefixAt,
  prefixSums,
  windowChurn,
} from './account-rollups.js';
import {
  type ComputeContext,
  type Computed,
  chooseCurrency,
  type MetricComputer,
  noData,
  otherCurrenciesLeftOut,
  pickCurrency,
  type Row,
  toNumber,
  value,
  windowsCurrency,
} from './aggregate.js';
import { aggregatePerWindow, contractArr, customerAt, scopedAccounts, withUnownedNote } from './customers.js';
import { runMetricQuery } from './query.js';
import { segmentLabelJoin, span, type Window, windowsRelation } from './rows.js';

/** CLV looks at the 12 months ending at the window's end (now for a running window): [asOf − 1 year, asOf). */
function trailingYear(w: Window): Window {
  const start = new Date(w.asOf);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return { start, end: w.asOf, asOf: w.asOf };
}

/**
 * Customers at the start, lost and active per window (or per `by`); a split by rep or team keeps the accounts
 * with no owner apart (`UNOWNED_KEY`), for its note only.
 */
function customersQuery(scope: Scope, windows: Window[], by?: Dimension): SQL {
  const group = by ? sql`a.seg` : sql`w.i`;
  return sql`select ${group} as g,
      count(*) filter (where ${customerAt(sql`w.s`)})::int as at_start,
      count(*) filter (where ${customerAt(sql`w.s`)} and a.churned < w.asof)::int as lost,
      count(*) filter (where a.became < w.asof and (a.churned is null or a.churned >= w.s))::int as active
    from ${windowsRelation(windows)}
    cross join (${scopedAccounts(scope, by, { withUnowned: 'apart' })}) a group by ${group}`;
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
      group by v.currency order by v.currency`,
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
          `${otherCurrenciesLeftOut(otherN, ['revenue record (a contract or won deal)', 'revenue records (contracts or won deals)'])} (no exchange rates).`,
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
      { key: 'margin', label: 'Gross margin', unit: 'ratio', value: value(margin), fixed: true },
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

/**
 * CLV's customers of one window from prefix sums at its start (s) and end (asof) and the accounts that left
 * inside it: at start = became − left before s; lost = left inside − those that also became inside;
 * active (customer at any time in the window) = became before asof − left before s − accounts whose churn
 * date precedes both the window and their customer date (bad data) that became inside it.
 */
function customersFromPrefix(start: Prefix, end: Prefix, churn: Row | undefined, i: number) {
  return {
    at_start: start.became - start.left,
    lost: end.left - start.left - toNumber(churn?.[`w_${i}`]),
    active: end.became - start.left - toNumber(churn?.[`x_${i}`]),
  };
}

/**
 * Contract revenue of accounts with contracts but no won deal (org scope only: other scopes count owned
 * accounts), per currency, for every window: the rows of `revenuePerWindow`'s contract part.
 */
function unownedContracts(db: Db, ws: Window[]): Promise<Row[]> {
  const { min, max } = span(ws);
  const cols = ws.flatMap((w, i) => {
    const s = sql`${w.start.toISOString()}::timestamptz`;
    const asof = sql`${w.asOf.toISOString()}::timestamptz`;
    return [
      sql`count(*) filter (where ${touches(s, asof)})::int as ${sql.raw(`"cur_n_${i}"`)}`,
      sql`coalesce(sum(${earned(s, asof)}) filter (where ${touches(s, asof)}), 0)::float8 as ${sql.raw(`"cur_amount_${i}"`)}`,
      sql`extract(epoch from max(v.t0) filter (where ${touches(s, asof)}))::float8 as ${sql.raw(`"newest_epoch_${i}"`)}`,
    ];
  });
  return runMetricQuery<Row>(
    db,
    sql`select v.currency, ${sql.join(cols, sql`, `)}
      from (select 'contract' as kind, f.currency, f.arr::float8 as amount, f.starts_at as t0, f.ends_at as t1
        from contract_facts f where not f.owned
          and f.ends_at >= ${min.toISOString()}::timestamptz and f.starts_at < ${max.toISOString()}::timestamptz) v
      group by v.currency`,
  );
}

/** `run` from the account state: customers by prefix sums, won revenue by prefix sums, unowned contracts by window. */
async function runFromState(
  db: Db,
  scope: Scope,
  windows: Window[],
  headline: number,
  by?: 'rep' | 'team',
): Promise<[Row[], Row[]]> {
  const ws = windows.map(trailingYear);
  const index = instantIndex(ws.flatMap((w) => [w.start, w.asOf]));
  const { min, max } = span(ws);
  const h = ws[headline]!;
  // A split keeps the accounts with no owner apart (UNOWNED_KEY), for its note only (they have no won deal).
  const apart = { withUnowned: by ? ('apart' as const) : false };
  const [prefix, churn, contracts, newest] = await Promise.all([
    prefixSums(
      db,
      scope,
      index,
      ['became', 'left', 'deal'],
      by,
      by ? segmentLabelJoin(by) : undefined,
      apart,
    ),
    windowChurn(
      db,
      scope,
      ws.map((w) => ({ s: w.start, asOf: w.asOf })),
      by,
      apart,
    ),
    scope.kind === 'org' && !by ? unownedContracts(db, ws) : Promise.resolve([]),
    by
      ? Promise.resolve([])
      : runMetricQuery<Row>(
          db,
          sql`select ${newestFact(scope, 'deal_facts', 'closed_at', h.asOf, h.start)} as e`,
        ),
  ]);
  const at = (t: Date, g: string | null, currency = '') =>
    prefixAt(prefix, index.get(t.getTime())!, g, currency);
  const churnOf = new Map(churn.map((r) => [r.g === null ? null : String(r.g), r]));
  const customers: Row[] = [];
  const revenue: Row[] = [];
  const totals = prefix.filter((r) => r.j === -1);
  for (const total of totals.filter((r) => r.currency === '' && r.became > 0 && by)) {
    customers.push({
      g: total.g,
      label: total.label,
      ...customersFromPrefix(at(ws[0]!.start, total.g), at(ws[0]!.asOf, total.g), churnOf.get(total.g), 0),
    });
  }
  if (!by)
    for (const [i, w] of ws.entries())
      customers.push({ g: i, ...customersFromPrefix(at(w.start, null), at(w.asOf, null), churn[0], i) });
  // Won revenue per currency: currencies with a won deal in the windows' span (as the raw query groups them).
  const dealKeys = totals.filter((r) => r.currency !== '' && r.deals > 0);
  for (const { g, currency } of dealKeys) {
    const inSpan = at(max, g, currency).deals - at(min, g, currency).deals;
    const contract = contracts.find((c) => String(c.currency).trim() === currency);
    if (inSpan <= 0 && !contract) continue;
    for (const [i, w] of ws.entries()) {
      const end = at(w.asOf, g, currency);
      const start = at(w.start, g, currency);
      const deals = end.deals - start.deals;
      if (by && deals <= 0) continue;
      revenue.push({
        g: by ? g : i,
        currency,
        cur_n: deals + toNumber(contract?.[`cur_n_${i}`]),
        cur_amount: end.dealAmount - start.dealAmount + toNumber(contract?.[`cur_amount_${i}`]),
        contracts: toNumber(contract?.[`cur_n_${i}`]),
        newest_epoch:
          i === headline ? Math.max(toNumber(newest[0]?.e), toNumber(contract?.[`newest_epoch_${i}`])) : null,
      });
    }
  }
  // Currencies with contract revenue only.
  for (const c of contracts) {
    const currency = String(c.currency).trim();
    if (dealKeys.some((k) => k.currency === currency)) continue;
    for (const i of ws.keys())
      revenue.push({
        g: i,
        currency,
        cur_n: toNumber(c[`cur_n_${i}`]),
        cur_amount: toNumber(c[`cur_amount_${i}`]),
        contracts: toNumber(c[`cur_n_${i}`]),
        newest_epoch: i === headline ? c[`newest_epoch_${i}`] : null,
      });
  }
  // Currencies in order, as the raw query returns them (the first of equal candidates leads).
  revenue.sort((a, b) =>
    String(a.currency) < String(b.currency) ? -1 : String(a.currency) > String(b.currency) ? 1 : 0,
  );
  return [customers, revenue];
}

/** Customer lifetime value over the trailing 12 months; "no churn observed" instead of infinity. */
export const clvComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx: ComputeContext) {
    const [customers, revenue] = ctx.useRollups
      ? await runFromState(db, scope, windows, headline)
      : await run(db, scope, windows);
    const currency = ctx.currency ?? windowsCurrency(revenue, headline);
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
    if (ctx.useRollups && accountStateSplits(by)) {
      const [customers, revenue] = await runFromState(db, scope, [window], 0, by);
      const currency = ctx.currency ?? chooseCurrency(revenue);
      return withUnownedNote(
        customers.map((c) => {
          const key = c.g === null ? null : String(c.g);
          const rev = revenue.filter((r) => r.g === c.g);
          const f = finalizeClv(c, rev, currency, ctx.grossMargin);
          return { key, label: String(c.label), value: f.value, n: f.n, currency };
        }),
        'accounts',
      );
    }
    const [customers, revenue] = await run(db, scope, [window], by);
    const currency = ctx.currency ?? chooseCurrency(revenue);
    const { join, label } = segmentLabelJoin(by);
    const labels = await runMetricQuery<Row>(
      db,
      sql`select a.g, ${label} as label from (${customersQuery(scope, [trailingYear(window)], by)}) a ${join}`,
    );
    const labelOf = new Map(labels.map((l) => [String(l.g), String(l.label)]));
    return withUnownedNote(
      customers.map((c) => {
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
          currency,
        };
      }),
      'accounts',
    );
  },
};
