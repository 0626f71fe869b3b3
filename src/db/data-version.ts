import { type Db, queryRows, queryRowsPrepared, sql } from './client.js';

/**
 * The data version: the `tally_data_version` sequence (migration 0010). Statement triggers move it on every
 * write to a table metrics read; `bumpDataVersion` moves it again after a write commits. Cached metric
 * answers are keyed by it (src/metrics/shared-answers.ts). One cheap read, no row lock; every answer sends it,
 * so it is a named prepared statement (parsed and planned once per connection).
 */
export async function readDataVersion(db: Db): Promise<string> {
  const [row] = await queryRowsPrepared<{ v: string }>(
    db,
    sql`select (last_value::text || case when is_called then '' else '-' end) as v from tally_data_version`,
  );
  return row?.v ?? '0';
}

/**
 * Moves the data version after a write committed (import, ingest batch, touch): an answer computed while
 * the write was still uncommitted, under the version its triggers set, is never served afterwards.
 */
export async function bumpDataVersion(db: Db): Promise<void> {
  await queryRows(db, sql`select nextval('tally_data_version')`);
}
