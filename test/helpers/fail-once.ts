import { type Db, sql } from '../../src/db/client.js';

/**
 * Runs `body` while the first insert statement on `table` fails with SQLSTATE 40001 (serialization
 * failure, as a writer that lost a race to a concurrent one sees) and later ones do not: a trigger counts
 * in the sequence `h_fail_once` (its last_value: the insert statements so far, 2 after one retry), which a
 * rollback does not undo. The trigger, its function and the sequence are dropped afterwards, whatever `body` does.
 */
export async function withInsertFailingOnce(db: Db, table: string, body: () => Promise<void>): Promise<void> {
  await db.execute(
    sql.raw(`create sequence h_fail_once;
      create function h_fail_once() returns trigger language plpgsql as $$
      begin
        if nextval('h_fail_once') = 1 then
          raise exception 'lost a race (test)' using errcode = '40001';
        end if;
        return null;
      end $$;
      create trigger h_fail_once after insert on ${table}
        for each statement execute function h_fail_once();`),
  );
  try {
    await body();
  } finally {
    await db.execute(
      sql.raw(`drop trigger h_fail_once on ${table}; drop function h_fail_once(); drop sequence h_fail_once`),
    );
  }
}
