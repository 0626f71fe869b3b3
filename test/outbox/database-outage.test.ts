import { WebClient } from '@slack/web-api';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { isDatabaseOutage } from '../../src/db/failures.js';
import * as schema from '../../src/db/schema/index.js';
import { drainDeliveries } from '../../src/delivery/deliver.js';
import { createOutbox, DATABASE_UNREACHABLE } from '../../src/delivery/outbox.js';
import { createLocalPacer, createPgPacer, type Pacer } from '../../src/delivery/pacer.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';

// Second fresh tester (LOW): stopping the database for 15 s logged "outbox send crashed" seven times at
// error level within a second, though the docs promise one line when an outage starts. The shared pacer
// lives in the database, so every send meets the outage: one warn, no error, nothing posted, and the
// result says "database" so the delivery loop retries without spending an attempt.
let stub: SlackApiStub;
let pool: pg.Pool;
beforeAll(async () => {
  stub = await startSlackApiStub();
  // A real connection refused: nothing listens on port 1.
  pool = new pg.Pool({
    connectionString: 'postgres://postgres@127.0.0.1:1/none',
    connectionTimeoutMillis: 2000,
  });
});
afterAll(async () => {
  await pool.end();
  await stub.close();
});

it('logs a database outage once as a warning, posts nothing, and notes the recovery', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const down = createPgPacer(drizzle(pool, { schema }) as unknown as Db);
  const up = createLocalPacer(Date.now, { globalIntervalMs: 0, perChannelIntervalMs: 0 });
  let current: Pacer = down;
  const pacer: Pacer = {
    waitTurn: (c) => current.waitTurn(c),
    pause: (ms) => current.pause(ms),
    setAuthLost: (e) => current.setAuthLost(e),
    clearAuthLost: () => current.clearAuthLost(),
    authLost: () => current.authLost(),
  };
  const client = new WebClient('xoxb-test', { slackApiUrl: stub.apiUrl, retryConfig: { retries: 0 } });
  const outbox = createOutbox(client, { pacer, logger: logger as never });
  const message = { channel: 'C1', text: 'hi', blocks: [] };

  const during = await Promise.all(Array.from({ length: 7 }, () => outbox.send(message)));
  for (const r of during)
    expect(r).toEqual({ ok: false, reason: 'failed', error: DATABASE_UNREACHABLE, attempts: 0 });
  expect(stub.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
    'database unreachable: sends wait for it',
  ]);

  current = up;
  const after = await outbox.send(message);
  expect(after.ok).toBe(true);
  expect(lines.filter((l) => l.level === 30).map((l) => l.msg)).toEqual([
    'database reachable again: sends resume',
  ]);
  expect(lines).toHaveLength(2);
});

// Fresh tester (MED): with the database stopped, the deliveries job logged "delivery claim failed" and then
// returned normally, so the scheduler logged "database reachable again" after every tick. A drain that
// could not claim anything for an outage now fails (the scheduler logs the outage once) and logs nothing.
it('fails a drain that met a database outage before claiming anything, without its own error line', async () => {
  stub.reset();
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const db = drizzle(pool, { schema }) as unknown as Db;
  const client = new WebClient('xoxb-test', { slackApiUrl: stub.apiUrl, retryConfig: { retries: 0 } });
  const outbox = createOutbox(client, { logger: logger as never });
  const drain = drainDeliveries(
    { db, logger: logger as never },
    { outbox, handlers: {}, kinds: ['channel_digest'], concurrency: 3 },
  );
  await expect(drain).rejects.toThrow();
  await drain.catch((err: unknown) => expect(isDatabaseOutage(err)).toBe(true));
  expect(lines).toEqual([]);
  expect(stub.calls).toHaveLength(0);
});
