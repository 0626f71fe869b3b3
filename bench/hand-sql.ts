/**
 * Hand-written SQL for the bench: the best single statement a person would write for each headline number,
 * over the same tables Tally reads (rollups for the counters, raw rows for the exact medians and the account
 * metrics). Plain SQL text with $-parameters, independent of Tally's query builders, so the bench can check
 * that Tally's figures equal them and compare their speed.
 *
 * Every query takes the window [$1, $2) and the scope id as $3 (team or rep; unused for the org) and returns
 * rows `(k, v)`: one row with k = null for a team or rep headline, one row per rep for the org split by rep.
 * Rollup queries also take the window cut into grains: $4/$5 whole-day span, $6/$7 whole-month span (UTC).
 */

export type HandCase = 'team' | 'rep' | 'orgByRep';

/** Window cut the way any rollup reader must: hours at the edges, whole UTC days, whole UTC months inside. */
export function grainBounds(start: Date, end: Date): Date[] {
  const DAY = 86_400_000;
  const s = start.getTime();
  const e = end.getTime();
  let ds = Math.ceil(s / DAY) * DAY;
  let de = Math.floor(e / DAY) * DAY;
  if (ds >= de) {
    ds = e;
    de = e;
  }
  const firstOfMonth = (ms: number, add: number) => {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
  };
  // Without a whole month inside, both month bounds sit at the day span's end: days cover [ds, de).
  let ms = firstOfMonth(ds, 0) === ds ? ds : firstOfMonth(ds, 1);
  let me = firstOfMonth(de, 0);
  if (ms >= me) {
    ms = de;
    me = de;
  }
  return [start, end, new Date(ds), new Date(de), new Date(ms), new Date(me)];
}

/** The rollup rows of [$1,$2): hours at the edges, days, months; `r` aliases metric_rollups. */
const ROLLUP_WINDOW = `(
     (r.grain = 'h' and ((r.bucket >= $1 and r.bucket < $4) or (r.bucket >= $5 and r.bucket < $2)))
  or (r.grain = 'd' and ((r.bucket >= $4 and r.bucket < $6) or (r.bucket >= $7 and r.bucket < $5)))
  or (r.grain = 'm' and r.bucket >= $6 and r.bucket < $7))`;

function rollupQuery(value: string): Record<HandCase, string> {
  return {
    team: `select null::text as k, ${value} as v from metric_rollups r where r.team_id = $3 and ${ROLLUP_WINDOW}`,
    rep: `select null::text as k, ${value} as v from metric_rollups r where r.rep_id = $3 and ${ROLLUP_WINDOW}`,
    orgByRep: `select nullif(r.rep_id, 0)::text as k, ${value} as v from metric_rollups r
      where ${ROLLUP_WINDOW} and ($3::int is null or true) group by r.rep_id`,
  };
}

/** Raw rows with timestamp column `ts` of `table t` in [$1,$2) for a team (membership at ts), a rep, or all. */
function rawQuery(
  table: string,
  ts: string,
  rep: string,
  where: string,
  value: string,
): Record<HandCase, string> {
  return {
    team: `select null::text as k, ${value} as v from ${table} t
      join team_memberships m on m.rep_id = t.${rep} and m.team_id = $3
        and m.valid_from <= t.${ts} and (m.valid_to is null or t.${ts} < m.valid_to)
      where t.${ts} >= $1 and t.${ts} < $2 and ${where}`,
    rep: `select null::text as k, ${value} as v from ${table} t
      where t.${rep} = $3 and t.${ts} >= $1 and t.${ts} < $2 and ${where}`,
    orgByRep: `select t.${rep}::text as k, ${value} as v from ${table} t
      where t.${ts} >= $1 and t.${ts} < $2 and ${where} and ($3::int is null or true) group by t.${rep}`,
  };
}

/**
 * Customer accounts of the case (columns id, b = became customer, c = churned, k = split key): an account
 * belongs to the rep who won its first deal (close, then id) and to that rep's team at that close. A team or
 * a rep starts from its won deals (index) and keeps each account's first; the org split sorts every won deal.
 * `withUnowned` (ARR): the org split keeps the accounts with no won deal too, with k = null ("No rep").
 */
function accountsOf(c: HandCase, withUnowned = false): string {
  const first = `not exists (select 1 from opportunities p where p.account_id = o.account_id and p.outcome = 'won'
      and (p.closed_at < o.closed_at or (p.closed_at = o.closed_at and p.id < o.id)))`;
  if (c === 'team')
    return `select a.id, a.became_customer_at as b, a.churned_at as c, null::text as k from opportunities o
      join team_memberships m on m.rep_id = o.owner_rep_id and m.team_id = $3
        and m.valid_from <= o.closed_at and (m.valid_to is null or o.closed_at < m.valid_to)
      join accounts a on a.id = o.account_id
      where o.outcome = 'won' and a.became_customer_at is not null and ${first}`;
  if (c === 'rep')
    return `select a.id, a.became_customer_at as b, a.churned_at as c, null::text as k from opportunities o
      join accounts a on a.id = o.account_id
      where o.owner_rep_id = $3 and o.outcome = 'won' and a.became_customer_at is not null and ${first}`;
  const firstWins = `(select distinct on (o.account_id) o.account_id, o.owner_rep_id as rep_id from opportunities o
      where o.outcome = 'won' and ($3::int is null or true) order by o.account_id, o.closed_at, o.id) f`;
  if (withUnowned)
    return `select a.id, a.became_customer_at as b, a.churned_at as c, f.rep_id::text as k from accounts a
      left join ${firstWins} on f.account_id = a.id where a.became_customer_at is not null`;
  return `select a.id, a.became_customer_at as b, a.churned_at as c, f.rep_id::text as k from ${firstWins}
    join accounts a on a.id = f.account_id where a.became_customer_at is not null`;
}

const CASES: HandCase[] = ['team', 'rep', 'orgByRep'];
const perCase = (f: (c: HandCase) => string) =>
  Object.fromEntries(CASES.map((c) => [c, f(c)])) as Record<HandCase, string>;

/** Customer before instant t: became before t, not churned before t. $2 is the window's "as of" instant. */
const customerAt = (t: string) => `(a.b < ${t} and (a.c is null or a.c >= ${t}))`;

/** Retention (E − N) ÷ S = customers at the end who were customers before the start ÷ customers at the start. */
const retentionQuery = perCase(
  (c) => `select a.k, (count(*) filter (where ${customerAt('$2')} and a.b < $1)::float8
      / nullif(count(*) filter (where ${customerAt('$1')}), 0)) as v
    from (${accountsOf(c)}) a group by a.k`,
);

/** A contract's days (its UTC instant moved on 13 hours, then the date), and the months from the start's month to the end's. */
const T_START = `((t.starts_at at time zone 'UTC') + interval '13 hours')::date`;
const T_END = `((t.ends_at at time zone 'UTC') + interval '13 hours')::date`;
const MONTH_SPAN = `((date_part('year', ${T_END}) * 12 + date_part('month', ${T_END}))
    - (date_part('year', ${T_START}) * 12 + date_part('month', ${T_START})))::int`;
/** Whole calendar months from start to end: the span, or one fewer when start + span months passes the end. */
const WHOLE_MONTHS = `(${MONTH_SPAN} - case when ${T_START} + ${MONTH_SPAN} * interval '1 month' > ${T_END} then 1 else 0 end)`;

/**
 * The contract's ARR, as docs/metrics.md defines it; years from the dates = whole calendar months between the
 * contract's days ÷ 12 + the days left after them ÷ 365.25 (written out here, not Tally's tally_contract_years).
 */
const CONTRACT_ARR = `case when t.licenses is not null and t.revenue_per_license_minor is not null
    then t.licenses::float8 * t.revenue_per_license_minor
    else t.total_value_minor::float8 / nullif(coalesce(t.contract_years::float8,
      ${WHOLE_MONTHS} / 12.0
        + (${T_END} - (${T_START} + ${WHOLE_MONTHS} * interval '1 month')::date) * 86400 / 31557600.0), 0) end`;

/**
 * ARR in force just before $2 in the main currency (most active contracts, then the larger ARR, over the
 * whole answer); a rep with contracts in the window but none in force shows 0.
 */
const arrQuery = perCase(
  (c) => `with x as (
      select a.k, t.currency, count(*) filter (where t.ends_at >= $2)::int as n,
        coalesce(sum(${CONTRACT_ARR}) filter (where t.ends_at >= $2), 0)::float8 as amount
      from (${accountsOf(c, true)}) a join contracts t on t.account_id = a.id
      where t.starts_at < $2 and t.ends_at >= $1 group by a.k, t.currency)
    select x.k, x.amount as v from x
    where x.currency = (select currency from x order by n desc, amount desc limit 1)`,
);

/**
 * CLV over [$2 − 1 year, $2): won revenue ÷ customers × margin (1) ÷ (lost ÷ customers at start), rounded to
 * whole minor units, in the main currency (most won deals, then the larger amount); owned accounts only.
 */
const clvQuery = perCase(
  (c) => `with w as (select ($2::timestamptz at time zone 'UTC' - interval '1 year') at time zone 'UTC' as s
      where $1::timestamptz is not null or true),
    a as (${accountsOf(c)}),
    cust as (
      select a.k, count(*) filter (where ${customerAt('w.s')})::float8 as at_start,
        count(*) filter (where ${customerAt('w.s')} and a.c < $2)::float8 as lost,
        count(*) filter (where a.b < $2 and (a.c is null or a.c >= w.s))::float8 as active
      from a cross join w group by a.k),
    rev as (
      select a.k, o.currency, count(*)::int as n, coalesce(sum(o.amount_minor), 0)::float8 as amount
      from a join opportunities o on o.account_id = a.id and o.outcome = 'won' cross join w
      where o.closed_at >= w.s and o.closed_at < $2 group by a.k, o.currency),
    cur as (select currency from rev order by n desc, amount desc limit 1)
    select cust.k, case when cust.active > 0 and cust.at_start > 0 and cust.lost > 0
        then floor(coalesce(rev.amount, 0) / cust.active / (cust.lost / cust.at_start) + 0.5) end::float8 as v
    from cust left join rev on rev.k is not distinct from cust.k and rev.currency = (select currency from cur)`,
);

/** Hand SQL per metric (metrics without one show "—" in the bench's hand column). */
export const HAND_SQL: Partial<Record<string, Record<HandCase, string>>> = {
  calls: rollupQuery('sum(r.calls)::float8'),
  emails: rollupQuery('sum(r.emails)::float8'),
  winrate: rollupQuery('sum(r.deals_won)::float8 / nullif(sum(r.deals_won) + sum(r.deals_lost), 0)'),
  lostdeals: rollupQuery('sum(r.deals_lost)::float8'),
  response: rawQuery(
    'leads',
    'created_at',
    'owner_rep_id',
    't.first_touch_at is not null',
    `percentile_cont(0.5) within group (order by greatest(0, extract(epoch from t.first_touch_at - t.created_at)))::float8`,
  ),
  cycle: rawQuery(
    'opportunities',
    'closed_at',
    'owner_rep_id',
    `t.outcome = 'won'`,
    `greatest(0, percentile_cont(0.5) within group (order by extract(epoch from t.closed_at - t.created_at) / 86400.0))::float8`,
  ),
  retention: retentionQuery,
  arr: arrQuery,
  clv: clvQuery,
};

/** Which end instant a metric's hand SQL takes as $2: the window end, or "as of" min(end, now). */
export const HAND_USES_AS_OF = new Set(['retention', 'arr', 'clv']);
