import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';

/** Writes CSV files for one test file's tests into a fresh temp folder. */
export interface TempCsv {
  /** Writes `text` (as given, bytes or text) to the next file (`f1.csv`, `f2.csv`, …); returns its path. */
  file(text: string | Buffer): string;
  /** Writes `lines`, each ended by LF, to the next file; returns its path. */
  lines(...lines: string[]): string;
}

/**
 * A temp folder (`tally-<name>-…` under the OS temp dir) for the CSV files of the test file that calls
 * this at its top level; the folder and its files are removed after that file's tests (afterAll).
 */
export function tempCsv(name: string): TempCsv {
  const dir = mkdtempSync(path.join(tmpdir(), `tally-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let fileNo = 0;
  const file = (text: string | Buffer) => {
    fileNo += 1;
    const p = path.join(dir, `f${fileNo}.csv`);
    writeFileSync(p, text);
    return p;
  };
  return { file, lines: (...lines) => file(`${lines.join('\n')}\n`) };
}

/**
 * Imports a CSV file through `importCsv` as the import command reads it in these tests: zone UTC, clock at
 * `now`; `extra` adds or overrides options (`skipInvalid`, …).
 */
export function csvImporter(db: () => Db, now: Date) {
  return (entity: ImportCsvOptions['entity'], path: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(db(), { entity, input: createReadStream(path), timezone: 'UTC', now, ...extra });
}
