import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { opportunities, reps } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { allText, clickButton, sendCommand, useRunningApp } from './harness.js';

// Now: Monday 23 Nov 2026, 10:00 UTC (fixtures.ts). EMEA won 4 of its 5 deals closed in the last 12 months.
describeDb('periods that have not started: next week, month, quarter and year', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const send = (user: string, text: string) => sendCommand(app, stub, user, text);

  it('answers next month like any period that has not started: its target and start day, no comparison, no zero drawn', async () => {
    expect(allText((await send(USERS.mia.id, 'target set revenue $50k team EMEA month')).reply)).toContain(
      '$50,000',
    );
    const { reply } = await send(USERS.mia.id, 'revenue team next month');
    // Tester: a period that has not started showed a headline 0; it says it has not started, with no figure.
    expect(reply.text).toContain(
      'Revenue won · EMEA · December 2026: not started yet, target $50,000 (starts 1 Dec 2026)',
    );
    const text = allText(reply);
    expect(text).toContain('starts 1 Dec 2026');
    expect(text).not.toContain('vs November');
    // June–November 2026 ($10,000 won in October, $62,400 in November); December has not started: not a 0.
    // May–September ended before the fixture's first record: gaps, not zeros.
    expect(text).toContain('`·····▁█` last 7 periods');
    const nextWeek = (await send(USERS.mia.id, 'calls team next week')).reply;
    expect(nextWeek.text).toContain('Calls · EMEA · Week of 30 Nov 2026: not started yet');
    expect(allText(nextWeek)).toContain('*Not started yet*  starts 30 Nov 2026');
    expect(allText(nextWeek)).not.toMatch(/\*0\*|Connected/);
    expect((await send(USERS.mia.id, 'calls team next quarter')).reply.text).toContain(
      'Calls · EMEA · Q1 2027',
    );
    expect((await send(USERS.mia.id, 'calls team next year')).reply.text).toContain('Calls · EMEA · 2027');
    expect((await send(USERS.mia.id, 'calls team next mnth')).reply.text).toContain(
      'Did you mean `next month`?',
    );
  });

  // Second fresh tester: beside "Not started yet" the note said "No data: no deals closed in this period", and a
  // scorecard line read "No data: no leads created in this period".
  it('gives a period that has not started one reason, in answers and scorecard lines', async () => {
    const winrate = allText((await send(USERS.mia.id, 'winrate team next month')).reply);
    expect(winrate).toContain('*Not started yet*  starts 1 Dec 2026');
    expect(winrate).not.toContain('No data');
    const card = allText((await send(USERS.mia.id, 'team next month')).reply);
    expect(card).toContain('*Win rate* _December 2026_  _Not started yet (starts 1 Dec 2026)_');
    expect(card).not.toMatch(/No data: no (deals|leads)/);
  });

  // Second fresh tester: `/metrics lost` (the table by reason) answered a period not started with "0 deals lost".
  it('says the lost-deals table of a period that has not started has not started, with no 0', async () => {
    const { reply } = await send(USERS.mia.id, 'lost team next month');
    expect(reply.text).toBe('Lost deals · EMEA · December 2026: not started yet (starts 1 Dec 2026)');
    const text = allText(reply);
    expect(text).toContain('*Not started yet*  starts 1 Dec 2026');
    expect(text).not.toMatch(/\*0\*|No deals were lost/);
  });

  // Tester (issue 10): the card for next month showed "0 reps", zeros and "50th pct" for a month not started.
  it('says a coaching card for a period that has not started starts then, with no figures', async () => {
    for (const [user, text] of [
      [USERS.mia.id, 'coach @ana next month'],
      [USERS.ana.id, 'coach me next-month'],
    ] as const) {
      const { reply } = await send(user, text);
      expect(reply.text, text).toBe(
        'Coaching card · Ana López · December 2026: has not started yet (starts 1 Dec 2026).',
      );
      const all = allText(reply);
      expect(all).toContain('December 2026 has not started yet (starts 1 Dec 2026)');
      expect(all).not.toContain('pct');
      expect(all).not.toContain('0 reps');
      expect(all).not.toContain('*Calls*');
    }
    // The running month keeps its card.
    expect((await send(USERS.mia.id, 'coach @ana this month')).reply.text).toContain(
      'Coaching card · Ana López · November 2026:',
    );
  });

  it('charts a future period without the periods that have not started', async () => {
    const answer = await send(USERS.mia.id, 'revenue team 2027-01');
    // June–November 2026 ($62,400 so far in November); December and January have not started: no 0s.
    // June–September ended before the fixture's first record: gaps, not zeros.
    expect(allText(answer.reply)).toContain('`····▁█` last 6 periods');
    const chart = await clickButton(app, stub, USERS.mia.id, answer.reply.blocks, 'Chart');
    expect(chart.reply.text).toMatch(
      /^Revenue won for EMEA over the last 6 months, from .* to \$62,400 in November 2026 so far; 4 periods without data\.$/,
    );
  });

  it('answers pipeline coverage of next quarter, calendar and fiscal, with its figures', async () => {
    const db = ctx.db();
    const [ana] = await db.select({ id: reps.id }).from(reps).where(eq(reps.slackUserId, USERS.ana.id));
    const open = (expected: string, amount: number) => ({
      externalId: `open-${expected}`,
      ownerRepId: ana!.id,
      outcome: 'open' as const,
      amountMinor: amount * 100,
      currency: 'USD',
      product: 'Pro',
      createdAt: new Date('2026-11-01T09:00:00Z'),
      expectedCloseDate: expected,
      stage: 'Proposal',
    });
    await db.insert(opportunities).values([open('2027-01-20', 40_000), open('2027-02-15', 60_000)]);
    await send(USERS.mia.id, 'target set revenue $100k team EMEA quarter');

    // Q1 2027: (40,000 + 60,000) ÷ (100,000 − 0) = 1.0×; forecast 0 + 100,000 × 80% = 80,000.
    const calendar = await send(USERS.mia.id, 'coverage team q1 2027');
    expect(calendar.reply.text).toContain('Pipeline coverage · EMEA · Q1 2027: 1.0×');
    const text = allText(calendar.reply);
    expect(text).not.toContain('No data');
    expect(text).toContain('*Forecast (won + pipeline × win rate)*\\n$80,000');
    expect(text).toContain('*Still needed for target*\\n$100,000');
    // Coverage has a value for a period that has not started: Q1 2027's own 1.0× is the last point drawn,
    // after the running Q4 2026 (finished quarters have no coverage: blank).
    expect(text).toMatch(/`·+.█` last 8 periods/);
    const chart = await clickButton(app, stub, USERS.mia.id, calendar.reply.blocks, 'Chart');
    expect(chart.reply.text).toMatch(/, from 0\.0× in Q4 2026 to 1\.0× in Q1 2027; /);

    // February fiscal year: next quarter is Q1 FY2028 (Feb–Apr 2027), holding the 60,000 deal only.
    await send(USERS.ada.id, 'fiscal set february');
    const fiscal = await send(USERS.mia.id, 'coverage team next quarter');
    expect(fiscal.reply.text).toContain('Pipeline coverage · EMEA · Q1 FY2028 (1 Feb – 30 Apr 2027): 0.6×');
    expect(allText(fiscal.reply)).not.toContain('No data');
    // A finished quarter still has nothing to cover, and says so once.
    expect(allText((await send(USERS.mia.id, 'coverage team last quarter')).reply)).toContain(
      'coverage looks ahead: ask about a period that has not ended',
    );
  });
});
