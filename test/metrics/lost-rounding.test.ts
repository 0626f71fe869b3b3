import { expect, it } from 'vitest';
import { opportunities } from '../../src/db/schema/index.js';
import { getLossReasons } from '../../src/metrics/index.js';
import { formatMoneyTotal } from '../../src/money/index.js';
import { buildLostMessage } from '../../src/slack/blocks/lost.js';
import { describeDb } from '../helpers/db.js';
import { addRep } from './fixtures.js';

const org = { kind: 'org' as const };
let n = 0;

it('formatMoneyTotal: as formatMoney when the rounded parts add up, else all to the minor unit', () => {
  expect(formatMoneyTotal(623_600, [200_050, 423_550], 'EUR')).toEqual({
    total: '€6,236.00',
    parts: ['€2,000.50', '€4,235.50'],
  });
  expect(formatMoneyTotal(623_600, [200_000, 423_600], 'EUR')).toEqual({
    total: '€6,236',
    parts: ['€2,000', '€4,236'],
  });
  // Below 1,000 amounts show cents anyway, and then all of them do (fresh tester helper-503: "€5" beside
  // "€1.40"); a part of 0 (none shown) adds nothing.
  expect(formatMoneyTotal(1_550, [550, 1_000, 0], 'USD')).toEqual({
    total: '$15.50',
    parts: ['$5.50', '$10.00', '$0.00'],
  });
  expect(formatMoneyTotal(500, [140, 140, 140, 80], 'EUR').total).toBe('€5.00');
  expect(formatMoneyTotal(41_000, [20_500, 10_250, 10_250], 'KWD')).toEqual({
    total: '41.000 KWD',
    parts: ['20.500 KWD', '10.250 KWD', '10.250 KWD'],
  });
  expect(formatMoneyTotal(300_001, [100_000, 200_001], 'JPY').total).toBe('¥300,001');
});

// Fresh tester helper-404 (LOW): `/metrics lost` showed "€6,236" lost and reasons of "€2,001" and "€4,236"
// (each rounded to whole euros on its own), which add up to €6,237.
describeDb('lost deals: the reasons add up to the total on screen', (ctx) => {
  async function lose(rep: number, closed: string, amount: number, reason: string) {
    await ctx
      .db()
      .insert(opportunities)
      .values({
        externalId: `lost-round-${++n}`,
        ownerRepId: rep,
        createdAt: new Date('2026-01-02T00:00:00Z'),
        closedAt: new Date(closed),
        outcome: 'lost',
        amountMinor: amount,
        currency: 'EUR',
        lossReason: reason,
      });
  }

  it('shows cents when whole euros would not add up, and whole euros when they do', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await lose(ana, '2026-02-10T10:00:00Z', 200_050, 'Budget');
    await lose(ana, '2026-02-11T10:00:00Z', 423_550, 'Timing');
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const q1 = JSON.stringify(
      buildLostMessage(await getLossReasons(deps, { scope: org, period: 'q1 2026' })),
    );
    expect(q1).toContain('*2* deals lost · *€6,236.00*');
    expect(q1).toContain('*Timing* — 1 (50%) · €4,235.50');
    expect(q1).toContain('*Budget* — 1 (50%) · €2,000.50');
    // Whole amounts add up as shown: whole euros.
    await lose(ana, '2026-05-10T10:00:00Z', 200_000, 'Budget');
    await lose(ana, '2026-05-11T10:00:00Z', 423_600, 'Timing');
    const q2 = JSON.stringify(
      buildLostMessage(await getLossReasons(deps, { scope: org, period: 'q2 2026' })),
    );
    expect(q2).toContain('*2* deals lost · *€6,236*');
    expect(q2).toContain('*Timing* — 1 (50%) · €4,236');
    expect(q2).toContain('*Budget* — 1 (50%) · €2,000');
  });
});
