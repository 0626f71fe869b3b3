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
