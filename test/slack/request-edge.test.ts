import { request } from 'node:http';
import { expect, it } from 'vitest';
import { digestSubscriptions } from '../../src/db/schema/index.js';
import { MAX_SLACK_BODY_BYTES } from '../../src/http/request-edge.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, signBody, slashCommandBody } from '../helpers/slack-requests.js';
import { USERS } from './fixtures.js';
import { SECRET, useRunningApp } from './harness.js';

/** Issue 10, item 10: the HTTP edge in front of Bolt (src/http/request-edge.ts). */
describeDb('request edge', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  const nowSec = () => Math.floor(Date.now() / 1000);
  const send = (
    body: string,
    opts: { ts?: number; headers?: Record<string, string>; contentType?: string } = {},
  ) => {
    const ts = opts.ts ?? nowSec();
    return fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signBody(SECRET, body, ts),
        ...opts.headers,
      },
      body,
    });
  };
  const command = (text: string, id: string) =>
    slashCommandBody({ text, userId: USERS.ada.id, responseUrl: `${stub.responseBase}${id}` });
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('refuses a correctly signed request timestamped 6 minutes or a year in the future', async () => {
    expect((await send(command('help', 'f1'), { ts: nowSec() + 6 * 60 })).status).toBe(401);
    expect((await send(command('help', 'f2'), { ts: nowSec() + 365 * 86_400 })).status).toBe(401);
    expect((await send(command('help', 'f3'), { ts: nowSec() + 60 })).status).toBe(200);
    await stub.waitFor('response_url', 1);
    await settle();
    expect(stub.callsTo('response_url').map((c) => c.responseId)).toEqual(['f3']);
  });

  it('refuses a replay of a captured request: one digest, not two', async () => {
    const body = command('digest add <#C0SALES|sales> team EMEA', 'r1');
    const ts = nowSec();
    expect((await send(body, { ts })).status).toBe(200);
    expect((await send(body, { ts })).status).toBe(401);
    await stub.waitFor('response_url', 1);
    await settle();
    expect(stub.callsTo('response_url')).toHaveLength(1);
    expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
  });

  it('checks every spelling of the events path Bolt accepts: a replay to /slack/./events is refused', async () => {
    // Raw HTTP with the path as given: fetch (and a URL string) would normalise it before sending.
    const { hostname, port } = new URL(app.url);
    const post = (path: string, body: string, ts: number) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            hostname,
            port,
            path,
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-slack-request-timestamp': String(ts),
              'x-slack-signature': signBody(SECRET, body, ts),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const body = command('digest add <#C0SALES|sales> team EMEA', 'p1');
    const ts = nowSec();
    expect(await post('/slack/events', body, ts)).toBe(200);
    expect(await post('/slack/./events', body, ts)).toBe(401);
    expect(await post('/slack/events#again', body, ts)).toBe(401);
    expect(await post('/slack/x/../events', command('help', 'p2'), nowSec() + 6 * 60)).toBe(401);
    await stub.waitFor('response_url', 1);
    await settle();
    expect(stub.callsTo('response_url')).toHaveLength(1);
    expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
  });

  it("answers Slack's own retry of a handled request with an empty 200 and runs nothing twice", async () => {
    const body = command('digest add <#C0SALES|sales> team EMEA', 'rt1');
    expect((await send(body)).status).toBe(200);
    await stub.waitFor('response_url', 1);
    const retry = await send(body, {
      ts: nowSec() + 1,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe('');
    await settle();
    expect(stub.callsTo('response_url')).toHaveLength(1);
    expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
  });

  // Helper-236: an oversized body got 413 "could not read the body", not what was wrong with it.
  it('answers a body over the cap with 413 naming the cap, as the ingest API does', async () => {
    const res = await send(`text=${'x'.repeat(MAX_SLACK_BODY_BYTES)}`);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ ok: false, error: `body larger than ${MAX_SLACK_BODY_BYTES} bytes` });
    expect(stub.callsTo('response_url')).toEqual([]);
  });

  it('answers malformed signed bodies with 400 at once, naming the problem', async () => {
    const cases: [string, string][] = [
      ['%%%&&&=&=%ZZ', 'body is not valid form encoding'],
      ['payload=%22a%20string%22', '`payload` is not a JSON object with a `type`'],
      [
        interactionBody({ type: 'block_actions', user: { id: USERS.ada.id } }),
        '`payload.actions` is missing or empty',
      ],
      ['token=x&team_id=T0001', 'form body has neither `command` nor `payload`'],
    ];
    for (const [body, error] of cases) {
      const res = await send(body);
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toEqual({ ok: false, error });
    }
    const json = await send('[1,2]', { contentType: 'application/json' });
    expect(json.status).toBe(400);
  });

  it('answers wrong methods with 405 and Allow, and HEAD /healthz like GET without a body', async () => {
    const ingest = await fetch(`${app.url}/api/v1/ingest`);
    expect(ingest.status).toBe(405);
    expect(ingest.headers.get('allow')).toBe('POST');
    const events = await fetch(`${app.url}/slack/events`);
    expect(events.status).toBe(405);
    expect(events.headers.get('allow')).toBe('POST');
    const del = await fetch(`${app.url}/healthz`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${app.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${app.url}/nowhere`)).status).toBe(404);
  });
});
