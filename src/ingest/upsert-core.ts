import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Db, queryRows } from '../db/client.js';

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
  /** Database id per key, for every row written or left unchanged. */
  ids: Map<string, number>;
}

type Table = PgTable & { id: PgColumn };

/**
 * `(select value from json_array_elements_text($1))`: a whole list as ONE parameter. Much cheaper to
 * build than thousands of placeholders, and identical on pg and PGlite.
 */
export function textList(values: string[]): SQL {
  return sql`(select value from json_array_elements_text(${JSON.stringify(values)}::json))`;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Maps natural keys (external ids) to database ids for those that exist already (one query per call). */
export async function findExistingIds(
  db: Db,
  table: Table,
  keyName: string,
  keys: string[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (keys.length === 0) return found;
  const keyColumn = (getTableColumns(table) as Record<string, PgColumn>)[keyName]!;
  const rows = await queryRows<{ id: number; key: string }>(
    db,
    sql`select id, ${sql.raw(ident(keyColumn.name))} as key from ${table} where ${sql.raw(ident(keyColumn.name))} in ${textList([...new Set(keys)])}`,
  );
  for (const r of rows) found.set(r.key, r.id);
  return found;
}

/**
 * Merges items that name the same key (later fields win), so one statement never touches a row twice
 * (Postgres refuses "ON CONFLICT DO UPDATE command cannot affect row a second time").
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
 * Inserts or updates rows by their key. Rows are grouped by which columns they carry, so a partial
 * item only sets what it has. An update happens only when some value differs (IS DISTINCT FROM), so a
 * replay writes nothing and `updated_at` only moves on real changes. Each group is ONE statement whose
 * rows travel as one JSON parameter (json_to_recordset), which keeps big imports fast.
 */
export async function upsertRows(
  db: Db,
  table: Table,
  keyName: string,
  rows: PendingRow[],
): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, ids: new Map() };
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keyCol = ident(columns[keyName]!.name);
  const groups = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const key = Object.keys(row.values).sort().join(',');
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const [key, group] of groups) {
    const props = [keyName, ...(key === '' ? [] : key.split(',')).filter((k) => k !== keyName)];
    const cols = props.map((p) => columns[p]!);
    const names = cols.map((c) => ident(c.name));
    const records = group.map((r) => {
      const rec: Record<string, unknown> = { [cols[0]!.name]: r.key };
      for (let i = 1; i < props.length; i += 1) rec[cols[i]!.name] = r.values[props[i]!];
      return rec;
    });
    const shape = cols.map((c) => `${ident(c.name)} ${c.getSQLType()}`).join(', ');
    const updatable = names.slice(1);
    let conflict = 'do nothing';
    if (updatable.length > 0) {
      const set = updatable.map((n) => `${n} = excluded.${n}`);
      if ('updatedAt' in columns) set.push(`${ident(columns.updatedAt!.name)} = now()`);
      const mine = updatable.map((n) => `t.${n}`).join(', ');
      const theirs = updatable.map((n) => `excluded.${n}`).join(', ');
      conflict = `do update set ${set.join(', ')} where row(${mine}) is distinct from row(${theirs})`;
    }
    const written = await queryRows<{ id: number; key: string; inserted: boolean }>(
      db,
      sql`insert into ${sql.raw(ident(getTableName(table)))} as t (${sql.raw(names.join(', '))})
          select ${sql.raw(names.join(', '))} from json_to_recordset(${JSON.stringify(records)}::json) as x(${sql.raw(shape)})
          on conflict (${sql.raw(keyCol)}) ${sql.raw(conflict)}
          returning t.id, t.${sql.raw(keyCol)} as key, (t.xmax = 0) as inserted`,
    );
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
