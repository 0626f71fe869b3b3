import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createDb, type Database, type Db, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';

export type Backend = 'pglite' | 'postgres';

/**
 * Which databases the suite runs on: PGlite always; real Postgres when TEST_DATABASE_URL is set,
 * and always in CI (CI=true), where an unreachable server fails the tests instead of skipping them.
 */
export function testBackends(): Backend[] {
  return postgresAdminUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

export function postgresAdminUrl(): string | undefined {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (process.env.CI === 'true') return 'postgres://postgres@127.0.0.1:5432/test';
  return undefined;
}

/**
 * A fresh database of the given backend, migrated unless `migrate` is false (a test that applies migrations
 * itself). Postgres gets a new throwaway database per call.
 */
export async function openTestDatabase(
  backend: Backend,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<Database & { drop(): Promise<void> }> {
  if (backend === 'pglite') {
    // The product's embedded database: PGlite in its worker thread, reached through `pg` over its socket.
    const database = await createDb({ dataDir: 'memory' });
    if (migrate) await runMigrations(database);
    return { ...database, drop: () => database.close() };
  }
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error('Postgres backend requested but TEST_DATABASE_URL is not set');
  const name = `tally_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`Cannot connect to test Postgres at ${redact(adminUrl)}: ${(err as Error).message}`);
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await createDb({ databaseUrl: url.toString(), poolSize: 5 });
  if (migrate) await runMigrations(database);
  return {
    ...database,
    drop: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@');
}

/** Empties every application table (keeps the migrations journal). */
export async function truncateAll(db: Db): Promise<void> {
  const rows = (await db.execute(
    sql`select tablename from pg_tables where schemaname = 'public'`,
  )) as unknown as { rows: { tablename: string }[] };
  const names = rows.rows.map((r) => `"${r.tablename}"`);
  if (names.length > 0) await db.execute(sql.raw(`truncate ${names.join(', ')} restart identity cascade`));
}

export interface DbContext {
  backend: Backend;
  /** The migrated database for this backend; valid inside tests and hooks. */
  db(): Db;
  database(): Database;
}

/**
 * Runs `body` once per backend, each with its own migrated database, emptied before every test.
 * Usage: `describeDb('win rate', (ctx) => { it('…', async () => { await ctx.db().insert(…) }) })`.
 */
export function describeDb(
  name: string,
  body: (ctx: DbContext) => void,
  options: { truncate?: boolean } = {},
): void {
  for (const backend of testBackends()) {
    describe(`${name} [${backend}]`, () => {
      let handle: (Database & { drop(): Promise<void> }) | undefined;
      beforeAll(async () => {
        handle = await openTestDatabase(backend);
      });
      afterAll(async () => {
        await handle?.drop();
      });
      if (options.truncate !== false) {
        beforeEach(async () => {
          if (handle) await truncateAll(handle.db);
        });
      }
      body({
        backend,
        db: () => {
          if (!handle) throw new Error('database not ready');
          return handle.db;
        },
        database: () => {
          if (!handle) throw new Error('database not ready');
          return handle;
        },
      });
    });
  }
}

/**
 * Holds the test database busy for `seconds`: one `pg_sleep` on PGlite (which runs one statement at a time),
 * and one on every pooled connection on Postgres (the tests' 5 main connections, see openTestDatabase, and
 * the metrics pool's `metricsConcurrency`). Resolves when every statement has ended.
 */
export function holdEveryConnection(ctx: DbContext, seconds: number): Promise<unknown> {
  const sleep = sql`select pg_sleep(${seconds})`;
  const database = ctx.database();
  const statements =
    ctx.backend === 'pglite'
      ? [database.db.execute(sleep)]
      : [
          ...Array.from({ length: 5 }, () => database.db.execute(sleep)),
          ...Array.from({ length: database.metricsConcurrency }, () => database.metricsDb.execute(sleep)),
        ];
  return Promise.all(statements);
}
