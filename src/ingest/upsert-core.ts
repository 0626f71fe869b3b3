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
 * `any(array(select json_array_elements_text($1)))`, to write `column = ${anyText(list)}`: a whole list
 * as ONE parameter. Much cheaper to build than thousands of placeholders, and identical on pg and
 * PGlite. Matches the same rows as `column in (select value from json_array_elements_text($1))`, but
 * Postgres probes the column's index with the array's values sorted and deduplicated (one index scan,
 * neighbouring keys on pages just read) instead of a hash of the list and one nested-loop probe per
 * value in hash order: about 15% less time per 5,000-key lookup on a 1,000,000-row table.
 */
export function anyText(values: string[]): SQL {
  return sql`any(array(select json_array_elements_text(${JSON.stringify(values)}::json)))`;
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
    sql`select id, ${sql.raw(ident(keyColumn.name))} as key from ${table} where ${sql.raw(ident(keyColumn.name))} = ${anyText([...new Set(keys)])}`,
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
 * item only sets what it has. Stored rows get an UPDATE (an INSERT … ON CONFLICT would trip NOT NULL
 * checks on the columns a partial item leaves out) and only when some value differs (IS DISTINCT FROM),
 * so a replay writes nothing and `updated_at` only moves on real changes. New rows get an INSERT that
 * still resolves conflicts, for a concurrent writer. Each statement takes its rows as ONE JSON
 * parameter (json_to_recordset), which keeps big imports fast.
 */
export async function upsertRows(
  db: Db,
  table: Table,
  keyName: string,
  rows: PendingRow[],
  existing?: Map<string, number>,
): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, ids: new Map() };
  if (rows.length === 0) return counts;
  const stored =
    existing ??
    (await findExistingIds(
      db,
      table,
      keyName,
      rows.map((r) => r.key),
    ));
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const groups = new Map<string, PendingRow[]>();
  // Every writer touches rows in key order, so two clients upserting the same keys in opposite order
  // lock them in the same order and cannot deadlock.
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const row of sorted) {
    const key = `${stored.has(row.key) ? 'u' : 'i'}:${Object.keys(row.values).sort().join(',')}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const [key, group] of groups) {
    const props = [
      keyName,
      ...key
        .slice(2)
        .split(',')
        .filter((k) => k !== '' && k !== keyName),
    ];
    const cols = props.map((p) => columns[p]!);
    const records = group.map((r) => {
      const rec: Record<string, unknown> = { [cols[0]!.name]: r.key };
      for (let i = 1; i < props.length; i += 1) rec[cols[i]!.name] = r.values[props[i]!];
      return rec;
    });
    const statement = key.startsWith('u') ? updateStatement : insertStatement;
    const written = await queryRows<{ id: number; key: string; inserted: boolean }>(
      db,
      statement(table, cols, 'updatedAt' in columns ? columns.updatedAt! : null, JSON.stringify(records)),
    );
    for (const w of written) {
      counts.ids.set(w.key, w.id);
      if (w.inserted) counts.inserted += 1;
      else counts.updated += 1;
    }
    counts.unchanged += group.length - written.length;
  }
  for (const r of rows)
    if (!counts.ids.has(r.key) && stored.has(r.key)) counts.ids.set(r.key, stored.get(r.key)!);
  return counts;
}

/** Pieces shared by both statements; cols[0] is the key column. */
function parts(table: Table, cols: PgColumn[], updatedAt: PgColumn | null) {
  const names = cols.map((c) => ident(c.name));
  const updatable = names.slice(1);
  return {
    tableName: sql.raw(ident(getTableName(table))),
    key: names[0]!,
    names,
    updatable,
    shape: sql.raw(cols.map((c) => `${ident(c.name)} ${c.getSQLType()}`).join(', ')),
    touch: updatedAt ? `, ${ident(updatedAt.name)} = now()` : '',
    changed: (other: string) =>
      `row(${updatable.map((n) => `t.${n}`).join(', ')}) is distinct from row(${updatable.map((n) => `${other}.${n}`).join(', ')})`,
  };
}

function updateStatement(table: Table, cols: PgColumn[], updatedAt: PgColumn | null, json: string): SQL {
  const p = parts(table, cols, updatedAt);
  // Nothing to set: the row exists and stays as it is.
  if (p.updatable.length === 0) return sql`select 1 where false`;
  const set = p.updatable.map((n) => `${n} = x.${n}`).join(', ') + p.touch;
  return sql`update ${p.tableName} as t set ${sql.raw(set)}
             from json_to_recordset(${json}::json) as x(${p.shape})
             where t.${sql.raw(p.key)} = x.${sql.raw(p.key)} and ${sql.raw(p.changed('x'))}
             returning t.id, t.${sql.raw(p.key)} as key, false as inserted`;
}

function insertStatement(table: Table, cols: PgColumn[], updatedAt: PgColumn | null, json: string): SQL {
  const p = parts(table, cols, updatedAt);
  const list = sql.raw(p.names.join(', '));
  const conflict =
    p.updatable.length === 0
      ? 'do nothing'
      : `do update set ${p.updatable.map((n) => `${n} = excluded.${n}`).join(', ')}${p.touch} where ${p.changed('excluded')}`;
  return sql`insert into ${p.tableName} as t (${list})
             select ${list} from json_to_recordset(${json}::json) as x(${p.shape})
             on conflict (${sql.raw(p.key)}) ${sql.raw(conflict)}
             returning t.id, t.${sql.raw(p.key)} as key, (t.xmax = 0) as inserted`;
}
