import { expect, it } from 'vitest';
import { accounts, contracts } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';

const org = { kind: 'org' as const };
const v = (value: number) => ({ kind: 'value', value });

describeDb('ARPU and revenue per product', (ctx) => {
  it('computes ARPU over per-license contracts, variable ARR = licenses × ARPU, and both by product', async () => {
    const db = ctx.db();
    const [a1, a2] = await db
      .insert(accounts)
      .values([
        { externalId: 'a1', name: 'A1', becameCustomerAt: new Date('2026-01-01T00:00:00Z') },
        { externalId: 'a2', name: 'A2', becameCustomerAt: new Date('2026-06-01T00:00:00Z') },
      ])
      .returning({ id: accounts.id });
    const contract = (
      id: string,
      accountId: number,
      starts: string,
      ends: string,
      values: Partial<typeof contracts.$inferInsert>,
    ) => ({ externalId: id, accountId, startsAt: new Date(starts), endsAt: new Date(ends), ...values });
    await db.insert(contracts).values([
      contract('c1', a1!.id, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', {
        product: 'Seats',
        licenses: 10,
        revenuePerLicenseMinor: 12_000,
      }),
      contract('c2', a2!.id, '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z', {
        product: 'Seats',
        licenses: 5,
        revenuePerLicenseMinor: 15_000,
      }),
      contract('c3', a2!.id, '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z', {
        product: 'Platform',
        totalValueMinor: 600_000,
        contractYears: 1,
      }),
      // Starts at 00:00 on 1 October: October's, not September's.
      contract('c4', a1!.id, '2026-10-01T00:00:00Z', '2027-10-01T00:00:00Z', {
        product: 'Addon',
        licenses: 20,
        revenuePerLicenseMinor: 1_000,
      }),
    ]);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const r = await getMetric(deps, { metric: 'arpu', scope: org, period: '2026-10' });
    // (10 × 12,000 + 5 × 15,000 + 20 × 1,000) ÷ 35 licenses.
    expect(r.value).toEqual(v(215_000 / 35));
    expect(r.figures.find((f) => f.key === 'licenses')?.value).toEqual(v(35));
    expect(r.figures.find((f) => f.key === 'variable_arr')?.value).toEqual(v(215_000));
    expect(r.series.at(-2)?.value).toEqual(v(195_000 / 15)); // September: no Addon yet
    const byProduct = await getMetric(deps, { metric: 'arpu', scope: org, period: '2026-10', by: 'product' });
    expect(byProduct.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['Seats', v(13_000)],
      ['Addon', v(1_000)],
    ]);
    const revenue = await getMetric(deps, { metric: 'arr', scope: org, period: '2026-10', by: 'product' });
    expect(revenue.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['Platform', v(600_000)],
      ['Seats', v(195_000)],
      ['Addon', v(20_000)],
    ]);
  });
});
