import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createDb } from '../db/client.js';
import { readDataVersion } from '../db/data-version.js';
import { runMigrations } from '../db/migrate.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../logger.js';
import { createMetricAnswers } from '../metrics/index.js';
import { isOrgEmpty, seedDemoIfEmpty } from '../seed/seed.js';

export interface OpenOptions {
  /** Told (in words, for people) when the first run seeds the demo org, which takes a little while. */
  announce?: (text: string) => void;
}

/**
 * Opens the database, applies migrations and (embedded PGlite only) seeds the demo data when the
 * database is empty, so a fresh clone answers `/metrics` on its first run. Shared by `npm start` and
 * `npm run console`.
 */
export async function openDeps(config: Config, logger: Logger, options: OpenOptions = {}): Promise<Deps> {
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await runMigrations(database);
  // Real Postgres is never seeded behind anyone's back: that is `npm run seed`'s job.
  if (database.kind === 'pglite') {
    if (await isOrgEmpty(database.db))
      options.announce?.(
        'First run: creating the demo org (invented data) in the embedded database (about half a minute)… ' +
          'It is only ever created in a database that has never received an import; to import your own data, ' +
          'use another TALLY_DATA_DIR or pass --replace-demo to npm run import.',
      );
    await seedDemoIfEmpty(database, { now: systemClock(), logger });
  }
  const clock = config.timeOffsetMs === 0 ? systemClock : () => new Date(Date.now() + config.timeOffsetMs);
  // One sharing point per process: identical questions share a computation, keyed by the data version. The
  // version is read on the main pool: with every metrics connection busy, a cached answer still comes at once.
  // As many computations at once as the metrics pool has connections (Postgres; PGlite: 3), so queued
  // questions wait in the limiter, where team and rep questions go before org-wide ones, not in the pool.
  const answers = createMetricAnswers({
    dataVersion: () => readDataVersion(database.db),
    maxConcurrent: database.metricsConcurrency,
  });
  return { config, database, db: database.db, logger, clock, slack: null, answers };
}
