import { type Db, queryRows, sql } from '../../src/db/client.js';

const TABLES = [
  'teams',
  'reps',
  'team_memberships',
  'team_managers',
  'leads',
  'activities',
  'accounts',
  'opportunities',
  'contracts',
];

/**
 * Every row of every table the write path touches, as JSON text, without `updated_at` — so tests can
 * compare "before" and "after" a replay and see that nothing at all changed.
 */
export async function snapshotTables(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const rows = await queryRows<{ j: string }>(
      db,
      sql.raw(`select (to_jsonb(x) - 'updated_at')::text as j from "${t}" x order by 1`),
    );
    out[t] = rows.map((r) => r.j);
  }
  return out;
}
