import { describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { getMetric } from '../../src/metrics/index.js';
import { testBackends } from '../helpers/db.js';
import { openMigratedBefore, counterRollupState as state } from '../helpers/migrations-before.js';
import { addActivity, addMembership, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// A database that already holds won deals when migration 0044 (deals_won_with_amount) arrives: the new
// counter must be back-filled in metric_rollups and its team twin exactly as a rebuild from scratch stores it,
// and average deal size must then leave the won deal without an amount out.

for (const backend of testBackends()) {
  describe(`migration 0044 on a database with won deals [${backend}]`, () => {
    it('back-fills the won deals with an amount, as a rebuild stores them', async () => {
      const database = await openMigratedBefore(backend, 43, '0043_contract_calendar_years');
      try {
        const db = database.db;
        const team = await addTeam(db, 'Closers');
        const ana = await addRep(db, 'Ana');
        await addMembership(db, ana, team, '2020-01-01T00:00:00Z');
        const ben = await addRep(db, 'Ben');
        const won = { created: '2026-07-01T00:00:00Z', outcome: 'won' as const };
        await addOpp(db, ana, { ...won, closed: '2026-08-20T10:00:00Z', amount: 250_000 });
        await addOpp(db, ana, { ...won, closed: '2026-08-21T10:00:00Z' });
        await addOpp(db, ana, { ...won, closed: '2026-08-21T10:30:00Z', amount: 0 });
        await addOpp(db, ben, { ...won, closed: '2026-08-22T10:00:00Z', amount: 90_000, currency: 'EUR' });
        await addOpp(db, ben, { ...won, closed: '2026-08-22T11:00:00Z', currency: 'EUR' });
        await addOpp(db, null, { ...won, closed: '2026-09-01T00:00:00Z', amount: 10_000 });
        await addOpp(db, ben, {
          created: '2026-07-01T00:00:00Z',
          closed: '2026-08-23T00:00:00Z',
          outcome: 'lost',
        });
        await addActivity(db, {
          repId: ana,
          kind: 'call',
          direction: 'outbound',
          occurredAt: new Date('2026-08-21T10:00:00Z'),
        });

        await runMigrations(database);

        const migrated = await state(db);
        const [sums] = await queryRows<{ withAmount: number; won: number }>(
          db,
          sql`select sum(deals_won_with_amount)::int as "withAmount", sum(deals_won)::int as won
            from metric_team_rollups where grain = 'm'`,
        );
        expect(sums).toEqual({ withAmount: 4, won: 6 });
        await db.execute(sql`select tally_rollup_rebuild_all()`);
        expect(await state(db)).toEqual(migrated);
        // Q3 in USD: $2,500 and $0 over the two won deals with an amount, and the unowned $100: $866.67.
        const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-23T12:00:00Z') };
        for (const useRollups of [true, false]) {
          const r = await getMetric(
            { ...deps, useRollups },
            { metric: 'dealsize', scope: { kind: 'org' }, period: 'last quarter' },
          );
          expect(r.value).toEqual({ kind: 'value', value: 260_000 / 3 });
          expect(r.calculation.n).toBe(3);
          expect(r.notes).toContain('2 won deals without an amount left out.');
        }
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
}
