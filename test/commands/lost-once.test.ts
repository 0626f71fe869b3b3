import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from '../slack/fixtures.js';
import { allText, sendCommand, useRunningApp } from '../slack/harness.js';

// This quarter Ana and Bob each lost one deal, neither with a reason.
describeDb('/metrics lost without reasons', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  it('says once that no loss reasons are recorded', async () => {
    const text = allText((await sendCommand(app, stub, USERS.ada.id, 'lost org')).reply);
    expect(text.match(/no loss reasons are recorded/gi)).toHaveLength(1);
  });
});
