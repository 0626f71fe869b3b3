import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/app/slack-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';
import { NOW, seedFixture, USERS } from './fixtures.js';
import { SECRET } from './harness.js';

// Tester: the post of a /metrics answer to its response_url had no timeout, so a Slack endpoint that
// accepted the connection and never answered held the answer (and a stop's drain) for as long as it hung.
const stub = useSlackApiStub();

describeDb('response_url posts time out', (ctx) => {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  let app: SlackApp | undefined;
  let url = '';
  const TIMEOUT_MS = 300;

  beforeEach(async () => {
    lines.length = 0;
    raw.length = 0;
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    const logger = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    );
    const port = await freePort();
    const deps: Deps = {
      config: loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: stub.apiUrl,
        PORT: String(port),
      }),
      database: ctx.database(),
      db: ctx.db(),
      logger,
      clock: fixedClock(NOW),
      slack: null,
    };
    app = createSlackApp(deps, { mode: 'http', port, respondTimeoutMs: TIMEOUT_MS });
    await app.start();
    url = `http://127.0.0.1:${port}/slack/events`;
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const send = (text: string, responseId: string) =>
    postSigned(
      url,
      slashCommandBody({ text, userId: USERS.ana.id, responseUrl: `${stub.responseBase}${responseId}` }),
      { secret: SECRET },
    );
  const failures = () => lines.filter((l) => l.msg === 'response_url post failed');

  it('gives up on a post Slack does not answer, logs one short line, and does not post it again', async () => {
    // The stand-in takes the post and answers only after 3 s: far past the app's 300 ms.
    stub.setDelay('response_url', 3_000);
    const sent = Date.now();
    expect((await send('winrate', 'hung')).status).toBe(200);
    await stub.waitFor('response_url', 1, 10_000);
    while (failures().length === 0 && Date.now() - sent < 2_500) await new Promise((r) => setTimeout(r, 20));
    // Given up well before Slack would have answered.
    expect(failures()).toHaveLength(1);
    expect(Date.now() - sent).toBeLessThan(2_500);
    const [line] = failures();
    expect(line).toMatchObject({
      level: 50,
      err: { message: `Slack did not answer the response_url post within ${TIMEOUT_MS} ms; gave up on it` },
    });
    // Short and honest: no stack trace, no response_url (it carries a secret), no token.
    const text = raw.join('');
    expect((line!.err as { stack?: string }).stack ?? '').toBe('');
    expect(text).not.toMatch(/\bat .*\.(?:js|ts):\d+/);
    expect(text).not.toContain('/response/');
    expect(text).not.toContain('xoxb-test-token');
    // Not posted again: it may have been taken, and a hung endpoint would hold each try as long again.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(stub.callsTo('response_url')).toHaveLength(1);
  });

  it('still posts an answer Slack takes within the timeout', async () => {
    stub.setDelay('response_url', 50);
    expect((await send('winrate', 'quick')).status).toBe(200);
    const [post] = await stub.waitFor('response_url', 1, 10_000);
    expect(String(post!.args.text)).toContain('Win rate · Ana López · Q4 2026: 75.0%');
    await new Promise((r) => setTimeout(r, 500));
    expect(failures()).toEqual([]);
  });
});
