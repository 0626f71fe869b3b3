import { expect, it } from 'vitest';
import { buildCoachingMessage } from '../../src/coach/blocks.js';
import { getCoachingCard } from '../../src/coach/card.js';
import { describeDb } from '../helpers/db.js';
import { addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC; the card covers "last month" = October 2026 (UTC).
const now = new Date('2026-11-23T12:00:00Z');

describeDb('coaching card: a rep with deals in two currencies', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA');
    const ana = await addRep(db, 'Ana', emea);
    const ben = await addRep(db, 'Ben', emea);
    const cy = await addRep(db, 'Cy', emea);
    const won = async (rep: number, day: number, amount: number, currency: string) =>
      addOpp(db, rep, {
        created: '2026-09-01T09:00:00Z',
        closed: `2026-10-${String(day).padStart(2, '0')}T09:00:00Z`,
        outcome: 'won',
        amount,
        currency,
      });
    // Ana sells mostly in EUR: €1,000 twice, and one $50,000 deal.
    await won(ana, 2, 100_000, 'EUR');
    await won(ana, 3, 100_000, 'EUR');
    await won(ana, 4, 5_000_000, 'USD');
    // Ben: three $10,000 deals and one €3,000. Cy: three $20,000 deals. The team sells mostly in USD.
    for (const day of [5, 6, 7]) await won(ben, day, 1_000_000, 'USD');
    await won(ben, 8, 300_000, 'EUR');
    for (const day of [9, 10, 11]) await won(cy, day, 2_000_000, 'USD');
    return { db, ana };
  }

  it('compares the rep with the team in the rep’s own currency and footnotes the deals left out', async () => {
    const { db, ana } = await seed();
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: ana, period: 'last month', showPeers: true },
    );
    const dealsize = card.lines.find((l) => l.metric.id === 'dealsize')!;
    const revenue = card.lines.find((l) => l.metric.id === 'revenue')!;
    // Ana's answers are in EUR (2 of her 3 won deals), her $50,000 left out: €1,000 average, €2,000 won.
    expect(dealsize.result.currency).toBe('EUR');
    expect(dealsize.result.value).toEqual({ kind: 'value', value: 100_000 });
    expect(revenue.result.currency).toBe('EUR');
    expect(revenue.result.value).toEqual({ kind: 'value', value: 200_000 });
    // The team in EUR too: Ana €1,000, Ben €3,000 (his dollars left out), Cy none in EUR → median €2,000;
    // Ana is below Ben, the only other rep with EUR deals: (0 + ½) ÷ 2 = 25th percentile. In the team's
    // dollars it would have been $20,000 beside €1,000.
    expect(dealsize.teamMedian).toBe(200_000);
    expect(dealsize.teamSize).toBe(2);
    expect(dealsize.percentile).toBe(25);
    expect(revenue.teamMedian).toBe(250_000);
    expect(revenue.percentile).toBe(25);
    const message = buildCoachingMessage(card, { interactive: false });
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('team €2,000');
    expect(blocks).not.toContain('$20,000');
    expect(blocks).toContain(
      'Average deal size: 1 won deal in another currency left out (no exchange rates); figures are in EUR.',
    );
    expect(blocks).toContain(
      'Revenue won: 1 won deal in another currency left out (no exchange rates); figures are in EUR.',
    );
  });

  it('footnotes which days the figures cover when the period began before the data (helper-169, low #7)', async () => {
    const { db, ana } = await seed();
    // Every deal was created on 1 Sep 2026: 2026 began before the deals did.
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: ana, period: '2026', showPeers: true },
    );
    const blocks = JSON.stringify(buildCoachingMessage(card, { interactive: false }).blocks);
    expect(blocks).toContain(
      ':information_source: Opportunities created, Win rate, Average deal size, Sales cycle length, Revenue won: The figures cover 1 Sep 2026 onward: there are no deals before then, though this period began earlier.',
    );
  });

  it('says a period that ended before the data has nothing to coach on, not that the rep had no activity', async () => {
    // helper-171: `coach victor dubois 2024` said "has no activity of their own in 2024" and "No one else
    // on team APAC has data", with data from December 2025. Here every deal was created on 1 Sep 2026.
    const { db, ana } = await seed();
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: ana, period: '2025', showPeers: true },
    );
    expect(card.dataStartsOn).toBe('1 Sep 2026');
    const message = buildCoachingMessage(card, { interactive: true });
    expect(JSON.stringify(message.blocks)).toContain(
      '2025 ended before the data starts (the first record is from 1 Sep 2026): there is nothing to coach on.',
    );
    expect(JSON.stringify(message.blocks)).not.toContain('activity of their own');
    expect(message.text).toBe(
      'Coaching card · Ana · 2025: no data, 2025 ended before the data starts (1 Sep 2026).',
    );
    // August 2026 too; September, when the deals were created, has a card with figures.
    expect(
      (
        await getCoachingCard(
          { db, defaultTimezone: 'UTC', now },
          { repId: ana, period: '2026-08', showPeers: true },
        )
      ).dataStartsOn,
    ).toBe('1 Sep 2026');
    expect(
      (
        await getCoachingCard(
          { db, defaultTimezone: 'UTC', now },
          { repId: ana, period: '2026-09', showPeers: true },
        )
      ).dataStartsOn,
    ).toBeUndefined();
  });

  it('says in its text fallback, in short, what the footnotes say', async () => {
    const { db, ana } = await seed();
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: ana, period: 'last month', showPeers: true },
    );
    const message = buildCoachingMessage(card, { interactive: false });
    // Notifications and screen readers read this, not the blocks.
    expect(message.text).toBe(
      'Coaching card · Ana · October 2026: weak on Average deal size, Revenue won. Average deal size: 1 won deal in another currency left out. Revenue won: 1 won deal in another currency left out.',
    );
  });
});
