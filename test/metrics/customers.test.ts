import { expect, it } from 'vitest';
import { accounts, contracts } from '../../src/db/schema/index.js';
import { findMetric, getMetric } from '../../src/metrics/index.js';
import type { MetricResult, Scope } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addMembership, addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC; the tests ask about October 2026.
const now = new Date('2026-11-23T12:00:00Z');
const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const v = (value: number) => ({ kind: 'value', value });
const org = { kind: 'org' as const };

describeDb('customer metrics', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    const cy = await addRep(db, 'Cy');
    let n = 0;
    const account = async (became: string | null, churned?: string) => {
      const [row] = await db
        .insert(accounts)
        .values({
          externalId: `acc-${++n}`,
          name: `Account ${n}`,
          becameCustomerAt: became ? new Date(became) : null,
          churnedAt: churned ? new Date(churned) : null,
        })
        .returning({ id: accounts.id });
      return row!.id;
    };
    const a1 = await account('2026-01-10T00:00:00Z');
    const a2 = await account('2026-03-01T00:00:00Z', '2026-10-15T00:00:00Z');
    const a3 = await account('2026-10-05T00:00:00Z');
    const a4 = await account('2026-10-10T00:00:00Z', '2026-10-20T00:00:00Z');
    const a5 = await account('2025-06-01T00:00:00Z', '2026-05-01T00:00:00Z');
    const a6 = await account('2026-11-05T00:00:00Z');
    await account('2025-01-01T00:00:00Z'); // a7: no won deal, so only in the org's numbers
    await account(null); // a prospect
    const a8 = await account('2025-01-01T00:00:00Z');
    const won = (rep: number, accountId: number, closed: string, amount: number, currency = 'USD') =>
      addOpp(db, rep, {
        created: '2024-01-01T00:00:00Z',
        closed,
        outcome: 'won',
        amount,
        currency,
        accountId,
      });
    await won(ana, a1, '2026-01-10T00:00:00Z', 100_000);
    await won(ben, a1, '2026-06-01T00:00:00Z', 50_000);
    await won(ben, a2, '2026-03-01T00:00:00Z', 200_000);
    await won(ana, a3, '2026-10-05T00:00:00Z', 150_000);
    await won(ana, a4, '2026-10-10T00:00:00Z', 40_000, 'EUR');
    await won(ben, a5, '2025-06-01T00:00:00Z', 70_000);
    await won(cy, a8, '2024-12-20T00:00:00Z', 10_000);
    let c = 0;
    const contract = (
      accountId: number,
      starts: string,
      ends: string,
      values: Partial<typeof contracts.$inferInsert>,
    ) =>
      db.insert(contracts).values({
        externalId: `c-${++c}`,
        accountId,
        startsAt: new Date(starts),
        endsAt: new Date(ends),
        ...values,
      });
    await contract(a1, '2026-01-10T00:00:00Z', '2027-01-10T00:00:00Z', {
      totalValueMinor: 1_200_000,
      contractYears: 1,
    });
    await contract(a2, '2026-03-01T00:00:00Z', '2026-10-15T00:00:00Z', {
      totalValueMinor: 600_000,
      contractYears: 1,
    });
    await contract(a3, '2026-10-05T00:00:00Z', '2028-10-05T00:00:00Z', {
      totalValueMinor: 2_000_000,
      contractYears: 2,
    });
    await contract(a1, '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z', {
      licenses: 10,
      revenuePerLicenseMinor: 12_000,
    });
    await contract(a4, '2026-10-10T00:00:00Z', '2026-10-20T00:00:00Z', {
      totalValueMinor: 500_000,
      currency: 'EUR',
    });
    await contract(a6, '2026-11-05T00:00:00Z', '2027-11-05T00:00:00Z', { totalValueMinor: 900_000 });
    return { db, ana, ben, cy, deps: { db, defaultTimezone: 'UTC', now, grossMargin: 0.8 } };
  }

  it('computes retention (E − N) ÷ S for the org and per rep who won the account', async () => {
    const { ana, ben, deps } = await seed();
    const r = await getMetric(deps, { metric: 'retention', scope: org, period: '2026-10' });
    // S: a1, a2, a7, a8. E: a1, a3, a7, a8. N: a3 (a4 came and went inside October).
    expect(r.value).toEqual(v(3 / 4));
    expect(r.calculation.inputs.map((i) => i.value)).toEqual([4, 1, 4]); // E, N, S
    const byRep = await getMetric(deps, { metric: 'retention', scope: org, period: '2026-10', by: 'rep' });
    expect(byRep.segments?.rows.map((s) => [s.repId, s.value])).toEqual([
      [ana, v(1)],
      [expect.any(Number), v(1)],
      [ben, v(0)],
    ]);
    // A team of Ana and Ben: S = a1, a2; E = a1, a3; N = a3.
    const team = await addTeam(deps.db, 'Closers');
    await addMembership(deps.db, ana, team, '2020-01-01T00:00:00Z');
    await addMembership(deps.db, ben, team, '2020-01-01T00:00:00Z');
    const teamScope = { kind: 'team' as const, teamId: team };
    const byTeam = await getMetric(deps, { metric: 'retention', scope: teamScope, period: '2026-10' });
    expect(byTeam.value).toEqual(v(1 / 2));
    const none = await getMetric(deps, {
      metric: 'retention',
      scope: { kind: 'rep', repId: ana },
      period: '2025-Q1',
    });
    expect(none.value).toEqual({ kind: 'no_data', reason: 'no customers at the start of this period' });
  });

  it('computes CLV over the trailing 12 months with the configured gross margin', async () => {
    const { ana, cy, deps } = await seed();
    const r = await getMetric(deps, { metric: findMetric('ltv')!.id, scope: org, period: '2026-10' });
    // 12 months to 1 Nov 2026: customers at the start a5, a7, a8 (a5 lost) → churn 1/3;
    // customers a1–a5, a7, a8 = 7; USD won from accounts 500,000 → 71,428.57 each.
    expect(r.value).toEqual(v(Math.round(((500_000 / 7) * 0.8) / (1 / 3))));
    expect(fig(r, 'churn')).toEqual(v(1 / 3));
    expect(r.currency).toBe('USD');
    expect(r.notes).toHaveLength(1);
    const noChurn = await getMetric(deps, {
      metric: 'clv',
      scope: { kind: 'rep', repId: cy },
      period: '2026-10',
    });
    expect(noChurn.value).toEqual({
      kind: 'no_data',
      reason: 'no churn observed in the 12 months to the end of this period',
    });
    const noStart = await getMetric(deps, {
      metric: 'clv',
      scope: { kind: 'rep', repId: ana },
      period: '2026-10',
    });
    expect(noStart.value.kind).toBe('no_data');
  });

  it('computes ARR at period end with net new ARR as the trend', async () => {
    const { ana, deps } = await seed();
    const r = await getMetric(deps, { metric: 'arr', scope: org, period: '2026-10' });
    expect(r.value).toEqual(v(2_320_000));
    expect(fig(r, 'net_new')).toEqual(v(400_000));
    expect(r.trend?.previous.value).toEqual(v(1_920_000));
    expect(r.trend?.change?.absolute).toBe(400_000);
    expect(r.notes).toEqual([]);
    const rep = await getMetric(deps, {
      metric: 'arr',
      scope: { kind: 'rep', repId: ana },
      period: '2026-10',
    });
    expect(rep.value).toEqual(v(2_320_000));
    const before = await getMetric(deps, { metric: 'arr', scope: org, period: '2025-10' });
    expect(before.value).toEqual(v(0));
  });
  it('starts the data at the first customer or contract, not the first deal: 2025 retention counts its customers (tester)', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const team = await addTeam(db, 'Closers');
    await addMembership(db, ana, team, '2026-09-01T00:00:00Z');
    const account = async (name: string, became: string) => {
      const [row] = await db
        .insert(accounts)
        .values({ externalId: name, name, becameCustomerAt: new Date(became) })
        .returning({ id: accounts.id });
      return row!.id;
    };
    const acme = await account('Acme', '2025-03-01T00:00:00Z');
    const globex = await account('Globex', '2025-05-01T00:00:00Z');
    await db.insert(contracts).values([
      {
        externalId: 'c-acme',
        accountId: acme,
        startsAt: new Date('2025-03-01T00:00:00Z'),
        endsAt: new Date('2027-03-01T00:00:00Z'),
        totalValueMinor: 2_400_000,
        contractYears: 2,
      },
      {
        externalId: 'c-globex',
        accountId: globex,
        startsAt: new Date('2025-05-01T00:00:00Z'),
        endsAt: new Date('2026-05-01T00:00:00Z'),
        totalValueMinor: 600_000,
        contractYears: 1,
      },
    ]);
    // The only deals are from October 2026: Ana's win makes Acme hers (and Closers').
    await addOpp(db, ana, {
      created: '2026-10-01T00:00:00Z',
      closed: '2026-10-05T00:00:00Z',
      outcome: 'won',
      accountId: acme,
    });
    const deps = { db, defaultTimezone: 'UTC', now };
    const ask = (metric: 'retention' | 'arr', scope: Scope, period: string) =>
      getMetric(deps, { metric, scope, period });

    const r = await ask('retention', org, '2025');
    expect(fig(r, 'start')).toEqual(v(0));
    expect(fig(r, 'end')).toEqual(v(2));
    expect(fig(r, 'new')).toEqual(v(2));
    expect(r.value).toEqual({ kind: 'no_data', reason: 'no customers at the start of this period' });
    expect(r.freshness.dataStartsAt).toBeUndefined();
    // 2024 ended before the first customer (1 Mar 2025), not before the first deal (October 2026).
    expect(r.trend?.previous.dataStartsAt).toEqual(new Date('2025-03-01T00:00:00Z'));
    expect((await ask('arr', org, '2025-06')).value).toEqual(v(1_800_000));
    // All time for the account's owner, and for the team she was in at its first win, starts with it too.
    const rep = await ask('retention', { kind: 'rep', repId: ana }, 'all time');
    expect(rep.period.start).toEqual(new Date('2025-03-01T00:00:00Z'));
    const closers = await ask('arr', { kind: 'team', teamId: team }, 'all time');
    expect(closers.period.start).toEqual(new Date('2025-03-01T00:00:00Z'));
  });
});
