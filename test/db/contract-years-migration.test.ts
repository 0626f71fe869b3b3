import { describe, expect, it } from 'vitest';
import { type Db, queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { accounts, contracts } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import { testBackends } from '../helpers/db.js';
import { openMigratedBefore } from '../helpers/migrations-before.js';
import { addMembership, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// A database that already holds contracts when migration 0043 (contract years in calendar months) arrives:
// its stored ARR (contract_facts) and the account_rollups summed from it must become what the new definition
// gives, exactly as a rebuild from scratch would store them.

const arrOf = async (db: Db, externalId: string) =>
  (
    await queryRows<{ arr: number }>(
      db,
      sql`select f.arr::float8 as arr from contract_facts f join contracts c on c.id = f.contract_id
          where c.external_id = ${externalId}`,
    )
  )[0]?.arr;

/** Every rollup bucket with something in it, and every fact. */
const state = async (db: Db) => ({
  rollups: await queryRows<Record<string, unknown>>(
    db,
    sql`select grain, kind, bucket, rep_id, team_id, owned, currency, sum(n)::int as n, trim_scale(sum(amount))::text as amount
        from account_rollups group by 1, 2, 3, 4, 5, 6, 7 having sum(n) <> 0 or sum(amount) <> 0
        order by 1, 2, 3, 4, 5, 6, 7`,
  ),
  facts: await queryRows<Record<string, unknown>>(
    db,
    sql`select contract_id, account_id, rep_id, team_id, owned, currency, arr::text as arr, licenses
        from contract_facts order by contract_id`,
  ),
});

for (const backend of testBackends()) {
  describe(`migration 0043 on a database with contracts [${backend}]`, () => {
    it('recomputes the stored ARR and the rollups of contracts that arrived before it', async () => {
      const database = await openMigratedBefore(backend, 42, '0042_contracts_left_out');
      try {
        const db = database.db;
        const ana = await addRep(db, 'Ana');
        const ben = await addRep(db, 'Ben');
        const team = await addTeam(db, 'Closers');
        await addMembership(db, ana, team, '2020-01-01T00:00:00Z');
        let n = 0;
        const account = async (owner: number | null) => {
          const [row] = await db
            .insert(accounts)
            .values({
              externalId: `a-${++n}`,
              name: `A${n}`,
              becameCustomerAt: new Date('2024-06-01T00:00:00Z'),
            })
            .returning({ id: accounts.id });
          if (owner !== null)
            await addOpp(db, owner, {
              created: '2024-05-01T00:00:00Z',
              closed: '2024-06-01T00:00:00Z',
              outcome: 'won',
              amount: 5_000,
              accountId: row!.id,
            });
          return row!.id;
        };
        const [a1, a2, a3] = [await account(ana), await account(ben), await account(null)];
        const contract = (externalId: string, accountId: number, starts: string, ends: string, more = {}) =>
          db.insert(contracts).values({
            externalId,
            accountId,
            startsAt: new Date(starts),
            endsAt: new Date(ends),
            ...more,
          });
        // From the dates: 1 year; 6 months; 11 months and 30 days (Ben's, no team); an unowned account's.
        await contract('year', a1, '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', {
          totalValueMinor: 1_200_000,
        });
        await contract('half', a2, '2025-03-15T00:00:00Z', '2025-09-15T00:00:00Z', {
          totalValueMinor: 600_000,
        });
        await contract('short', a2, '2025-01-01T00:00:00Z', '2025-12-31T00:00:00Z', {
          totalValueMinor: 1_200_000,
        });
        await contract('unowned', a3, '2024-07-01T00:00:00Z', '2025-07-01T00:00:00Z', {
          totalValueMinor: 300_000,
        });
        // Unchanged: contract_years set, per license.
        await contract('years', a1, '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', {
          totalValueMinor: 1_200_000,
          contractYears: 2,
        });
        await contract('licensed', a1, '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', {
          licenses: 10,
          revenuePerLicenseMinor: 12_000,
        });
        // Before 0043: seconds ÷ 365.25 days.
        expect(await arrOf(db, 'year')).toBeCloseTo(1_200_000 * (365.25 / 365), 6);
        const version = async () =>
          (await queryRows<{ v: number }>(db, sql`select last_value::int as v from tally_data_version`))[0]!
            .v;
        const versionBefore = await version();

        await runMigrations(database);

        const DAY = 86_400;
        const YEAR = 31_557_600;
        expect(await arrOf(db, 'year')).toBe(1_200_000);
        expect(await arrOf(db, 'half')).toBe(1_200_000);
        expect(await arrOf(db, 'short')).toBe(1_200_000 / (11 / 12 + (30 * DAY) / YEAR));
        expect(await arrOf(db, 'unowned')).toBe(300_000);
        expect(await arrOf(db, 'years')).toBe(600_000);
        expect(await arrOf(db, 'licensed')).toBe(120_000);
        expect(await version()).toBeGreaterThan(versionBefore);
        // The facts and every rollup bucket are exactly what a rebuild from scratch stores.
        const migrated = await state(db);
        expect(migrated.facts).toHaveLength(6);
        await db.execute(sql`select tally_account_rebuild_all()`);
        expect(await state(db)).toEqual(migrated);
        // And the answers read them: at the end of August 2025 every contract but "unowned" is in force.
        const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-06-01T00:00:00Z') };
        const expected =
          1_200_000 + 1_200_000 + 1_200_000 / (11 / 12 + (30 * DAY) / YEAR) + 600_000 + 120_000;
        for (const useRollups of [true, false]) {
          const r = await getMetric(
            { ...deps, useRollups },
            { metric: 'arr', scope: { kind: 'org' }, period: '2025-08' },
          );
          expect(r.value.kind === 'value' ? r.value.value : null).toBeCloseTo(expected, 6);
        }
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
}
