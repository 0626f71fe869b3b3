import { type Db, sql } from '../../src/db/client.js';

/**
 * Makes the first insert statement on `table` fail with SQLSTATE `sqlstate` (default 40001, the
 * serialization failure a writer that lost a race sees; 40P01 for a deadlock's loser), and later ones not: a
 * statement trigger counts in the sequence `h_fail_once` (its last_value: the insert statements so far, 2 after
 * one retry), which a rollback does not undo. Returns what removes the trigger, its function and the sequence.
 */
export async function failFirstInsert(
  db: Db,
  table: string,
  sqlstate = '40001',
): Promise<(db: Db) => Promise<void>> {
  if (!/^[0-9A-Z]{5}$/.test(sqlstate)) throw new Error(`not a SQLSTATE: ${sqlstate}`);
  await db.execute(
    sql.raw(`create sequence h_fail_once;
      create function h_fail_once() returns trigger language plpgsql as $$
      begin
        if nextval('h_fail_once') = 1 then
          raise exception 'lost a race (test)' using errcode = '${sqlstate}';
        end if;
        return null;
      end $$;
      create trigger h_fail_once after insert on ${table}
        for each statement execute function h_fail_once();`),
  );
  return (on) =>
    on
      .execute(
        sql.raw(
          `drop trigger h_fail_once on ${table}; drop function h_fail_once(); drop sequence h_fail_once`,
        ),
      )
      .then(() => undefined);
}

/**
 * Runs `body` while the first insert statement on `table` fails with `sqlstate` (see failFirstInsert); the
 * trigger, its function and the sequence are dropped afterwards, whatever `body` does.
 */
export async function withInsertFailingOnce(
  db: Db,
  table: string,
  body: () => Promise<void>,
  sqlstate = '40001',
): Promise<void> {
  const remove = await failFirstInsert(db, table, sqlstate);
  try {
    await body();
  } finally {
    await remove(db);
  }
}
