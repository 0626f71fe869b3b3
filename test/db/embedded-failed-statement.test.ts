import { expect, it } from 'vitest';
import { createDb, queryRows, queryRowsPrepared, sql } from '../../src/db/client.js';

/**
 * On the embedded database a failed statement costs only itself. pg's pool drops a client whose query
 * failed and reconnects at once; the socket server used to reset that new connection while it was
 * still closing the old one, so the NEXT query (an unrelated answer, say) failed with ECONNRESET.
 */
it('answers the query after a failed statement on the embedded database', async () => {
  const database = await createDb({ dataDir: 'memory' });
  try {
    const outcomes: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const failed = await queryRows(database.db, sql`select 1 / ${0}::int`).then(
        () => 'no error',
        (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
      );
      outcomes.push(failed);
      const rows = await queryRows<{ n: number }>(database.db, sql`select ${round}::int as n`);
      outcomes.push(String(rows[0]?.n));
    }
    expect(outcomes).toEqual(['22012', '0', '22012', '1', '22012', '2']);
  } finally {
    await database.close();
  }
}, 120_000);

/**
 * PGlite has one session, shared by every socket connection, and its socket server only rolls back when a
 * connection closes: a named prepared statement outlives the connection that made it. After a failed
 * statement pg reconnects, and the new client, not knowing the statement exists, parsed it again: 42P05
 * "prepared statement already exists" on every later answer (each answer reads its context through one).
 */
it('keeps answering through prepared statements after a failed statement on the embedded database', async () => {
  const database = await createDb({ dataDir: 'memory' });
  try {
    const outcomes: string[] = [];
    const prepared = async (n: number) => {
      const rows = await queryRowsPrepared<{ n: number }>(database.db, sql`select ${n}::int as n`);
      return String(rows[0]?.n);
    };
    outcomes.push(await prepared(7));
    for (let round = 0; round < 3; round += 1) {
      const failed = await queryRows(database.db, sql`select 1 / ${0}::int`).then(
        () => 'no error',
        (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
      );
      outcomes.push(failed);
      outcomes.push(
        await prepared(round).catch(
          (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
        ),
      );
    }
    expect(outcomes).toEqual(['7', '22012', '0', '22012', '1', '22012', '2']);
  } finally {
    await database.close();
  }
}, 120_000);
