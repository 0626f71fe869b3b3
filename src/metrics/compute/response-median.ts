import type { SQL } from 'drizzle-orm';
import { type Db, sql } from '../../db/client.js';
import type { Scope } from '../types.js';
import type { AggregateSpec, MetricComputer, Row } from './aggregate.js';
import { type DurationHistogram, withHistogram } from './histogram.js';
import { runMetricQuery } from './query.js';
import { rollupRanges, rollupRows } from './rollup.js';
import type { Window } from './rows.js';

/** Default SLA when a lead's owner had no team when the lead came in. */
export const DEFAULT_SLA_SECONDS = 300;

/** Lead response seconds (wall clock, a touch before creation counts as 0 s) in `response_rollups`. */
const RESPONSE: DurationHistogram = {
  repTable: sql`response_rollups`,
  teamTable: sql`response_team_rollups`,
  from: sql`leads l`,
  ts: sql`l.created_at`,
  rep: sql`l.owner_rep_id`,
  where: sql`true`,
  value: sql`tally_response_secs(l.created_at, l.first_touch_at)`,
  vb: sql`tally_response_vb(tally_response_secs(l.created_at, l.first_touch_at))`,
  microsPerUnit: 1_000_000,
};

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * A scope's raw leads of one window with their owner's team at creation (`team`): for a team through its
 * memberships (owner index), for a rep through the owner index, for the org through the lead indexes.
 */
function scopedLeads(scope: Scope, w: Window): { from: SQL; team: SQL; where: SQL } {
  const inWindow = sql`l.created_at >= ${iso(w.start)} and l.created_at < ${iso(w.end)}`;
  if (scope.kind === 'team')
    return {
      from: sql`team_memberships m join leads l on l.owner_rep_id = m.rep_id and l.created_at >= m.valid_from
        and (m.valid_to is null or l.created_at < m.valid_to)`,
      team: sql`m.team_id`,
      where: sql`m.team_id = ${scope.teamId} and m.valid_from < ${iso(w.end)}
        and (m.valid_to is null or m.valid_to > ${iso(w.start)}) and ${inWindow}`,
    };
  const at = sql`m.rep_id = l.owner_rep_id and m.valid_from <= l.created_at and (m.valid_to is null or l.created_at < m.valid_to)`;
  return {
    from: sql`leads l left join team_memberships m on ${at}`,
    team: sql`coalesce(m.team_id, 0)`,
    where: scope.kind === 'rep' ? sql`l.owner_rep_id = ${scope.repId} and ${inWindow}` : inWindow,
  };
}

/**
 * The response headline's SLA figures from the histogram, exactly as the raw definition counts them (wall
 * clock; the SLA of the owner's team at creation): `within` = answered leads with seconds ≤ SLA (the buckets
 * below the SLA's bucket from the histogram, the SLA's own bucket from its raw values), `waiting_in_sla` =
 * unanswered leads still inside their SLA at `now` (raw: only leads created within the longest SLA of now),
 * `with_hours` = leads whose team has business hours. Null when `with_hours` > 0: business-hours figures
 * need every lead's business time, so the caller computes the headline from raw rows.
 */
async function responseSla(db: Db, scope: Scope, w: Window, now: Date): Promise<Row | null> {
  const ranges = rollupRanges([w], { quarters: true });
  if (!ranges) return null;
  const table = scope.kind === 'rep' ? sql`response_rollups` : sql`response_team_rollups`;
  const src = scopedLeads(scope, w);
  const nowSql = iso(now);
  const hours = sql`bh.business_days is not null and bh.day_start_minute is not null and bh.day_end_minute is not null`;
  const [row] = await runMetricQuery<Row>(
    db,
    sql`with h as (
        select r.team_id, r.vb, sum(r.n)::int as n from ${rollupRows(ranges, scope, table)}
        group by 1, 2 having sum(r.n) > 0
      ),
      s as (
        select x.team_id, coalesce(st.response_sla_seconds, ${DEFAULT_SLA_SECONDS}) as sla,
          tally_response_vb(coalesce(st.response_sla_seconds, ${DEFAULT_SLA_SECONDS})::float8) as svb,
          coalesce(${hours}, false) as has_hours
        from (select distinct team_id from h) x left join teams st on st.id = x.team_id
        left join alert_settings bh on bh.team_id = x.team_id
      )
      select
        (select coalesce(sum(h.n), 0) from h join s on s.team_id = h.team_id where s.has_hours)::int as with_hours,
        ((select coalesce(sum(h.n), 0) from h join s on s.team_id = h.team_id where h.vb >= 0 and h.vb < s.svb)
          + (select coalesce(sum(x.n), 0) from (select distinct svb from s) d cross join lateral (
              select count(*) as n from ${src.from} join s s2 on s2.team_id = ${src.team} and s2.svb = d.svb
              where ${src.where} and tally_response_vb(tally_response_secs(l.created_at, l.first_touch_at)) = d.svb
                and tally_response_secs(l.created_at, l.first_touch_at) <= s2.sla
            ) x))::int as within,
        (select count(*) from ${src.from} join s s2 on s2.team_id = ${src.team}
          where ${src.where} and l.first_touch_at is null
            and l.created_at >= ${nowSql} - make_interval(secs => (select coalesce(max(sla), 0) from s))
            and greatest(0, extract(epoch from (${nowSql} - l.created_at)))::float8 < s2.sla)::int as waiting_in_sla`,
  );
  if (!row || Number(row.with_hours) > 0) return null;
  return { within: row.within, waiting_in_sla: row.waiting_in_sla, with_hours: 0 };
}

/**
 * Response time with the histogram (`response_rollups`, `response_team_rollups`): the headline (median,
 * p90, exact mean, SLA share, clock-skew count), the previous period, the series and splits by rep or team,
 * each median exact from one bucket's raw values. Teams with business hours, zones with :30/:45 offsets,
 * splits by source and `useRollups: false` use the raw computer.
 */
export function withResponseHistogram(
  raw: MetricComputer,
  finalize: AggregateSpec['finalize'],
): MetricComputer {
  return withHistogram(raw, finalize, {
    histogram: RESPONSE,
    p90: true,
    toRow: (r) => ({
      created: r.total,
      answered: r.valued,
      median: r.median,
      mean: r.mean,
      p90: r.p90,
      skewed: r.skewed,
    }),
    headlineExtras: responseSla,
  });
}
