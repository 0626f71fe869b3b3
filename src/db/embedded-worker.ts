/**
 * The embedded database's own thread (started by src/db/embedded.ts): it owns the PGlite instance and
 * serves it as a PostgreSQL server on a unix socket (`@electric-sql/pglite-socket`), so the app talks to
 * it through `pg` exactly as to a real server. PGlite runs each statement synchronously inside
 * WebAssembly; here that blocks only this thread, never the app's event loop (Bolt's ack, /healthz).
 *
 * Messages to the parent: `{ type: 'ready', socketDir }` once listening, `{ type: 'failed', message }`
 * when the database cannot be opened. From the parent: `{ type: 'stop' }`: close the server and the
 * database cleanly, then post `{ type: 'stopped' }` and end.
 */
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedWorkerData {
  /** PGlite's directory (`…/pgdata`), or null for an in-memory database. */
  pgdata: string | null;
  /** Directory holding the unix socket `.s.PGSQL.5432` (pg's `host` for a socket). */
  socketDir: string;
}

export type WorkerMessage = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'stopped' };

/**
 * The database thread's nice value (Linux, where it is per thread): when the CPU is short, the app's event
 * loop (Bolt's ack, /healthz) runs before the next slice of a long statement. Idle CPU still all goes here.
 */
const DATABASE_THREAD_NICE = 10;
if (process.platform === 'linux') {
  try {
    // pid 0: the calling thread on Linux.
    setPriority(0, DATABASE_THREAD_NICE);
  } catch {
    // A sandbox that forbids it: the thread keeps the process's priority.
  }
}

const port = parentPort;
if (!port) throw new Error('embedded-worker.ts runs only as a worker thread (see src/db/embedded.ts)');
const data = workerData as EmbeddedWorkerData;
const send = (m: WorkerMessage) => port.postMessage(m);

async function start(): Promise<{ db: PGlite; server: PGLiteSocketServer }> {
  const db = data.pgdata ? new PGlite(data.pgdata) : new PGlite();
  await db.waitReady;
  // PGlite has one backend session, shared by every socket connection, and ignores startup options:
  // the metric setting is made here, once (exact medians sort in memory).
  await db.exec(`set work_mem = '64MB'`);
  // The app's pool keeps ONE connection (src/db/client.ts): PGlite runs one statement at a time anyway,
  // and the socket server's multiplexer queues protocol messages, not whole extended-protocol exchanges,
  // from several connections. The server still admits two: pg's pool drops a client whose query failed
  // and connects again at once, while the server is still closing the old socket (net.Server counts it
  // until it is fully closed). With a limit of one, that new connection was reset, so the query after
  // any failed statement (a constraint error on ingest, say) failed too, with ECONNRESET.
  const server = new PGLiteSocketServer({
    db,
    path: join(data.socketDir, '.s.PGSQL.5432'),
    maxConnections: 2,
  });
  await server.start();
  return { db, server };
}

start().then(
  ({ db, server }) => {
    port.on('message', (m: { type?: string }) => {
      if (m.type !== 'stop') return;
      void (async () => {
        await server.stop().catch(() => undefined);
        await db.close().catch(() => undefined);
        send({ type: 'stopped' });
        port.close();
      })();
    });
    send({ type: 'ready' });
  },
  (err: unknown) => {
    send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    port.close();
  },
);
