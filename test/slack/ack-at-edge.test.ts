import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createRequestEdge } from '../../src/http/request-edge.js';
import { seenRequestsEmbedded, seenRequestsInDb } from '../../src/http/seen-requests.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb } from '../helpers/db.js';
import { interactionBody, signBody, slashCommandBody } from '../helpers/slack-requests.js';

const SECRET = 'edge-secret';

/**
 * Issue 10, item 9 (the burst): `/metrics` is acked by the edge itself, with Slack's empty 200, before Bolt
 * dispatches it; Bolt gets it on a later turn with a response that drops Bolt's own ack. Other commands and
 * interactive payloads still get Bolt's response. `next` stands for Bolt's receiver: it records what it saw
 * and answers 500, which must reach the client only when the edge did not ack.
 */
describeDb('the edge acks /metrics itself', (ctx) => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  /** Starts the edge in front of a recording `next`; resolves with its URL and what `next` saw. */
  const start = async () => {
    const realResponses = new WeakMap<IncomingMessage, ServerResponse>();
    const seen: { realAckSent: boolean; sameResponse: boolean }[] = [];
    const next = (req: IncomingMessage, res: ServerResponse) => {
      const real = realResponses.get(req)!;
      seen.push({ realAckSent: real.writableEnded, sameResponse: res === real });
      res.writeHead(500);
      res.end('from bolt');
    };
    const db = ctx.db();
    const edge = createRequestEdge(
      {
        signingSecret: SECRET,
        logger: silentLogger,
        routes: new Map(),
        seen:
          ctx.backend === 'pglite'
            ? seenRequestsEmbedded(db, silentLogger)
            : seenRequestsInDb(db, silentLogger),
        ackAtOnce: new Set(['/metrics']),
      },
      next,
    );
    server = createServer();
    server.on('request', (req, res) => realResponses.set(req, res));
    server.on('request', edge);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/slack/events`, seen };
  };
  const post = (url: string, body: string) => {
    const ts = Math.floor(Date.now() / 1000);
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signBody(SECRET, body, ts),
      },
      body,
    });
  };
  const waitFor = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('acks each /metrics of a burst with an empty 200 before Bolt dispatches it, then hands it to Bolt once', async () => {
    const { url, seen } = await start();
    const bodies = Array.from({ length: 10 }, (_, i) =>
      slashCommandBody({ text: `calls org ${i}`, userId: 'U1', responseUrl: `http://127.0.0.1:9/r${i}` }),
    );
    const responses = await Promise.all(bodies.map((b) => post(url, b)));
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 200));
    expect(await Promise.all(responses.map((r) => r.text()))).toEqual(bodies.map(() => ''));
    await waitFor(() => seen.length === bodies.length);
    // Every request reached Bolt once, after its ack was sent, and Bolt's own writes went nowhere.
    expect(seen).toEqual(bodies.map(() => ({ realAckSent: true, sameResponse: false })));
  });

  it('leaves other commands and interactive payloads to Bolt', async () => {
    const { url, seen } = await start();
    const other = await post(
      url,
      slashCommandBody({ text: 'x', userId: 'U1', responseUrl: 'http://127.0.0.1:9/r', command: '/other' }),
    );
    expect(other.status).toBe(500);
    expect(await other.text()).toBe('from bolt');
    const button = await post(
      url,
      interactionBody({
        type: 'block_actions',
        user: { id: 'U1' },
        actions: [{ action_id: 'a', value: 'v' }],
      }),
    );
    expect(button.status).toBe(500);
    expect(seen).toEqual([
      { realAckSent: false, sameResponse: true },
      { realAckSent: false, sameResponse: true },
    ]);
  });
});
