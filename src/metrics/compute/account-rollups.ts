import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import type { Dimension, Scope } from '../types.js';
import { type Row, toNumber } from './aggregate.js';
import { runMetricQuery } from './query.js';

/**
 * Range sums over the account state (`account_rollups`, `account_facts`, `contract_facts`, `deal_facts`,
 * migrations `account_state`, `arpu_state_and_open_deals_by_expected_close`): how many accounts became
 * customers or left before an instant, the ARR in force, the per-license contracts, their ARR and licenses in
 * force (ARPU) and the won revenue before an instant, per scope. Every figure is exact for any instant: the
 * all-time total minus the month, day and hour buckets from the instant's next whole hour on, minus the
 * raw facts between the instant and that hour. The cost depends on how far back the instant is, not on
 * how much history the database holds.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Event kinds of `account_rollups`. */
const KIND = {
  became: 1,
  left: 2,
  starts: 4,
  ends: 5,
  deal: 6,
  licensedStarts: 7,
  licensedEnds: 8,
  licensesStart: 9,
  licensesEnd: 10,
} as const;
type Kind = keyof typeof KIND;

/** A per-license contract event (ARPU): at `at`, with `amount`. */
const perLicense = (at: string, amount: string) => ({
  table: 'contract_facts',
  at,
  currency: 'f.currency',
  amount,
  owned: 'f.owned',
  where: 'f.licenses is not null',
});

/**
 * The fact table, instant column, amount and (`where`) which facts of each kind (for the part of an hour
 * before a bucket).
 */
const RAW: Record<
  Kind,
  { table: string; at: string; currency: string; amount: string; owned: string; where?: string }
> = {
  became: { table: 'account_facts', at: 'became', currency: `''`, amount: 'null::numeric', owned: 'f.owned' },
  left: { table: 'account_facts', at: 'left_at', currency: `''`, amount: 'null::numeric', owned: 'f.owned' },
  starts: {
    table: 'contract_facts',
    at: 'starts_at',
    currency: 'f.currency',
    amount: 'f.arr',
    owned: 'f.owned',
  },
  ends: { table: 'contract_facts', at: 'ends_at', currency: 'f.currency', amount: 'f.arr', owned: 'f.owned' },
  licensedStarts: perLicense('starts_at', 'f.arr'),
  licensedEnds: perLicense('ends_at', 'f.arr'),
  licensesStart: perLicense('starts_at', 'f.licenses::numeric'),
  licensesEnd: perLicense('ends_at', 'f.licenses::numeric'),
  deal: {
    table: 'deal_facts',
    at: 'closed_at',
    currency: 'f.currency',
    amount: 'f.amount_minor::numeric',
    owned: 'true',
  },
};

/** Dimensions the account state splits by: the account owner's rep or team (others read raw rows). */
export const accountStateSplits = (by: Dimension): by is 'rep' | 'team' => by === 'rep' || by === 'team';

/**
 * Rows of the scope among fact or rollup rows aliased `alias`: a rep's or a team's owned accounts, or every
 * customer account for the org; a split counts owned accounts only (as `scopedAccounts` does), unless `owned`
 * is `true` (ARR's org split keeps accounts with no owner, under the null key with those of no rep or team).
 */
export function stateFilter(scope: Scope, by: Dimension | undefined, alias: string, owned: string): SQL {
  const a = sql.raw(alias);
  if (scope.kind === 'rep') return sql`${a}.rep_id = ${scope.repId}`;
  if (scope.kind === 'team') return sql`${a}.team_id = ${scope.teamId}`;
  return by ? sql.raw(owned) : sql`true`;
}

/**
 * How a split treats the accounts with no owner (no won deal): false, it leaves them out (retention, CLV,
 * ARPU); true, they are in the null key with those of no rep or no team (ARR's org split, so its rows add up
 * to the headline); 'apart', they have a key of their own (`UNOWNED_KEY`), so the split can count what it
 * leaves out in the same statement and say so.
 */
export type Unowned = boolean | 'apart';

/** The split key of the accounts with no owner under `Unowned` 'apart': no rep or team has id 0. */
export const UNOWNED_KEY = '0';

/**
 * The split key of a fact or rollup row aliased `alias` as text (null = no rep / no team), or null;
 * `apart`: the rows whose `owned` expression is false get `UNOWNED_KEY`.
 */
export function stateSegment(by: Dimension | undefined, alias: string, apart?: string): SQL {
  const key =
    by === 'rep'
      ? `nullif(${alias}.rep_id, 0)::text`
      : by === 'team'
        ? `nullif(${alias}.team_id, 0)::text`
        : null;
  if (key === null) return sql`null::text`;
  return apart ? sql.raw(`case when not (${apart}) then '${UNOWNED_KEY}' else ${key} end`) : sql.raw(key);
}

const ceilMonth = (ms: number): number => {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return start === ms ? ms : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
const iso = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

/** Index of each distinct instant, in time order (shared window bounds are summed once). */
export function instantIndex(instants: Date[]): Map<number, number> {
  const sorted = [...new Set(instants.map((t) => t.getTime()))].sort((a, b) => a - b);
  return new Map(sorted.map((t, j) => [t, j]));
}

/** A range [from, to) (to = null: open-ended) cut into raw facts at the edges and whole hour/day/month buckets. */
function cutRange(
  from: number,
  to: number | null,
): { grain: 'raw' | 'h' | 'd' | 'm'; from: number; to: number | null }[] {
  const out: { grain: 'raw' | 'h' | 'd' | 'm'; from: number; to: number | null }[] = [];
  const h0 = Math.ceil(from / HOUR) * HOUR;
  const h1 = to === null ? null : Math.floor(to / HOUR) * HOUR;
  if (h1 !== null && h1 < h0) return [{ grain: 'raw', from, to }];
  if (from < h0) out.push({ grain: 'raw', from, to: h0 });
  if (h1 !== null && h1 < to!) out.push({ grain: 'raw', from: h1, to });
  const d0 = Math.ceil(h0 / DAY) * DAY;
  const d1 = h1 === null ? null : Math.floor(h1 / DAY) * DAY;
  if (d1 !== null && d1 <= d0) {
    if (h0 < h1!) out.push({ grain: 'h', from: h0, to: h1 });
    return out;
  }
  if (h0 < d0) out.push({ grain: 'h', from: h0, to: d0 });
  if (d1 !== null && d1 < h1!) out.push({ grain: 'h', from: d1, to: h1 });
  const m0 = ceilMonth(d0);
  let m1: number | null = null;
  if (d1 !== null) {
    m1 = m0;
    for (let next = ceilMonth(m1 + 1); next <= d1; next = ceilMonth(m1 + 1)) m1 = next;
    if (m1 <= m0) {
      out.push({ grain: 'd', from: d0, to: d1 });
      return out;
    }
  }
  if (d0 < m0) out.push({ grain: 'd', from: d0, to: m0 });
  out.push({ grain: 'm', from: m0, to: m1 });
  if (m1 !== null && m1 < d1!) out.push({ grain: 'd', from: m1, to: d1 });
  return out;
}

/**
 * Events of `kinds` strictly before each instant (`j` = its index in `index`; j = -1: all time), per
 * currency and split key `g`, as relation rows (j, kind, currency, g, n numeric, amount numeric). The
 * ranges between consecutive instants (the last one open-ended) are each read once; an instant's sum is
 * the all-time total minus the ranges from it on.
 */
function prefixRelation(
  scope: Scope,
  index: Map<number, number>,
  kinds: Kind[],
  by?: Dimension,
  withUnowned: Unowned = false,
): SQL {
  const codes = sql.raw(`array[${kinds.map((k) => KIND[k]).join(',')}]::smallint[]`);
  const filter = stateFilter(scope, by, 'r', withUnowned ? 'true' : 'r.owned');
  const seg = stateSegment(by, 'r', withUnowned === 'apart' ? 'r.owned' : undefined);
  const instants = [...index.keys()];
  // Every part of every range, grouped by grain; a part's range index is found again from its start.
  const parts = new Map<string, { from: number; to: number | null }[]>();
  for (const [k, t] of instants.entries())
    for (const part of cutRange(t, instants[k + 1] ?? null))
      parts.set(part.grain, [...(parts.get(part.grain) ?? []), part]);
  const tarr = sql`${`{${instants.map((t) => new Date(t).toISOString()).join(',')}}`}::timestamptz[]`;
  const within = (col: SQL, list: { from: number; to: number | null }[]) =>
    sql`(${sql.join(
      list.map(
        (p) => sql`(${col} >= ${iso(p.from)}${p.to === null ? sql`` : sql` and ${col} < ${iso(p.to)}`})`,
      ),
      sql` or `,
    )})`;
  const arms: SQL[] = [];
  for (const grain of ['h', 'd', 'm'] as const) {
    const list = parts.get(grain);
    if (!list) continue;
    arms.push(sql`select width_bucket(r.bucket, ${tarr}) - 1 as k, r.kind, r.currency, ${seg} as g,
        r.n::numeric as n, r.amount
      from account_rollups r where r.grain = ${grain}::char(1) and r.kind = any(${codes})
        and ${within(sql`r.bucket`, list)} and ${filter}`);
  }
  const rawList = parts.get('raw');
  if (rawList)
    for (const kind of kinds) {
      const raw = RAW[kind];
      const col = sql.raw(`f.${raw.at}`);
      arms.push(sql`select width_bucket(${col}, ${tarr}) - 1 as k, ${KIND[kind]}::smallint as kind,
          ${sql.raw(raw.currency)}::text as currency, ${stateSegment(by, 'f', withUnowned === 'apart' ? raw.owned : undefined)} as g, 1::numeric as n,
          ${sql.raw(raw.amount)} as amount
        from ${sql.raw(raw.table)} f where ${within(col, rawList)} and ${stateFilter(scope, by, 'f', withUnowned ? 'true' : raw.owned)}
          and ${sql.raw(raw.where ?? 'true')}`);
    }
  if (arms.length === 0)
    arms.push(
      sql`select 0 as k, 0::smallint as kind, ''::text as currency, null::text as g, 0::numeric as n, 0::numeric as amount where false`,
    );
  const ks = sql.raw(`array[${instants.map((_, k) => k).join(',')}]::int[]`);
  return sql`with t as (
      select r.kind, r.currency, ${seg} as g, sum(r.n)::numeric as n, sum(r.amount) as amount
      from account_rollups r where r.grain = 'a' and r.kind = any(${codes}) and ${filter} group by 1, 2, 3),
    x as (
      select x.k, x.kind, x.currency, x.g, sum(x.n) as n, coalesce(sum(x.amount), 0) as amount
      from (${sql.join(arms, sql` union all `)}) x group by 1, 2, 3, 4),
    grid as (select j.k, t.* from unnest(${ks}) j(k) cross join t)
    select grid.k as j, grid.kind, grid.currency, grid.g,
      grid.n - coalesce(sum(x.n) over w, 0) as n, grid.amount - coalesce(sum(x.amount) over w, 0) as amount
    from grid left join x on x.k = grid.k and x.kind = grid.kind and x.currency = grid.currency
      and x.g is not distinct from grid.g
    window w as (partition by grid.kind, grid.currency, grid.g order by grid.k desc)
    union all select -1, t.kind, t.currency, t.g, t.n, t.amount from t`;
}

/** Per instant (j), currency and split key: the prefix sums metrics combine. */
export interface Prefix {
  j: number;
  currency: string;
  g: string | null;
  /** Accounts that became customers / left before the instant. */
  became: number;
  left: number;
  /** Contracts started, and ARR in force just before the instant (Σ started − Σ ended, exact). */
  starts: number;
  ends: number;
  arr: number;
  /** Won deals closed before the instant and their amount (minor units, an exact integer). */
  deals: number;
  dealAmount: number;
  /** Per-license contracts in force just before the instant, their ARR and their licenses (exact). */
  licensed: number;
  licensedArr: number;
  licenses: number;
}

/**
 * Prefix sums of the scope (split by `by` when given) before every instant of `index`, in one query.
 * `withUnowned`: an org split keeps the accounts with no owner (no won deal) under the null key, with those
 * whose owner is no rep or on no team, so its rows add up to the org's figure (ARR); 'apart', under
 * `UNOWNED_KEY` (see `Unowned`).
 */
export async function prefixSums(
  db: Db,
  scope: Scope,
  index: Map<number, number>,
  kinds: Kind[],
  by?: Dimension,
  labels?: { join: SQL; label: SQL },
  options: { withUnowned?: Unowned } = {},
): Promise<(Prefix & { label?: string })[]> {
  const inner = sql`select p.j, p.currency, p.g,
      coalesce(sum(p.n) filter (where p.kind = 1), 0)::float8 as became,
      coalesce(sum(p.n) filter (where p.kind = 2), 0)::float8 as left_n,
      coalesce(sum(p.n) filter (where p.kind = 4), 0)::float8 as starts,
      coalesce(sum(p.n) filter (where p.kind = 5), 0)::float8 as ends,
      (coalesce(sum(p.amount) filter (where p.kind = 4), 0) - coalesce(sum(p.amount) filter (where p.kind = 5), 0))::float8 as arr,
      coalesce(sum(p.n) filter (where p.kind = 6), 0)::float8 as deals,
      coalesce(sum(p.amount) filter (where p.kind = 6), 0)::float8 as deal_amount,
      (coalesce(sum(p.n) filter (where p.kind = 7), 0) - coalesce(sum(p.n) filter (where p.kind = 8), 0))::float8 as licensed,
      (coalesce(sum(p.amount) filter (where p.kind = 7), 0) - coalesce(sum(p.amount) filter (where p.kind = 8), 0))::float8 as licensed_arr,
      (coalesce(sum(p.amount) filter (where p.kind = 9), 0) - coalesce(sum(p.amount) filter (where p.kind = 10), 0))::float8 as licenses
    from (${prefixRelation(scope, index, kinds, by, options.withUnowned)}) p group by 1, 2, 3`;
  const rows = await runMetricQuery<Row>(
    db,
    labels ? sql`select a.*, ${labels.label} as label from (${inner}) a ${labels.join}` : inner,
  );
  return rows.map((r) => ({
    j: toNumber(r.j),
    currency: String(r.currency ?? '').trim(),
    g: r.g === null || r.g === undefined ? null : String(r.g),
    became: toNumber(r.became),
    left: toNumber(r.left_n),
    starts: toNumber(r.starts),
    ends: toNumber(r.ends),
    arr: toNumber(r.arr),
    deals: toNumber(r.deals),
    dealAmount: toNumber(r.deal_amount),
    licensed: toNumber(r.licensed),
    licensedArr: toNumber(r.licensed_arr),
    licenses: toNumber(r.licenses),
    ...(r.label === undefined ? {} : { label: String(r.label) }),
  }));
}

/** Sums prefix rows by (j, g) over currencies (account counts carry currency ''). */
export function prefixAt(rows: Prefix[], j: number, g: string | null = null, currency = ''): Prefix {
  const hit = rows.find((r) => r.j === j && r.g === g && r.currency === currency);
  return (
    hit ?? {
      j,
      currency,
      g,
      became: 0,
      left: 0,
      starts: 0,
      ends: 0,
      arr: 0,
      deals: 0,
      dealAmount: 0,
      licensed: 0,
      licensedArr: 0,
      licenses: 0,
    }
  );
}

/**
 * Churned accounts of the scope that became a customer and left again inside a window, per window i:
 * `w_i` = those that left in [s_i, asof_i) and became one at or after s_i, `x_i` = those that left in it
 * with a churn date before the window and before their customer date (bad data that CLV's customer count
 * must still match). Since `left_at` = greatest(became, churned) ≥ became, both are accounts that became a
 * customer in [s_i, asof_i): w = became in it and left before asof; x = became in it and churned before
 * both s and became (then left_at = became). So one index range over the accounts that became customers in
 * the windows' span is read: new customers, bounded by the windows, where the accounts that left in them
 * grow with the installed base (a business with 3× the history churned 6× as many in the same window).
 * `withUnowned`: the accounts with no owner in a split, as for `prefixSums`.
 */
export async function windowChurn(
  db: Db,
  scope: Scope,
  windows: { s: Date; asOf: Date }[],
  by?: Dimension,
  options: { withUnowned?: Unowned } = {},
): Promise<Row[]> {
  const { withUnowned = false } = options;
  let min = windows[0]!.s;
  let max = windows[0]!.asOf;
  for (const w of windows) {
    if (w.s < min) min = w.s;
    if (w.asOf > max) max = w.asOf;
  }
  const cols = windows.flatMap((w, i) => {
    const s = sql`${w.s.toISOString()}::timestamptz`;
    const asof = sql`${w.asOf.toISOString()}::timestamptz`;
    const became = sql`f.became >= ${s} and f.became < ${asof}`;
    return [
      sql`count(*) filter (where ${became} and f.left_at < ${asof})::int as ${sql.raw(`"w_${i}"`)}`,
      sql`count(*) filter (where ${became} and f.churned < f.became and f.churned < ${s})::int as ${sql.raw(`"x_${i}"`)}`,
    ];
  });
  return runMetricQuery<Row>(
    db,
    sql`select ${stateSegment(by, 'f', withUnowned === 'apart' ? 'f.owned' : undefined)} as g, ${sql.join(cols, sql`, `)} from account_facts f
      where f.became >= ${min.toISOString()}::timestamptz and f.became < ${max.toISOString()}::timestamptz
        and f.left_at < ${max.toISOString()}::timestamptz
        and ${stateFilter(scope, by, 'f', withUnowned ? 'true' : 'f.owned')}
      group by 1`,
  );
}

/** The newest instant strictly before `before` (and at or after `from`) of a fact column in scope, or 0. */
export function newestFact(
  scope: Scope,
  table: 'account_facts' | 'contract_facts' | 'deal_facts',
  column: string,
  before: Date,
  from?: Date,
): SQL {
  const owned = table === 'deal_facts' ? 'true' : 'f.owned';
  return sql`(select extract(epoch from max(f.${sql.raw(column)}))::float8 from ${sql.raw(table)} f
    where f.${sql.raw(column)} < ${before.toISOString()}::timestamptz
      ${from ? sql`and f.${sql.raw(column)} >= ${from.toISOString()}::timestamptz` : sql``}
      and ${stateFilter(scope, undefined, 'f', owned)})`;
}

/** Epoch seconds → Date, 0 or null → null. */
export function epochDate(v: unknown): Date | null {
  const n = toNumber(v);
  return n > 0 ? new Date(n * 1000) : null;
}
