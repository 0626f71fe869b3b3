/**
 * One import, run by bench/import.ts in its own process so its peak RSS is the import's alone.
 * argv: <entity> <file> <databaseUrl>. Prints one JSON line: rows, ms, counts and maxRssMb.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createDb } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { importCsv } from '../src/import/import-csv.js';
import type { Entity } from '../src/ingest/index.js';

const [entity, file, url] = process.argv.slice(2) as [Entity, string, string];
const database = await createDb({ databaseUrl: url, poolSize: 2 });
await runMigrations(database);
const started = performance.now();
const result = await importCsv(database.db, {
  entity,
  input: createReadStream(file),
  timezone: 'UTC',
  now: new Date(),
  fileBytes: (await stat(file)).size,
  onProgress: (rows, ms) =>
    process.stderr.write(
      `  ${rows.toLocaleString('en-US')} rows (${Math.round(rows / (ms / 1000))} rows/s)\n`,
    ),
});
const ms = performance.now() - started;
await database.close();
process.stdout.write(
  `${JSON.stringify({
    rows: result.rows,
    ms: Math.round(ms),
    inserted: result.inserted,
    updated: result.updated,
    unchanged: result.unchanged,
    invalid: result.invalidRows,
    firstError: result.errors[0] ?? null,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
