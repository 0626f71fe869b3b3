import { afterEach, beforeEach, expect, it } from 'vitest';
import { opportunities } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from './fixtures.js';
import { clickButton, type RunningApp, sendCommand, startApp } from './harness.js';

describeDb('"How is this calculated?" through Slack', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;
  beforeEach(async () => {
    const f = await seedFixture(ctx.db());
    // One deal with cents, so the average needs rounding: EMEA's November wins are then Ana's 20,000 and
    // 30,000, "<!channel> & Co"'s 12,400 and this 1,234.56 = 63,634.56 over 4 deals = 15,908.64.
    await ctx
      .db()
      .insert(opportunities)
      .values({
        externalId: 'opp-cents',
        ownerRepId: f.ana,
        outcome: 'won',
        amountMinor: 123_456,
        currency: 'USD',
        createdAt: new Date('2026-10-01T09:00:00Z'),
        closedAt: new Date('2026-11-09T10:00:00Z'),
      });
    stub.reset();
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('answers a click with the deal size worked out in dollars, word for word', async () => {
    const first = await sendCommand(app, stub, USERS.mia.id, 'dealsize team this month');
    const { status, reply } = await clickButton(
      app,
      stub,
      USERS.mia.id,
      first.reply.blocks,
      'How is this calculated?',
    );
    expect(status).toBe(200);
    expect(reply.replace_original).toBe(false);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe(
      'How Average deal size is calculated for EMEA, November 2026: total amount won ÷ number of deals won with an amount; amount won $63,634.56 · deals won with an amount 4 · result $15,909; n=4',
    );
    const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
    expect(reply.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: 'How is this calculated? · Average deal size', emoji: true },
      },
      { type: 'section', text: mrkdwn('*Formula:* total amount won ÷ number of deals won with an amount') },
      {
        type: 'section',
        fields: [mrkdwn('*Amount won*\n$63,634.56'), mrkdwn('*Deals won with an amount*\n4')],
      },
      {
        type: 'section',
        text: mrkdwn('*Calculation:* $63,634.56 ÷ 4 = $15,908.64\n*Result:* $15,909 (rounded to whole USD)'),
      },
      {
        type: 'context',
        elements: [mrkdwn('Window: 1 Nov – 23 Nov 2026 so far (Europe/Berlin) · n = 4')],
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            '_Average deal size:_ Total amount won ÷ number of deals won with an amount, over opportunities closed won in the period. A won deal without an amount is left out (not counted as $0) and counted in the notes.',
          ),
        ],
      },
    ]);
  });
});
