import { expect, it } from 'vitest';
import { accounts, contracts } from '../../src/db/schema/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { expectRollupsEqualRaw, orgScopes, seedOrg } from '../helpers/rollup-equality.js';
import { addOpp } from './fixtures.js';

// Monday 23 Nov 2026, 12:34:56 UTC: mid-hour, so a running period ends between whole hours.
const now = new Date('2026-11-23T12:34:56Z');

/** The answer with its freshness (the newest contract start behind it), dates as ISO strings. */
const withFreshness = (r: MetricResult): unknown => JSON.parse(JSON.stringify(r));

describeDb('ARPU from the account state equals the raw contracts', (ctx) => {
  it('gives the same answers, series and splits: contracts starting and ending mid-hour, a :30 zone, currencies', async () => {
    const db = ctx.db();
    // Dee moves from Berlin to New York at 14:37:12 on 4 Nov 2026; Chi's team (Pune) is at +05:30.
    const org = await seedOrg(db);
    const { reps } = org;
    // Instants in the part of an hour the rollups do not hold: before and after now in its hour, and
    // around Pune's midnight (18:30 UTC) at the start of November.
    const edges = [
      '2026-11-23T12:10:00Z',
      '2026-11-23T12:50:00Z',
      '2026-10-31T18:40:00Z',
      '2026-10-31T18:20:00Z',
      '2026-11-04T14:40:00Z',
    ];
    let i = 0;
    for (const rep of [...reps, null]) {
      for (const [e, edge] of edges.entries()) {
        i++;
        const [account] = await db
          .insert(accounts)
          .values({
            externalId: `acc-${i}`,
            name: `A${i}`,
            becameCustomerAt: new Date('2025-01-01T00:00:00Z'),
          })
          .returning({ id: accounts.id });
        // The first won deal decides the owner (none: the org's only); Dee's in her New York days.
        await addOpp(db, rep, {
          created: '2025-01-01T00:00:00Z',
          closed: rep === reps[3] && e % 2 ? '2026-11-10T00:00:00Z' : '2025-01-02T00:00:00Z',
          outcome: rep === null ? 'lost' : 'won',
          amount: 1_000,
          accountId: account!.id,
        });
        const at = new Date(edge);
        const currency = e === 4 ? 'EUR' : 'USD';
        await db.insert(contracts).values([
          // Starts at the edge; ends at it a year later (in force now either way).
          {
            externalId: `s-${i}`,
            accountId: account!.id,
            startsAt: at,
            endsAt: new Date(at.getTime() + 365 * 86_400_000),
            currency,
            licenses: 1 + e,
            revenuePerLicenseMinor: 10_000 + 100 * i,
          },
          // Ends at the edge.
          {
            externalId: `e-${i}`,
            accountId: account!.id,
            startsAt: new Date('2026-01-01T00:00:00Z'),
            endsAt: at,
            currency,
            licenses: 3,
            revenuePerLicenseMinor: 7_000 + i,
          },
          // Not per license, at the same edges: never in ARPU.
          {
            externalId: `t-${i}`,
            accountId: account!.id,
            startsAt: at,
            endsAt: new Date(at.getTime() + 200 * 86_400_000),
            currency,
            totalValueMinor: 900_000,
            contractYears: 1,
            licenses: 50,
          },
        ]);
      }
    }
    let values = 0;
    const compared = await expectRollupsEqualRaw(
      { db, defaultTimezone: 'UTC', now },
      {
        metrics: ['arpu'],
        scopes: [...orgScopes(org), { kind: 'rep', repId: reps[0]! }],
        periods: ['this month', '30d', 'today', 'last month', 'this quarter', '2026-10'],
        bys: [undefined, 'rep', 'team', 'product'],
      },
      {
        same: withFreshness,
        each: (a) => {
          if (a.value.kind === 'value') values++;
        },
      },
    );
    expect(compared).toBe(6 * 6 * 4);
    expect(values).toBeGreaterThan(100);
  }, 300_000);
});
