import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from './fixtures.js';
import { type RunningApp, sendCommand, startApp } from './harness.js';

// Bolt's own single-workspace authorization calls auth.test in the App constructor and caches the
// promise: with Slack unreachable at boot it rejected unhandled (ending the process) and every later
// request failed with the cached error. Tally's authorize answers without waiting and asks again later.
describeDb('boot while Slack is unreachable', (ctx) => {
  let stub: SlackApiStub;
  let app: RunningApp;

  beforeAll(async () => {
    stub = await startSlackApiStub();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
  });
  afterAll(async () => {
    await stub.close();
  });
  afterEach(async () => {
    await app.stop();
  });

  it('keeps running and answers commands after every boot-time auth.test failed', async () => {
    await seedFixture(ctx.db());
    stub.reset();
    // The first attempt and its 3 retries all fail.
    stub.httpErrorNext('auth.test', 503, 4);
    app = await startApp(ctx.database(), stub);
    await stub.waitFor('auth.test', 4, 20_000);
    // Let the last retry's rejection settle (an unhandled one would fail this file).
    await new Promise((r) => setTimeout(r, 200));
    const { status, reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    expect(status).toBe(200);
    expect(reply.text).toContain('Win rate · Ana López · Q4 2026: 75.0%');
    // The bot ids are asked for again once Slack answers.
    expect(stub.callsTo('auth.test').length).toBeGreaterThanOrEqual(5);
  });
});
