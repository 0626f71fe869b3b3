import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { expect } from 'vitest';
import { type Db, queryRows, sql } from '../../src/db/client.js';
import { MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { type Backend, openTestDatabase } from './db.js';

/**
 * A temporary migrations folder as the project had it before a migration: the SQL files and journal entries
 * up to index `lastIdx`, whose tag must be `lastTag` (so a renumbered journal fails loudly). For tests that
 * fill a database under the old schema, then apply the rest. The caller removes the folder.
 */
export function migrationsBefore(lastIdx: number, lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  journal.entries = journal.entries.filter((e) => e.idx <= lastIdx);
  expect(journal.entries.at(-1)?.tag).toBe(lastTag);
  for (const e of journal.entries)
    copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  return dir;
}

/**
 * A test database of `backend` migrated up to migration `lastIdx` (tag `lastTag`, see migrationsBefore): the
 * schema as a release before a migration had it, to fill under that schema and then migrate the rest
 * (`runMigrations`). `drop()` drops the database and removes the temporary migrations folder.
 */
export async function openMigratedBefore(backend: Backend, lastIdx: number, lastTag: string) {
  const dir = migrationsBefore(lastIdx, lastTag);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  try {
    database = await openTestDatabase(backend, { migrate: false });
  } catch (err) {
    removeDir();
    throw err;
  }
  const drop = async () => {
    try {
      await database.drop();
    } finally {
      removeDir();
    }
  };
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the migrator is typed per driver; Db is the common supertype.
    await migrate(database.db as any, { migrationsFolder: dir });
  } catch (err) {
    await drop();
    throw err;
  }
  return { ...database, drop };
}

/** Every row of the counter rollups, every column, in key order: the rep rows and the team twin. */
export async function counterRollupState(db: Db) {
  return {
    reps: await queryRows<Record<string, unknown>>(
      db,
      sql`select * from metric_rollups order by grain, bucket, rep_id, team_id, currency`,
    ),
    teams: await queryRows<Record<string, unknown>>(
      db,
      sql`select * from metric_team_rollups order by grain, bucket, team_id, currency`,
    ),
  };
}

/** Deals lost with a reason per grain, in the rep rows and in the team twin: `"<grain> <reps>/<teams>"`. */
export async function lostWithReasonPerGrain(db: Db): Promise<string[]> {
  const rows = await queryRows<{ k: string }>(
    db,
    sql`select r.grain || ' ' || r.n || '/' || t.n as k
      from (select grain, sum(deals_lost_with_reason)::int as n from metric_rollups group by 1) r
      join (select grain, sum(deals_lost_with_reason)::int as n from metric_team_rollups group by 1) t
        using (grain)
      order by r.grain`,
  );
  return rows.map((r) => r.k);
}
