import { fileURLToPath } from 'node:url';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './client.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Advisory lock key for migrations, so several instances starting together migrate once. */
const MIGRATION_LOCK = 724_211_001;

/** Applies every committed migration in `migrations/` that has not run yet. Safe to call at every start. */
export async function runMigrations(database: Database): Promise<void> {
  await database.withAdvisoryLock(MIGRATION_LOCK, async () => {
    const config = { migrationsFolder: MIGRATIONS_DIR };
    if (database.kind === 'pglite') {
      // biome-ignore lint/suspicious/noExplicitAny: the migrator is typed per driver; Db is the common supertype.
      await migratePglite(database.db as any, config);
    } else {
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      await migratePg(database.db as any, config);
    }
  });
}
