import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../src/db/client.js';
import { EmbeddedDataDirError } from '../../src/db/embedded.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const holder = fileURLToPath(new URL('./fixtures/hold-data-dir.ts', import.meta.url));

const dirs: string[] = [];
const open: Database[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of open.splice(0)) await d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tally-lock-'));
  dirs.push(dir);
  return dir;
}

async function openDb(dir: string): Promise<Database> {
  const database = await createDb({ dataDir: dir });
  open.push(database);
  return database;
}

/** Starts the fixture on `dir` in another process; resolves with its first line ("ready" or the refusal). */
function holdInChild(dir: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', holder, dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, line: out.split('\n')[0] ?? '' });
    });
    child.once('exit', (code) => reject(new Error(`holder exited (${code}) before a line: ${out}`)));
  });
}

function lockOwner(dir: string): { pid: number } {
  return JSON.parse(readFileSync(path.join(dir, 'tally.lock'), 'utf8')) as { pid: number };
}

/** A pid that ran and ended: what a kill -9 leaves in the lock file. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(pid).toBeGreaterThan(0);
  return pid as number;
}

// Each test creates a fresh PGlite directory (initdb, 10-20 s on this machine), the SIGKILL one two.
describe('the embedded data directory lock', { timeout: 120_000 }, () => {
  it('refuses a second process at once, naming the holder, and the first keeps working', async () => {
    const dir = dataDir();
    const first = await openDb(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);

    const started = Date.now();
    const { child, line } = await holdInChild(dir);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(line).toContain(
      `refused: The embedded database in ${path.resolve(dir)} is already open in process ${process.pid} (`,
    );
    expect(line).toContain(`stop that process (kill ${process.pid})`);
    expect(line).toContain('TALLY_DATA_DIR');
    expect(line).toContain('DATABASE_URL');

    const rows = (await first.db.execute('select 41 + 1 as n')) as unknown as { rows: { n: number }[] };
    expect(rows.rows[0]?.n).toBe(42);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('refuses a second open in the same process and frees the directory on close', async () => {
    const dir = dataDir();
    const first = await openDb(dir);
    const again = createDb({ dataDir: dir });
    await expect(again).rejects.toBeInstanceOf(EmbeddedDataDirError);
    await expect(again).rejects.toThrow('is already open in this process');
    await first.close();
    open.splice(open.indexOf(first), 1);
    expect(existsSync(path.join(dir, 'tally.lock'))).toBe(false);
    await openDb(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = dataDir();
    const gone = deadPid();
    writeFileSync(
      path.join(dir, 'tally.lock'),
      JSON.stringify({
        pid: gone,
        started: null,
        command: 'node src/main.ts',
        since: '2026-11-30T08:00:00.000Z',
      }),
    );
    await openDb(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('takes over a lock whose pid now belongs to another program (started at another time)', async () => {
    const dir = dataDir();
    const other = spawn('sleep', ['60']);
    children.push(other);
    writeFileSync(
      path.join(dir, 'tally.lock'),
      JSON.stringify({
        pid: other.pid,
        started: '1',
        command: 'node src/main.ts',
        since: '2026-11-30T08:00:00.000Z',
      }),
    );
    await openDb(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const dir = dataDir();
    const { child, line } = await holdInChild(dir);
    expect(line).toBe('ready');
    expect(lockOwner(dir).pid).toBe(child.pid);
    // While it runs, the directory is refused.
    await expect(createDb({ dataDir: dir })).rejects.toThrow(`is already open in process ${child.pid}`);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // kill -9 runs no clean-up: the lock file is still there, naming the dead pid.
    expect(lockOwner(dir).pid).toBe(child.pid);
    const database = await openDb(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
    const rows = (await database.db.execute('select 1 as n')) as unknown as { rows: { n: number }[] };
    expect(rows.rows[0]?.n).toBe(1);
  });
});
