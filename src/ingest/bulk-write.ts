import { type Db, queryRows, sql } from '../db/client.js';

/**
 * Secondary indexes that a bulk write keeps although they are not unique: the statement triggers that
 * stay on during the write read them for every statement. `tally_account_refresh` finds each
 * account's first won deal through `opportunities_account_won_idx`; `tally_lead_wins_refresh` finds
 * each lead's first won deal through `opportunities_lead_won_idx`, and whether a deal is on the lead at all
 * through `opportunities_lead_idx`; the first-touch refresh after each
 * activities write finds a lead's first outbound activity through `activities_lead_idx`. Without them
 * each would scan the whole table once per account or lead (a first import of 100,000 deals, half on
 * converted leads, took 207 s without the lead's index, against 16 s for the same deals without leads).
 */
const KEPT_INDEXES = new Set([
  'opportunities_account_won_idx',
  'opportunities_lead_won_idx',
  'opportunities_lead_idx',
  'activities_lead_idx',
]);

/**
 * Prepares `table` for a large set-based write inside the caller's transaction: takes an ACCESS
 * EXCLUSIVE lock on it (readers and writers of that table wait until the import commits), then drops
 * its foreign keys and its plain secondary indexes, read from the catalog so indexes added by later
 * migrations are included. Kept: the primary key, unique constraints (the upsert's ON CONFLICT needs
 * the external id's), check constraints, triggers (the rollups stay exact statement by statement), and
 * KEPT_INDEXES. Returns the statements that put everything back (run them with `restoreAfterBulkWrite`
 * before commit): indexes are built once, and re-adding each foreign key makes Postgres validate every
 * row's reference with one set-based query, so the constraints mean exactly what they meant before.
 * `table` is a plain table name from the schema (not user input).
 */
export async function dropForBulkWrite(db: Db, table: string): Promise<string[]> {
  await db.execute(sql.raw(`lock table "${table}" in access exclusive mode`));
  const foreignKeys = await queryRows<{ name: string; def: string }>(
    db,
    sql`select c.conname as name, pg_get_constraintdef(c.oid) as def
        from pg_constraint c join pg_class r on r.oid = c.conrelid join pg_namespace n on n.oid = r.relnamespace
        where n.nspname = current_schema() and r.relname = ${table} and c.contype = 'f'
        order by c.conname`,
  );
  const indexes = await queryRows<{ name: string; def: string }>(
    db,
    sql`select i.relname as name, pg_get_indexdef(x.indexrelid) as def
        from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class r on r.oid = x.indrelid
        join pg_namespace n on n.oid = r.relnamespace
        where n.nspname = current_schema() and r.relname = ${table} and not x.indisunique and not x.indisprimary
          and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
        order by i.relname`,
  );
  const dropped = indexes.filter((i) => !KEPT_INDEXES.has(i.name));
  for (const f of foreignKeys)
    await db.execute(sql.raw(`alter table "${table}" drop constraint "${f.name.replace(/"/g, '""')}"`));
  for (const i of dropped) await db.execute(sql.raw(`drop index "${i.name.replace(/"/g, '""')}"`));
  return [
    ...dropped.map((i) => i.def),
    ...foreignKeys.map(
      (f) => `alter table "${table}" add constraint "${f.name.replace(/"/g, '""')}" ${f.def}`,
    ),
  ];
}

/**
 * Sort memory for the index builds of `restoreAfterBulkWrite`. With the default 64 MB each build of a
 * 1,000,000-row table sorts partly on disk and gets fewer parallel workers (each participant needs
 * 32 MB); with 256 MB the opportunities indexes build in about a fifth less time.
 */
const RESTORE_MAINTENANCE_WORK_MEM = '256MB';

/**
 * Runs the statements `dropForBulkWrite` returned, in order (indexes, then foreign keys), with
 * RESTORE_MAINTENANCE_WORK_MEM as maintenance_work_mem; the transaction's setting is put back
 * afterwards (a failed statement aborts the transaction, which drops the local setting with it).
 */
export async function restoreAfterBulkWrite(db: Db, statements: string[]): Promise<void> {
  if (statements.length === 0) return;
  const [setting] = await queryRows<{ previous: string }>(
    db,
    sql`select current_setting('maintenance_work_mem') as previous`,
  );
  await db.execute(sql`select set_config('maintenance_work_mem', ${RESTORE_MAINTENANCE_WORK_MEM}, true)`);
  for (const s of statements) await db.execute(sql.raw(s));
  await db.execute(sql`select set_config('maintenance_work_mem', ${setting!.previous}, true)`);
}
