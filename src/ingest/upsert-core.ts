import { getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';

/** One row to write: drizzle property names → values; only the columns the input carried are present. */
export interface PendingRow {
  /** Position of the (last) input item that produced this row, for error reporting. */
  index: number;
  /** The natural key's value (external id; a team's name). */
  key: string;
  values: Record<string, unknown>;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Database id per external id, for every row written or left unchanged. */
  ids: Map<string, number>;
}

/** Maps natural keys (external ids) to database ids for those that exist already (one query per call). */
export async function findExistingIds(
  db: Db,
  table: PgTable & { id: PgColumn },
  keyName: string,
  keys: string[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (keys.length === 0) return found;
  const keyColumn = (getTableColumns(table) as Record<string, PgColumn>)[keyName]!;
  const rows = (await db
    .select({ id: table.id, key: keyColumn })
    .from(table)
    .where(inArray(keyColumn, [...new Set(keys)]))) as { id: number; key: string }[];
  for (const r of rows) found.set(r.key, r.id);
  return found;
}

/**
 * Merges items that name the same external id (later fields win), so one statement never touches a
 * row twice (Postgres refuses "ON CONFLICT DO UPDATE command cannot affect row a second time").
 */
export function mergeByExternalId(rows: PendingRow[]): PendingRow[] {
  const merged = new Map<string, PendingRow>();
  for (const row of rows) {
    const prev = merged.get(row.key);
    if (prev) merged.set(row.key, { ...row, values: { ...prev.values, ...row.values } });
    else merged.set(row.key, row);
  }
  return [...merged.values()];
}

/**
 * Inserts or updates rows by external id. Rows are grouped by which columns they carry, so a partial
 * item only sets what it has. An update happens only when some value differs (IS DISTINCT FROM), so
 * a replay writes nothing and `updated_at` only moves on real changes.
 */
export async function upsertRows(
  db: Db,
  table: PgTable & { id: PgColumn },
  keyName: string,
  rows: PendingRow[],
): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, ids: new Map() };
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keyColumn = columns[keyName]!;
  const hasUpdatedAt = 'updatedAt' in columns;
  const groups = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const key = Object.keys(row.values).sort().join(',');
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const [key, group] of groups) {
    const keys = key === '' ? [] : key.split(',');
    const values = group.map((r) => ({ ...r.values, [keyName]: r.key }));
    const returning = { id: table.id, key: keyColumn, inserted: sql<boolean>`(xmax = 0)` };
    const updatable = keys.filter((k) => k !== keyName);
    // biome-ignore lint/suspicious/noExplicitAny: rows are assembled per column set at run time.
    const insert = db.insert(table).values(values as any);
    let written: { id: number; key: string; inserted: boolean }[];
    if (updatable.length === 0) {
      written = (await insert
        .onConflictDoNothing({ target: keyColumn })
        .returning(returning)) as typeof written;
    } else {
      const set: Record<string, SQL> = {};
      for (const k of updatable) set[k] = sql.raw(`excluded."${columns[k]!.name}"`);
      if (hasUpdatedAt) set.updatedAt = sql`now()`;
      const mine = sql.join(
        updatable.map((k) => sql`${columns[k]!}`),
        sql`, `,
      );
      const theirs = sql.raw(updatable.map((k) => `excluded."${columns[k]!.name}"`).join(', '));
      written = (await insert
        .onConflictDoUpdate({
          target: keyColumn,
          set,
          setWhere: sql`row(${mine}) is distinct from row(${theirs})`,
        })
        .returning(returning)) as typeof written;
    }
    for (const w of written) {
      counts.ids.set(w.key, w.id);
      if (w.inserted) counts.inserted += 1;
      else counts.updated += 1;
    }
    counts.unchanged += group.length - written.length;
  }
  const missing = rows.map((r) => r.key).filter((k) => !counts.ids.has(k));
  for (const [k, id] of await findExistingIds(db, table, keyName, missing)) counts.ids.set(k, id);
  return counts;
}
