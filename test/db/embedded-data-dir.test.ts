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
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { EmbeddedDataDirError, startEmbedded } from '../../src/db/embedded.js';

/**
 * PGlite 0.5 (PostgreSQL 18) cannot open the files PGlite 0.3 (PostgreSQL 17) wrote. Start-up must say
 * so, with the fix, and change nothing in the user's directory.
 */
describe('an embedded data directory from an older Tally', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is refused with the reason and the command to move it aside, and left untouched', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tally-pg17-'));
    dirs.push(dataDir);
    const pgdata = path.join(dataDir, 'pgdata');
    mkdirSync(path.join(pgdata, 'base'), { recursive: true });
    writeFileSync(path.join(pgdata, 'PG_VERSION'), '17\n');
    writeFileSync(path.join(pgdata, 'base', 'keep-me'), 'user data');

    const opening = createDb({ dataDir });
    await expect(opening).rejects.toBeInstanceOf(EmbeddedDataDirError);
    await expect(opening).rejects.toThrow(
      `The embedded database in ${pgdata} was written by PostgreSQL 17 (an older Tally, PGlite 0.3); ` +
        'this Tally embeds PostgreSQL 18 and cannot open it. Nothing was changed. ' +
        `To start afresh on demo data, move it aside: mv "${pgdata}" "${pgdata}-pg17". ` +
        'To keep your data, re-import your CSV files afterwards (npm run import), or set DATABASE_URL to a PostgreSQL server.',
    );
    expect(readdirSync(pgdata).sort()).toEqual(['PG_VERSION', 'base']);
    expect(readFileSync(path.join(pgdata, 'base', 'keep-me'), 'utf8')).toBe('user data');
  });

  it('is refused with what to do when a file stands where the directory should be', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'tally-datadir-file-'));
    dirs.push(parent);
    const file = path.join(parent, 'afile');
    writeFileSync(file, 'not a directory');
    const opening = createDb({ dataDir: file });
    await expect(opening).rejects.toBeInstanceOf(EmbeddedDataDirError);
    await expect(opening).rejects.toThrow(
      `The embedded database's directory ${file} is a file, not a directory. Set TALLY_DATA_DIR to a directory (it is made if missing), or DATABASE_URL to a PostgreSQL server.`,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
  });

  it('releases its lock when starting fails before the database thread exists, so a retry can open it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tally-retry-'));
    dirs.push(dataDir);
    const savedTmp = process.env.TMPDIR;
    // The socket directory is made under TMPDIR: a missing one makes the start fail before the thread runs.
    process.env.TMPDIR = path.join(dataDir, 'no-such-tmp');
    try {
      await expect(createDb({ dataDir })).rejects.toThrow(/ENOENT/);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    const database = await createDb({ dataDir });
    await database.close();
  }, 120_000);

  it('says why when the database thread fails to load, without advice about the directory', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tally-badworker-'));
    dirs.push(dataDir);
    // A worker module that does not load, as a syntax error in the real one would.
    const worker = path.join(dataDir, 'broken-worker.mjs');
    writeFileSync(worker, 'const broken = ;\n');
    const opening = startEmbedded(dataDir, { workerSource: pathToFileURL(worker) });
    const err = await opening.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(EmbeddedDataDirError);
    expect(err?.message).toMatch(/^The embedded database thread could not start: .*Unexpected token/);
    expect(err?.message).not.toMatch(/TALLY_DATA_DIR|another Tally|move the directory/);
    // The directory's lock went with the thread.
    expect(existsSync(path.join(dataDir, 'tally.lock'))).toBe(false);
  });
});
