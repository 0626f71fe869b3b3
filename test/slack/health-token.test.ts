import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { startApp } from './harness.js';

/** Found by a tester: a token Slack refused at start-up left /healthz at 200 until the first send failed. */
describeDb('health with a refused bot token', (ctx) => {
  const stub = useSlackApiStub();

  it('answers 503 token_lost once the start-up auth.test says invalid_auth', async () => {
    stub.reset();
    stub.failNext('auth.test', 'invalid_auth');
    const app = await startApp(ctx.database(), stub);
    try {
      let body: Record<string, unknown> = {};
      let status = 0;
      for (let i = 0; i < 50 && status !== 503; i++) {
        const res = await fetch(`${app.url}/healthz`);
        status = res.status;
        body = (await res.json()) as Record<string, unknown>;
        if (status !== 503) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(503);
      expect(body).toMatchObject({
        ok: false,
        database: 'up',
        slack: 'token_lost',
        slackError: 'invalid_auth',
      });
    } finally {
      await app.stop();
    }
  });
});
