import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import {
  BATCH_SIZE,
  canonicalFields,
  type Entity,
  type IngestOptions,
  parseItems,
  writeItems,
} from '../ingest/index.js';
import { ImportFormatError, planColumns } from './columns.js';

export { ImportFormatError };

export interface ImportCsvOptions extends IngestOptions {
  entity: Entity;
  input: Readable;
  map?: [string, string][];
  defaults?: Record<string, string>;
  skipInvalid?: boolean;
  /** How many bad rows to list (the count is always exact). */
  maxListedErrors?: number;
  onNotice?: (message: string) => void;
  /** Called every `progressRows` rows or `progressMs` milliseconds, whichever comes first. */
  onProgress?: (rows: number, elapsedMs: number) => void;
  progressRows?: number;
  progressMs?: number;
}

/** One bad row: its line in the file (header = line 1), the canonical field if known, and why. */
export interface RowError {
  line: number;
  field: string | null;
  message: string;
}

export interface ImportCsvResult {
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows with at least one error. */
  invalidRows: number;
  /** The first `maxListedErrors` errors, in file order. */
  errors: RowError[];
  /** True when invalid rows made the whole file roll back (no --skip-invalid). */
  rejected: boolean;
}

class Rollback extends Error {}

/**
 * Streams a CSV file into the database: each row is validated with the entity's zod schema and
 * upserted in batches of BATCH_SIZE, all inside ONE transaction. Without `skipInvalid`, any invalid
 * row rolls the whole file back (after reading it to the end, so every bad line is counted).
 * Memory stays flat: the parser is consumed with backpressure and at most one batch is held.
 */
export async function importCsv(db: Db, opts: ImportCsvOptions): Promise<ImportCsvResult> {
  const maxListed = opts.maxListedErrors ?? 20;
  const result: ImportCsvResult = {
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    invalidRows: 0,
    errors: [],
    rejected: false,
  };
  const badLines = new Set<number>();
  const report = (e: RowError) => {
    if (!badLines.has(e.line)) {
      badLines.add(e.line);
      result.invalidRows += 1;
    }
    if (result.errors.length < maxListed) result.errors.push(e);
  };
  const started = performance.now();
  let lastProgressAt = started;
  let lastProgressRows = 0;
  const parser = opts.input.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
  // A read error (missing file, bad encoding) must end the import, not hang it.
  opts.input.on('error', (err) => parser.destroy(err));

  const run = async (tx: Db) => {
    let plan: ReturnType<typeof planColumns> | undefined;
    let pending: { line: number; item: Record<string, string> }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const parsed = parseItems(
        opts.entity,
        batch.map((p) => p.item),
        opts.timezone,
      );
      for (const e of parsed.errors)
        report({ line: batch[e.index]!.line, field: e.field, message: e.message });
      const written = await writeItems(tx, opts.entity, parsed.items, opts);
      result.inserted += written.inserted;
      result.updated += written.updated;
      result.unchanged += written.unchanged;
      for (const e of written.errors) {
        report({ line: batch[parsed.positions[e.index]!]!.line, field: e.field, message: e.message });
      }
    };
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      // info.lines is where the record ends; a quoted cell with line breaks started earlier.
      const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
      if (!plan) {
        plan = planColumns(record, opts.map ?? [], opts.defaults ?? {}, canonicalFields(opts.entity));
        if (plan.ignored.length > 0) {
          opts.onNotice?.(
            `Ignoring ${plan.ignored.length} column(s) that are not ${opts.entity} fields: ${plan.ignored.join(', ')} (use --map source=canonical to read one)`,
          );
        }
        continue;
      }
      result.rows += 1;
      if (record.length !== plan.width) {
        report({
          line,
          field: null,
          message: `has ${record.length} fields but the header has ${plan.width}`,
        });
      } else {
        pending.push({ line, item: plan.toItem(record) });
        if (pending.length >= BATCH_SIZE) await flush();
      }
      if (opts.onProgress && result.rows % 1000 === 0) {
        const t = performance.now();
        if (
          result.rows - lastProgressRows >= (opts.progressRows ?? 50_000) ||
          t - lastProgressAt >= (opts.progressMs ?? 2_000)
        ) {
          opts.onProgress(result.rows, t - started);
          lastProgressAt = t;
          lastProgressRows = result.rows;
        }
      }
    }
    if (!plan) throw new ImportFormatError('the file is empty (no header line)');
    await flush();
    if (result.invalidRows > 0 && !opts.skipInvalid) throw new Rollback();
  };

  try {
    await db.transaction((tx) => run(tx as unknown as Db));
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    result.errors.sort((a, b) => a.line - b.line);
    return { ...result, inserted: 0, updated: 0, unchanged: 0, rejected: true };
  }
  await bumpDataVersion(db);
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}
