import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createRequestEdge, REFUSED_LOG_MS } from '../../src/http/request-edge.js';
import { seenRequestsEmbedded, seenRequestsInDb } from '../../src/http/seen-requests.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb } from '../helpers/db.js';

/**
 * Fresh tester (LOW): every unsigned POST to /slack/events wrote a warn line, so anyone could fill the log.
 * Refusals are logged once per reason a minute, the next line counting the ones in between.
 */
describeDb('refused Slack requests in the log', (ctx) => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  it('logs one line per reason a minute, then the count of those it did not log', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    let now = Date.parse('2026-11-23T10:00:00Z');
    const db = ctx.db();
    const edge = createRequestEdge(
      {
        signingSecret: 'edge-secret',
        logger: logger as never,
        routes: new Map(),
        seen:
          ctx.backend === 'pglite'
            ? seenRequestsEmbedded(db, silentLogger)
            : seenRequestsInDb(db, silentLogger),
        nowMs: () => now,
      },
      () => {
        throw new Error('an unsigned request must not reach Bolt');
      },
    );
    server = createServer(edge);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    const unsigned = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
    const badSignature = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(Math.floor(now / 1000)),
          'x-slack-signature': 'v0=00',
        },
        body: 'a=1',
      });

    const first = await Promise.all(Array.from({ length: 20 }, unsigned));
    expect(first.map((r) => r.status)).toEqual(first.map(() => 401));
    expect((await badSignature()).status).toBe(401);
    expect(lines.map((l) => [l.msg, l.why, l.moreSinceLastLine])).toEqual([
      ['slack request refused', 'missing Slack signature headers', undefined],
      ['slack request refused', 'bad signature', undefined],
    ]);

    now += REFUSED_LOG_MS;
    expect((await unsigned()).status).toBe(401);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ why: 'missing Slack signature headers', moreSinceLastLine: 19 });
  });
});
