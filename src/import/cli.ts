import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { createDb, type Database } from '../db/client.js';
import { retryConflicts } from '../db/failures.js';
import { runMigrations } from '../db/migrate.js';
import { AdviceError, messageForPeople, redactSecrets } from '../errors.js';
import { DemoDataError, describeDbFailure } from '../ingest/index.js';
import { parseImportArgs, USAGE, UsageError } from './args.js';
import { ImportFormatError, importCsv } from './import-csv.js';
import { presetColumns } from './presets.js';
import { whyUnreadable } from './readable.js';
import { everyRowRefused, formatDetails, formatErrors, formatSummary, formatTarget } from './report.js';

/**
 * `npm run import -- <entity> <file.csv> [--map a=b …] [--default f=v …] [--skip-invalid]`.
 * Exit codes: 0 imported; 1 rejected because of invalid rows (nothing written); 2 usage or file-shape
 * error; 3 configuration or database failure. The summary goes to stdout, everything else to stderr.
 */
export const EXIT = { ok: 0, rejected: 1, usage: 2, failure: 3 } as const;

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseImportArgs>;
  try {
    args = parseImportArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
  } catch (err) {
    const message = err instanceof UsageError ? err.message : `cannot read ${argv[1] ?? 'the file'}`;
    process.stderr.write(`import: ${message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const unreadable = await whyUnreadable(args.file);
  if (unreadable) {
    process.stderr.write(`import: cannot read ${args.file}: ${unreadable}\n`);
    return EXIT.usage;
  }
  let database: Database | undefined;
  try {
    const config = loadConfig();
    database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    // Which database the summary is about: a run without DATABASE_URL writes to the embedded one.
    process.stderr.write(`${formatTarget(config.databaseUrl, config.dataDir)}\n`);
    await runMigrations(database);
    const db = database.db;
    const importOnce = async () =>
      importCsv(db, {
        entity: args.entity,
        input: createReadStream(args.file),
        map: args.map,
        defaults: args.defaults,
        skipInvalid: args.skipInvalid,
        replaceDemo: args.replaceDemo ?? false,
        asOf: args.asOf,
        preset:
          args.preset && args.entity !== 'subscriptions'
            ? presetColumns(args.preset, args.entity)
            : undefined,
        fileBytes: (await stat(args.file)).size,
        decimal: args.decimal,
        // Salesforce report exports write US dates (1/15/2026).
        dateOrder: args.dateOrder ?? (args.preset === 'salesforce' ? 'MDY' : undefined),
        delimiter: args.delimiter,
        stages: { won: args.wonStages ?? [], lost: args.lostStages ?? [] },
        timezone: config.defaultTimezone,
        now: new Date(),
        // Notices read like the lines formatDetails writes (`columns mapped: …`), without a prefix.
        onNotice: (m) => process.stderr.write(`${m}\n`),
        onProgress: (rows, ms) =>
          process.stderr.write(
            `import: ${rows.toLocaleString('en-US')} rows read (${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s)\n`,
          ),
      });
    // An import is one transaction. When it deadlocks with another writer (an ingest request that read or
    // wrote the table and then waited for this import), Postgres undoes the import, which asked for its lock
    // last; nothing was written, and once the other writer is through the file can simply be read again.
    const result = await retryConflicts(importOnce, IMPORT_ATTEMPTS - 1, (attempt) =>
      process.stderr.write(
        `import: another writer (an ingest request or a second import) deadlocked with this import; nothing was written; reading the file again (attempt ${attempt} of ${IMPORT_ATTEMPTS})\n`,
      ),
    );
    const details = formatDetails(result);
    if (details) process.stderr.write(`${details}\n`);
    const listing = formatErrors(result);
    if (listing) process.stderr.write(`${listing}\n`);
    process.stdout.write(`${formatSummary(args.entity, result)}\n`);
    return result.rejected || everyRowRefused(result) ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    if (err instanceof ImportFormatError || err instanceof DemoDataError) {
      process.stderr.write(`import: ${err.message}\n`);
      return EXIT.usage;
    }
    // Ours, for people (the directory in use, or from an older Tally): printed whole, with its fix.
    const what =
      err instanceof AdviceError ? messageForPeople(err) : `failed: ${redactSecrets(describeDbFailure(err))}`;
    process.stderr.write(`import: ${what}\n`);
    return EXIT.failure;
  } finally {
    await database?.close();
  }
}

/** How many times an import that lost a deadlock (see main) is run in all. */
const IMPORT_ATTEMPTS = 3;

process.exitCode = await main(process.argv.slice(2));
