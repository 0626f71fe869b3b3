import { type Database, queryRows, sql } from '../src/db/client.js';

/**
 * The biggest team, and in it the rep with a typical book of business: the median rep by leads created in
 * the last 90 days (not the first rep, who may be a manager with no leads or deals).
 */
export async function pickScopes(database: Database, now: Date): Promise<{ teamId: number; repId: number }> {
  const [team] = await queryRows<{ team_id: number }>(
    database.db,
    sql`select team_id from team_memberships where valid_to is null group by team_id order by count(*) desc, team_id limit 1`,
  );
  if (!team) throw new Error('The bench database has no teams.');
  const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
  const [rep] = await queryRows<{ rep_id: number }>(
    database.db,
    sql`select rep_id from (
          select l.owner_rep_id as rep_id, row_number() over (order by count(*), l.owner_rep_id) as rn,
                 count(*) over () as reps
          from leads l join team_memberships m on m.rep_id = l.owner_rep_id and m.valid_to is null
            and m.team_id = ${team.team_id}
          where l.created_at >= ${since}::timestamptz group by l.owner_rep_id
        ) x where rn = (reps + 1) / 2`,
  );
  if (!rep) throw new Error('The biggest team has no leads in the last 90 days.');
  return { teamId: team.team_id, repId: rep.rep_id };
}
