import { type Db, queryRows, sql } from '../db/client.js';
import { rawClient } from './bulk.js';
import { setRestoreSql } from './seed-runs.js';

const BULK_TABLES = ['leads', 'accounts', 'opportunities', 'activities', 'contracts'];
/** Tables whose statement triggers keep `metric_rollups` (migration 0005) and the account state exact. */
const ROLLUP_TABLES = ['leads', 'opportunities', 'activities', 'accounts', 'contracts'];

/**
 * Drops foreign keys, unique constraints and plain indexes on the bulk-loaded tables (primary keys stay)
 * and turns off the rollup triggers, and returns the SQL that recreates them (and rebuilds the rollups), read from the catalog so indexes added by later migrations
 * are handled too. Loading without them, then building each once, is several times faster.
 */
export async function dropForBulkLoad(db: Db): Promise<string[]> {
  const tables = `{${BULK_TABLES.join(',')}}`;
  const constraints = await queryRows<{ tbl: string; name: string; def: string; contype: string }>(
    db,
    sql`select c.conrelid::regclass::text as tbl, c.conname as name, pg_get_constraintdef(c.oid) as def, c.contype::text as contype
        from pg_constraint c join pg_class r on r.oid = c.conrelid join pg_namespace n on n.oid = r.relnamespace
        where n.nspname = current_schema() and r.relname = any(${tables}::text[]) and c.contype in ('f', 'u')
        order by c.contype desc, r.relname, c.conname`,
  );
  const indexes = await queryRows<{ name: string; def: string }>(
    db,
    sql`select i.indexname as name, i.indexdef as def from pg_indexes i
        where i.schemaname = current_schema() and i.tablename = any(${tables}::text[])
          and not exists (select 1 from pg_constraint c where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
        order by i.tablename, i.indexname`,
  );
  const restore = [
    // Rollup triggers are off during the load; one set-based rebuild afterwards is exact and far faster
    // than maintaining the rollups batch by batch.
    ...ROLLUP_TABLES.map((t) => `alter table ${t} enable trigger user`),
    'select tally_rollup_rebuild_all()',
    ...constraints
      .filter((c) => c.contype === 'u')
      .map((c) => `alter table ${c.tbl} add constraint "${c.name}" ${c.def}`),
    ...indexes.map((i) => i.def),
    ...constraints
      .filter((c) => c.contype === 'f')
      .map((c) => `alter table ${c.tbl} add constraint "${c.name}" ${c.def}`),
    // The account state last: it finds each account's first won deal through the indexes built above.
    'select tally_account_rebuild_all()',
    // Lead-to-close facts (set-based: one pass over won deals and leads), then statistics for the planner.
    'select tally_lead_wins_rebuild()',
    'analyze lead_wins',
  ];
  const client = rawClient(db);
  for (const t of ROLLUP_TABLES) await client.query(`alter table ${t} disable trigger user`, []);
  for (const c of constraints) await client.query(`alter table ${c.tbl} drop constraint "${c.name}"`, []);
  for (const i of indexes) await client.query(`drop index "${i.name}"`, []);
  return restore;
}

export async function runStatements(
  db: Db,
  statements: string[],
  progress: (line: string) => void,
): Promise<void> {
  const raw = rawClient(db) as ReturnType<typeof rawClient> & { connect?: () => Promise<PooledClient> };
  // On pg, one dedicated connection so the memory setting applies to every build; PGlite has one session.
  const pooled = typeof raw.connect === 'function' ? await raw.connect() : null;
  const client = pooled ?? raw;
  try {
    // Index builds sort; more memory keeps the sort in RAM.
    if (pooled) await pooled.query("set maintenance_work_mem = '512MB'", []);
    const started = Date.now();
    for (const s of statements) {
      const t = Date.now();
      await client.query(s, []);
      // Only the slow builds are worth a line of their own.
      if (Date.now() - t >= 1000) progress(`  ${s.slice(0, 90)} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    progress(`rebuilt ${statements.length} indexes, constraints and rollups in ${seconds} s`);
  } finally {
    if (pooled) {
      await pooled.query('reset maintenance_work_mem', []);
      pooled.release();
    }
  }
}

interface PooledClient {
  query(text: string, params: unknown[]): Promise<unknown>;
  release(): void;
}

/**
 * Puts back indexes and constraints that an interrupted bulk load (any profile) left dropped. Safe to
 * call before every seed: it does nothing when no load is pending.
 */
export async function restorePendingIndexes(db: Db, progress: (line: string) => void): Promise<void> {
  const rows = await queryRows<{ id: number; restore_sql: string[] | string }>(
    db,
    sql`select id, restore_sql from seed_runs where restore_sql is not null order by id`,
  );
  for (const row of rows) {
    const statements =
      typeof row.restore_sql === 'string' ? (JSON.parse(row.restore_sql) as string[]) : row.restore_sql;
    progress('An earlier bulk load was interrupted: restoring its indexes and constraints');
    await runStatements(db, statements, progress);
    await setRestoreSql(db, row.id, null);
  }
}
