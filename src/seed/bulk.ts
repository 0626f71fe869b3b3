import type { Db } from '../db/client.js';

/** How a buffered column travels: as one Postgres array literal, cast to `type[]` in SQL. */
export type ColumnType = 'int' | 'bigint' | 'float8' | 'text' | 'bool' | 'ms';

export interface ColumnSpec {
  /** Target column in the table. */
  name: string;
  type: ColumnType;
  /** SQL expression over `t.<name>` when the stored value is derived (e.g. an external id from the id). */
  expr?: string;
}

export interface TableSpec {
  table: string;
  columns: ColumnSpec[];
}

type Value = number | string | boolean | null;

/** Column-oriented rows for one table, appended by the generator and flushed in bulk. */
export class ColumnBuffer {
  readonly cols: Value[][];
  length = 0;
  constructor(readonly spec: TableSpec) {
    this.cols = spec.columns.map(() => []);
  }

  /** Appends one row; values in the order of `spec.columns`. Throws when the row has another number of values. */
  push(...values: Value[]): void {
    if (values.length !== this.cols.length)
      throw new Error(`${this.spec.table}: a row of ${values.length} values for ${this.cols.length} columns`);
    for (let i = 0; i < values.length; i++) this.cols[i]!.push(values[i] ?? null);
    this.length++;
  }

  clear(): void {
    for (const c of this.cols) c.length = 0;
    this.length = 0;
  }
}

interface RawClient {
  query(text: string, params: unknown[]): Promise<unknown>;
}

/**
 * The driver's own client (pg Pool or PGlite). Bulk loads go straight to it with one text parameter per
 * column: both drivers then ship the array literal as-is, which is much faster than drizzle's per-value
 * parameter handling and identical on pg and PGlite.
 */
export function rawClient(db: Db): RawClient {
  return (db as unknown as { $client: RawClient }).$client;
}

const PG_TYPE: Record<ColumnType, string> = {
  int: 'int4',
  bigint: 'int8',
  float8: 'float8',
  text: 'text',
  bool: 'bool',
  ms: 'float8',
};

/** Builds `insert … select … from unnest($1::text::T[], …)` for a table spec. */
export function buildInsertSql(spec: TableSpec): string {
  const names = spec.columns.map((c) => c.name);
  const unnestArgs = spec.columns.map((c, i) => `$${i + 1}::text::${PG_TYPE[c.type]}[]`);
  const select = spec.columns.map((c) => {
    if (c.expr) return c.expr;
    // Timestamps travel as epoch milliseconds: compact, exact to the millisecond, and zone-free.
    if (c.type === 'ms') return `to_timestamp(t.${c.name} / 1000.0)`;
    return `t.${c.name}`;
  });
  return `insert into ${spec.table} (${names.join(', ')}) select ${select.join(', ')} from unnest(${unnestArgs.join(', ')}) as t(${names.join(', ')})`;
}

/** Encodes JS values as a Postgres array literal (`{1,NULL,"a \"b\""}`). */
export function encodeArray(values: Value[], type: ColumnType): string {
  if (type === 'text') {
    const parts = values.map((v) =>
      v === null ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
    );
    return `{${parts.join(',')}}`;
  }
  if (type === 'bool') return `{${values.map((v) => (v === null ? 'NULL' : v ? 't' : 'f')).join(',')}}`;
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}
