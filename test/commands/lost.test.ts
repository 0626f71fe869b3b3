import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from '../slack/fixtures.js';
import { allText, type RunningApp, sendCommand, startApp } from '../slack/harness.js';

// Now: Monday 23 Nov 2026. This quarter Ana lost 8,000 (5 Nov) and Bob 4,000 (18 Nov), no reasons given.
describeDb('/metrics lost', (ctx) => {
  let stub: SlackApiStub;
  let app: RunningApp;

  beforeAll(async () => {
    stub = await startSlackApiStub();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('says plainly that no loss reasons are recorded, in /metrics lost and in the win-rate answer', async () => {
    const lost = await sendCommand(app, stub, USERS.ada.id, 'lost org');
    expect(lost.reply.text).toContain('Lost deals · Whole org · Q4 2026: 2 lost, $12,000');
    expect(allText(lost.reply)).toContain('No loss reasons are recorded for these 2 deals');
    const winrate = await sendCommand(app, stub, USERS.ada.id, 'winrate org');
    expect(allText(winrate.reply)).toContain('Top loss reasons: none recorded for the 2 deals lost.');
  });

  it('says a finished period before the first record has no records before it, not "0 deals lost" (tester)', async () => {
    const lost = await sendCommand(app, stub, USERS.ada.id, 'lost org 2019-06');
    const text = allText(lost.reply);
    expect(lost.reply.text).toMatch(/^Lost deals · Whole org · June 2019: No data: no deals before .+\.$/);
    expect(text).not.toContain('0 deals lost');
    expect(text).not.toContain('No deals were lost');
  });

  it('shows reasons once deals carry them, and splits by rep through the usual answer', async () => {
    // Ana's deal: "Price"; Bob's: " price " — one reason after normalising.
    await ctx
      .db()
      .execute(
        sql`update opportunities set loss_reason = case when amount_minor = 800000 then 'Price' else ' price ' end where outcome = 'lost'`,
      );
    const lost = await sendCommand(app, stub, USERS.ada.id, 'lost org');
    expect(allText(lost.reply)).toContain('*Price* — 2 (100%) · $12,000');
    const winrate = await sendCommand(app, stub, USERS.ada.id, 'winrate org');
    expect(allText(winrate.reply)).toContain('Top loss reasons: Price (2 of 2 lost, 100%)');
    const byRep = await sendCommand(app, stub, USERS.ada.id, 'lost org by rep');
    expect(byRep.reply.text).toContain('Lost deals');
    expect(allText(byRep.reply)).toContain('Ana López');
  });
});
