import { type Db, queryRows, sql } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { rawClient } from './bulk.js';
import type { SeedCounts } from './types.js';

/** Tables the seeder fills, in an order `truncate … cascade` accepts. */
export const SEEDED_TABLES = [
  'seed_runs',
  'targets',
  'contracts',
  'activities',
  'opportunities',
  'accounts',
  'leads',
  'team_managers',
  'team_memberships',
  'reps',
  'teams',
];

/** Empties every seeded table (used by `--reset` and for a fresh bench load). */
export async function clearSeededTables(db: Db): Promise<void> {
  await rawClient(db).query(`truncate ${SEEDED_TABLES.join(', ')} restart identity cascade`, []);
}

/** Counts rows per seeded table (exact; cast to int on both drivers). */
export async function countSeeded(db: Db): Promise<SeedCounts> {
  const [r] = await queryRows<SeedCounts>(
    db,
    sql`select (select count(*) from teams)::int as "teams", (select count(*) from reps)::int as "reps",
               (select count(*) from team_memberships)::int as "teamMemberships", (select count(*) from leads)::int as "leads",
               (select count(*) from activities)::int as "activities", (select count(*) from accounts)::int as "accounts",
               (select count(*) from opportunities)::int as "opportunities", (select count(*) from contracts)::int as "contracts",
               (select count(*) from targets)::int as "targets"`,
  );
  return r!;
}

export type SeedProfile = 'demo' | 'custom' | 'bench';

export interface SeedRun {
  id: number;
  profile: SeedProfile;
  dataNow: Date;
  completedAt: Date | null;
  counts: SeedCounts | null;
  restoreSql: string[] | null;
}

/** Records the start of a generated data set; returns the run id. */
export async function startSeedRun(
  db: Db,
  run: { profile: SeedProfile; seed: number; options: object; dataNow: Date },
): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`insert into seed_runs (profile, seed, options, data_now)
        values (${run.profile}, ${run.seed}, ${JSON.stringify(run.options)}::jsonb, ${run.dataNow.toISOString()}::timestamptz)
        returning id`,
  );
  return row!.id;
}

export async function finishSeedRun(db: Db, id: number, counts: SeedCounts): Promise<void> {
  await db.execute(
    sql`update seed_runs set completed_at = now(), counts = ${JSON.stringify(counts)}::jsonb where id = ${id}`,
  );
  // The run's data now counts as arrived (answer contexts read it): move the data version after the commit.
  await bumpDataVersion(db);
}

/** Remembers (or, with null, forgets) the SQL that puts back indexes dropped for a bulk load. */
export async function setRestoreSql(db: Db, id: number, statements: string[] | null): Promise<void> {
  const value = statements === null ? null : JSON.stringify(statements);
  await db.execute(sql`update seed_runs set restore_sql = ${value}::jsonb where id = ${id}`);
}

/** The latest generated data set of a profile, if any. */
export async function findLatestSeedRun(db: Db, profile: SeedProfile): Promise<SeedRun | undefined> {
  const [row] = await queryRows<{
    id: number;
    profile: SeedProfile;
    data_now: string | Date;
    completed_at: string | Date | null;
    counts: SeedCounts | string | null;
    restore_sql: string[] | string | null;
  }>(
    db,
    sql`select id, profile, data_now, completed_at, counts, restore_sql from seed_runs
        where profile = ${profile} order by id desc limit 1`,
  );
  if (!row) return undefined;
  const json = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
  return {
    id: row.id,
    profile: row.profile,
    dataNow: new Date(row.data_now),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
    counts: json(row.counts),
    restoreSql: json(row.restore_sql),
  };
}
