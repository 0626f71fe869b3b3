import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { accounts, contracts } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { addOpp, addRep } from './fixtures.js';

// ARR of a contract with no contract_years (not per license): total value ÷ the years between its dates, in
// calendar months (docs/metrics.md, migration 0043): whole months between the contract's days ÷ 12, plus the
// days left after those months ÷ 365.25.
const now = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400;
const YEAR = 31_557_600;

interface Case {
  name: string;
  starts: string;
  ends: string;
  totalMinor: number;
  contractYears?: number;
  /** A month whose end the contract is in force at. */
  period: string;
  /** ARR in minor units, by hand. */
  arr: number;
}

const CASES: Case[] = [
  // 365 days: 12 whole months, so exactly 1 year (it was 365 ÷ 365.25 years: $12,008.21).
  {
    name: 'one year',
    starts: '2025-01-01',
    ends: '2026-01-01',
    totalMinor: 1_200_000,
    period: '2025-12',
    arr: 1_200_000,
  },
  // 366 days in a leap year: still 12 whole months (it was $11,975.41).
  {
    name: 'leap year',
    starts: '2024-01-01',
    ends: '2025-01-01',
    totalMinor: 1_200_000,
    period: '2024-12',
    arr: 1_200_000,
  },
  // 184 days: 6 whole months = 0.5 years, $6,000 → $12,000 a year (it was $11,910.33).
  {
    name: 'six months',
    starts: '2025-03-15',
    ends: '2025-09-15',
    totalMinor: 600_000,
    period: '2025-08',
    arr: 1_200_000,
  },
  // 11 whole months (1 Jan → 1 Dec) and 30 days left: 11/12 + 30 × 86,400 ÷ 31,557,600 years.
  {
    name: 'eleven months and 30 days',
    starts: '2025-01-01',
    ends: '2025-12-31',
    totalMinor: 1_200_000,
    period: '2025-11',
    arr: 1_200_000 / (11 / 12 + (30 * DAY) / YEAR),
  },
  // Month end: 31 Jan + 1 month = 28 Feb, so 31 Jan → 28 Feb is one whole month, $1,000 → $12,000 a year.
  {
    name: 'month end',
    starts: '2025-01-31',
    ends: '2025-02-28',
    totalMinor: 100_000,
    period: '2025-01',
    arr: 1_200_000,
  },
  // One day past it: one month (to 28 Feb) and 1 day, never a negative remainder from 31 Mar.
  {
    name: 'month end and a day',
    starts: '2025-01-31',
    ends: '2025-03-01',
    totalMinor: 100_000,
    period: '2025-02',
    arr: 100_000 / (1 / 12 + DAY / YEAR),
  },
  // contract_years set: it is used, whatever the dates say.
  {
    name: 'contract_years set',
    starts: '2025-01-01',
    ends: '2026-01-01',
    totalMinor: 1_200_000,
    contractYears: 2,
    period: '2025-12',
    arr: 600_000,
  },
];

describeDb('ARR: contract years from the dates in calendar months', (ctx) => {
  it('counts whole calendar months, hand-computed, from the account state and from raw rows', async () => {
    const db = ctx.db();
    const reps: number[] = [];
    for (const [i, c] of CASES.entries()) {
      // One account, rep and contract per case: each rep's ARR is that contract's.
      const rep = await addRep(db, `Rep ${i}`);
      reps.push(rep);
      const [account] = await db
        .insert(accounts)
        .values({ externalId: `a-${i}`, name: `A${i}`, becameCustomerAt: new Date('2024-01-01T00:00:00Z') })
        .returning({ id: accounts.id });
      await addOpp(db, rep, {
        created: '2023-12-01T00:00:00Z',
        closed: '2024-01-01T00:00:00Z',
        outcome: 'won',
        amount: 1_000,
        accountId: account!.id,
      });
      await db.insert(contracts).values({
        externalId: `c-${i}`,
        accountId: account!.id,
        startsAt: new Date(`${c.starts}T00:00:00Z`),
        endsAt: new Date(`${c.ends}T00:00:00Z`),
        totalValueMinor: c.totalMinor,
        contractYears: c.contractYears ?? null,
      });
    }
    for (const [i, c] of CASES.entries()) {
      for (const useRollups of [true, false]) {
        const r = await getMetric(
          { db, defaultTimezone: 'UTC', now, useRollups },
          { metric: 'arr', scope: { kind: 'rep', repId: reps[i]! }, period: c.period },
        );
        expect(r.value, `${c.name} (${useRollups ? 'account state' : 'raw'})`).toEqual({
          kind: 'value',
          value: c.arr,
        });
      }
    }
    // The stored figure itself, as the account refresh keeps it.
    const stored = await queryRows<{ id: string; arr: number }>(
      db,
      sql`select c.external_id as id, f.arr::float8 as arr from contract_facts f join contracts c on c.id = f.contract_id
          order by c.id`,
    );
    expect(stored.map((s) => s.arr)).toEqual(CASES.map((c) => c.arr));
  });

  it('defines the years in one SQL function, in days whatever the session zone, never negative after whole months', async () => {
    const db = ctx.db();
    const pairs: [string, string, number][] = [
      ['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1],
      ['2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 1],
      ['2025-03-15T00:00:00Z', '2025-09-15T00:00:00Z', 0.5],
      ['2025-01-01T00:00:00Z', '2025-12-31T00:00:00Z', 11 / 12 + (30 * DAY) / YEAR],
      // Month ends: `+ interval` keeps the day or moves it back to the shorter month's last day.
      ['2025-01-31T00:00:00Z', '2025-02-28T00:00:00Z', 1 / 12],
      ['2025-01-31T00:00:00Z', '2025-02-27T00:00:00Z', (27 * DAY) / YEAR],
      ['2025-01-31T00:00:00Z', '2025-03-01T00:00:00Z', 1 / 12 + DAY / YEAR],
      ['2024-01-31T00:00:00Z', '2024-02-29T00:00:00Z', 1 / 12],
      ['2025-03-31T00:00:00Z', '2025-09-30T00:00:00Z', 0.5],
      ['2024-02-29T00:00:00Z', '2025-02-28T00:00:00Z', 1],
      // Days, not hours: each instant is moved on 13 hours (UTC) and its date taken, so a local midnight from
      // UTC−10 to UTC+13 keeps its day in or out of daylight saving. New York, 1 Jan (05:00 UTC) → 1 Jul
      // (04:00 UTC) and back: 6 whole months each way.
      ['2025-01-01T05:00:00Z', '2025-07-01T04:00:00Z', 0.5],
      ['2025-07-01T04:00:00Z', '2026-01-01T05:00:00Z', 0.5],
      // Berlin, 1 Mar (28 Feb 23:00 UTC) → 1 Apr (31 Mar 22:00 UTC): one month, not one month and 3 days.
      ['2025-02-28T23:00:00Z', '2025-03-31T22:00:00Z', 1 / 12],
      // Auckland, 1 Jan (NZDT, 31 Dec 11:00 UTC) → 1 Jul (NZST, 30 Jun 12:00 UTC): 6 months.
      ['2024-12-31T11:00:00Z', '2025-06-30T12:00:00Z', 0.5],
      // Honolulu, 1 Jan (10:00 UTC) → 1 Jan: a year.
      ['2025-01-01T10:00:00Z', '2026-01-01T10:00:00Z', 1],
      // Parts of a day are not counted: 11:00 → 20:00 UTC the next day is one day.
      ['2025-01-01T11:00:00Z', '2025-01-02T20:00:00Z', DAY / YEAR],
      ['2025-12-31T00:00:00Z', '2026-01-01T00:00:00Z', DAY / YEAR],
    ];
    const values = sql.join(
      pairs.map(([s, e], i) => sql`(${i}::int, ${s}::timestamptz, ${e}::timestamptz)`),
      sql`, `,
    );
    for (const zone of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles']) {
      const rows = await db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('TimeZone', ${zone}, true)`);
        const result = await tx.execute(
          sql`select v.i, tally_contract_years(v.s, v.e) as y from (values ${values}) v(i, s, e) order by v.i`,
        );
        return (result as unknown as { rows: { i: number; y: number }[] }).rows;
      });
      expect(
        rows.map((r) => r.y),
        zone,
      ).toEqual(pairs.map((p) => p[2]));
    }
  });
});
