import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './client.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Advisory lock key for migrations, so several instances starting together migrate once. */
const MIGRATION_LOCK = 724_211_001;

/**
 * Applies every committed migration in `migrations/` that has not run yet. Safe to call at every start.
 * One migrator for both databases: the embedded one is reached through `pg` too.
 */
export async function runMigrations(database: Database): Promise<void> {
  await database.withAdvisoryLock(MIGRATION_LOCK, async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the migrator is typed per driver; Db is the common supertype.
    await migrate(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  });
}
