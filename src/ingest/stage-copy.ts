import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Db, isEmbeddedConnection } from '../db/client.js';

const RESERVED = /[\\\n\r\t]/;

/** One value in COPY's text format: \N for null, backslash escapes for the characters COPY reserves. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = String(v);
  return RESERVED.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    : s;
}

/** The driver connection under a drizzle database or transaction (pg PoolClient, or PGlite's). */
function driverOf(db: Db): unknown {
  return (db as unknown as { session?: { client?: unknown } }).session?.client;
}

/**
 * Appends `records` (values in `columns` order) to a staging table in the caller's transaction: COPY … FROM
 * STDIN (pg-copy-streams) on Postgres; on the embedded database, whose socket server does not speak COPY's
 * sub-protocol, one INSERT … SELECT from `json_populate_recordset` (one parameter for the whole batch).
 * Values: null, string, number, boolean, Date (written as ISO 8601 UTC).
 */
export async function copyRows(
  db: Db,
  table: string,
  columns: string[],
  records: unknown[][],
): Promise<void> {
  if (records.length === 0) return;
  const client = driverOf(db) as pg.PoolClient;
  const list = columns.map((c) => `"${c}"`).join(', ');
  if (isEmbeddedConnection(client)) {
    const json = JSON.stringify(
      records.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))),
    );
    await client.query(
      `insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, $1::json)`,
      [json],
    );
    return;
  }
  // Joined, not concatenated: `+=` leaves a rope of two small string objects per value for the
  // flattening to walk, which a big import pays per value.
  const cells: string[] = [];
  const lines: string[] = [];
  for (const r of records) {
    cells.length = r.length;
    for (let i = 0; i < r.length; i += 1) cells[i] = copyText(r[i]);
    lines.push(cells.join('\t'));
  }
  lines.push('');
  const text = lines.join('\n');
  const stream = client.query(copyFrom(`copy ${table} (${list}) from stdin`));
  await pipeline(Readable.from([text]), stream);
}
