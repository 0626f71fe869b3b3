import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from '../slack/fixtures.js';
import { allText, type RunningApp, sendCommand, startApp } from '../slack/harness.js';

// Now: Monday 23 Nov 2026. Ana won 12 Oct, 2 Nov, 16 Nov and lost 5 Nov.
describeDb('/metrics fiscal', (ctx) => {
  let stub: SlackApiStub;
  let app: RunningApp | null = null;

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
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await app?.stop();
    app = null;
  });

  it('lets an admin set a February fiscal year; quarters, q3 and headers follow it', async () => {
    app = await startApp(ctx.database(), stub);
    const denied = await sendCommand(app, stub, USERS.ana.id, 'fiscal set february');
    expect(allText(denied.reply)).toContain('Only admins can change the fiscal calendar.');
    const set = await sendCommand(app, stub, USERS.ada.id, 'fiscal set february');
    expect(allText(set.reply)).toContain('Fiscal calendar saved.');
    expect(allText(set.reply)).toContain('Q4 FY2027 (1 Nov 2026 – 31 Jan 2027)');
    // This fiscal quarter: won 2 Nov, 16 Nov, lost 5 Nov = 66.7 % (the calendar quarter gave 75.0 %).
    const q4 = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    expect(q4.reply.text).toContain('Q4 FY2027 (1 Nov 2026 – 31 Jan 2027): 66.7%');
    const q3 = await sendCommand(app, stub, USERS.ana.id, 'winrate q3');
    expect(q3.reply.text).toContain('Q3 FY2027 (1 Aug – 31 Oct 2026): 100.0%');
    const named = await sendCommand(app, stub, USERS.ana.id, 'winrate Q3 FY2027');
    expect(named.reply.text).toContain('Q3 FY2027 (1 Aug – 31 Oct 2026): 100.0%');
    const bad = await sendCommand(app, stub, USERS.ada.id, 'fiscal set smarch');
    expect(allText(bad.reply)).toContain('is not a month');
    const reset = await sendCommand(app, stub, USERS.ada.id, 'fiscal reset');
    expect(allText(reset.reply)).toContain('Calendar year');
    expect((await sendCommand(app, stub, USERS.ana.id, 'winrate')).reply.text).toContain('Q4 2026: 75.0%');
  });

  it('a lost-deals or target command reads the fiscal calendar once, and reads its periods with it', async () => {
    app = await startApp(ctx.database(), stub);
    await sendCommand(app, stub, USERS.ada.id, 'fiscal set february');
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    const calendarReads = () =>
      statements.mock.calls.filter(([q]) =>
        /from "org_settings"/.test(String((q as { text?: string }).text ?? q)),
      ).length;
    const lost = await sendCommand(app, stub, USERS.ana.id, 'lost q3');
    expect(allText(lost.reply)).toContain('Q3 FY2027');
    expect(calendarReads()).toBe(1);
    statements.mockClear();
    // `q1` is refused as one particular period, but read as the fiscal Q1 (the calendar's is Jan–Mar).
    const target = await sendCommand(app, stub, USERS.ada.id, 'target set winrate 30% team q1');
    expect(allText(target.reply)).toContain('not for one particular period ("Q1 FY2027")');
    expect(calendarReads()).toBe(1);
  });

  it('uses TALLY_FISCAL_YEAR as the default until an admin sets one', async () => {
    app = await startApp(ctx.database(), stub, { TALLY_FISCAL_YEAR: 'october' });
    const shown = await sendCommand(app, stub, USERS.ana.id, 'fiscal');
    expect(allText(shown.reply)).toContain('Fiscal year starts 1 October');
    // Q1 FY2027 = Oct–Dec 2026: won 12 Oct, 2 Nov, 16 Nov, lost 5 Nov = 75.0 %.
    const r = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    expect(r.reply.text).toContain('Q1 FY2027 (1 Oct – 31 Dec 2026): 75.0%');
  });
});
