import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts the interactive console on a fresh data directory, waits for its prompt, sends `signal` and
 * resolves with the exit code, the signal that ended it (if any) and whether the lock file is left.
 */
async function stopConsoleWith(script: string, signal: NodeJS.Signals) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tally-console-signal-'));
  made.push(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', TALLY_DATA_DIR: dir, LOG_LEVEL: 'silent' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('tally>')) resolve();
    });
    child.once('exit', () => reject(new Error(`the console ended before its prompt: ${out}`)));
  });
  const lockedWhileRunning = existsSync(path.join(dir, LOCK_FILE));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  child.kill(signal);
  const result = await ended;
  return { ...result, lockedWhileRunning, lockLeft: existsSync(path.join(dir, LOCK_FILE)) };
}

it.each([
  ['npm run console', 'src/console-main.ts', 'SIGTERM'],
  ['npm start without Slack tokens', 'src/main.ts', 'SIGINT'],
] as const)(
  '%s (%s) stopped by %s closes the database and releases the data directory',
  async (_name, script, signal) => {
    const result = await stopConsoleWith(script, signal);
    expect(result).toEqual({ code: 0, signal: null, lockedWhileRunning: true, lockLeft: false });
  },
  180_000,
);
