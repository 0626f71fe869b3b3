import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from '../slack/fixtures.js';
import { allText, type RunningApp, sendCommand, startApp } from '../slack/harness.js';

// This quarter Ana and Bob each lost one deal, neither with a reason.
describeDb('/metrics lost without reasons', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('says once that no loss reasons are recorded', async () => {
    const text = allText((await sendCommand(app, stub, USERS.ada.id, 'lost org')).reply);
    expect(text.match(/no loss reasons are recorded/gi)).toHaveLength(1);
  });
});
