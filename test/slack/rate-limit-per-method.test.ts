import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { eventBody, postSigned } from '../helpers/slack-requests.js';
import { USERS } from './fixtures.js';
import { SECRET, sendCommand, useRunningApp } from './harness.js';

// Tester (MED): one 429 on any Slack call froze every Web API call of the app for the Retry-After: the
// client paused its whole request queue. Slack's rate limits are per method; a rate-limited users.info must
// not hold App Home's views.publish, and the person looked up is told Slack's real wait.
describeDb('a Slack rate limit holds only the call it answered', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  it('answers "try again in 60 seconds" at once and still publishes another user\'s App Home', async () => {
    stub.users.set('U0NEW', { id: 'U0NEW', email: 'new@example.com' });
    stub.rateLimitNext('users.info', 60, 1);
    const started = Date.now();
    const command = sendCommand(app, stub, 'U0NEW', 'winrate');
    await stub.waitFor('users.info', 1, 5_000);
    // Ana's Slack id is stored: App Home needs only views.publish.
    const event = eventBody({ type: 'app_home_opened', user: USERS.ana.id, channel: 'D0ANA', tab: 'home' });
    const res = await postSigned(`${app.url}/slack/events`, event, {
      secret: SECRET,
      contentType: 'application/json',
    });
    expect(res.status).toBe(200);
    const [publish] = await stub.waitFor('views.publish', 1, 4_000);
    expect(publish!.args.user_id).toBe(USERS.ana.id);
    const { reply } = await command;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Tally is busy right now — Slack asked it to wait; try again in 60 seconds.');
    expect(Date.now() - started).toBeLessThan(6_000);
    // Slack said wait: the client did not call users.info again meanwhile.
    expect(stub.callsTo('users.info')).toHaveLength(1);
  });
});
