import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../db/client.js';

/** One value in COPY's text format: \N for null, backslash escapes for the characters COPY reserves. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = String(v);
  return /[\\\n\r\t]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    : s;
}

/** The driver connection under a drizzle database or transaction (pg PoolClient, or PGlite's). */
function driverOf(db: Db): unknown {
  return (db as unknown as { session?: { client?: unknown } }).session?.client;
}

/**
 * Appends `records` (values in `columns` order) to a staging table with COPY … FROM STDIN
 * (pg-copy-streams) on Postgres, or COPY … FROM '/dev/blob' on PGlite, in the caller's transaction.
 * Values: null, string, number, boolean, Date (written as ISO 8601 UTC).
 */
export async function copyRows(
  db: Db,
  table: string,
  columns: string[],
  records: unknown[][],
): Promise<void> {
  if (records.length === 0) return;
  const lines: string[] = [];
  for (const r of records) lines.push(r.map(copyText).join('\t'));
  const text = `${lines.join('\n')}\n`;
  const statement = `copy ${table} (${columns.map((c) => `"${c}"`).join(', ')}) from`;
  const client = driverOf(db);
  if (client instanceof pg.Client) {
    const stream = (client as pg.PoolClient).query(copyFrom(`${statement} stdin`));
    await pipeline(Readable.from([text]), stream);
    return;
  }
  await (client as { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> }).query(
    `${statement} '/dev/blob'`,
    [],
    { blob: new Blob([text]) },
  );
}
