import { pino } from 'pino';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';
import { INGEST_TOKEN } from '../helpers/ingest-server.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { startApp } from './harness.js';

/**
 * A stop (SIGTERM: main.ts stops the app, then closes the database) answers every ingest API request it
 * already took, as it does Slack requests. A tester's SIGTERM during a burst of ingest requests and slash
 * commands left 22 ingest requests with no HTTP response (the client saw its socket closed) although all 22
 * had been written, and 7 more failed with "Cannot use a pool after calling end on the pool": the stop saw
 * no ingest request in flight, reset their connections and closed the database under them. Here the leads
 * table is locked so an ingest request is still waiting when the stop begins.
 */
describeDb('stopping the app while an ingest request is in flight', (ctx) => {
  const stub = useSlackApiStub();

  const leadCount = async () =>
    (await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from leads`))[0]!.n;
  const leads = Array.from({ length: 5 }, (_, i) => ({
    external_id: `STOP-${i + 1}`,
    created_at: '2026-11-20T10:00:00Z',
  }));

  /** Holds an exclusive lock on `leads` (an ingest of leads waits for it) until `release()`. */
  const lockLeads = async () => {
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holding = ctx.db().transaction(async (tx) => {
      await tx.execute(sql`lock table leads in exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    return { release, holding };
  };

  /** Serves the app with the ingest API enabled, logging to `lines`. */
  const start = async (drainMs?: number) => {
    stub.reset();
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const app = await startApp(
      ctx.database(),
      stub,
      { TALLY_INGEST_TOKEN: INGEST_TOKEN },
      { logger, ...(drainMs === undefined ? {} : { drainMs }) },
    );
    return { app, lines };
  };

  /**
   * Sends five leads to the ingest API and waits 300 ms (the request read, its handler waiting for the
   * lock). `answer` resolves with the status and body, or status 0 and the error when the connection was
   * closed with no answer.
   */
  const sendLeads = async (url: string) => {
    const answer = fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify({ entity: 'leads', items: leads }),
    }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as unknown }),
      (err: Error) => ({ status: 0, body: String((err.cause as Error | undefined)?.message ?? err.message) }),
    );
    await new Promise((r) => setTimeout(r, 300));
    return { answer };
  };

  it('answers an ingest request it took with its real 200 before stop() resolves', async () => {
    const { app, lines } = await start();
    // The embedded database runs one statement at a time: there the lock holds every statement, as a long
    // import would.
    const lock = await lockLeads();
    let stopped: Promise<void> | undefined;
    try {
      const ingest = (await sendLeads(app.url)).answer;
      stopped = app.stop();
      // The lock goes well after the stop has closed its listener (250 ms without arrivals) and drained
      // everything else: the stop must still be waiting for the ingest request.
      await new Promise((r) => setTimeout(r, 1_000));
      lock.release();
      await lock.holding;
      await stopped;
      // Written before the stop resolved, so before main.ts closes the database.
      expect(await leadCount()).toBe(5);
      expect(await ingest).toEqual({
        status: 200,
        body: { ok: true, inserted: 5, updated: 0, unchanged: 0 },
      });
      expect(lines.filter((l) => l.msg === 'ingest failed')).toEqual([]);
      expect(lines.filter((l) => String(l.msg).startsWith('stopped'))).toEqual([
        // Helper-236: it said "taken":0 (connections that arrived while stopping) for a request it answered.
        expect.objectContaining({
          level: 30,
          msg: 'stopped: every request in flight was answered, 1 during the drain',
          answered: 1,
        }),
      ]);
    } finally {
      lock.release();
      await lock.holding.catch(() => undefined);
      await (stopped ?? app.stop()).catch(() => undefined);
    }
  });

  it('counts an ingest request still running past the drain limit as left, not answered', async () => {
    const { app, lines } = await start(300);
    const lock = await lockLeads();
    let stopped: Promise<void> | undefined;
    try {
      const ingest = (await sendLeads(app.url)).answer;
      stopped = app.stop();
      // The lock is held until the stop has given up on the request (its drain limit, 300 ms, has passed).
      await stopped;
      expect(lines.filter((l) => String(l.msg).startsWith('stopped'))).toEqual([
        expect.objectContaining({
          level: 40,
          msg: 'stopped with requests still being answered',
          left: 1,
          answered: 0,
        }),
      ]);
      // The drain limit bounds the stop: the request's connection was closed with no answer.
      expect((await ingest).status).toBe(0);
    } finally {
      lock.release();
      await lock.holding.catch(() => undefined);
      await (stopped ?? app.stop()).catch(() => undefined);
    }
    // The request itself still runs to its end (the database is open here): nothing half-written.
    for (let i = 0; i < 100 && (await leadCount()) < 5; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await leadCount()).toBe(5);
  });
});
