import { type Db, queryRows, sql } from '../db/client.js';
import type { Period } from '../metrics/types.js';

/**
 * Facts behind coaching talking points, each one aggregate query. Hours are local to the period's zone.
 * Team rows are attributed by membership at the row's instant, like the metrics module does.
 */

const iso = (d: Date) => d.toISOString();

export interface HourRow {
  hour: number;
  repCalls: number;
  repConnected: number;
  teamCalls: number;
  teamConnected: number;
}

/** Outbound calls per local hour of the day: the rep's and the team's (rep included), with connects. */
export async function callsByHour(db: Db, repId: number, teamId: number, period: Period): Promise<HourRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select extract(hour from a.occurred_at at time zone ${period.timezone})::int as hour,
        count(*) filter (where a.rep_id = ${repId})::int as rep_calls,
        count(*) filter (where a.rep_id = ${repId} and a.connected)::int as rep_connected,
        count(*)::int as team_calls,
        count(*) filter (where a.connected)::int as team_connected
      from activities a
      join team_memberships m on m.rep_id = a.rep_id and m.team_id = ${teamId}
        and m.valid_from <= a.occurred_at and (m.valid_to is null or a.occurred_at < m.valid_to)
      where a.kind = 'call' and a.direction = 'outbound'
        and a.occurred_at >= ${iso(period.start)}::timestamptz and a.occurred_at < ${iso(period.end)}::timestamptz
      group by 1 order by 1`,
  );
  return rows.map((r) => ({
    hour: Number(r.hour),
    repCalls: Number(r.rep_calls),
    repConnected: Number(r.rep_connected),
    teamCalls: Number(r.team_calls),
    teamConnected: Number(r.team_connected),
  }));
}

export interface LateLeadRow {
  hour: number;
  late: number;
  leads: number;
}

/**
 * The rep's leads created in the period per local hour of arrival: how many were answered later than
 * `slaSeconds` (or not at all, once the SLA has passed by `now`).
 */
export async function lateLeadsByHour(
  db: Db,
  repId: number,
  period: Period,
  slaSeconds: number,
  now: Date,
): Promise<LateLeadRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select extract(hour from l.created_at at time zone ${period.timezone})::int as hour,
        count(*) filter (where coalesce(l.first_touch_at, ${iso(now)}::timestamptz)
          > l.created_at + make_interval(secs => ${slaSeconds}))::int as late,
        count(*)::int as leads
      from leads l
      where l.owner_rep_id = ${repId}
        and l.created_at >= ${iso(period.start)}::timestamptz and l.created_at < ${iso(period.end)}::timestamptz
      group by 1 order by 1`,
  );
  return rows.map((r) => ({ hour: Number(r.hour), late: Number(r.late), leads: Number(r.leads) }));
}

export interface GapRow {
  key: string;
  repHits: number;
  repTotal: number;
  teamHits: number;
  teamTotal: number;
}

/** Won ÷ closed per product, for the rep and the team (rep included), of opportunities closed in the period. */
export async function winsByProduct(
  db: Db,
  repId: number,
  teamId: number,
  period: Period,
): Promise<GapRow[]> {
  return gapRows(
    db,
    sql`select coalesce(o.product, 'no product') as key,
        count(*) filter (where o.owner_rep_id = ${repId} and o.outcome = 'won')::int as rep_hits,
        count(*) filter (where o.owner_rep_id = ${repId})::int as rep_total,
        count(*) filter (where o.outcome = 'won')::int as team_hits,
        count(*)::int as team_total
      from opportunities o
      join team_memberships m on m.rep_id = o.owner_rep_id and m.team_id = ${teamId}
        and m.valid_from <= o.closed_at and (m.valid_to is null or o.closed_at < m.valid_to)
      where o.outcome in ('won', 'lost')
        and o.closed_at >= ${iso(period.start)}::timestamptz and o.closed_at < ${iso(period.end)}::timestamptz
      group by 1`,
  );
}

/** Converted ÷ qualified per lead source, for the rep and the team, of leads qualified in the period. */
export async function conversionsBySource(
  db: Db,
  repId: number,
  teamId: number,
  period: Period,
): Promise<GapRow[]> {
  return gapRows(
    db,
    sql`select coalesce(l.source, 'no source') as key,
        count(*) filter (where l.owner_rep_id = ${repId} and l.converted_at is not null)::int as rep_hits,
        count(*) filter (where l.owner_rep_id = ${repId})::int as rep_total,
        count(*) filter (where l.converted_at is not null)::int as team_hits,
        count(*)::int as team_total
      from leads l
      join team_memberships m on m.rep_id = l.owner_rep_id and m.team_id = ${teamId}
        and m.valid_from <= l.qualified_at and (m.valid_to is null or l.qualified_at < m.valid_to)
      where l.qualified_at >= ${iso(period.start)}::timestamptz and l.qualified_at < ${iso(period.end)}::timestamptz
      group by 1`,
  );
}

async function gapRows(db: Db, query: ReturnType<typeof sql>): Promise<GapRow[]> {
  const rows = await queryRows<Record<string, unknown>>(db, query);
  return rows.map((r) => ({
    key: String(r.key),
    repHits: Number(r.rep_hits),
    repTotal: Number(r.rep_total),
    teamHits: Number(r.team_hits),
    teamTotal: Number(r.team_total),
  }));
}

/**
 * The reps who were on the team at some time in the period (a membership overlapping it), without the
 * team's managers: the people whose count metrics (calls, opportunities created…) are a real 0 when they
 * have no record, so they belong in the team's median and percentiles. A manager who does not sell is no
 * rep to compare with; one who sells has records and is counted from them.
 */
export async function teamRepIdsIn(db: Db, teamId: number, period: Period): Promise<Set<number>> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select distinct m.rep_id
      from team_memberships m
      where m.team_id = ${teamId}
        and m.valid_from < ${iso(period.end)}::timestamptz
        and (m.valid_to is null or m.valid_to > ${iso(period.start)}::timestamptz)
        and not exists (select 1 from team_managers tm where tm.team_id = m.team_id and tm.rep_id = m.rep_id)`,
  );
  return new Set(rows.map((r) => Number(r.rep_id)));
}
