import { expect, it } from 'vitest';
import { opportunities } from '../../src/db/schema/index.js';
import { getLossReasons } from '../../src/metrics/index.js';
import { buildLostMessage } from '../../src/slack/blocks/lost.js';
import { describeDb } from '../helpers/db.js';
import { addRep } from './fixtures.js';

const org = { kind: 'org' as const };
let n = 0;

// Tester: a lost deal recorded without an amount was listed as "· $0" in `/metrics lost`, as if it were lost
// for nothing; a missing amount is shown as absent.
describeDb('lost deals without an amount', (ctx) => {
  async function lose(rep: number, closed: string, amount: number | null, reason: string) {
    await ctx
      .db()
      .insert(opportunities)
      .values({
        externalId: `lost-none-${++n}`,
        ownerRepId: rep,
        createdAt: new Date('2026-01-02T00:00:00Z'),
        closedAt: new Date(closed),
        outcome: 'lost',
        amountMinor: amount,
        currency: 'USD',
        lossReason: reason,
      });
  }

  it('shows a reason whose deals have no amount as "no amount", and counts them beside an amount', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await lose(ana, '2026-02-10T10:00:00Z', null, 'Timing');
    await lose(ana, '2026-02-11T10:00:00Z', 60_000, 'Budget');
    await lose(ana, '2026-02-12T10:00:00Z', null, 'Budget');
    // Sunday 1 March 2026 is after the quarter's deals; Q1 2026 is the period asked.
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const text = JSON.stringify(
      buildLostMessage(await getLossReasons(deps, { scope: org, period: 'q1 2026' })),
    );
    expect(text).toContain('*Budget* — 2 (67%) · $600 (+1 without an amount)');
    expect(text).toContain('*Timing* — 1 (33%) · no amount');
    expect(text).not.toContain('$0');
    // A period whose one lost deal has no amount: the headline says so too.
    await lose(ana, '2026-05-10T10:00:00Z', null, 'Timing');
    const q2 = buildLostMessage(await getLossReasons(deps, { scope: org, period: 'q2 2026' }));
    expect(JSON.stringify(q2)).toContain('*Timing* — 1 (100%) · no amount');
    expect(JSON.stringify(q2)).toContain('*1* deal lost · *no amount*');
    expect(q2.text).toBe('Lost deals · Whole org · Q2 2026: 1 lost, no amount');
    expect(JSON.stringify(q2)).not.toContain('$0');
  });
});
