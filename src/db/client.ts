import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. Queries take this as their first argument. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  /**
   * Where metric queries run: on Postgres a separate small pool whose sessions have JIT off, 64 MB
   * `work_mem` (exact medians sort in memory) and a statement timeout, so a slow or abandoned answer's
   * queries are cancelled by the server instead of piling up. On PGlite the same connection as `db`.
   */
  metricsDb: Db;
  kind: 'pglite' | 'postgres';
  /** Cheap liveness check for /healthz; throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn` while holding a session-level advisory lock (one instance at a time across processes). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
}

export interface DbOptions {
  /** postgres:// URL; when absent, embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Directory for PGlite's files; `memory` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** Connections of the metrics pool (default 6: more concurrent aggregates than cores only adds contention). */
  metricsPoolSize?: number;
  /** Statement timeout of metric queries, ms (default 8,000: below the 10 s answer limit). */
  metricsStatementTimeoutMs?: number;
}

/** Creates the database connection: real Postgres through a `pg` pool when a URL is given, else embedded PGlite. */
export async function createDb(options: DbOptions): Promise<Database> {
  if (options.databaseUrl) return createPostgres(options.databaseUrl, options);
  return createPglite(options.dataDir);
}

// pg returns int8 and numeric as strings; parse int8 (counts, bigint money) to numbers. Values stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

/**
 * Session settings sent with the connection's startup packet (no extra round trip per query). JIT off
 * everywhere: Postgres would spend up to a second compiling plans that run in milliseconds.
 */
const SESSION = '-c jit=off';

function createPostgres(url: string, options: DbOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    options: SESSION,
  });
  const timeout = options.metricsStatementTimeoutMs ?? 8_000;
  const metricsPool = new pg.Pool({
    connectionString: url,
    max: options.metricsPoolSize ?? 6,
    connectionTimeoutMillis: 5_000,
    options: `${SESSION} -c work_mem=64MB -c statement_timeout=${Math.max(1, Math.floor(timeout))}`,
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A client checked out by a query or transaction when the server goes away (restart, `pg_ctl stop`,
  // 57P01) emits 'error' on itself, not on the pool; unhandled, that ends the process. The query in
  // flight rejects with the same error, which is what callers handle and log.
  for (const p of [pool, metricsPool]) {
    p.on('connect', (client) => {
      client.on('error', () => {});
    });
  }
  metricsPool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    metricsDb: drizzlePg(metricsPool, { schema }) as unknown as Db,
    kind: 'postgres',
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await Promise.all([pool.end(), metricsPool.end()]);
    },
    withAdvisoryLock: async (key, fn) => {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
  };
}

async function createPglite(dataDir: string | undefined): Promise<Database> {
  let client: PGlite;
  if (!dataDir || dataDir === 'memory') {
    client = new PGlite();
  } else {
    const dir = path.resolve(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  await client.waitReady;
  // PGlite parses int8 to bigint by default in some versions; make counts and money plain numbers as with pg.
  client.parsers[20] = (v: string) => Number.parseInt(v, 10);
  client.parsers[1700] = (v: string) => Number.parseFloat(v);
  // One connection for everything: the metric session setting applies to it once.
  await client.exec(`set work_mem = '64MB'`);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    metricsDb: db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
    // PGlite is single-connection and in-process: it is its own lock.
    withAdvisoryLock: (_key, fn) => fn(),
  };
}

/** Runs raw SQL and returns its rows, on either driver. Cast aggregates in SQL (`::int`, `::float8`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
