import { expect, it } from 'vitest';
import { accounts, contracts } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { buildMetricMessage } from '../../src/slack/blocks/metric.js';
import { describeDb } from '../helpers/db.js';
import { addMembership, addOpp, addRep, addTeam } from './fixtures.js';

// Tester (LOW): `/metrics retention org this year by team` showed n = 45,292 in the headline and rows of
// 3,213 and 3,264, with no word on the 38,815 customers with no won deal (no owner) that no row holds.
const now = new Date('2026-11-23T12:00:00Z');
const rows = (r: MetricResult) => r.segments?.rows.map((s) => [s.label, s.value, s.sampleSize]);
const v = (value: number) => ({ kind: 'value', value });
const ACCOUNTS_NOTE = '2 customer accounts with no owner (no won deal) are in the headline but in no row.';
const CONTRACTS_NOTE =
  '2 per-license contracts on customer accounts with no owner (no won deal) are in the headline but in no row.';

describeDb('a split of retention, CLV or ARPU says how many accounts with no owner it leaves out', (ctx) => {
  async function seed(unowned: boolean) {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    const east = await addTeam(db, 'East');
    const west = await addTeam(db, 'West');
    await addMembership(db, ana, east, '2020-01-01T00:00:00Z');
    await addMembership(db, ben, west, '2020-01-01T00:00:00Z');
    let n = 0;
    // A customer since 5 Jan 2026 (churned on `churned`), won by `owner` (null: no won deal, so no owner),
    // with a per-license contract of `licenses` × $100 in force all year.
    const customer = async (owner: number | null, licenses: number, churned?: string) => {
      const [row] = await db
        .insert(accounts)
        .values({
          externalId: `a-${++n}`,
          name: `A${n}`,
          becameCustomerAt: new Date('2026-01-05T00:00:00Z'),
          churnedAt: churned ? new Date(churned) : null,
        })
        .returning({ id: accounts.id });
      if (owner !== null)
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
        startsAt: new Date('2026-01-05T00:00:00Z'),
        endsAt: new Date('2027-01-05T00:00:00Z'),
        licenses,
        revenuePerLicenseMinor: 10_000,
      });
    };
    await customer(ana, 10); // East
    await customer(ana, 30, '2026-10-15T00:00:00Z'); // East, churned in October
    await customer(ben, 20); // West
    if (unowned) {
      await customer(null, 5);
      await customer(null, 5);
    }
    return db;
  }

  it('notes the customers with no won deal that no row of a split by team or rep holds', async () => {
    const db = await seed(true);
    for (const useRollups of [true, false]) {
      const deps = { db, defaultTimezone: 'UTC', now, useRollups, grossMargin: 1 };
      const how = useRollups ? 'account state' : 'raw';
      const ask = (metric: 'retention' | 'clv' | 'arpu', by: 'team' | 'rep') =>
        getMetric(deps, { metric, scope: { kind: 'org' }, period: '2026-10', by });

      // Retention, October: S = all 5 customers; East E − N = 1 of 2, West 1 of 1.
      const retention = await ask('retention', 'team');
      expect(retention.sampleSize, how).toBe(5);
      expect(retention.value, how).toEqual(v(4 / 5));
      expect(rows(retention), how).toEqual([
        ['West', v(1), 1],
        ['East', v(1 / 2), 2],
      ]);
      expect(retention.notes, how).toEqual([ACCOUNTS_NOTE]);
      const byRep = await ask('retention', 'rep');
      expect(rows(byRep), how).toEqual([
        ['Ben', v(1), 1],
        ['Ana', v(1 / 2), 2],
      ]);
      expect(byRep.notes, how).toEqual([ACCOUNTS_NOTE]);

      // CLV, the 12 months to 1 Nov 2026: 5 customers in them, East 2, West 1.
      const clv = await ask('clv', 'team');
      expect(clv.sampleSize, how).toBe(5);
      expect(
        clv.segments?.rows.map((s) => [s.label, s.sampleSize]),
        how,
      ).toEqual([
        ['East', 2],
        ['West', 1],
      ]);
      // The headline's revenue counts the contracts of the two accounts with no won deal, and says so.
      expect(clv.notes, how).toEqual([
        'Revenue includes 2 contracts (ARR pro rata to the time in force) of accounts with contracts but no won deal on record; won deals for the rest.',
        ACCOUNTS_NOTE,
      ]);

      // ARPU at 1 Nov 2026: 5 per-license contracts in force, all at $100 a license; East 2, West 1.
      const arpu = await ask('arpu', 'team');
      expect(arpu.sampleSize, how).toBe(5);
      expect(rows(arpu), how).toEqual([
        ['East', v(10_000), 2],
        ['West', v(10_000), 1],
      ]);
      expect(arpu.notes, how).toEqual([CONTRACTS_NOTE]);
      expect((await ask('arpu', 'rep')).notes, how).toEqual([CONTRACTS_NOTE]);

      // The answer in Slack shows the note.
      const message = buildMetricMessage({
        result: retention,
        state: { metric: 'retention', scope: { kind: 'org' }, period: '2026-10', by: 'team' },
        now,
        staleAfterHours: 24,
        interactive: false,
      });
      expect(JSON.stringify(message.blocks), how).toContain(`:information_source: ${ACCOUNTS_NOTE}`);
    }
  });

  it('has no such note when every customer has an owner', async () => {
    const db = await seed(false);
    for (const useRollups of [true, false]) {
      const deps = { db, defaultTimezone: 'UTC', now, useRollups, grossMargin: 1 };
      const how = useRollups ? 'account state' : 'raw';
      for (const metric of ['retention', 'clv', 'arpu'] as const)
        for (const by of ['team', 'rep'] as const) {
          const r = await getMetric(deps, { metric, scope: { kind: 'org' }, period: '2026-10', by });
          expect(r.notes, `${how} ${metric} by ${by}`).toEqual([]);
          expect(
            r.segments?.rows.reduce((sum, s) => sum + s.sampleSize, 0),
            `${how} ${metric} by ${by}`,
          ).toBe(3);
        }
    }
  });
});
