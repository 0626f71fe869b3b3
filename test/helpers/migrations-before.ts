import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/db/migrate.js';

/**
 * A temporary migrations folder as the project had it before a migration: the SQL files and journal entries
 * up to index `lastIdx`, whose tag must be `lastTag` (so a renumbered journal fails loudly). For tests that
 * fill a database under the old schema, then apply the rest. The caller removes the folder.
 */
export function migrationsBefore(lastIdx: number, lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  journal.entries = journal.entries.filter((e) => e.idx <= lastIdx);
  expect(journal.entries.at(-1)?.tag).toBe(lastTag);
  for (const e of journal.entries)
    copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  return dir;
}
