import { type Db, queryRows, sql } from '../db/client.js';
import { rawClient } from './bulk.js';
import type { OrgPlan } from './org-plan.js';

/** Database ids of the planned org, by plan index. */
export interface OrgIds {
  teamIds: number[];
  repIds: number[];
}

/** Writes teams, reps, memberships and team managers (small tables: a few multi-row inserts). */
export async function insertOrg(db: Db, plan: OrgPlan): Promise<OrgIds> {
  const client = rawClient(db);
  const teams = await queryRows<{ id: number; name: string }>(
    db,
    sql`insert into teams (name, timezone, week_starts_on)
        select * from unnest(${pgArray(plan.teams.map((t) => t.name))}::text[], ${pgArray(plan.teams.map((t) => t.timezone))}::text[], ${pgArray(plan.teams.map(() => 1))}::int[])
        returning id, name`,
  );
  const teamIds = plan.teams.map((t) => teams.find((r) => r.name === t.name)!.id);
  const reps = await queryRows<{ id: number; email: string }>(
    db,
    sql`insert into reps (name, email, role, active)
        select * from unnest(${pgArray(plan.reps.map((r) => r.name))}::text[], ${pgArray(plan.reps.map((r) => r.email))}::text[],
                             ${pgArray(plan.reps.map((r) => r.role))}::text[], ${pgArray(plan.reps.map((r) => r.active))}::bool[])
        returning id, email`,
  );
  const byEmail = new Map(reps.map((r) => [r.email, r.id]));
  const repIds = plan.reps.map((r) => byEmail.get(r.email)!);
  const rows = plan.reps.flatMap((r) =>
    r.memberships.map((m) => ({ rep: repIds[r.index]!, team: teamIds[m.teamIndex]!, m })),
  );
  await client.query(
    `insert into team_memberships (rep_id, team_id, valid_from, valid_to)
     select r, t, to_timestamp(f / 1000.0), to_timestamp(u / 1000.0)
     from unnest($1::text::int[], $2::text::int[], $3::text::float8[], $4::text::float8[]) as x(r, t, f, u)`,
    [
      `{${rows.map((x) => x.rep).join(',')}}`,
      `{${rows.map((x) => x.team).join(',')}}`,
      `{${rows.map((x) => x.m.from).join(',')}}`,
      `{${rows.map((x) => x.m.to ?? 'NULL').join(',')}}`,
    ],
  );
  await client.query(
    `insert into team_managers (team_id, rep_id) select * from unnest($1::text::int[], $2::text::int[])`,
    [
      `{${plan.managers.map((_, t) => teamIds[t]).join(',')}}`,
      `{${plan.managers.map((i) => repIds[i]).join(',')}}`,
    ],
  );
  return { teamIds, repIds };
}

/** A JS array as one Postgres array literal parameter (see `bulk.ts` for why). */
function pgArray(values: (string | number | boolean)[]) {
  const body = values
    .map((v) => (typeof v === 'string' ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : String(v)))
    .join(',');
  return sql`${`{${body}}`}::text`;
}

/**
 * Sets a few realistic targets, the teams' by their managers and the org's by the admin: org and team monthly calls near recent actuals, org win
 * rate 25%, org response time 5 minutes, weekly meetings per team, both a little above recent actuals;
 * quarterly revenue for the org and each team, 10% above the last 180 days' wins (in the currency most of
 * the scope's deals are won in, as the revenue metric answers), so pipeline coverage has a target to cover.
 * Computed from the seeded data in SQL.
 */
export async function insertTargets(db: Db, ids: OrgIds, plan: OrgPlan, now: Date): Promise<void> {
  // Org targets are an admin's to set (a manager sets their own teams'): set by the org's admin, as the
  // permission rule says (fresh tester helper-173 saw "Whole org — set by Ana Lopez", a manager).
  const adminIndex = plan.reps.findIndex((r) => r.role === 'admin');
  const orgSetter = ids.repIds[adminIndex >= 0 ? adminIndex : plan.managers[0]!]!;
  const setAt = new Date(now.getTime() - 20 * 86_400_000);
  const teamManager = `{${plan.managers.map((i) => ids.repIds[i]).join(',')}}`;
  const teamIds = `{${ids.teamIds.join(',')}}`;
  await rawClient(db).query(
    `with recent as (
       select m.team_id,
              count(*) filter (where a.kind = 'call')::float8 / 3 as calls_per_month,
              count(*) filter (where a.kind = 'meeting')::float8 / (90.0 / 7) as meetings_per_week
       from activities a
       join team_memberships m on m.rep_id = a.rep_id and a.occurred_at >= m.valid_from
                              and (m.valid_to is null or a.occurred_at < m.valid_to)
       where a.kind in ('call', 'meeting') and a.direction = 'outbound'
         and a.occurred_at >= $1::timestamptz - interval '90 days' and a.occurred_at < $1::timestamptz
       group by m.team_id
     ), won as (
       select m.team_id, o.currency, count(*) as n, sum(o.amount_minor)::float8 as amount
       from opportunities o
       join team_memberships m on m.rep_id = o.owner_rep_id and o.closed_at >= m.valid_from
                              and (m.valid_to is null or o.closed_at < m.valid_to)
       where o.outcome = 'won' and o.closed_at >= $1::timestamptz - interval '180 days' and o.closed_at < $1::timestamptz
       group by m.team_id, o.currency
     ), team_won as (
       select distinct on (team_id) team_id, currency, amount from won order by team_id, n desc, amount desc
     ), org_won as (
       select c.currency, c.amount from (select currency, sum(n) as n, sum(amount) as amount from won group by currency) c
       order by c.n desc, c.amount desc limit 1
     ), teams_x as (
       select * from unnest($3::text::int[], $4::text::int[]) as x(team_id, manager_id)
     )
     insert into targets (metric, scope_kind, scope_id, period_kind, value, set_by_rep_id, set_at, currency)
     select 'calls', 'team', x.team_id, 'month', greatest(10, round(coalesce(r.calls_per_month, 0) * 1.05 / 10) * 10), x.manager_id, $2::timestamptz, null
     from teams_x x left join recent r using (team_id)
     union all
     select 'calls', 'org', 0, 'month', greatest(10, round(coalesce((select sum(calls_per_month) from recent), 0) * 1.05 / 10) * 10), $5, $2::timestamptz, null
     union all select 'winrate', 'org', 0, 'quarter', 0.25, $5, $2::timestamptz, null
     union all select 'response', 'org', 0, 'month', 300, $5, $2::timestamptz, null
     union all
     select 'meetings', 'team', x.team_id, 'week', greatest(1, round(coalesce(r.meetings_per_week, 0) * 1.1)), x.manager_id, $2::timestamptz, null
     from teams_x x left join recent r using (team_id)
     union all
     -- A quarter is half of 180 days; targets rounded to 1,000 of the currency (100,000 minor units).
     select 'revenue', 'team', x.team_id, 'quarter', round(w.amount / 2 * 1.1 / 100000) * 100000, x.manager_id, $2::timestamptz, w.currency
     from teams_x x join team_won w using (team_id) where w.amount > 0
     union all
     select 'revenue', 'org', 0, 'quarter', round(amount / 2 * 1.1 / 100000) * 100000, $5, $2::timestamptz, currency
     from org_won where amount > 0
     on conflict do nothing`,
    [now.toISOString(), setAt.toISOString(), teamIds, teamManager, orgSetter],
  );
}
