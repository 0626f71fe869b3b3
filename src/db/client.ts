import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { CancellablePool } from './cancel.js';
import { type EmbeddedServer, startEmbedded } from './embedded.js';
import { PriorityPool } from './query-priority.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. Queries take this as their first argument. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  /**
   * Where metric queries run: on Postgres a separate small pool whose sessions have JIT off, 64 MB
   * `work_mem` (exact medians sort in memory), no parallel workers and a statement timeout, so a slow or abandoned answer's
   * queries are cancelled by the server instead of piling up. On PGlite the same connection as `db`.
   */
  metricsDb: Db;
  /**
   * Where the request edge records Slack signatures before an ack (src/http/seen-requests.ts): on
   * Postgres a pool of its own (2 connections), so an ack never queues behind answers and jobs that
   * fill `db`'s pool. On PGlite the same connection as `db` (one engine; the edge keeps its record in
   * memory there and writes it behind).
   */
  edgeDb: Db;
  /**
   * How many metric computations may run at once: the answer limiter's slots (src/metrics/shared-answers.ts).
   * On Postgres the metrics pool's connections (see metricsConcurrencyFor); on PGlite 3.
   */
  metricsConcurrency: number;
  /** `pglite`: the embedded database (a worker thread, reached through `pg` on a unix socket). */
  kind: 'pglite' | 'postgres';
  /**
   * Cheap liveness check for /healthz; throws when the database cannot answer. On Postgres it uses the
   * edge pool. On PGlite a live worker thread busy with a long statement counts as up (see createEmbedded).
   */
  ping(): Promise<void>;
  /**
   * Opens the answer path's connections before the first request needs them (Postgres: the edge pool's 2
   * and the metrics pool's, in parallel; PGlite: its one connection). A cold pool made the first burst of
   * commands pay for new server sessions while their acks waited on the edge's replay record. Rejects
   * when the database cannot be reached.
   */
  warm(): Promise<void>;
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
  /** Connections of the metrics pool (default: metricsConcurrencyFor this machine's cores and the server's host). */
  metricsPoolSize?: number;
  /** This machine's cores (default `os.availableParallelism()`); tests pass a number. */
  cores?: number;
  /** Statement timeout of metric queries, ms (default 8,000: below the 10 s answer limit). */
  metricsStatementTimeoutMs?: number;
}

/**
 * Creates the database connection, always through `pg`: real Postgres when a URL is given, else embedded
 * PGlite started in a worker thread behind a PostgreSQL socket (src/db/embedded.ts). Rejects with
 * EmbeddedDataDirError (a message for people, with the fix) when the embedded data directory cannot be used.
 */
export async function createDb(options: DbOptions): Promise<Database> {
  if (options.databaseUrl) return createPostgres(options.databaseUrl, options);
  return createEmbedded(options.dataDir);
}

// pg returns int8 and numeric as strings; parse int8 (counts, bigint money) to numbers. Values stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

/**
 * Session settings sent with the connection's startup packet (no extra round trip per query). JIT off
 * everywhere: Postgres would spend up to a second compiling plans that run in milliseconds. TimeZone
 * UTC whatever the server's default (PGlite's is UTC too): SQL that does calendar arithmetic on
 * instants (`interval '365 days'`, `::date`) must not shift with a server set to a local zone with
 * daylight saving; metrics name their zone explicitly (`at time zone`).
 */
const BASE_SESSION = '-c jit=off -c TimeZone=UTC';

/**
 * The connection string without its `options` parameter, and that parameter's value. node-pg lets a
 * URL's `?options=` replace the `options` given beside it, which silently dropped TimeZone, jit and the
 * metrics statement timeout (a `search_path` or a hosted provider's endpoint id is often passed there).
 * The URL's options go first in the startup packet and Tally's after them, so Tally's settings win.
 */
function splitUrlOptions(url: string): { url: string; options: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, options: '' };
  }
  const own = parsed.searchParams.get('options');
  if (own === null) return { url, options: '' };
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), options: `${own.trim()} ` };
}

function createPostgres(connection: string, options: DbOptions): Database {
  const { url, options: urlOptions } = splitUrlOptions(connection);
  const session = `${urlOptions}${BASE_SESSION}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    options: session,
  });
  const timeout = options.metricsStatementTimeoutMs ?? 8_000;
  const metricsConcurrency =
    options.metricsPoolSize ??
    metricsConcurrencyFor(options.cores ?? availableParallelism(), isLocalServer(url));
  // Metric queries of an answer nobody waits for any more are cancelled on the server (`withQuerySignal`).
  const metricsPool = new CancellablePool(
    {
      connectionString: url,
      max: metricsConcurrency,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: WARM_IDLE_MS,
      // No parallel workers: several computations already run at once, and (6 of them) each one's 2
      // workers made 18 processes on the server's cores, starving the edge's replay record and /healthz of CPU.
      options: `${session} -c work_mem=64MB -c max_parallel_workers_per_gather=0 -c statement_timeout=${Math.max(1, Math.floor(timeout))}`,
    },
    pool,
  );
  // The replay record (src/http/seen-requests.ts) commits without waiting for the WAL flush: the ack
  // does not queue behind an fsync. A Postgres crash can lose the last fraction of a second of records,
  // so a replay of a request from just before the crash would be taken; nothing else is written here.
  const edgePool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: WARM_IDLE_MS,
    options: `${session} -c synchronous_commit=off`,
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  // A client checked out by a query or transaction when the server goes away (restart, `pg_ctl stop`,
  // 57P01) emits 'error' on itself, not on the pool; unhandled, that ends the process. The query in
  // flight rejects with the same error, which is what callers handle and log.
  for (const p of [pool, metricsPool, edgePool]) {
    p.on('error', () => {});
    p.on('connect', (client) => {
      client.on('error', () => {});
    });
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    metricsDb: drizzlePg(metricsPool, { schema }) as unknown as Db,
    edgeDb: drizzlePg(edgePool, { schema }) as unknown as Db,
    metricsConcurrency,
    kind: 'postgres',
    ping: async () => {
      await edgePool.query('select 1');
    },
    warm: async () => {
      await Promise.all([
        openAll(edgePool, edgePool.options.max),
        openAll(metricsPool, metricsPool.options.max),
      ]);
    },
    close: async () => {
      await Promise.all([pool.end(), metricsPool.end(), edgePool.end()]);
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

/** Metric computations at once on a server of its own (the pool's size before cores were counted). */
const REMOTE_METRICS_CONCURRENCY = 6;

/**
 * How many metric computations run at once on Postgres (the metrics pool's connections and the answer
 * limiter's slots). Metric queries are CPU-bound aggregates. A server on this machine (`serverIsLocal`)
 * shares its `cores` with the bot: more queries at once than cores only lengthens every one of them and
 * queues the ack path (the bot's event loop, the edge's replay record) behind them, so there it is the
 * number of cores, at least 2 (one org-wide computation and one team or rep question) and at most 6.
 * A server elsewhere gets 6: its cores are not these.
 * @param cores this machine's logical cores (`os.availableParallelism()`), a positive integer
 * @param serverIsLocal whether Postgres runs on this machine (see isLocalServer)
 * @returns connections, 2…6
 */
export function metricsConcurrencyFor(cores: number, serverIsLocal: boolean): number {
  if (!serverIsLocal) return REMOTE_METRICS_CONCURRENCY;
  return Math.min(REMOTE_METRICS_CONCURRENCY, Math.max(2, Math.floor(cores)));
}

/**
 * Whether a `postgres://` URL reaches a server on this machine: host `localhost`, a loopback address
 * (127.0.0.0/8, ::1), a unix-socket directory (a host or `?host=` starting with `/`), or no host at all
 * (libpq's default socket). False for any other host and for a URL that cannot be parsed.
 */
export function isLocalServer(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = decodeURIComponent(parsed.searchParams.get('host') ?? parsed.hostname)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return (
    host === '' ||
    host === 'localhost' ||
    host === '::1' ||
    host.startsWith('/') ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** Checks out `count` clients of `pool` at once (so the pool opens that many sessions), then returns them. */
async function openAll(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/**
 * Idle connections of the answer path (metrics and edge pools) are kept this long (ms), instead of pg's
 * 10 s, so a quiet minute does not make the next command pay for new connections.
 */
const WARM_IDLE_MS = 10 * 60_000;

/** The `application_name` of the embedded database's connection. */
const EMBEDDED_APPLICATION_NAME = 'tally-embedded';

/**
 * True when `client` (a `pg` client under a drizzle session) talks to the embedded database, whose socket
 * server does not speak COPY's sub-protocol (callers then write rows with a plain INSERT).
 */
export function isEmbeddedConnection(client: unknown): boolean {
  const params = (client as { connectionParameters?: { application_name?: string } }).connectionParameters;
  return params?.application_name === EMBEDDED_APPLICATION_NAME;
}

/**
 * The embedded database: PGlite in a worker thread, one `pg` connection to it over a unix socket. One
 * connection because PGlite runs one statement at a time: queries wait in the pool (no timeout, as they
 * waited in PGlite's own queue before) and transactions cannot interleave. The worker sets `work_mem`
 * (exact medians sort in memory) on PGlite's one session.
 */
async function createEmbedded(dataDir: string | undefined): Promise<Database> {
  const server = await startEmbedded(dataDir);
  // Statements of org-wide computations (run as background queries by the sharing point) wait while team
  // and rep answers' statements are queued: see query-priority.ts.
  const pool = new PriorityPool({
    host: server.socketDir,
    user: 'postgres',
    database: 'postgres',
    // Marks the connection as the embedded database's (see isEmbeddedConnection).
    application_name: EMBEDDED_APPLICATION_NAME,
    max: 1,
    // Idle, the connection stays open: the server takes one connection, and reconnecting costs a handshake.
    idleTimeoutMillis: 0,
    // PGlite has one session for every connection, and its socket server only rolls back when one closes:
    // named prepared statements (queryRowsPrepared) outlive the connection that made them. A new connection
    // (pg replaces a client whose query failed) would parse them again and get 42P05, so it starts clean.
    onConnect: async (client) => {
      await client.query('deallocate all');
    },
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    metricsDb: db,
    edgeDb: db,
    // PGlite runs one statement at a time: three computations (one of them org-wide) keep it busy, and a
    // team question's statements then wait behind two others at most, not five.
    metricsConcurrency: 3,
    kind: 'pglite',
    ping: () => pingEmbedded(pool, server),
    warm: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await pool.end().catch(() => undefined);
      await server.stop();
    },
    // One process owns the embedded database (and one connection): it is its own lock.
    withAdvisoryLock: (_key, fn) => fn(),
  };
}

/** How long /healthz waits for `select 1` on the embedded database before asking whether it is merely busy. */
const EMBEDDED_PING_MS = 1_500;

/**
 * Liveness of the embedded database: `select 1` answers, or (PGlite runs one statement at a time, so a
 * long answer delays the ping) the worker thread is still running and working through its queue.
 * Throws when the thread has ended or the query fails.
 */
async function pingEmbedded(pool: pg.Pool, server: EmbeddedServer): Promise<void> {
  const down = () => {
    if (!server.alive()) throw new Error(server.failure() ?? 'the embedded database is closed');
  };
  down();
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), EMBEDDED_PING_MS);
  });
  try {
    const ping = pool.query('select 1');
    ping.catch(() => undefined);
    const outcome = await Promise.race([ping, slow]);
    if (outcome === 'slow') down();
  } finally {
    clearTimeout(timer);
  }
}

/** Runs raw SQL and returns its rows, on either driver. Cast aggregates in SQL (`::int`, `::float8`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const dialect = new PgDialect();

/**
 * Statement names by text: a bounded set of texts (scope kinds × metrics × window shapes), hashed once
 * each, not per answer. pg keeps each named statement prepared on every connection for the connection's
 * life, so the map never forgets a name; past `MAX_PREPARED_TEXTS` texts a new text runs unprepared
 * instead (see queryRowsPrepared).
 */
const preparedNames = new Map<string, string>();

/**
 * At most this many distinct statement texts are ever prepared (per process, so per connection): a few
 * hundred plans of small statements is a few MB on the server at most.
 */
export const MAX_PREPARED_TEXTS = 256;

/** The statement name for `text`, or null when the cap is reached and `text` was never prepared. */
function preparedName(text: string): string | null {
  let name = preparedNames.get(text);
  if (name === undefined) {
    if (preparedNames.size >= MAX_PREPARED_TEXTS) return null;
    name = `tally_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * `queryRows` as a named prepared statement: each connection parses and plans the statement's text once and
 * then only binds and executes it (Postgres keeps a custom plan per call for its first five calls, then a
 * generic one if that is no costlier). For small statements every answer sends with the same text and new
 * values, whose planning would otherwise cost as much as running them. The name is the text's hash, so two
 * texts never share one. Not for statements whose best plan depends on the values (ranges over big tables),
 * and only for a small bounded set of texts: each stays prepared on every connection it ran on (past
 * `MAX_PREPARED_TEXTS` distinct texts, new ones run unprepared).
 * Uses drizzle's session `prepareQuery(query, fields, name, arrayMode)` (an internal API, by position): check
 * it on a drizzle upgrade (test/metrics/answer-context.test.ts runs it on both drivers).
 */
export async function queryRowsPrepared<T>(db: Db, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = preparedName(text);
  // Past the cap of distinct texts: run it as `queryRows` does (an unnamed statement).
  if (name === null) return queryRows<T>(db, query);
  const prepared = db._.session.prepareQuery({ sql: text, params }, undefined, name, false);
  const result = (await prepared.execute()) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
