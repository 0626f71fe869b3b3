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

/** Accounts that are customers, owned by the rep who won their first deal (and that rep's team then). */
function retentionQuery(): Record<HandCase, string> {
  const firstWin = `select distinct on (o.account_id) o.account_id, o.owner_rep_id as rep_id, o.closed_at
      from opportunities o where o.outcome = 'won' order by o.account_id, o.closed_at, o.id`;
  const ratio = `((count(*) filter (where a.became_customer_at <= $2a and (a.churned_at is null or a.churned_at > $2a))
      - count(*) filter (where a.became_customer_at <= $2a and (a.churned_at is null or a.churned_at > $2a)
          and a.became_customer_at > $1))::float8
      / nullif(count(*) filter (where a.became_customer_at <= $1 and (a.churned_at is null or a.churned_at > $1)), 0))`;
  // $2a: the window's "as of" instant, min(end, now), passed as $2 by the bench for state metrics.
  const v = ratio.replaceAll('$2a', '$2');
  return {
    team: `select null::text as k, ${v} as v from (${firstWin}) f join accounts a on a.id = f.account_id
      join team_memberships m on m.rep_id = f.rep_id and m.team_id = $3
        and m.valid_from <= f.closed_at and (m.valid_to is null or f.closed_at < m.valid_to)
      where a.became_customer_at is not null`,
    rep: `select null::text as k, ${v} as v from (${firstWin}) f join accounts a on a.id = f.account_id
      where f.rep_id = $3 and a.became_customer_at is not null`,
    orgByRep: `select f.rep_id::text as k, ${v} as v from (${firstWin}) f join accounts a on a.id = f.account_id
      where a.became_customer_at is not null and ($3::int is null or true) group by f.rep_id`,
  };
}

/** Hand SQL per metric (metrics without one show "—" in the bench's hand column). */
export const HAND_SQL: Partial<Record<string, Record<HandCase, string>>> = {
  calls: rollupQuery('sum(r.calls)::float8'),
  emails: rollupQuery('sum(r.emails)::float8'),
  winrate: rollupQuery('sum(r.deals_won)::float8 / nullif(sum(r.deals_won) + sum(r.deals_lost), 0)'),
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
  retention: retentionQuery(),
};

/** Which end instant a metric's hand SQL takes as $2: the window end, or "as of" min(end, now). */
export const HAND_USES_AS_OF = new Set(['retention']);
