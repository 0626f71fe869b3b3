import { describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { getMetric } from '../../src/metrics/index.js';
import { testBackends } from '../helpers/db.js';
import { openMigratedBefore, counterRollupState as state } from '../helpers/migrations-before.js';
import { addCall, addLead, addMembership, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// A database that already holds records of several kinds in one month when migrations 0046–0047 (the newest
// record per kind) arrive: the new columns must be filled as a rebuild from scratch fills them, and a calls
// answer must then date its data by the newest call, not by a deal closed later that month.

for (const backend of testBackends()) {
  describe(`migrations 0046–0047 on a database with records [${backend}]`, () => {
    it('fills the newest record of each kind, as a rebuild stores it', async () => {
      const database = await openMigratedBefore(backend, 45, '0045_churned_by_became');
      try {
        const db = database.db;
        const team = await addTeam(db, 'Closers');
        const ana = await addRep(db, 'Ana');
        await addMembership(db, ana, team, '2020-01-01T00:00:00Z');
        await addCall(db, ana, '2026-11-02T09:00:00Z');
        await addCall(db, ana, '2026-11-02T09:40:00Z');
        // Same hour as the calls, then later in the month: both land in rows that also hold calls.
        await addOpp(db, ana, {
          created: '2026-11-02T09:50:00Z',
          closed: '2026-11-19T10:00:00Z',
          outcome: 'won',
        });
        await addLead(db, ana, { created: '2026-11-03T08:00:00Z', qualified: '2026-11-12T08:00:00Z' });

        await runMigrations(database);

        const migrated = await state(db);
        // Over the month's rows of every currency (calls and leads in '', deals in USD).
        const utc = (column: string) =>
          sql.raw(
            `to_char(max(${column}) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as ${column.slice(7, -3)}`,
          );
        const [month] = await queryRows<Record<string, string | null>>(
          db,
          sql`select ${sql.join(
            ['newest_call_at', 'newest_opp_at', 'newest_won_at', 'newest_lost_at', 'newest_lead_at'].map(utc),
            sql`, `,
          )} from metric_team_rollups where grain = 'm' and bucket = '2026-11-01T00:00:00Z'`,
        );
        expect(month).toEqual({
          call: '2026-11-02 09:40',
          opp: '2026-11-02 09:50',
          won: '2026-11-19 10:00',
          lost: null,
          lead: '2026-11-12 08:00',
        });
        await db.execute(sql`select tally_rollup_rebuild_all()`);
        expect(await state(db)).toEqual(migrated);
        const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-23T12:00:00Z') };
        for (const scope of [{ kind: 'org' as const }, { kind: 'rep' as const, repId: ana }]) {
          const r = await getMetric(deps, { metric: 'calls', scope, period: 'this month' });
          expect(r.freshness.newestRecordAt?.toISOString()).toBe('2026-11-02T09:40:00.000Z');
        }
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
}
