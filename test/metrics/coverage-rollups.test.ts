import { expect, it } from 'vitest';
import { opportunities } from '../../src/db/schema/index.js';
import { getMetric, setTarget } from '../../src/metrics/index.js';
import type { MetricResult, Scope } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addMembership, addOpp, addRep, addTeam } from './fixtures.js';

const org = { kind: 'org' as const };
// Sunday 15 November 2026, 12:34:56 UTC: mid-hour, so "won so far" and the 12 months of win rate both end
// (and the latter starts, on 15 November 2025 at 12:34:56) inside an hour.
const NOW = new Date('2026-11-15T12:34:56Z');
let n = 0;

const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;

describeDb('pipeline coverage: rollups and raw rows agree', (ctx) => {
  it('gives the same answers with and without rollups: mid-hour edges, a rep moving teams, currencies, a :30 zone', async () => {
    const db = ctx.db();
    const north = await addTeam(db, 'North');
    const south = await addTeam(db, 'South');
    const delhi = await addTeam(db, 'Delhi', { timezone: 'Asia/Kolkata' });
    const ana = await addRep(db, 'Ana', north);
    // Bob moves from North to South at 10:00 on 1 November: his deals before count for North, after for South.
    const bob = await addRep(db, 'Bob', north, '2020-01-01T00:00:00Z', '2026-11-01T10:00:00Z');
    await addMembership(db, bob, south, '2026-11-01T10:00:00Z');
    const cy = await addRep(db, 'Cy', delhi);
    const closed = (
      rep: number | null,
      at: string,
      outcome: 'won' | 'lost',
      amount: number,
      currency = 'USD',
    ) => addOpp(db, rep, { created: '2025-01-01T00:00:00Z', closed: at, outcome, amount, currency });
    const open = (rep: number | null, expected: string, amount: number, currency = 'USD') =>
      db.insert(opportunities).values({
        externalId: `cov-open-${++n}`,
        ownerRepId: rep,
        createdAt: new Date('2026-09-01T00:00:00Z'),
        amountMinor: amount,
        currency,
        expectedCloseDate: expected,
      });
    for (const rep of [ana, bob, cy, null]) {
      // Around now: before it in the same hour (counted), after it in the same hour and later (not won yet).
      await closed(rep, '2026-11-15T12:10:00Z', 'won', 7_000);
      await closed(rep, '2026-11-15T12:50:00Z', 'won', 900);
      await closed(rep, '2026-11-15T11:59:59Z', 'lost', 100);
      // Around now − 365 days (2025-11-15T12:34:56Z): just before it (out of the 12 months), just after (in).
      await closed(rep, '2025-11-15T12:20:00Z', 'won', 50);
      await closed(rep, '2025-11-15T12:40:00Z', 'lost', 60);
      await closed(rep, '2025-11-15T12:34:56Z', 'won', 70);
      // Whole days and months of the quarter and the year before; Bob's on both sides of his move.
      await closed(rep, '2026-10-03T08:00:00Z', 'won', 20_000);
      await closed(rep, '2026-11-01T09:30:00Z', 'won', 3_000);
      await closed(rep, '2026-11-01T10:30:00Z', 'lost', 3_000);
      await closed(rep, '2026-06-30T18:45:00Z', 'lost', 1);
      await closed(rep, '2026-02-10T00:00:00Z', 'won', 4_000);
      await closed(rep, '2026-10-20T05:00:00Z', 'won', 6_000, 'EUR');
      await closed(rep, '2026-10-31T18:45:00Z', 'won', 1_500, 'EUR'); // 1 Nov 00:15 in Delhi
      await open(rep, '2026-12-15', 90_000);
      await open(rep, '2026-11-01', 30_000); // overdue
      await open(rep, '2027-01-05', 50_000); // next quarter
      await open(rep, '2026-12-31', 11_000, 'EUR');
      await open(rep, '2026-10-01', 2_000); // first day of the quarter
    }
    const targets: { scope: Scope; value: number; currency: string }[] = [
      { scope: org, value: 400_000, currency: 'USD' },
      { scope: { kind: 'team', teamId: north }, value: 150_000, currency: 'USD' },
      { scope: { kind: 'team', teamId: south }, value: 90_000, currency: 'EUR' },
      { scope: { kind: 'team', teamId: delhi }, value: 80_000, currency: 'USD' },
      { scope: { kind: 'rep', repId: ana }, value: 60_000, currency: 'USD' },
    ];
    for (const t of targets)
      await setTarget(db, {
        metric: 'revenue',
        scope: t.scope,
        periodKind: 'quarter',
        value: t.value,
        currency: t.currency,
        setByRepId: null,
        now: NOW,
      });
    const deps = { db, defaultTimezone: 'UTC', now: NOW };
    const scopes: Scope[] = [
      org,
      { kind: 'team', teamId: north },
      { kind: 'team', teamId: south },
      { kind: 'team', teamId: delhi },
      { kind: 'rep', repId: ana },
      { kind: 'rep', repId: bob },
      { kind: 'rep', repId: cy },
    ];
    for (const scope of scopes)
      for (const period of ['this quarter', '30d', 'this month', 'this year', 'last quarter', '2025-11']) {
        const q = { metric: 'coverage' as const, scope, period };
        const rolled = await getMetric({ ...deps, useRollups: true }, q);
        const raw = await getMetric({ ...deps, useRollups: false }, q);
        expect(rolled, `${JSON.stringify(scope)} ${period}`).toEqual(raw);
      }
    // The raw reference is right on the edges: the org's quarter has, per owner (4), won 20,000 + 3,000 +
    // 7,000 USD so far (not 900, after now); 12 months: won 7 (70 at the edge, not 50 before it, not 900
    // after now), lost 4.
    const r = await getMetric(deps, { metric: 'coverage', scope: org, period: 'this quarter' });
    expect(fig(r, 'won')).toEqual({ kind: 'value', value: 4 * 30_000 });
    expect(fig(r, 'win_rate')).toEqual({ kind: 'value', value: 7 / 11 });
    expect(fig(r, 'pipeline')).toEqual({ kind: 'value', value: 4 * 122_000 });
  });
});
