import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createSlackApp, type SlackApp } from '../../src/app/slack-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { NOW, seedFixture, USERS } from './fixtures.js';

/**
 * Issue 10, item 11: with SLACK_APP_TOKEN (Socket Mode), /healthz and the ingest API still answer on
 * PORT, and commands arrive over the WebSocket. A local WebSocket server stands in for Slack's: the
 * Web API stand-in's apps.connections.open points the app at it, and it says "hello" as Slack does.
 */
const INGEST_TOKEN = 'socket-ingest-token-0123456789';

describeDb('Socket Mode', (ctx) => {
  const stub = useSlackApiStub();
  let wss: WebSocketServer;
  let slackApp: SlackApp;
  let base = '';
  const received: unknown[] = [];

  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (socket) => {
      socket.on('message', (data) => received.push(JSON.parse(String(data))));
      socket.send(
        JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TALLY' } }),
      );
    });
    const address = wss.address();
    const wsPort = typeof address === 'object' && address ? address.port : 0;
    stub.answers.set('apps.connections.open', { ok: true, url: `ws://127.0.0.1:${wsPort}/` });
    const port = await freePort();
    const deps: Deps = {
      config: loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_APP_TOKEN: 'xapp-test-token',
        SLACK_API_URL: stub.apiUrl,
        TALLY_INGEST_TOKEN: INGEST_TOKEN,
        PORT: String(port),
      }),
      database: ctx.database(),
      db: ctx.db(),
      logger: silentLogger,
      clock: fixedClock(NOW),
      slack: null,
    };
    slackApp = createSlackApp(deps, { mode: 'socket', port });
    await slackApp.start();
    base = `http://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    await slackApp.stop();
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
    stub.answers.clear();
  });

  it('serves /healthz and the ingest API on PORT', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, database: 'up' });
    expect((await fetch(`${base}/healthz`, { method: 'HEAD' })).status).toBe(200);
    const ingest = (token: string) =>
      fetch(`${base}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ entity: 'leads', items: [] }),
      });
    expect((await ingest(INGEST_TOKEN)).status).toBe(200);
    expect((await ingest('wrong-token-0123456789')).status).toBe(401);
  });

  it('answers a slash command that arrives over the WebSocket', async () => {
    const [socket] = [...wss.clients];
    socket!.send(
      JSON.stringify({
        type: 'slash_commands',
        envelope_id: 'env-1',
        accepts_response_payload: true,
        payload: {
          command: '/metrics',
          text: 'winrate',
          user_id: USERS.ana.id,
          channel_id: 'C0SALES',
          team_id: 'T0001',
          response_url: `${stub.responseBase}sock1`,
          trigger_id: '1.2.3',
        },
      }),
    );
    const [answer] = await stub.waitFor('response_url');
    expect(answer?.responseId).toBe('sock1');
    expect(String(answer?.args.text)).toContain('Win rate · Ana López · Q4 2026: 75.0%');
    expect(received).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
  });
});
