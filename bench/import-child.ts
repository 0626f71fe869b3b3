/**
 * One import, run by bench/import.ts in its own process so its peak RSS is the import's alone.
 * argv: <entity> <file> <databaseUrl>. Prints one JSON line: rows, ms, counts, maxRssMb, and the CPU
 * seconds of this process (jsCpu, user + system) and of its Postgres backends (pgCpu, from /proc;
 * 0 when Postgres runs on another machine), which say more than seconds on a loaded machine.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createDb, queryRows, sql } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { importCsv } from '../src/import/import-csv.js';
import type { Entity } from '../src/ingest/index.js';

const [entity, file, url] = process.argv.slice(2) as [Entity, string, string];
const database = await createDb({ databaseUrl: url, poolSize: 2 });
await runMigrations(database);

/** CPU seconds (user + system) of this database's client backends so far, from /proc/<pid>/stat. */
async function backendCpu(): Promise<number> {
  const rows = await queryRows<{ pid: number }>(
    database.db,
    sql`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`,
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Postgres on another host: no CPU figure.
    }
  }
  return ticks / 100;
}

// Both pooled connections open before the first reading.
const nap = sql`select pg_sleep(0.05)`;
await Promise.all([database.db.execute(nap), database.db.execute(nap)]);
const pgBefore = await backendCpu();
const cpuBefore = process.cpuUsage();
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
const cpu = process.cpuUsage(cpuBefore);
const pgCpu = (await backendCpu()) - pgBefore;
await database.close();
process.stdout.write(
  `${JSON.stringify({
    rows: result.rows,
    ms: Math.round(ms),
    inserted: result.inserted,
    updated: result.updated,
    unchanged: result.unchanged,
    skipped: result.skipped,
    jsCpu: (cpu.user + cpu.system) / 1e6,
    pgCpu,
    invalid: result.invalidRows,
    firstError: result.errors[0] ?? null,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
