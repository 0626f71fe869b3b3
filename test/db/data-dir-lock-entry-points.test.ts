import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, type DataDirLock } from '../../src/db/data-dir-lock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs an entry point from the sources with only the given environment; resolves with its exit code and stderr. */
function run(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 90_000 },
      (err, _stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr });
      },
    );
  });
}

/**
 * Every command that opens the embedded database, run while this test process holds its data directory:
 * each must stop with the refusal (naming this process) in a short message and a failure exit code, not a
 * stack trace, and without touching the directory's database.
 */
describe('a data directory open in another process', { timeout: 120_000 }, () => {
  let dir: string;
  let lock: DataDirLock;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tally-lock-cli-'));
    lock = acquireDataDirLock(dir);
  });
  afterAll(() => {
    lock.release();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = () => `The embedded database in ${dir} is already open in process ${process.pid} (`;

  it.each([
    ['npm start / npm run dev', 'src/main.ts', [], 'Tally could not start: ', 1],
    ['npm run console', 'src/console-main.ts', ['/metrics help'], 'Tally console failed: ', 1],
    ['npm run import', 'src/import/cli.ts', ['leads', 'CSV'], 'import: ', 3],
    ['npm run migrate', 'src/db/migrate-cli.ts', [], 'Migration failed: ', 1],
    ['npm run seed', 'src/seed/cli.ts', [], 'Seed failed: ', 1],
  ] as const)(
    '%s (%s) is refused with one line and its exit code',
    async (_name, script, args, prefix, code) => {
      const csv = path.join(dir, 'leads.csv');
      writeFileSync(csv, 'external_id,created_at\nL1,2026-11-01\n');
      const result = await run(
        script,
        args.map((a) => (a === 'CSV' ? csv : a)),
        { TALLY_DATA_DIR: dir, LOG_LEVEL: 'silent' },
      );
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${prefix}${refusal()}`);
      expect(lines[0]).toContain(`stop that process (kill ${process.pid})`);
      expect(lines[0]).not.toMatch(/\n\s+at /);
      expect(result.code).toBe(code);
    },
  );
});
