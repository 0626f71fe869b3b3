import { createReadStream } from 'node:fs';
import { queryRows, sql } from '../../src/db/client.js';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';
import type { DbContext } from './db.js';
import { tempCsv } from './temp-csv.js';

/**
 * For tests of opportunity imports: `run` imports CSV text as opportunities (UTC, `now`, --skip-invalid
 * unless `extra` says otherwise), `opps` reads every deal's id, amount (minor units) and currency, and
 * `lines` renders a result's row errors as `line N: field message`. `prefix` names the temp files.
 */
export function opportunityImport(ctx: DbContext, prefix: string, now: Date) {
  const csv = tempCsv(prefix).file;
  const run = (text: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(ctx.db(), {
      entity: 'opportunities',
      input: createReadStream(csv(text)),
      timezone: 'UTC',
      now,
      skipInvalid: true,
      ...extra,
    });
  const opps = () =>
    queryRows<{ id: string; amount: number | null; currency: string }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount, currency from opportunities order by external_id`,
    );
  const lines = (r: { errors: { line: number; field: string | null; message: string }[] }) =>
    // A message naming two fields starts with its own (`stage and outcome are empty`), as formatErrors reads it.
    r.errors.map((e) =>
      e.field && e.message.startsWith(`${e.field} `)
        ? `line ${e.line}: ${e.message}`
        : `line ${e.line}: ${e.field} ${e.message}`,
    );
  return { run, opps, lines, csv };
}
