import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import { calcInput, divide, take } from '../calculation.js';
import type { Dimension, Scope } from '../types.js';
import { accountStateSplits, instantIndex, prefixAt, prefixSums, stateFilter } from './account-rollups.js';
import {
  chooseCurrency,
  currencySegments,
  type MetricComputer,
  noData,
  otherCurrenciesLeftOut,
  pickCurrency,
  type Row,
  toNumber,
  value,
  windowsCurrency,
} from './aggregate.js';
import { contractsLeftOutAt, contractsLeftOutNotes } from './contracts-left-out.js';
import { activeAt, scopedAccounts, withUnownedNote } from './customers.js';
import { runMetricQuery } from './query.js';
import { segmentLabelJoin, type Window, windowsRelation } from './rows.js';

/**
 * Per-license contracts (licenses and annual revenue per license both set) in force just before each
 * window's end (now for a running window), grouped by window (or by `by`: the contract's product, or the
 * account owner's rep/team) and currency: licenses, variable ARR = Σ licenses × revenue per license. A
 * split by rep or team keeps the contracts of accounts with no owner apart (`UNOWNED_KEY`), for its note.
 */
function arpuQuery(scope: Scope, windows: Window[], by?: Dimension): SQL {
  const group = by === 'product' ? sql`c.product` : by ? sql`a.seg` : sql`w.i`;
  const perLicense = sql`c.licenses is not null and c.revenue_per_license_minor is not null`;
  return sql`select ${group} as g, c.currency,
      coalesce(sum(c.licenses), 0)::float8 as licenses,
      count(*)::int as cur_n,
      coalesce(sum(c.licenses::float8 * c.revenue_per_license_minor), 0)::float8 as cur_amount,
      extract(epoch from max(c.starts_at))::float8 as newest_epoch
    from ${windowsRelation(windows)}
    join contracts c on ${activeAt(sql`w.asof`)} and ${perLicense}
    join (${scopedAccounts(scope, by === 'product' ? undefined : by, { withUnowned: 'apart' })}) a
      on a.id = c.account_id
    group by ${group}, c.currency
    order by 1, 2`;
}

function finalizeArpu(rows: Row[], currency: string | null) {
  const { row, otherN } = pickCurrency(rows, currency);
  const licenses = toNumber(row?.licenses);
  const arr = toNumber(row?.cur_amount);
  const notes =
    otherN > 0 && currency
      ? [`${otherCurrenciesLeftOut(otherN, ['contract', 'contracts'])} (no exchange rates).`]
      : [];
  return {
    value: licenses > 0 ? value(arr / licenses) : noData('no per-license contracts in force'),
    n: toNumber(row?.cur_n),
    currency,
    notes,
    calc: {
      formula: 'Σ licenses × annual revenue per license ÷ Σ licenses, over per-license contracts in force',
      inputs: [calcInput('variable ARR', arr, 'money'), calcInput('active licenses', licenses, 'count')],
      step: divide(take(0), take(1)),
    },
    figures: [
      { key: 'licenses', label: 'Active licenses', unit: 'count' as const, value: value(licenses) },
      {
        key: 'variable_arr',
        label: 'Variable ARR (licenses × ARPU)',
        unit: 'money' as const,
        value: value(arr),
      },
    ],
  };
}

/** The account-state sums ARPU reads: per-license contract starts and ends, by ARR and by licenses. */
const LICENSE_KINDS: Parameters<typeof prefixSums>[3] = [
  'licensedStarts',
  'licensedEnds',
  'licensesStart',
  'licensesEnd',
];

/**
 * `arpuQuery`'s rows (per window and currency with per-license contracts in force) from the account state:
 * contracts, ARR and licenses in force before each asOf are prefix sums (`prefixSums`, kinds 7–10, exact);
 * the newest start behind the headline is the newest start of a per-license contract in force then.
 */
async function arpuFromState(db: Db, scope: Scope, windows: Window[], headline: number): Promise<Row[]> {
  const index = instantIndex(windows.map((w) => w.asOf));
  const asOf = windows[headline]!.asOf.toISOString();
  const [prefix, newest] = await Promise.all([
    prefixSums(db, scope, index, LICENSE_KINDS),
    runMetricQuery<Row>(
      db,
      sql`select extract(epoch from max(f.starts_at))::float8 as e from contract_facts f
        where f.licenses is not null and f.starts_at < ${asOf}::timestamptz and f.ends_at >= ${asOf}::timestamptz
          and ${stateFilter(scope, undefined, 'f', 'f.owned')}`,
    ),
  ]);
  const currencies = [
    ...new Set(prefix.filter((r) => r.j === -1 && r.currency !== '').map((r) => r.currency)),
  ];
  return currencies.sort().flatMap((currency) =>
    windows.flatMap((w, i) => {
      const p = prefixAt(prefix, index.get(w.asOf.getTime())!, null, currency);
      if (p.licensed <= 0) return [];
      return [
        {
          g: i,
          currency,
          licenses: p.licenses,
          cur_n: p.licensed,
          cur_amount: p.licensedArr,
          newest_epoch: i === headline ? newest[0]?.e : null,
        },
      ];
    }),
  );
}

/** `arpuQuery` rows of a split by rep or team from the account state: (key, currency) with contracts in force. */
async function arpuSegmentsFromState(db: Db, scope: Scope, window: Window, by: 'rep' | 'team') {
  const index = instantIndex([window.asOf]);
  const prefix = await prefixSums(db, scope, index, LICENSE_KINDS, by, segmentLabelJoin(by), {
    withUnowned: 'apart',
  });
  return prefix
    .filter((r) => r.j === index.get(window.asOf.getTime()) && r.licensed > 0)
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map((r) => ({
      g: r.g,
      currency: r.currency,
      label: r.label ?? '',
      licenses: r.licenses,
      cur_n: r.licensed,
      cur_amount: r.licensedArr,
    }));
}

/**
 * ARPU at each window's end, per currency (the headline's leads); splits by product, rep or team. With
 * rollups (default) every window and the splits by rep or team come from the account state; a split by
 * product reads the contracts (the state has no product).
 */
export const arpuComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx) {
    // Beside them: the per-license contracts in force on accounts that are not customers (left out).
    const [rows, leftOut] = await Promise.all([
      ctx.useRollups
        ? arpuFromState(db, scope, windows, headline)
        : runMetricQuery<Row>(db, arpuQuery(scope, windows)),
      contractsLeftOutAt(db, scope, windows[headline]!.asOf, true),
    ]);
    const currency = ctx.currency ?? windowsCurrency(rows, headline);
    return windows.map((_, i) => {
      const group = rows.filter((r) => String(r.g) === String(i));
      const newest = Math.max(0, ...group.map((r) => toNumber(r.newest_epoch)));
      const f = finalizeArpu(group, currency);
      const notes = i === headline ? [...f.notes, ...contractsLeftOutNotes(leftOut, true)] : f.notes;
      return { ...f, notes, newest: newest > 0 ? new Date(newest * 1000) : null };
    });
  },
  async segments(db, scope, window, by, ctx) {
    const { join, label } = segmentLabelJoin(by);
    const rows: Row[] =
      ctx.useRollups && accountStateSplits(by)
        ? await arpuSegmentsFromState(db, scope, window, by)
        : await runMetricQuery<Row>(
            db,
            sql`select a.*, ${label} as label from (${arpuQuery(scope, [window], by)}) a ${join}`,
          );
    const currency = ctx.currency ?? chooseCurrency(rows);
    // The contracts of accounts with no owner (UNOWNED_KEY) in the answer's currency: a note, not a row.
    return withUnownedNote(currencySegments(rows, currency, finalizeArpu), 'contracts');
  },
};
