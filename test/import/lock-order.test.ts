import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createDb, queryRows, sql } from '../../src/db/client.js';
import { createIngestHandler } from '../../src/http/ingest-route.js';
import { importCsv } from '../../src/import/import-csv.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb, postgresAdminUrl } from '../helpers/db.js';
import { INGEST_TOKEN } from '../helpers/ingest-server.js';
import { useTwoWriters } from '../helpers/two-writers.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');

/** The advisory lock key the test holds to stop the import in the middle (see `pauseRepInserts`). */
const PAUSE = 4242;

/**
 * Issue 14: a big import (bulk path, ACCESS EXCLUSIVE on its table at its first write) and an ingest request
 * that wrote that table and then needed the lock on creating names deadlocked, and Postgres undid the import.
 * Every writer now takes the name lock before any other lock (docs/data-in.md), so they wait in turn.
 */
describeDb('lock order of an import and an ingest request', (ctx) => {
  const writers = useTwoWriters(ctx);

  /** Ungranted advisory locks in this database (pg_locks shows every database's): sessions waiting for the pause key or the name lock. */
  const waitingOnAdvisory = async () => {
    const [r] = await queryRows<{ n: number }>(
      ctx.db(),
      sql`select count(*)::int as n from pg_locks
          where locktype = 'advisory' and not granted
            and database = (select oid from pg_database where datname = current_database())`,
    );
    return r!.n;
  };
  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 20));
  };

  /**
   * An insert into reps waits while the test's first connection holds PAUSE (it runs after the row is in).
   * Functions and triggers outlive the tables' truncation between tests: replaced, not created twice.
   */
  const pauseRepInserts = async () => {
    await ctx.db().execute(
      sql.raw(`create or replace function h_pause() returns trigger language plpgsql as $$
          begin perform pg_advisory_xact_lock_shared(${PAUSE}); return null; end $$;
        drop trigger if exists h_pause on reps;
        create trigger h_pause after insert on reps for each statement execute function h_pause();`),
    );
  };

  /**
   * The request's own connection pool, which checks for deadlocks only after a minute: when there is one, the
   * import (default 1 s) is the one that finds it and is undone, as the tester saw, whatever the load.
   */
  const openRequestDb = async () => {
    const [db] = await queryRows<{ name: string }>(ctx.db(), sql`select current_database() as name`);
    const url = new URL(postgresAdminUrl()!);
    url.pathname = `/${db!.name}`;
    url.searchParams.set('options', '-c deadlock_timeout=60s');
    return createDb({ databaseUrl: url.toString(), poolSize: 2 });
  };

  /** A first import of opportunities that creates its owner and takes the bulk path (bulkRows 1). */
  const bigImport = (fileBytes?: number) =>
    importCsv(ctx.db(), {
      entity: 'opportunities',
      input: Readable.from(['external_id,created_at,owner_name\nO-1,2026-11-02,Bo Diaz\n']),
      timezone: 'UTC',
      now: NOW,
      bulkRows: 1,
      fileBytes,
    });
  /** A request that writes a deal (no owner), then a deal whose owner is a new name. */
  const request = {
    batches: [
      { entity: 'opportunities' as const, items: [{ external_id: 'O-9', created_at: '2026-11-03' }] },
      {
        entity: 'opportunities' as const,
        items: [{ external_id: 'O-10', created_at: '2026-11-04', owner_name: 'Cy Ng' }],
      },
    ],
  };

  it('an import and an ingest request that creates a name both go through, neither undone', async () => {
    if (ctx.backend === 'pglite') {
      // One connection: the two run one after the other.
      expect(await bigImport()).toMatchObject({ inserted: 1, rejected: false });
      expect(await ingestBatch(ctx.db(), request, { timezone: 'UTC', now: NOW })).toMatchObject({
        inserted: 2,
      });
      return;
    }
    const requestDb = await openRequestDb();
    try {
      await pauseRepInserts();
      await writers.first().query(`select pg_advisory_lock(${PAUSE})`);
      // The import stops after inserting its new owner (before main: under the name lock it had just taken).
      const imported = bigImport();
      imported.catch(() => {});
      await until(async () => (await waitingOnAdvisory()) === 1);
      // The request writes O-9, then waits for the name lock for Cy Ng.
      const ingested = ingestBatch(requestDb.db, request, { timezone: 'UTC', now: NOW });
      ingested.catch(() => {});
      await until(async () => (await waitingOnAdvisory()) === 2);
      // The import goes on to its bulk lock on opportunities.
      await writers.first().query(`select pg_advisory_unlock(${PAUSE})`);
      expect(await imported).toMatchObject({ inserted: 1, rejected: false });
      expect(await ingested).toMatchObject({ inserted: 2, errors: [] });
    } finally {
      await requestDb.close();
    }
    const deals = await queryRows<{ id: string; owner: string | null }>(
      ctx.db(),
      sql`select o.external_id as id, r.name as owner from opportunities o left join reps r on r.id = o.owner_rep_id
          order by o.external_id`,
    );
    expect(deals).toEqual([
      { id: 'O-1', owner: 'Bo Diaz' },
      { id: 'O-10', owner: 'Cy Ng' },
      { id: 'O-9', owner: null },
    ]);
  }, 30_000);

  it('an import that takes its bulk lock at its first row waits for a request creating a name, then goes through', async () => {
    // The request creates a rep (under the name lock), then writes a deal.
    const repsThenDeal = {
      batches: [
        { entity: 'reps' as const, items: [{ name: 'Cy Ng' }] },
        { entity: 'opportunities' as const, items: [{ external_id: 'O-9', created_at: '2026-11-03' }] },
      ],
    };
    if (ctx.backend === 'pglite') {
      expect(await ingestBatch(ctx.db(), repsThenDeal, { timezone: 'UTC', now: NOW })).toMatchObject({
        inserted: 2,
      });
      expect(await bigImport(10_000_000)).toMatchObject({ inserted: 1, rejected: false });
      return;
    }
    const requestDb = await openRequestDb();
    try {
      await pauseRepInserts();
      await writers.first().query(`select pg_advisory_lock(${PAUSE})`);
      // The request stops after inserting Cy Ng, holding the name lock.
      const ingested = ingestBatch(requestDb.db, repsThenDeal, { timezone: 'UTC', now: NOW });
      ingested.catch(() => {});
      await until(async () => (await waitingOnAdvisory()) === 1);
      // A file estimated big, into an empty table (before: the bulk lock at its first row, then the name lock).
      const imported = bigImport(10_000_000);
      imported.catch(() => {});
      await until(async () => (await waitingOnAdvisory()) === 2);
      // The request goes on to write O-9.
      await writers.first().query(`select pg_advisory_unlock(${PAUSE})`);
      expect(await ingested).toMatchObject({ inserted: 2, errors: [] });
      expect(await imported).toMatchObject({ inserted: 1, rejected: false });
    } finally {
      await requestDb.close();
    }
    expect(
      await queryRows(ctx.db(), sql`select external_id as id from opportunities order by external_id`),
    ).toEqual([{ id: 'O-1' }, { id: 'O-9' }]);
  }, 30_000);

  // Postgres only: PGlite serves one connection, so no other writer can hold a lock while a request waits.
  if (ctx.backend === 'postgres')
    it('answers an ingest request 503 with Retry-After when a big import holds its table past the lock timeout', async () => {
      const server = createServer(
        createIngestHandler(
          {
            db: ctx.db(),
            config: { ingestToken: INGEST_TOKEN, defaultTimezone: 'UTC' },
            logger: silentLogger,
            clock: fixedClock(NOW.toISOString()),
          },
          { lockTimeoutMs: 200 },
        ),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      // The import's bulk lock, held until the test ends.
      const holder = writers.first();
      await holder.query('begin');
      await holder.query('lock table opportunities in access exclusive mode');
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
          body: JSON.stringify({
            entity: 'opportunities',
            items: [{ external_id: 'O-1', created_at: '2026-11-02' }],
          }),
        });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('30');
        expect(await res.json()).toEqual({
          ok: false,
          error: 'the data is locked by another writer (a large import); nothing was written, retry later',
        });
      } finally {
        await holder.query('rollback');
        await new Promise((r) => server.close(r));
      }
      expect(await queryRows(ctx.db(), sql`select 1 from opportunities`)).toEqual([]);
    }, 30_000);
});
