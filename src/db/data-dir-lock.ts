import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One process at a time on an embedded data directory. PGlite has no lock of its own: two processes on one
 * directory each keep their own copy of the database in memory and overwrite each other's files (a tester
 * lost a rename and saw an import spin for minutes). The lock is a file `tally.lock` in the data directory
 * naming its owner, created atomically (link(2) of a complete file fails when the name exists), like
 * PostgreSQL's `postmaster.pid`. It is stale, and taken over, when its owner no longer runs: after kill -9
 * the next start needs no clean-up. A file lock held by the kernel (flock) would need a native addon.
 */

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'tally.lock';

/** What the lock file holds. `started` is the owner's start time from /proc (Linux), to tell a reused pid. */
interface LockOwner {
  pid: number;
  started: string | null;
  command: string;
  since: string;
}

/** The data directory is open in another live process; the message names it and says what to do. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    message: string,
    /** The process that holds the directory. */
    readonly holder: { pid: number; command: string },
  ) {
    super(message);
  }
}

/** A held lock; `release()` removes the file (once; later calls do nothing). */
export interface DataDirLock {
  file: string;
  release(): void;
}

/** Lock files this process holds: a second open in the same process is refused as well. */
const held = new Set<string>();

/**
 * Takes the lock on `dataDir` (which must exist) for this process. Throws DataDirLockedError at once when a
 * live process holds it (this one included); a lock whose owner is gone (killed, or its pid now another
 * program's) is taken over. Other file-system errors (a read-only directory) are thrown as they are.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  if (held.has(file)) {
    throw locked(dataDir, read(file) ?? self(), 'this process');
  }
  const mine = self();
  // A few rounds: each lost race (another process took the name between our reads) starts over.
  for (let round = 0; round < 5; round++) {
    if (tryCreate(file, mine)) {
      held.add(file);
      const onExit = () => removeIfMine(file);
      process.once('exit', onExit);
      let released = false;
      return {
        file,
        release: () => {
          if (released) return;
          released = true;
          process.removeListener('exit', onExit);
          removeIfMine(file);
          held.delete(file);
        },
      };
    }
    const owner = read(file);
    if (owner === undefined) continue; // removed meanwhile: try again
    if (isAlive(owner)) throw locked(dataDir, owner, undefined);
    takeOverStale(file, owner);
  }
  throw locked(dataDir, read(file) ?? mine, undefined);
}

/** Writes a complete file beside the lock and links it to the lock's name: fails (false) when the name exists. */
function tryCreate(file: string, owner: LockOwner): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Removes a stale lock without removing a fresh one another process made meanwhile: the file is moved away
 * atomically first, and put back if it is no longer the stale one that was read.
 */
function takeOverStale(file: string, stale: LockOwner): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = read(aside);
  if (moved && !sameOwner(moved, stale)) {
    try {
      linkSync(aside, file);
    } catch {
      // Yet another process took the name: it holds the lock now, and ours will be refused.
    }
  }
  unlinkSync(aside);
}

function removeIfMine(file: string): void {
  const owner = read(file);
  if (owner && owner.pid === process.pid) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

function read(file: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(parsed.pid) && (parsed.pid as number) > 0) {
      return {
        pid: parsed.pid as number,
        started: typeof parsed.started === 'string' ? parsed.started : null,
        command: typeof parsed.command === 'string' ? parsed.command : '',
        since: typeof parsed.since === 'string' ? parsed.since : '',
      };
    }
  } catch {
    // not ours or damaged: treated as the lock of a process that is gone
  }
  return { pid: 0, started: null, command: '', since: '' };
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.started === b.started && a.since === b.since;
}

/**
 * True when the lock's owner still runs: its pid exists and, where /proc tells, started when the lock says.
 * This process's own pid outside `held` is a lock left by an earlier run that had the same pid (a container
 * restarted: pid 1 again).
 */
function isAlive(owner: LockOwner): boolean {
  if (owner.pid <= 0) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = startTimeOf(owner.pid);
  return started === null || owner.started === null || started === owner.started;
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or null off Linux. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The command line of a running process (/proc on Linux), else what its lock file recorded. */
function commandOf(owner: LockOwner): string {
  let command = owner.command;
  try {
    const line = readFileSync(`/proc/${owner.pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    if (line) command = line;
  } catch {
    // not Linux, or not ours to read
  }
  return command.length > 160 ? `${command.slice(0, 159)}…` : command;
}

function self(): LockOwner {
  return {
    pid: process.pid,
    started: startTimeOf(process.pid),
    command: [path.basename(process.execPath), ...process.execArgv, ...process.argv.slice(1)].join(' '),
    since: new Date().toISOString(),
  };
}

function locked(dataDir: string, owner: LockOwner, who: 'this process' | undefined): DataDirLockedError {
  const command = commandOf(owner);
  const holder = who ?? `process ${owner.pid}${command ? ` (${command})` : ''}`;
  const since = owner.since ? `, since ${owner.since}` : '';
  const stop = who ? 'close it first' : `stop that process (kill ${owner.pid})`;
  return new DataDirLockedError(
    `The embedded database in ${path.resolve(dataDir)} is already open in ${holder}${since}. ` +
      'Two processes on one data directory overwrite each other’s changes, so this one did not open it. ' +
      `To go on, ${stop} and try again, or give this one another directory (TALLY_DATA_DIR) or a PostgreSQL server (DATABASE_URL).`,
    { pid: owner.pid, command },
  );
}
