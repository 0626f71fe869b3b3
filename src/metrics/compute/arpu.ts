import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, take } from '../calculation.js';
import type { Dimension, Scope } from '../types.js';
import {
  chooseCurrency,
  type MetricComputer,
  noData,
  pickCurrency,
  type Row,
  toNumber,
  value,
} from './aggregate.js';
import { activeAt, scopedAccounts } from './customers.js';
import { runMetricQuery } from './query.js';
import { segmentLabelJoin, type Window, windowsRelation } from './rows.js';

/**
 * Per-license contracts (licenses and annual revenue per license both set) in force just before each
 * window's end (now for a running window), grouped by window (or by `by`: the contract's product, or the
 * account owner's rep/team) and currency: licenses, variable ARR = Σ licenses × revenue per license.
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
    join (${scopedAccounts(scope, by === 'product' ? undefined : by)}) a on a.id = c.account_id
    group by ${group}, c.currency`;
}

function finalizeArpu(rows: Row[], currency: string | null) {
  const { row, otherN } = pickCurrency(rows, currency);
  const licenses = toNumber(row?.licenses);
  const arr = toNumber(row?.cur_amount);
  const notes =
    otherN > 0 && currency
      ? [`${formatCount(otherN)} contracts in other currencies left out (no exchange rates).`]
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

/** ARPU at each window's end, per currency (the headline's leads); splits by product, rep or team. */
export const arpuComputer: MetricComputer = {
  async windows(db, scope, windows, headline) {
    const rows = await runMetricQuery<Row>(db, arpuQuery(scope, windows));
    const currency =
      chooseCurrency(rows.filter((r) => String(r.g) === String(headline))) ?? chooseCurrency(rows);
    return windows.map((_, i) => {
      const group = rows.filter((r) => String(r.g) === String(i));
      const newest = Math.max(0, ...group.map((r) => toNumber(r.newest_epoch)));
      return { ...finalizeArpu(group, currency), newest: newest > 0 ? new Date(newest * 1000) : null };
    });
  },
  async segments(db, scope, window, by) {
    const { join, label } = segmentLabelJoin(by);
    const rows = await runMetricQuery<Row>(
      db,
      sql`select a.*, ${label} as label from (${arpuQuery(scope, [window], by)}) a ${join}`,
    );
    const currency = chooseCurrency(rows);
    const groups = new Map<string, Row[]>();
    for (const r of rows) groups.set(String(r.g), [...(groups.get(String(r.g)) ?? []), r]);
    return [...groups.values()].map((g) => {
      const f = finalizeArpu(g, currency);
      return {
        key: g[0]!.g === null ? null : String(g[0]!.g),
        label: String(g[0]!.label),
        value: f.value,
        n: f.n,
      };
    });
  },
};
