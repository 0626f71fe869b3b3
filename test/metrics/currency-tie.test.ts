import { expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { getMetric } from '../../src/metrics/index.js';
import type { Scope } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addOpp, addRep, addTeam } from './fixtures.js';

// Monday 29 June 2026, 12:00 UTC.
const now = new Date('2026-06-29T12:00:00Z');
const won = (rep: 'ana' | 'ben', closed: string, amount: number, currency: string) => ({
  rep,
  opts: { created: '2026-01-05T00:00:00Z', closed, outcome: 'won' as const, amount, currency },
});

/** Team Sales with Ana and Ben, the given won deals, and revenue for June 2026 by rep in `scope`. */
async function juneRevenue(db: Db, deals: ReturnType<typeof won>[], scope: 'org' | 'team') {
  const team = await addTeam(db, 'Sales', { timezone: 'UTC' });
  const ids = { ana: await addRep(db, 'Ana', team), ben: await addRep(db, 'Ben', team) };
  for (const d of deals) await addOpp(db, ids[d.rep], d.opts);
  const where: Scope = scope === 'org' ? { kind: 'org' } : { kind: 'team', teamId: team };
  return getMetric(
    { db, defaultTimezone: 'UTC', now },
    { metric: 'revenue', scope: where, period: 'june 2026', by: 'rep' },
  );
}

// A month whose currencies each have one deal: amounts in different currencies are not comparable (¥150,000
// is not "more" than €99.50), so the tie goes to the currency the answer's other months are in.
describeDb('the answer currency on a tie in records', (ctx) => {
  it('keeps the usual currency: June in EUR beside May, not JPY because ¥150,000 > 9,950 cents', async () => {
    const r = await juneRevenue(
      ctx.db(),
      [
        won('ana', '2026-05-04T10:00:00Z', 100_000, 'EUR'),
        won('ben', '2026-05-12T10:00:00Z', 51_100, 'EUR'),
        won('ana', '2026-06-03T10:00:00Z', 9_950, 'EUR'),
        won('ben', '2026-06-10T10:00:00Z', 150_000, 'JPY'),
      ],
      'org',
    );
    expect(r.currency).toBe('EUR');
    expect(r.value).toEqual({ kind: 'value', value: 9_950 });
    expect(r.trend?.previous.value).toEqual({ kind: 'value', value: 151_100 });
    expect(r.notes.join(' ')).toContain('1 won deal in another currency left out');
    // The split is in the headline's currency: Ben's only June deal is in yen, so he has no figure in EUR.
    const rows = r.segments?.rows.map((s) => [s.label, s.value, s.otherCurrenciesOnly]);
    expect(rows).toEqual([
      ['Ana', { kind: 'value', value: 9_950 }, undefined],
      ['Ben', expect.objectContaining({ kind: 'no_data' }), 1],
    ]);
  });

  it('re-splits in the headline currency when only the other months break the tie', async () => {
    // Months before June in USD; June has one EUR deal (€400) and one USD deal ($300). By code (and by
    // amount) EUR would come first, but the answer's usual currency is USD, and its split (which sees June
    // only) must say USD too.
    const r = await juneRevenue(
      ctx.db(),
      [
        won('ana', '2026-04-04T10:00:00Z', 70_000, 'USD'),
        won('ana', '2026-05-04T10:00:00Z', 80_000, 'USD'),
        won('ana', '2026-06-03T10:00:00Z', 40_000, 'EUR'),
        won('ben', '2026-06-10T10:00:00Z', 30_000, 'USD'),
      ],
      'team',
    );
    expect(r.currency).toBe('USD');
    expect(r.value).toEqual({ kind: 'value', value: 30_000 });
    const rows = r.segments?.rows.map((s) => [s.label, s.value, s.otherCurrenciesOnly]);
    expect(rows).toEqual([
      ['Ben', { kind: 'value', value: 30_000 }, undefined],
      ['Ana', expect.objectContaining({ kind: 'no_data' }), 1],
    ]);
  });
});
