import { pino } from 'pino';
import { beforeEach, expect, it } from 'vitest';
import { createSlackApp } from '../../src/app/slack-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { reps } from '../../src/db/schema/index.js';
import { findPostedByKey } from '../../src/delivery/find-posted.js';
import { linkRepsByEmail } from '../../src/delivery/slack-ids.js';
import type { Deps } from '../../src/deps.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { eventBody, postSigned, slashCommandBody } from '../helpers/slack-requests.js';

// Slack answering 429 is logged as a rate limit, naming the Web API method and the Retry-After seconds,
// never as a generic `request_error`, and without the call's arguments (an email) or the token.
// The jobs call Slack through the app's own client (createSlackApp), which rejects a 429 at once (it no
// longer waits it out: that paused every other call of the app too) with Slack's Retry-After.
const stub = useSlackApiStub();
beforeEach(() => stub.reset());

const EMAIL = 'Eve.Park@example.com';

/** A logger that keeps every line, parsed, and the raw text. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level },
    {
      write: (line: string) => {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, raw };
}

/** The deps the app hands its jobs (`slack`: the app's Web API client), logging to `logger`; not started. */
function appDeps(database: Database, logger: Deps['logger']): Deps {
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'test-signing-secret',
    SLACK_API_URL: stub.apiUrl,
  });
  const deps: Deps = {
    config,
    database,
    db: database.db,
    logger,
    clock: fixedClock(new Date()),
    slack: null,
  };
  return createSlackApp(deps, { mode: 'http', port: 0 }).deps;
}

const rateLimitLines = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => String(l.msg).startsWith('slack rate limited'));

describeDb('Slack rate limits in the logs', (ctx) => {
  it('logs a rate-limited users.lookupByEmail as such, with the method and Retry-After', async () => {
    const [eve] = await ctx.db().insert(reps).values({ name: 'Eve Park', email: EMAIL }).returning();
    const { logger, lines, raw } = capture();
    const deps = appDeps(ctx.database(), logger);
    stub.rateLimitNext('users.lookupByEmail', 2, 1);
    const out = await linkRepsByEmail(deps, { repIds: [eve!.id] }, new Date());
    expect(out.deferred.has(eve!.id)).toBe(true);
    expect(stub.callsTo('users.lookupByEmail')).toHaveLength(1);
    const limited = rateLimitLines(lines);
    // One line for the 429 from the client, then the lookups' own line as it gives up for this run.
    expect(limited).toHaveLength(2);
    for (const line of limited) {
      expect(line).toMatchObject({ method: 'users.lookupByEmail', retryAfterSeconds: 2, level: 40 });
    }
    const text = raw.join('');
    expect(text).not.toContain('request_error');
    expect(text.toLowerCase()).not.toContain(EMAIL.toLowerCase());
    expect(text).not.toContain('xoxb-test-token');
  });

  it('says `ratelimited` when conversations.history stays rate-limited', async () => {
    const { logger, lines } = capture();
    const deps = appDeps(ctx.database(), logger);
    stub.rateLimitNext('conversations.history', 2, 1);
    const found = await findPostedByKey(deps.slack!, 'C0TEAM', 'digest:1', new Date());
    expect(found).toEqual({ kind: 'unknown', error: 'ratelimited', retryAfterSeconds: 2 });
    expect(rateLimitLines(lines).map((l) => l.method)).toEqual(['conversations.history']);
    expect(stub.callsTo('conversations.history')).toHaveLength(1);
  });

  it('keeps request and response bodies out of the logs at LOG_LEVEL=debug (tester: emails in debug lines)', async () => {
    const [eve] = await ctx.db().insert(reps).values({ name: 'Eve Park', email: EMAIL }).returning();
    const { logger, lines, raw } = capture('debug');
    const deps = appDeps(ctx.database(), logger);
    logger.debug('tally debug line');
    await linkRepsByEmail(deps, { repIds: [eve!.id] }, new Date());
    // The lookup was made (its body carried the email) and Tally's own debug lines are still written.
    expect(stub.callsTo('users.lookupByEmail')).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'tally debug line')).toBe(true);
    const text = raw.join('');
    expect(text.toLowerCase()).not.toContain(EMAIL.toLowerCase());
    expect(text).not.toContain('xoxb-test-token');
  });

  /** The app started in HTTP mode (its listeners get Bolt's own clients, not `deps.slack`), logging to `logger`. */
  async function startedApp(logger: Deps['logger']) {
    const port = await freePort();
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_API_URL: stub.apiUrl,
      PORT: String(port),
    });
    const deps: Deps = {
      config,
      database: ctx.database(),
      db: ctx.db(),
      logger,
      clock: fixedClock(new Date()),
      slack: null,
    };
    const app = createSlackApp(deps, { mode: 'http', port, replayWaitMs: 5_000 });
    await app.start();
    return { url: `http://127.0.0.1:${port}/slack/events`, stop: () => app.stop() };
  }

  it("logs a 429 met by a listener's own client with its method and Retry-After", async () => {
    const { logger, lines } = capture();
    const app = await startedApp(logger);
    try {
      // An unknown user: the /metrics listener asks users.info through Bolt's client, which meets one 429
      // and rejects it at once; the person is told Slack's wait.
      stub.users.set('U0NEW', { id: 'U0NEW', email: 'new@example.com' });
      stub.rateLimitNext('users.info', 2, 1);
      const body = slashCommandBody({
        text: 'winrate',
        userId: 'U0NEW',
        responseUrl: `${stub.responseBase}r1`,
      });
      expect((await postSigned(app.url, body, { secret: 'test-signing-secret' })).status).toBe(200);
      const [reply] = await stub.waitFor('response_url', 1, 10_000);
      expect(reply!.args.text).toBe(
        'Tally is busy right now — Slack asked it to wait; try again in 2 seconds.',
      );
      expect(stub.callsTo('users.info')).toHaveLength(1);
      expect(rateLimitLines(lines)).toEqual([
        expect.objectContaining({ method: 'users.info', retryAfterSeconds: 2, level: 40 }),
      ]);
    } finally {
      await app.stop();
    }
  });

  it('logs a rate-limited App Home publish as a rate limit, never as "views.publish failed"', async () => {
    const { logger, lines } = capture();
    const app = await startedApp(logger);
    try {
      stub.rateLimitNext('views.publish', 1, 3); // App Home's 3 attempts, 1 s apart (Retry-After)
      const event = eventBody({ type: 'app_home_opened', user: 'U0NEW', channel: 'D0NEW', tab: 'home' });
      const res = await postSigned(app.url, event, {
        secret: 'test-signing-secret',
        contentType: 'application/json',
      });
      expect(res.status).toBe(200);
      await stub.waitFor('views.publish', 3, 10_000);
      const deadline = Date.now() + 5_000;
      while (rateLimitLines(lines).length < 6 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      // Per attempt: one line from the listener's client, then App Home's own (the last one gives up).
      const limited = rateLimitLines(lines);
      expect(limited).toHaveLength(6);
      for (const line of limited)
        expect(line).toMatchObject({ method: 'views.publish', retryAfterSeconds: 1 });
      expect(limited[5]).toMatchObject({ gaveUp: true });
      expect(lines.some((l) => l.msg === 'views.publish failed')).toBe(false);
      expect(stub.callsTo('views.publish')).toHaveLength(3);
    } finally {
      await app.stop();
    }
  });
});
