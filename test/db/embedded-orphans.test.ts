import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startEmbedded } from '../../src/db/embedded.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A socket directory as a Tally process makes it, owned by `pid` (or with no owner file). */
function socketDir(pid: number | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tally-pg-'));
  made.push(dir);
  if (pid !== null) writeFileSync(path.join(dir, 'owner.pid'), String(pid));
  return dir;
}

it('removes the socket directory a killed Tally left behind, and only that one', async () => {
  // A pid that has run and ended: what a kill -9 leaves in the owner file.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(gone).toBeGreaterThan(0);
  const orphan = socketDir(gone);
  const live = socketDir(process.pid);
  const unknown = socketDir(null);

  const server = await startEmbedded('memory');
  try {
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unknown)).toBe(true);
    // The new directory names its owner, so the next start can judge it too.
    expect(existsSync(path.join(server.socketDir, 'owner.pid'))).toBe(true);
  } finally {
    await server.stop();
  }
  expect(existsSync(server.socketDir)).toBe(false);
});
