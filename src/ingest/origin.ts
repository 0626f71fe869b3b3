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

/**
 * Before user data is written: refuses (DemoDataError) when the database holds generated demo data,
 * unless `replace` is set, in which case every demo record is removed first (the rollups follow, via
 * the TRUNCATE triggers). Run inside the import's transaction, so a failed import keeps the demo.
 */
export async function guardAgainstDemo(db: Db, replace: boolean, how: string): Promise<void> {
  if (!(await holdsDemoData(db))) return;
  if (!replace) {
    throw new DemoDataError(
      `this database holds the generated demo org; ${how} to remove the demo records first, or point DATABASE_URL / TALLY_DATA_DIR at another database`,
    );
  }
  // Inside the caller's transaction (drizzle's tx has no raw client), so a failed import keeps the demo.
  await db.execute(sql.raw(`truncate ${SEEDED_TABLES.join(', ')} restart identity cascade`));
}
