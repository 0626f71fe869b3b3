import { expect, it } from 'vitest';
import { opportunities } from '../../src/db/schema/index.js';
import { getLossReasons } from '../../src/metrics/index.js';
import { buildLostMessage } from '../../src/slack/blocks/lost.js';
import { describeDb } from '../helpers/db.js';
import { addRep } from './fixtures.js';

const org = { kind: 'org' as const };
let n = 0;

// A loss in another currency than the answer's is never shown as €0 in the by-reason table.
describeDb('lost deals by reason in more than one currency', (ctx) => {
  async function lose(rep: number, closed: string, amount: number, currency: string, reason: string | null) {
    await ctx
      .db()
      .insert(opportunities)
      .values({
        externalId: `lost-cur-${++n}`,
        ownerRepId: rep,
        createdAt: new Date('2026-01-02T00:00:00Z'),
        closedAt: new Date(closed),
        outcome: 'lost',
        amountMinor: amount,
        currency,
        lossReason: reason,
      });
  }

  it('says a row has no amount in the answer currency, or how many deals it leaves out', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    // Q1: EUR 2,000 without a reason, USD 600 for Budget (the tester's data).
    await lose(ana, '2026-02-10T10:00:00Z', 200_000, 'EUR', null);
    await lose(ana, '2026-02-11T10:00:00Z', 60_000, 'USD', 'Budget');
    // Q2: Budget twice, once in EUR and once in USD.
    await lose(ana, '2026-05-10T10:00:00Z', 200_000, 'EUR', 'Budget');
    await lose(ana, '2026-05-11T10:00:00Z', 60_000, 'USD', 'budget');
    await lose(ana, '2026-05-12T10:00:00Z', 1_000, 'EUR', null);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const q1 = await getLossReasons(deps, { scope: org, period: 'q1 2026' });
    expect(q1.result.currency).toBe('EUR');
    const text1 = JSON.stringify(buildLostMessage(q1));
    // Q4 2025 is before the data (every deal was created on 2 Jan 2026): no reason is "new" against it.
    expect(text1).toContain('vs Q4 2025: no earlier data (the data starts on 2 Jan 2026)');
    expect(text1).toContain(
      '*Budget* — 1 (50%) · no amount in EUR (1 in another currency)\\n_No reason given_ — 1 (50%) · €2,000"',
    );
    expect(text1).not.toContain('€0');
    // The amount's note ("Lost amount: 1 deal in another currency left out") is in the text fallback too.
    expect(buildLostMessage(q1).text).toBe(
      'Lost deals · Whole org · Q1 2026: 2 lost, €2,000 (1 deal in another currency left out)',
    );
    const q2 = await getLossReasons(deps, { scope: org, period: 'q2 2026' });
    const text2 = JSON.stringify(buildLostMessage(q2));
    expect(text2).toContain('*Budget* — 2 (67%) · €2,000 (+1 in another currency) · +1 vs 1');
    expect(text2).toContain('_No reason given_ — 1 (33%) · €10 · same (1)');
    // One deal lost: the share is of that one deal, not "of all 1 deals".
    await lose(ana, '2026-08-10T10:00:00Z', 5_000, 'EUR', 'Timing');
    const q3 = JSON.stringify(
      buildLostMessage(await getLossReasons(deps, { scope: org, period: 'q3 2026' })),
    );
    expect(q3).toContain('Share = of the one deal lost; change vs Q2 2026.');
  });
});
