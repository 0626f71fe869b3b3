import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UNKNOWN_BUTTON_TEXT } from '../../src/app/unknown-actions.js';
import { RECORD_TIMEOUT_MS } from '../../src/http/request-edge.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, postSigned } from '../helpers/slack-requests.js';
import { type RunningApp, SECRET, startApp } from './harness.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

/** A block_actions click of a button whose action_id is `actionId`, as Slack sends it. */
function clickBody(actionId: string, responseUrl: string): string {
  return interactionBody({
    type: 'block_actions',
    user: { id: 'UANA', username: 'ana', team_id: 'T0001' },
    api_app_id: 'A0TALLY',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0SALES' },
    trigger_id: `${Date.now()}.trigger`,
    team: { id: 'T0001', domain: 'testco' },
    channel: { id: 'C0SALES', name: 'sales' },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Old' },
        value: 'x',
        action_ts: '1700000001.000200',
      },
    ],
  });
}

// Tester: a button of an old message (an action_id this version has no listener for) got no ack, so Slack
// showed the clicker a warning triangle after 3 seconds.
describeDb('a button no listener knows', (ctx) => {
  let app: RunningApp | undefined;
  const lines: Record<string, unknown>[] = [];
  beforeEach(async () => {
    lines.length = 0;
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    app = await startApp(
      ctx.database(),
      stub,
      {},
      { replayWaitMs: RECORD_TIMEOUT_MS, logger: logger as never },
    );
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('acks at once, tells the clicker ephemerally to ask again, and logs it without the response_url', async () => {
    const responseUrl = `${stub.responseBase}old1`;
    const started = Date.now();
    const res = await postSigned(`${app!.url}/slack/events`, clickBody('metrics_drill_v1', responseUrl), {
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    // Well inside Slack's 3 seconds (Bolt's own unhandled-request timeout is 3,001 ms).
    expect(Date.now() - started).toBeLessThan(2_000);
    const deadline = Date.now() + 10_000;
    let reply: Record<string, unknown> | undefined;
    while (!reply && Date.now() < deadline) {
      reply = stub.callsTo('response_url').find((c) => c.responseId === 'old1')?.args;
      if (!reply) await new Promise((r) => setTimeout(r, 10));
    }
    expect(reply).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: UNKNOWN_BUTTON_TEXT,
    });
    const logged = lines.find((l) => l.actionId === 'metrics_drill_v1');
    expect(logged).toMatchObject({ user: 'UANA', channel: 'C0SALES' });
    expect(JSON.stringify(lines)).not.toContain(responseUrl);
    expect(JSON.stringify(lines)).not.toContain('.trigger');
  });

  it('leaves a known button to its own listener: one answer, no "older version" note', async () => {
    const res = await postSigned(
      `${app!.url}/slack/events`,
      clickBody('metrics_calc', `${stub.responseBase}known1`),
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const answers = stub.callsTo('response_url').filter((c) => c.responseId === 'known1');
    expect(answers.every((c) => c.args.text !== UNKNOWN_BUTTON_TEXT)).toBe(true);
    expect(lines.some((l) => l.actionId === 'metrics_calc')).toBe(false);
  });
});
