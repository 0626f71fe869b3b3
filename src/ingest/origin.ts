import { type Db, queryRows, sql } from '../db/client.js';
import { SEEDED_TABLES } from '../seed/seed-runs.js';

/** The database holds the generated demo org and the caller did not ask to replace it. */
export class DemoDataError extends Error {
  override name = 'DemoDataError';
}

/** Whether generated data (the demo org, `npm run seed`, a bench set) is in the database. */
export async function holdsDemoData(db: Db): Promise<boolean> {
  const [row] = await queryRows<{ demo: boolean }>(db, sql`select exists (select 1 from seed_runs) as demo`);
  return row?.demo === true;
}

/** Records that `source` ('csv', 'api') wrote user data (once; later calls change nothing). */
export async function markDataSource(db: Db, source: 'csv' | 'api'): Promise<void> {
  await db.execute(sql`insert into data_sources (source) values (${source}) on conflict do nothing`);
}

/** Where data arrives from: the import CLI, the ingest API, Slack buttons ("Contacted"). */
export type ArrivalSource = 'csv' | 'api' | 'slack';

/**
 * Records that data for `entities` ('leads', 'activities', …) arrived from `source` at `at`, in the caller's
 * transaction (a rolled-back write records nothing). An earlier `at` never moves the record back.
 */
export async function recordArrival(
  db: Db,
  source: ArrivalSource,
  entities: readonly string[],
  at: Date,
): Promise<void> {
  if (entities.length === 0) return;
  const rows = [...new Set(entities)].map((e) => sql`(${source}, ${e}, ${at.toISOString()}::timestamptz)`);
  await db.execute(sql`insert into data_arrivals (source, entity, last_at) values ${sql.join(rows, sql`, `)}
    on conflict (source, entity) do update set last_at = greatest(data_arrivals.last_at, excluded.last_at)`);
}

/**
 * Before user data is written: refuses (DemoDataError) when the database holds generated demo data,
 * unless `replace` is set, in which case every demo record is removed first (the rollups follow, via
 * the TRUNCATE triggers). Run inside the import's transaction, so a failed import keeps the demo.
 * Returns 'removed' when demo records were removed, 'none' when the database held none (with `replace`
 * too: the caller says so, so an admin who asked for a replacement knows nothing was there to remove).
 */
export async function guardAgainstDemo(db: Db, replace: boolean, how: string): Promise<'removed' | 'none'> {
  if (!(await holdsDemoData(db))) return 'none';
  if (!replace) {
    throw new DemoDataError(
      `this database holds the generated demo org; ${how} to remove the demo records first, or point DATABASE_URL / TALLY_DATA_DIR at another database`,
    );
  }
  // Inside the caller's transaction (drizzle's tx has no raw client), so a failed import keeps the demo.
  await db.execute(sql.raw(`truncate ${SEEDED_TABLES.join(', ')} restart identity cascade`));
  return 'removed';
}
