import { expect, it } from 'vitest';
import { accounts, contracts } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addMembership, addOpp, addRep, addTeam } from './fixtures.js';

const now = new Date('2026-11-23T12:00:00Z');
const amount = (r: { value: MetricResult['value'] }) => (r.value.kind === 'value' ? r.value.value : null);

describeDb('ARR split by team or rep adds up to the org headline', (ctx) => {
  it('puts accounts with no owner with those whose owner has no team: "No team" / "No rep"', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben'); // on no team
    const team = await addTeam(db, 'Closers');
    await addMembership(db, ana, team, '2020-01-01T00:00:00Z');
    let n = 0;
    const customer = async (owner: number | null | 'no deal', contractYears: number, totalMinor: number) => {
      const [row] = await db
        .insert(accounts)
        .values({ externalId: `a-${++n}`, name: `A${n}`, becameCustomerAt: new Date('2026-01-05T00:00:00Z') })
        .returning({ id: accounts.id });
      // 'no deal': a customer with no won deal on record (contracts only), so no owner; null: a won deal
      // with no owner recorded.
      if (owner !== 'no deal')
        await addOpp(db, owner, {
          created: '2025-12-01T00:00:00Z',
          closed: '2026-01-05T00:00:00Z',
          outcome: 'won',
          amount: 1_000,
          accountId: row!.id,
        });
      await db.insert(contracts).values({
        externalId: `c-${n}`,
        accountId: row!.id,
        startsAt: new Date('2026-02-01T00:00:00Z'),
        endsAt: new Date('2027-02-01T00:00:00Z'),
        totalValueMinor: totalMinor,
        contractYears,
      });
    };
    await customer(ana, 1, 1_000_000); // Closers, Ana
    await customer(ben, 1, 200_000); // no team, Ben
    await customer(null, 1, 30_000); // no team, no rep
    await customer('no deal', 1, 4_000); // no owner at all: it was in the headline only
    await customer('no deal', 2, 8_000);
    const headline = 1_000_000 + 200_000 + 30_000 + 4_000 + 4_000;
    for (const useRollups of [true, false]) {
      const deps = { db, defaultTimezone: 'UTC', now, useRollups };
      const how = useRollups ? 'account state' : 'raw';
      const org = await getMetric(deps, { metric: 'arr', scope: { kind: 'org' }, period: '2026-10' });
      expect(amount(org), how).toBe(headline);
      const byTeam = await getMetric(deps, {
        metric: 'arr',
        scope: { kind: 'org' },
        period: '2026-10',
        by: 'team',
      });
      expect(
        byTeam.segments?.rows.map((r) => [r.label, amount(r), r.sampleSize]),
        how,
      ).toEqual([
        ['Closers', 1_000_000, 1],
        ['No team', 238_000, 4],
      ]);
      const byRep = await getMetric(deps, {
        metric: 'arr',
        scope: { kind: 'org' },
        period: '2026-10',
        by: 'rep',
      });
      expect(
        byRep.segments?.rows.map((r) => [r.label, amount(r), r.sampleSize]),
        how,
      ).toEqual([
        ['Ana', 1_000_000, 1],
        ['Ben', 200_000, 1],
        ['No rep', 38_000, 3],
      ]);
      // A team's or a rep's own split has no accounts beyond its own: its rows add up to its headline.
      const closers = await getMetric(deps, {
        metric: 'arr',
        scope: { kind: 'team', teamId: team },
        period: '2026-10',
        by: 'rep',
      });
      expect(amount(closers), how).toBe(1_000_000);
      expect(
        closers.segments?.rows.map((r) => [r.label, amount(r)]),
        how,
      ).toEqual([['Ana', 1_000_000]]);
    }
  });
});

// Fresh tester helper-184 (LOW): `winrate org by team` ranked "1. No team" (a left rep's deals) above every team.
describeDb('a leaderboard puts "No team" and "No rep" last, whatever their figure', (ctx) => {
  it('ranks the teams and reps, then the records of none', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben'); // on no team
    await addMembership(db, ana, await addTeam(db, 'Closers'), '2020-01-01T00:00:00Z');
    const deal = (rep: number | null, outcome: 'won' | 'lost') =>
      addOpp(db, rep, { created: '2026-10-01T00:00:00Z', closed: '2026-10-20T00:00:00Z', outcome });
    await deal(ana, 'won');
    await deal(ana, 'lost');
    await deal(ben, 'won');
    await deal(null, 'won');
    const deps = { db, defaultTimezone: 'UTC', now };
    const board = async (by: 'team' | 'rep') =>
      (
        await getMetric(deps, { metric: 'winrate', scope: { kind: 'org' }, period: '2026-10', by })
      ).segments!.rows.map((r) => [r.label, amount(r)]);
    expect(await board('team')).toEqual([
      ['Closers', 0.5],
      ['No team', 1],
    ]);
    expect(await board('rep')).toEqual([
      ['Ben', 1],
      ['Ana', 0.5],
      ['No rep', 1],
    ]);
  });
});
