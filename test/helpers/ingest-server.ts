import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createIngestHandler } from '../../src/http/ingest-route.js';
import { silentLogger } from '../../src/logger.js';
import type { DbContext } from './db.js';

/** The bearer token the test ingest server takes. */
export const INGEST_TOKEN = 'test-ingest-token-0123456789';

/** An ingest API answer: the HTTP status and the parsed JSON body. */
export interface IngestAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The answer to a request with invalid items: 400, `ok: false`, nothing written, and `errors` (each with
 * `index`, `field` and `message`) exactly as given.
 */
export function refusedItems(errors: unknown[]): IngestAnswer {
  return { status: 400, body: { ok: false, error: 'invalid items; nothing was written', errors } };
}

/**
 * Runs the ingest API for one describeDb block's tests: on a free local port from beforeAll to
 * afterAll, over the block's database, with INGEST_TOKEN, default timezone UTC and the clock fixed
 * at `now` (ISO 8601). Call it in the block's body; returns `post(body)`, which sends `body` to POST
 * /api/v1/ingest with the token: as JSON, or as it is when it is a string or a Buffer (bodies JSON.stringify
 * cannot write: numbers past the double range, bytes that are not UTF-8).
 */
export function ingestServer(ctx: DbContext, now: string): (body: unknown) => Promise<IngestAnswer> {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer(
      createIngestHandler({
        get db() {
          return ctx.db();
        },
        config: { ingestToken: INGEST_TOKEN, defaultTimezone: 'UTC' },
        logger: silentLogger,
        clock: fixedClock(now),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });
  return async (body) => {
    const res = await fetch(`${base}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}
