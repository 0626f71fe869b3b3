import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { createIngestHandler } from '../../src/http/ingest-route.js';
import { seedDemo } from '../../src/seed/seed.js';
import { describeDb } from '../helpers/db.js';
import { INGEST_TOKEN } from '../helpers/ingest-server.js';

const NOW = new Date('2026-11-23T09:00:00Z');

/**
 * Tester (LOW): a request refused with 409 (the database holds the demo org) was logged as a server failure,
 * `{"level":50, …, "msg":"ingest failed"}`. A refusal is the client's to fix: warn, like the Slack edge's
 * refusals; only real server failures are logged at error.
 */
describeDb('what the ingest API logs', (ctx) => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  /** Serves the ingest API over `db` with a logger whose lines are kept; returns post() and the lines. */
  const serve = async (db: () => Db) => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    server = createServer(
      createIngestHandler({
        get db() {
          return db();
        },
        config: { ingestToken: INGEST_TOKEN, defaultTimezone: 'UTC' },
        logger,
        clock: fixedClock(NOW.toISOString()),
      }),
    );
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/ingest`;
    const post = async (body: unknown) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    return { post, lines };
  };

  it('logs a 409 for the demo org at warn, as a refusal, never at error', async () => {
    await seedDemo(ctx.database(), { now: NOW, reps: 3, days: 3, leadsPerRepDay: 1, profile: 'demo' });
    const { post, lines } = await serve(() => ctx.db());
    const r = await post({ entity: 'accounts', items: [{ external_id: 'A-9' }] });
    expect(r.status).toBe(409);
    expect(r.body.error).toContain('this database holds the generated demo org');
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'ingest refused',
        status: 409,
        why: expect.stringContaining('this database holds the generated demo org'),
      }),
    ]);
  });

  // Tester (LOW): the 503 for a lock not granted in time (a big import holds the tables) is the expected
  // answer under load, yet it was logged like a server failure: `{"level":50, …, "msg":"ingest failed"}`
  // with a stack. It is a warn, without a stack; the client is told to retry.
  it('logs a 503 for a lock held by an import at warn, without a stack, never at error', async () => {
    const { post, lines } = await serve(() => {
      // What pg throws when `lock_timeout` passes (SQLSTATE 55P03, lock_not_available).
      throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    });
    const r = await post({ entity: 'accounts', items: [{ external_id: 'A-9' }] });
    expect(r).toEqual({
      status: 503,
      body: {
        ok: false,
        error: 'the data is locked by another writer (a large import); nothing was written, retry later',
      },
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'ingest deferred: the data is locked by another writer',
        status: 503,
        lockTimeoutMs: 5000,
        retryAfterSeconds: 30,
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('err');
    expect(JSON.stringify(lines)).not.toContain('stack');
  });

  it('still logs an unexpected failure (500) at error', async () => {
    const { post, lines } = await serve(() => {
      throw new Error('the database handle broke');
    });
    const r = await post({ entity: 'accounts', items: [{ external_id: 'A-9' }] });
    expect(r).toEqual({ status: 500, body: { ok: false, error: 'internal error; nothing was written' } });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'ingest failed',
        err: expect.objectContaining({ message: 'the database handle broke' }),
      }),
    ]);
  });
});
