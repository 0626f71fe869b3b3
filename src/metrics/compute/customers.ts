import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, subtract, take } from '../calculation.js';
import type { Dimension, Scope } from '../types.js';
import {
  accountStateSplits,
  epochDate,
  instantIndex,
  newestFact,
  type Prefix,
  prefixAt,
  prefixSums,
  UNOWNED_KEY,
  type Unowned,
  windowChurn,
} from './account-rollups.js';
import {
  chooseCurrency,
  currencySegments,
  type MetricComputer,
  noData,
  otherCurrenciesLeftOut,
  pickCurrency,
  type Row,
  ratio,
  type SegmentComputed,
  toNumber,
  value,
  windowsCurrency,
} from './aggregate.js';
import { contractsLeftOutAt, contractsLeftOutNotes } from './contracts-left-out.js';
import { runMetricQuery } from './query.js';
import { segmentLabelJoin, type Window, windowsRelation } from './rows.js';

/**
 * Customer accounts in scope, with their customer dates. Accounts have no owner column, so an account
 * belongs to the rep who won its first deal, and to that rep's team at that close. A split leaves out the
 * accounts with no won deal (no owner), unless `withUnowned` (an org split by rep or team): true (ARR), they
 * are in the null segment, with the accounts whose owner is no rep or on no team ("No rep", "No team");
 * 'apart', in the segment `UNOWNED_KEY`, which a split that leaves them out counts for its note.
 * Columns: id, became, churned, seg (when `by`).
 */
export function scopedAccounts(scope: Scope, by?: Dimension, options: { withUnowned?: Unowned } = {}): SQL {
  if (scope.kind === 'org' && by === undefined) {
    return sql`select a.id, a.became_customer_at as became, a.churned_at as churned
      from accounts a where a.became_customer_at is not null`;
  }
  if (by === undefined) {
    // One rep or team: start from their won deals (index) and keep those that were the account's first.
    const team =
      scope.kind === 'team'
        ? sql`join team_memberships m on m.rep_id = o.owner_rep_id and m.valid_from <= o.closed_at
            and (m.valid_to is null or o.closed_at < m.valid_to) and m.team_id = ${scope.teamId}`
        : sql``;
    const rep = scope.kind === 'rep' ? sql`and o.owner_rep_id = ${scope.repId}` : sql``;
    return sql`select a.id, a.became_customer_at as became, a.churned_at as churned
      from opportunities o ${team}
      join accounts a on a.id = o.account_id
      where o.outcome = 'won' ${rep} and a.became_customer_at is not null
        and not exists (
          select 1 from opportunities p where p.account_id = o.account_id and p.outcome = 'won'
            and (p.closed_at < o.closed_at or (p.closed_at = o.closed_at and p.id < o.id))
        )`;
  }
  const key = by === 'rep' ? sql`fw.rep_id::text` : by === 'team' ? sql`m.team_id::text` : null;
  const apart = options.withUnowned === 'apart' && scope.kind === 'org';
  const seg =
    key === null
      ? sql``
      : apart
        ? sql`, case when fw.won is null then ${UNOWNED_KEY} else ${key} end as seg`
        : sql`, ${key} as seg`;
  const filter =
    scope.kind === 'rep'
      ? sql`and fw.rep_id = ${scope.repId}`
      : scope.kind === 'team'
        ? sql`and m.team_id = ${scope.teamId}`
        : sql``;
  const firstWin = options.withUnowned && scope.kind === 'org' ? sql`left join lateral` : sql`join lateral`;
  return sql`select a.id, a.became_customer_at as became, a.churned_at as churned${seg}
    from accounts a
    ${firstWin} (
      select o.owner_rep_id as rep_id, o.closed_at, true as won from opportunities o
      where o.account_id = a.id and o.outcome = 'won' order by o.closed_at, o.id limit 1
    ) fw on true
    left join team_memberships m on m.rep_id = fw.rep_id and m.valid_from <= fw.closed_at
      and (m.valid_to is null or fw.closed_at < m.valid_to)
    where a.became_customer_at is not null ${filter}`;
}

/**
 * The note of a split by rep or team of retention, CLV or ARPU that leaves out `n` of the headline's records
 * for being of customer accounts with no owner (no won deal; see `scopedAccounts`), or none when n = 0:
 * customer accounts ('accounts'), or the per-license contracts on them ('contracts', ARPU's n).
 */
export function unownedNote(n: number, what: 'accounts' | 'contracts'): string | undefined {
  if (n <= 0) return undefined;
  const one = n === 1;
  const records =
    what === 'accounts'
      ? `customer account${one ? '' : 's'} with no owner (no won deal)`
      : `per-license contract${one ? '' : 's'} on customer accounts with no owner (no won deal)`;
  return `${formatCount(n)} ${records} ${one ? 'is' : 'are'} in the headline but in no row.`;
}

/**
 * A split's rows with those of the accounts with no owner (`UNOWNED_KEY`) taken out: in their place, the
 * row that carries the note on them (`unownedNote` of their n), when they count in the headline.
 */
export function withUnownedNote<S extends SegmentComputed>(
  rows: S[],
  what: 'accounts' | 'contracts',
): SegmentComputed[] {
  const note = unownedNote(
    rows.filter((r) => r.key === UNOWNED_KEY).reduce((sum, r) => sum + r.n, 0),
    what,
  );
  const shown: SegmentComputed[] = rows.filter((r) => r.key !== UNOWNED_KEY);
  return note
    ? [...shown, { key: null, label: '', value: noData('left out'), n: 0, leftOutNote: note }]
    : shown;
}

/**
 * A customer just before instant `t` (the state a period [s, t) ends with, or the state a period starting
 * at `t` begins with): became one before `t` and not churned before `t`. Every period is [start, end), so a
 * customer acquired at 00:00 on the first day is new in that period, and one churned then is lost in it.
 */
export const customerAt = (t: SQL) => sql`(a.became < ${t} and (a.churned is null or a.churned >= ${t}))`;

const retentionAggregates = sql`
  count(*) filter (where ${customerAt(sql`w.s`)})::int as s_n,
  count(*) filter (where ${customerAt(sql`w.asof`)})::int as e_n,
  count(*) filter (where ${customerAt(sql`w.asof`)} and a.became >= w.s)::int as n_n`;

function finalizeRetention(r: Row | undefined) {
  const s = toNumber(r?.s_n);
  const e = toNumber(r?.e_n);
  const n = toNumber(r?.n_n);
  return {
    value: ratio(e - n, s, 'no customers at the start of this period'),
    n: s,
    currency: null,
    notes: [],
    calc: {
      formula: '(E − N) ÷ S',
      inputs: [
        calcInput('customers at end (E)', e, 'count'),
        calcInput('new customers still active (N)', n, 'count'),
        calcInput('customers at start (S)', s, 'count'),
      ],
      step: divide(subtract(take(0), take(1)), take(2)),
    },
    figures: [
      { key: 'start', label: 'Customers at start', unit: 'count' as const, value: value(s) },
      { key: 'end', label: 'Customers at end', unit: 'count' as const, value: value(e) },
      { key: 'new', label: 'New customers', unit: 'count' as const, value: value(n) },
    ],
  };
}

/**
 * One pass over `from` (aliased `a`) computing `columns` for every window side by side, returned as one
 * row per window. Cheaper than joining every account to every window when the scope has many accounts.
 */
export async function aggregatePerWindow(
  db: Db,
  windows: Window[],
  from: SQL,
  columns: (start: SQL, asOf: SQL) => Record<string, SQL>,
): Promise<Row[]> {
  const keys: string[] = [];
  const selects = windows.flatMap((w, i) => {
    const cols = columns(
      sql`${w.start.toISOString()}::timestamptz`,
      sql`${w.asOf.toISOString()}::timestamptz`,
    );
    if (i === 0) keys.push(...Object.keys(cols));
    return Object.entries(cols).map(([k, expr]) => sql`${expr} as ${sql.raw(`"${k}_${i}"`)}`);
  });
  const [row] = await runMetricQuery<Row>(db, sql`select ${sql.join(selects, sql`, `)} from (${from}) a`);
  return windows.map((_, i) => Object.fromEntries(keys.map((k) => [k, row?.[`${k}_${i}`]])));
}

/** S, E and N of one window from prefix sums at its start and end and the churned accounts inside it. */
function retentionCounts(start: Prefix, end: Prefix, churnedInside: number) {
  return {
    s_n: start.became - start.left,
    e_n: end.became - end.left,
    n_n: end.became - start.became - churnedInside,
  };
}

/**
 * Retention of every window from the account state: customers before an instant = became − left (prefix
 * sums); new customers still active = became inside the window − those that also left inside it.
 */
async function retentionFromState(db: Db, scope: Scope, windows: Window[], headline: number) {
  const index = instantIndex(windows.flatMap((w) => [w.start, w.asOf]));
  const asOf = windows[headline]!.asOf;
  const [prefix, churn, newest] = await Promise.all([
    prefixSums(db, scope, index, ['became', 'left']),
    windowChurn(
      db,
      scope,
      windows.map((w) => ({ s: w.start, asOf: w.asOf })),
    ),
    runMetricQuery<Row>(
      db,
      sql`select greatest(${newestFact(scope, 'account_facts', 'became', asOf)},
        ${newestFact(scope, 'account_facts', 'left_at', asOf)}) as e`,
    ),
  ]);
  return windows.map((w, i) => {
    const counts = retentionCounts(
      prefixAt(prefix, index.get(w.start.getTime())!),
      prefixAt(prefix, index.get(w.asOf.getTime())!),
      toNumber(churn[0]?.[`w_${i}`]),
    );
    return { ...finalizeRetention(counts), newest: i === headline ? epochDate(newest[0]?.e) : null };
  });
}

async function retentionSegmentsFromState(db: Db, scope: Scope, window: Window, by: 'rep' | 'team') {
  const index = instantIndex([window.start, window.asOf]);
  // The accounts with no owner apart (UNOWNED_KEY): no row, but their count at the start (n) for the note.
  const [prefix, churn] = await Promise.all([
    prefixSums(db, scope, index, ['became', 'left'], by, segmentLabelJoin(by), { withUnowned: 'apart' }),
    windowChurn(db, scope, [{ s: window.start, asOf: window.asOf }], by, { withUnowned: 'apart' }),
  ]);
  const churnOf = new Map(churn.map((r) => [r.g === null ? null : String(r.g), toNumber(r.w_0)]));
  const rows = prefix
    .filter((r) => r.j === -1 && r.became > 0)
    .map((total) => {
      const f = finalizeRetention(
        retentionCounts(
          prefixAt(prefix, index.get(window.start.getTime())!, total.g),
          prefixAt(prefix, index.get(window.asOf.getTime())!, total.g),
          churnOf.get(total.g) ?? 0,
        ),
      );
      return { key: total.g, label: total.label ?? '', value: f.value, n: f.n };
    });
  return withUnownedNote(rows, 'accounts');
}

/** Retention (E − N) ÷ S, evaluated at each window's start and end (now, for a running window). */
export const retentionComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx) {
    if (ctx.useRollups) return retentionFromState(db, scope, windows, headline);
    const rows = await aggregatePerWindow(db, windows, scopedAccounts(scope), (s, asof) => ({
      s_n: sql`count(*) filter (where ${customerAt(s)})::int`,
      e_n: sql`count(*) filter (where ${customerAt(asof)})::int`,
      n_n: sql`count(*) filter (where ${customerAt(asof)} and a.became >= ${s})::int`,
      newest_epoch: sql`extract(epoch from max(case when a.churned < ${asof} then greatest(a.became, a.churned)
        else a.became end) filter (where a.became < ${asof}))::float8`,
    }));
    // The newest customer change (became or churned) behind the answer, so it is not called empty.
    return rows.map((r) => {
      const newest = toNumber(r.newest_epoch);
      return { ...finalizeRetention(r), newest: newest > 0 ? new Date(newest * 1000) : null };
    });
  },
  async segments(db, scope, window, by, ctx) {
    if (ctx.useRollups && accountStateSplits(by)) return retentionSegmentsFromState(db, scope, window, by);
    const { join, label } = segmentLabelJoin(by);
    const rows = await runMetricQuery<Row>(
      db,
      sql`select a.*, ${label} as label from (
            select a.seg as g, ${retentionAggregates}
            from ${windowsRelation([window])}
            cross join (${scopedAccounts(scope, by, { withUnowned: 'apart' })}) a group by a.seg
          ) a ${join}`,
    );
    return withUnownedNote(
      rows.map((r) => {
        const f = finalizeRetention(r);
        return { key: r.g === null ? null : String(r.g), label: String(r.label), value: f.value, n: f.n };
      }),
      'accounts',
    );
  },
};

/**
 * ARR of a contract: licenses × annual revenue per license, else total value ÷ contract years; unset, the
 * years come from the dates in calendar months (`tally_contract_years`, migration 0043: whole months ÷ 12 plus
 * the rest ÷ 365.25 days, in UTC), the one definition the account state stores too.
 */
export const contractArr = sql`case when c.licenses is not null and c.revenue_per_license_minor is not null
    then c.licenses::float8 * c.revenue_per_license_minor
    else c.total_value_minor::float8 / nullif(coalesce(c.contract_years::float8,
      tally_contract_years(c.starts_at, c.ends_at)), 0) end`;
/** In force just before `t` (contracts run [starts_at, ends_at)): the ARR a period ending at `t` ends with. */
export const activeAt = (t: SQL) => sql`(c.starts_at < ${t} and c.ends_at >= ${t})`;

function arrQuery(scope: Scope, windows: Window[], by?: Dimension): SQL {
  // Revenue per product: a contract's own product; rep and team: the account's owner (scopedAccounts), the
  // accounts with no owner in the null segment with the rest of "No rep" / "No team", so the rows add up.
  const group = by === 'product' ? sql`c.product` : by ? sql`a.seg` : sql`w.i`;
  const accountsBy = by === 'product' ? undefined : by;
  return sql`select ${group} as g, c.currency,
      count(*) filter (where ${activeAt(sql`w.asof`)})::int as cur_n,
      coalesce(sum(${contractArr}) filter (where ${activeAt(sql`w.asof`)}), 0)::float8 as cur_amount,
      coalesce(sum(${contractArr}) filter (where ${activeAt(sql`w.s`)}), 0)::float8 as at_start,
      extract(epoch from max(c.starts_at) filter (where c.starts_at < w.asof))::float8 as newest_epoch
    from ${windowsRelation(windows)}
    join contracts c on c.starts_at < w.asof and c.ends_at >= w.s
    join (${scopedAccounts(scope, accountsBy, { withUnowned: true })}) a on a.id = c.account_id
    group by ${group}, c.currency`;
}

function finalizeArr(rows: Row[], currency: string | null) {
  const { row, otherN } = pickCurrency(rows, currency);
  const arr = toNumber(row?.cur_amount);
  const n = toNumber(row?.cur_n);
  const notes =
    otherN > 0 && currency
      ? [`${otherCurrenciesLeftOut(otherN, ['contract', 'contracts'])} (no exchange rates).`]
      : [];
  return {
    value: row || otherN === 0 ? value(arr) : noData(`no active contracts in ${currency}`),
    n,
    currency,
    notes,
    calc: {
      formula: 'Σ active contracts: value ÷ years, or licenses × revenue per license',
      inputs: [calcInput('ARR of active contracts', arr, 'money'), calcInput('active contracts', n, 'count')],
      step: take(0),
    },
    figures: [
      {
        key: 'net_new',
        label: 'Net new ARR',
        unit: 'money' as const,
        value: value(arr - toNumber(row?.at_start)),
      },
      { key: 'contracts', label: 'Active contracts', unit: 'count' as const, value: value(n) },
    ],
  };
}

/** ARR for every window in one pass over the scope's contracts, as rows per (window, currency). */
async function arrPerWindow(db: Db, scope: Scope, windows: Window[]): Promise<Row[]> {
  const cols = windows.flatMap((w, i) => {
    const s = sql`${w.start.toISOString()}::timestamptz`;
    const asOf = sql`${w.asOf.toISOString()}::timestamptz`;
    return [
      sql`count(*) filter (where ${activeAt(asOf)})::int as ${sql.raw(`"cur_n_${i}"`)}`,
      sql`coalesce(sum(${contractArr}) filter (where ${activeAt(asOf)}), 0)::float8 as ${sql.raw(`"cur_amount_${i}"`)}`,
      sql`coalesce(sum(${contractArr}) filter (where ${activeAt(s)}), 0)::float8 as ${sql.raw(`"at_start_${i}"`)}`,
      sql`extract(epoch from max(c.starts_at) filter (where c.starts_at < ${asOf}))::float8 as ${sql.raw(`"newest_epoch_${i}"`)}`,
    ];
  });
  const rows = await runMetricQuery<Row>(
    db,
    sql`select c.currency, ${sql.join(cols, sql`, `)}
      from contracts c join (${scopedAccounts(scope)}) a on a.id = c.account_id
      group by c.currency order by c.currency`,
  );
  return rows.flatMap((r) =>
    windows.map((_, i) => ({
      g: i,
      currency: r.currency,
      cur_n: r[`cur_n_${i}`],
      cur_amount: r[`cur_amount_${i}`],
      at_start: r[`at_start_${i}`],
      newest_epoch: r[`newest_epoch_${i}`],
    })),
  );
}

/**
 * The rows of `arrPerWindow` from the account state: per currency the scope ever had contracts in, ARR in
 * force before each instant = Σ ARR started − Σ ARR ended before it (exact sums).
 */
async function arrFromState(db: Db, scope: Scope, windows: Window[], headline: number): Promise<Row[]> {
  const index = instantIndex(windows.flatMap((w) => [w.start, w.asOf]));
  const [prefix, newest] = await Promise.all([
    prefixSums(db, scope, index, ['starts', 'ends']),
    runMetricQuery<Row>(
      db,
      sql`select ${newestFact(scope, 'contract_facts', 'starts_at', windows[headline]!.asOf)} as e`,
    ),
  ]);
  const currencies = prefix
    .filter((r) => r.j === -1 && r.starts > 0)
    .map((r) => r.currency)
    .sort();
  return currencies.flatMap((currency) =>
    windows.map((w, i) => {
      const end = prefixAt(prefix, index.get(w.asOf.getTime())!, null, currency);
      const start = prefixAt(prefix, index.get(w.start.getTime())!, null, currency);
      return {
        g: i,
        currency,
        cur_n: end.starts - end.ends,
        cur_amount: end.arr,
        at_start: start.arr,
        newest_epoch: i === headline ? newest[0]?.e : null,
      };
    }),
  );
}

/**
 * `arrQuery` rows of a split by rep or team from the account state: (key, currency) with contracts in the
 * window; accounts with no owner in the null key, as there.
 */
async function arrSegmentsFromState(db: Db, scope: Scope, window: Window, by: 'rep' | 'team') {
  const index = instantIndex([window.start, window.asOf]);
  const prefix = await prefixSums(db, scope, index, ['starts', 'ends'], by, segmentLabelJoin(by), {
    withUnowned: true,
  });
  const keys = new Map<string, { g: string | null; currency: string; label: string }>();
  for (const r of prefix)
    if (r.j === -1)
      keys.set(`${r.g}\u0000${r.currency}`, { g: r.g, currency: r.currency, label: r.label ?? '' });
  const sorted = [...keys.values()].sort((a, b) =>
    a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0,
  );
  return sorted.flatMap(({ g, currency, label }) => {
    const end = prefixAt(prefix, index.get(window.asOf.getTime())!, g, currency);
    const start = prefixAt(prefix, index.get(window.start.getTime())!, g, currency);
    // Contracts touching the window: started before its end and not ended before its start.
    if (end.starts - start.ends <= 0) return [];
    return [{ g, currency, label, cur_n: end.starts - end.ends, cur_amount: end.arr }];
  });
}

/** ARR at each window's end (now for a running window), per currency; the headline's currency leads. */
export const arrComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx) {
    // Beside them: the contracts in force on accounts that are not customers, which ARR leaves out.
    const [rows, leftOut] = await Promise.all([
      ctx.useRollups ? arrFromState(db, scope, windows, headline) : arrPerWindow(db, scope, windows),
      contractsLeftOutAt(db, scope, windows[headline]!.asOf, false),
    ]);
    const currency = ctx.currency ?? windowsCurrency(rows, headline);
    return windows.map((_, i) => {
      const group = rows.filter((r) => String(r.g) === String(i));
      const newest = Math.max(0, ...group.map((r) => toNumber(r.newest_epoch)));
      const f = finalizeArr(group, currency);
      const notes = i === headline ? [...f.notes, ...contractsLeftOutNotes(leftOut, false)] : f.notes;
      return { ...f, notes, newest: newest > 0 ? new Date(newest * 1000) : null };
    });
  },
  async segments(db, scope, window, by, ctx) {
    const { join, label } = segmentLabelJoin(by);
    const rows =
      ctx.useRollups && accountStateSplits(by)
        ? await arrSegmentsFromState(db, scope, window, by)
        : await runMetricQuery<Row>(
            db,
            sql`select a.*, ${label} as label from (${arrQuery(scope, [window], by)}) a ${join}`,
          );
    const currency = ctx.currency ?? chooseCurrency(rows);
    return currencySegments(rows, currency, finalizeArr);
  },
};
