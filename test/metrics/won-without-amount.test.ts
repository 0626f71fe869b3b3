import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { opportunities } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricQuery, MetricResult } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { expectRollupsEqualRaw } from '../helpers/rollup-equality.js';
import { addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const v = (value: number) => ({ kind: 'value', value });
const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const org = { kind: 'org' as const };
const NOTE = '1 won deal without an amount left out.';

// Tester (HIGH): a won deal with an empty amount counted as $0 in average deal size, with no word: one priced win
// of $2,500 and one without an amount read "$1,250, Total won $2,500, n=2".
describeDb('won deals without an amount', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const team = await addTeam(db, 'Sales', { timezone: 'UTC' });
    const ana = await addRep(db, 'Ana', team);
    const ben = await addRep(db, 'Ben', team);
    const deal = { created: '2026-11-01T00:00:00Z', outcome: 'won' as const };
    // Ana: $2,500 won, and a won deal with no amount (stored NULL, currency USD by default).
    await addOpp(db, ana, { ...deal, closed: '2026-11-05T10:00:00Z', amount: 250_000 });
    await addOpp(db, ana, { ...deal, closed: '2026-11-06T10:00:00Z' });
    // Ben: a lost deal, and a won deal without an amount in EUR (no money in any currency).
    await addOpp(db, ben, { ...deal, closed: '2026-11-07T10:00:00Z', outcome: 'lost', amount: 90_000 });
    await addOpp(db, ben, { ...deal, closed: '2026-11-08T10:00:00Z', currency: 'EUR' });
    const deps = { db, defaultTimezone: 'UTC', now };
    return { db, team, ana, ben, deps };
  }

  /** The answer from the rollups and from raw rows, expected equal; the rollup one is returned. */
  async function both(deps: Awaited<ReturnType<typeof seed>>['deps'], q: MetricQuery) {
    const [raw, rolled] = await Promise.all([
      getMetric({ ...deps, useRollups: false }, q),
      getMetric({ ...deps, useRollups: true }, q),
    ]);
    expect({ ...rolled, freshness: null }).toEqual({ ...raw, freshness: null });
    return rolled;
  }

  it('leaves a won deal without an amount out of average deal size, and says so', async () => {
    const { deps, ana } = await seed();
    // Ana alone: ($2,500) ÷ 1 deal with an amount = $2,500, not $2,500 ÷ 2.
    const rep = await both(deps, {
      metric: 'dealsize',
      scope: { kind: 'rep', repId: ana },
      period: 'this month',
    });
    expect(rep.value).toEqual(v(250_000));
    expect(rep.calculation.n).toBe(1);
    expect(fig(rep, 'total')).toEqual(v(250_000));
    expect(rep.calculation.inputs.map((i) => i.value)).toEqual([250_000, 1]);
    expect(rep.notes).toContain(NOTE);
    // The org: the same $2,500 over 1 deal; Ben's EUR deal has no amount either, so 2 are left out (not "in
    // another currency": it has no money in any currency).
    const all = await both(deps, { metric: 'dealsize', scope: org, period: 'this month' });
    expect(all.value).toEqual(v(250_000));
    expect(all.calculation.n).toBe(1);
    expect(all.notes).toContain('2 won deals without an amount left out.');
    expect(all.notes.join(' ')).not.toMatch(/other currenc|another currency/);
  });

  it('splits by rep: a rep whose only win has no amount has no deal size, with the reason', async () => {
    const { deps, team } = await seed();
    for (const scope of [org, { kind: 'team' as const, teamId: team }]) {
      const r = await both(deps, { metric: 'dealsize', scope, period: 'this month', by: 'rep' });
      expect(r.value).toEqual(v(250_000));
      expect(r.segments?.rows.map((s) => [s.label, s.value, s.sampleSize])).toEqual([
        ['Ana', v(250_000), 1],
        ['Ben', { kind: 'no_data', reason: 'no deal won in this period has an amount' }, 0],
      ]);
    }
  });

  it('breaks a tie of priced deals by every won deal, so one euro win does not turn a dollar org to euros', async () => {
    // Tester helper-170 (MED): $1,200.50 won, a USD win without an amount and €900 won read "€900, 1 won deal
    // in another currency left out": 1 priced deal each, and EUR first by ISO code.
    const db = ctx.db();
    const ana = await addRep(db, 'Ana', await addTeam(db, 'R&D', { timezone: 'UTC' }));
    const deal = { created: '2026-11-01T00:00:00Z', outcome: 'won' as const };
    await addOpp(db, ana, { ...deal, closed: '2026-11-05T10:00:00Z', amount: 120_050 });
    await addOpp(db, ana, { ...deal, closed: '2026-11-06T10:00:00Z' });
    await addOpp(db, ana, { ...deal, closed: '2026-11-07T10:00:00Z', amount: 90_000, currency: 'EUR' });
    for (const metric of ['revenue', 'dealsize'] as const) {
      const r = await both({ db, defaultTimezone: 'UTC', now }, { metric, scope: org, period: 'this month' });
      expect(r.currency, metric).toBe('USD');
      expect(r.value, metric).toEqual(v(120_050));
    }
  });

  it('counts it as a win in win rate and adds nothing to revenue, with a note', async () => {
    const { deps, ana, ben } = await seed();
    const rate = await both(deps, { metric: 'winrate', scope: org, period: 'this month' });
    // 3 won (2 of them without an amount) ÷ 4 closed.
    expect(rate.value).toEqual(v(3 / 4));
    const revenue = await both(deps, { metric: 'revenue', scope: org, period: 'this month' });
    expect(revenue.value).toEqual(v(250_000));
    expect(fig(revenue, 'deals')).toEqual(v(1));
    // Not "Deals won: 1" beside three wins (tester helper-167).
    expect(revenue.figures.find((f) => f.key === 'deals')?.label).toBe('Deals won with an amount');
    expect(revenue.notes).toContain('2 won deals without an amount left out.');
    const anaRevenue = await both(deps, {
      metric: 'revenue',
      scope: { kind: 'rep', repId: ana },
      period: 'this month',
    });
    expect(anaRevenue.value).toEqual(v(250_000));
    expect(anaRevenue.notes).toContain(NOTE);
    // Ben won one deal and its amount is unknown: no revenue figure, not $0.
    const benRevenue = await both(deps, {
      metric: 'revenue',
      scope: { kind: 'rep', repId: ben },
      period: 'this month',
    });
    expect(benRevenue.value).toEqual({ kind: 'no_data', reason: 'no deal won in this period has an amount' });
    expect(benRevenue.notes).toContain(NOTE);
  });

  it('follows an amount filled in later, in the rollups as in raw rows', async () => {
    const { db, deps } = await seed();
    await db
      .update(opportunities)
      .set({ amountMinor: 150_000 })
      .where(sql`${opportunities.amountMinor} is null and ${opportunities.currency} = 'USD'`);
    const r = await both(deps, { metric: 'dealsize', scope: org, period: 'this month' });
    // ($2,500 + $1,500) ÷ 2; Ben's EUR deal still has no amount.
    expect(r.value).toEqual(v(200_000));
    expect(r.calculation.n).toBe(2);
    expect(r.notes).toContain(NOTE);
    // Emptied again: back to one deal with an amount. The rep rows and the team twin agree with raw rows.
    await db
      .update(opportunities)
      .set({ amountMinor: null })
      .where(sql`${opportunities.amountMinor} = 150000`);
    const again = await both(deps, { metric: 'dealsize', scope: org, period: 'this month' });
    expect(again.value).toEqual(v(250_000));
    const [counts] = await queryRows<{ rep: number; team: number; won: number }>(
      db,
      sql`select (select sum(deals_won_with_amount) from metric_rollups where grain = 'm')::int as rep,
          (select sum(deals_won_with_amount) from metric_team_rollups where grain = 'm')::int as team,
          (select sum(deals_won) from metric_rollups where grain = 'm')::int as won`,
    );
    expect(counts).toEqual({ rep: 1, team: 1, won: 3 });
    // Every period and split, rollups against raw rows.
    await expectRollupsEqualRaw(deps, {
      metrics: ['dealsize', 'revenue', 'winrate'],
      scopes: [org],
      periods: ['this month', '30d', 'this quarter'],
      bys: [undefined, 'rep', 'team', 'product'],
    });
  });
});
