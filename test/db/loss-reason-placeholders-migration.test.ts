import { describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { getMetric } from '../../src/metrics/index.js';
import { testBackends } from '../helpers/db.js';
import {
  openMigratedBefore,
  counterRollupState as state,
  lostWithReasonPerGrain as withReason,
} from '../helpers/migrations-before.js';
import { addActivity, addMembership, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// A database that already counts placeholder loss reasons ("N/A", "none", "-", …) as reasons when migration
// 0050 (loss_reason_placeholders) arrives: deals_lost_with_reason must be recounted in metric_rollups and its
// team twin, every grain, exactly as a rebuild from scratch stores it, and nothing else may move.

for (const backend of testBackends()) {
  describe(`migration 0050 on a database with placeholder loss reasons [${backend}]`, () => {
    it('recounts the deals lost with a reason in every rollup row, as a rebuild stores them', async () => {
      const database = await openMigratedBefore(backend, 49, '0049_lead_won_only_by_a_won_deal');
      try {
        const db = database.db;
        const closers = await addTeam(db, 'Closers');
        const hunters = await addTeam(db, 'Hunters');
        const ana = await addRep(db, 'Ana');
        await addMembership(db, ana, closers, '2020-01-01T00:00:00Z');
        // Ben moves from Closers to Hunters on 22 Aug, 10:30: his deals that day are in two teams' rows.
        const ben = await addRep(db, 'Ben');
        await addMembership(db, ben, closers, '2020-01-01T00:00:00Z', '2026-08-22T10:30:00Z');
        await addMembership(db, ben, hunters, '2026-08-22T10:30:00Z');
        const lost = (closed: string, amount: number, lossReason: string | null, currency = 'USD') => ({
          created: '2026-07-01T00:00:00Z',
          closed,
          outcome: 'lost' as const,
          amount,
          currency,
          lossReason,
        });
        // Three reasons ("Price", "Other", "Went dark") among ten lost deals; the rest are placeholders, a tab
        // alone (the old function kept it as " ") and null.
        await addOpp(db, ana, lost('2026-08-20T10:00:00Z', 1_000, 'Price'));
        await addOpp(db, ana, lost('2026-08-20T10:30:00Z', 2_000, 'N/A'));
        await addOpp(db, ana, lost('2026-08-21T09:00:00Z', 3_000, 'No reason given'));
        await addOpp(db, ana, lost('2026-09-02T10:00:00Z', 4_000, ' none ', 'EUR'));
        await addOpp(db, ana, lost('2026-09-02T11:00:00Z', 5_000, 'Other', 'EUR'));
        await addOpp(db, ben, lost('2026-08-22T10:00:00Z', 6_000, '-'));
        await addOpp(db, ben, lost('2026-08-22T11:00:00Z', 7_000, 'Went dark'));
        await addOpp(db, null, lost('2026-09-01T00:00:00Z', 8_000, '\t'));
        await addOpp(db, null, lost('2026-09-01T00:10:00Z', 9_000, 'UNKNOWN'));
        await addOpp(db, ben, lost('2026-09-03T00:00:00Z', 10_000, null));
        await addOpp(db, ana, {
          created: '2026-07-01T00:00:00Z',
          closed: '2026-08-20T10:00:00Z',
          outcome: 'won',
        });
        await addActivity(db, {
          repId: ana,
          kind: 'call',
          direction: 'outbound',
          occurredAt: new Date('2026-08-20T10:15:00Z'),
        });
        // Before: nine of the ten carry a "reason" (all but null).
        expect(await withReason(db)).toEqual(['d 9/9', 'h 9/9', 'm 9/9']);
        const before = await state(db);

        await runMigrations(database);

        expect(await withReason(db)).toEqual(['d 3/3', 'h 3/3', 'm 3/3']);
        const migrated = await state(db);
        // Only deals_lost_with_reason moved: the same keys, every other column as it was.
        const without = (s: typeof before) => ({
          reps: s.reps.map(({ deals_lost_with_reason: _, ...r }) => r),
          teams: s.teams.map(({ deals_lost_with_reason: _, ...r }) => r),
        });
        expect(without(migrated)).toEqual(without(before));
        // Hand-counted rows. Ana's hour of 20 Aug 10:00 in Closers: "Price" and "N/A", one reason; Ben's day of
        // 22 Aug: "-" in Closers, "Went dark" in Hunters; August's month for Closers in USD: "Price" of four.
        const rows = await queryRows<{ k: string }>(
          db,
          sql`select grain || ' ' || to_char(bucket at time zone 'UTC', 'MM-DD HH24') || ' rep ' || rep_id
              || ' team ' || team_id || ' ' || currency || ': ' || deals_lost_with_reason || '/' || deals_lost as k
            from metric_rollups where deals_lost > 0 and (grain = 'h' and rep_id = ${ana}
              and bucket = '2026-08-20T10:00:00Z' or grain = 'd' and rep_id = ${ben} and bucket = '2026-08-22')
            union all
            select grain || ' ' || to_char(bucket at time zone 'UTC', 'MM-DD HH24') || ' team ' || team_id || ' '
              || currency || ': ' || deals_lost_with_reason || '/' || deals_lost
            from metric_team_rollups where grain = 'm' and deals_lost > 0
            order by 1`,
        );
        expect(rows.map((r) => r.k)).toEqual([
          `d 08-22 00 rep ${ben} team ${closers} USD: 0/1`,
          `d 08-22 00 rep ${ben} team ${hunters} USD: 1/1`,
          `h 08-20 10 rep ${ana} team ${closers} USD: 1/2`,
          `m 08-01 00 team ${closers} USD: 1/4`,
          `m 08-01 00 team ${hunters} USD: 1/1`,
          'm 09-01 00 team 0 USD: 0/2',
          `m 09-01 00 team ${closers} EUR: 1/2`,
          `m 09-01 00 team ${hunters} USD: 0/1`,
        ]);
        await db.execute(sql`select tally_rollup_rebuild_all()`);
        expect(await state(db)).toEqual(migrated);
        // Q3: 10 deals lost, 3 with a reason, from the rollups and from the raw rows alike.
        const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-23T12:00:00Z') };
        for (const useRollups of [true, false]) {
          const r = await getMetric(
            { ...deps, useRollups },
            { metric: 'lostdeals', scope: { kind: 'org' }, period: 'last quarter' },
          );
          expect(r.value).toEqual({ kind: 'value', value: 10 });
          expect(r.figures.find((f) => f.key === 'with_reason')?.value).toEqual({
            kind: 'value',
            value: 0.3,
          });
        }
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
}
