import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AdviceError } from '../errors.js';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from './data-dir-lock.js';
import type { EmbeddedWorkerData, WorkerMessage } from './embedded-worker.js';

/**
 * The embedded database (PGlite) runs in a worker thread behind a PostgreSQL socket (see
 * embedded-worker.ts); this module starts and stops that thread. The app connects with `pg` to
 * `socketDir`, exactly as to a real server.
 */
export interface EmbeddedServer {
  /** Directory of the unix socket: pg's `host` (the socket is `.s.PGSQL.5432` inside it). */
  socketDir: string;
  /** False once the worker thread has ended (stopped, or crashed: then `failure` says why). */
  alive(): boolean;
  failure(): string | undefined;
  /** Closes the socket server and the database, ends the thread and removes the socket directory. */
  stop(): Promise<void>;
}

const SOCKET_DIR_PREFIX = 'tally-pg-';
/** Holds the pid of the process that made a socket directory, so a later start can tell it is orphaned. */
const OWNER_FILE = 'owner.pid';

/**
 * Removes socket directories left by Tally processes that died without cleaning up (kill -9): those whose
 * owner pid no longer runs. Directories without an owner file, or of a live process, are left alone;
 * failures are ignored (another user's directory, a race with its owner).
 */
function removeOrphanSocketDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(SOCKET_DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(tmpdir(), name);
    try {
      const pid = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
      if (!Number.isInteger(pid) || pid <= 0 || isRunning(pid)) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // no owner file (not ours to judge), or not readable: leave it
    }
  }
}

/** True when a process with this pid exists (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PostgreSQL major version PGlite 0.5 writes into `pgdata/PG_VERSION`. */
const PG_MAJOR = '18';
const START_TIMEOUT_MS = 120_000;

/** The embedded data directory cannot be used as it is; the message says why and what to do. */
export class EmbeddedDataDirError extends AdviceError {
  override name = 'EmbeddedDataDirError';
}

/**
 * Starts PGlite in a worker thread. `dataDir` undefined or `memory` keeps the database in memory; else
 * its files live in `<dataDir>/pgdata`, and this process holds the directory's lock (`<dataDir>/tally.lock`,
 * src/db/data-dir-lock.ts) from before PGlite opens it until the thread has ended. Rejects with
 * EmbeddedDataDirError when another live process has the directory open (the message names it and says
 * what to do), or when the directory was written by another PostgreSQL major version (PGlite 0.3 wrote
 * PostgreSQL 17 files; 0.5 runs 18 and cannot open them), or when the directory cannot be made (a file is
 * in its place): nothing is changed or deleted then. Rejects with a plain Error (the cause, no advice about
 * the directory) when the thread itself fails to start, e.g. a module of it does not load.
 * `options.workerSource`: another worker module to run (tests).
 */
export async function startEmbedded(
  dataDir: string | undefined,
  options: { workerSource?: URL } = {},
): Promise<EmbeddedServer> {
  if (!dataDir || dataDir === 'memory') return startWorker(null, undefined, options.workerSource);
  const pgdata = path.resolve(dataDir, 'pgdata');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR' ? 'is a file, not a directory' : `cannot be made (${code})`;
    throw new EmbeddedDataDirError(
      `The embedded database's directory ${path.resolve(dataDir)} ${why}. Set TALLY_DATA_DIR to a directory (it is made if missing), or DATABASE_URL to a PostgreSQL server.`,
      { cause: err },
    );
  }
  let lock: DataDirLock;
  try {
    lock = acquireDataDirLock(dataDir);
  } catch (err) {
    if (err instanceof DataDirLockedError) throw new EmbeddedDataDirError(err.message, { cause: err });
    throw err;
  }
  try {
    checkVersion(pgdata);
    mkdirSync(pgdata, { recursive: true });
  } catch (err) {
    lock.release();
    throw err;
  }
  return startWorker(pgdata, lock, options.workerSource);
}

/**
 * Starts the worker thread on `pgdata` (null: in memory); `lock` is released once the thread has ended.
 * A thread that throws before it is ready (its modules failed to load: a syntax or import error) rejects
 * with a plain Error naming that cause: the directory is not at fault, so no advice about it.
 */
async function startWorker(
  pgdata: string | null,
  lock: DataDirLock | undefined,
  workerSource: URL | undefined,
): Promise<EmbeddedServer> {
  // A private directory (mode 0700) keeps the socket to this process's user; a short path fits the
  // 107-byte limit of unix socket paths whatever TALLY_DATA_DIR is.
  let socketDir: string;
  let worker: Worker;
  try {
    removeOrphanSocketDirs();
    socketDir = mkdtempSync(path.join(tmpdir(), SOCKET_DIR_PREFIX));
    writeFileSync(path.join(socketDir, OWNER_FILE), String(process.pid));
    const data: EmbeddedWorkerData = { pgdata, socketDir };
    worker = workerSource ? new Worker(workerSource, { workerData: data }) : newWorker(data);
  } catch (err) {
    // Until the worker's exit listener exists, nothing else would release the lock (a retry in this
    // process would then be refused as "already open in this process").
    lock?.release();
    throw err;
  }
  let running = true;
  let failure: string | undefined;
  let thrown: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      running = false;
      if (code !== 0 && !failure) failure = `the embedded database thread ended (exit code ${code})`;
      rmSync(socketDir, { recursive: true, force: true });
      lock?.release();
      resolve();
    });
  });
  worker.on('error', (err) => {
    thrown ??= err;
    failure = `the embedded database failed: ${err.message}`;
  });
  const first = await new Promise<WorkerMessage | { type: 'exit' } | { type: 'timeout' }>((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'timeout' }), START_TIMEOUT_MS);
    worker.once('message', (m: WorkerMessage) => {
      clearTimeout(timer);
      resolve(m);
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve({ type: 'exit' });
    });
  });
  if (first.type !== 'ready') {
    await worker.terminate();
    await exited;
    if (first.type === 'exit' && thrown)
      throw new Error(`The embedded database thread could not start: ${thrown.message}`, { cause: thrown });
    const why =
      first.type === 'failed'
        ? first.message
        : first.type === 'timeout'
          ? `it did not start within ${START_TIMEOUT_MS / 1000} s`
          : (failure ?? 'its thread ended while starting');
    throw new EmbeddedDataDirError(
      `Could not open the embedded database${pgdata ? ` in ${pgdata}` : ''}: ${why}` +
        (pgdata ? '. Move the directory aside and start again (the demo data is re-created).' : ''),
    );
  }
  // Once started, a forgotten close must not keep the process alive (as with an in-process database);
  // the pool's open connection keeps it alive while the database is in use.
  worker.unref();
  let stopping: Promise<void> | undefined;
  return {
    socketDir,
    alive: () => running,
    failure: () => failure,
    stop: () => {
      stopping ??= (async () => {
        if (!running) return;
        worker.ref();
        const stopped = new Promise<void>((resolve) => {
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'stopped') resolve();
          });
          void exited.then(resolve);
        });
        worker.postMessage({ type: 'stop' });
        await stopped;
        await exited;
      })();
      return stopping;
    },
  };
}

/**
 * Refuses a data directory written by another PostgreSQL major version, with the fix. Tally before the
 * worker-thread database used PGlite 0.3 (PostgreSQL 17); its files cannot be opened by PGlite 0.5.
 */
function checkVersion(pgdata: string): void {
  const file = path.join(pgdata, 'PG_VERSION');
  if (!existsSync(file)) return;
  const version = readFileSync(file, 'utf8').trim();
  if (version === PG_MAJOR) return;
  throw new EmbeddedDataDirError(
    `The embedded database in ${pgdata} was written by PostgreSQL ${version} (an older Tally, PGlite 0.3); ` +
      `this Tally embeds PostgreSQL ${PG_MAJOR} and cannot open it. Nothing was changed. ` +
      `To start afresh on demo data, move it aside: mv "${pgdata}" "${pgdata}-pg${version}". ` +
      'To keep your data, re-import your CSV files afterwards (npm run import), or set DATABASE_URL to a PostgreSQL server.',
  );
}

/**
 * The compiled worker beside this file (dist/), else the TypeScript source loaded through tsx's API (dev
 * and tests run the sources; Node 20 ignores `--import` in a worker's execArgv).
 */
function newWorker(workerData: EmbeddedWorkerData): Worker {
  const js = new URL('./embedded-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const ts = new URL('./embedded-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(ts)}, ${JSON.stringify(ts)}))`;
  return new Worker(boot, { eval: true, workerData });
}
