import { describe, expect, it } from 'vitest';
import { type Db, queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { testBackends } from '../helpers/db.js';
import { openMigratedBefore } from '../helpers/migrations-before.js';
import { addMembership, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// Migration 0053 (coarser_cycle_buckets, issue 15): a sales-cycle bucket is four of migration 0021's 5 %
// buckets in one. A database filled under 0052 must come out with every won deal in bucket old / 4, both
// cycle histograms equal to a rebuild from the deals, the same totals per grain (n, micros, skewed) as
// before, fewer rows, and the two raw-value indexes built on the new buckets (a bucket read through them
// returns exactly the deals the histogram counts there).

/** Per deal id, its cycle bucket as the database's tally_cycle_vb gives it now. */
async function bucketsByDeal(db: Db): Promise<Map<number, number>> {
  const rows = await queryRows<{ id: number; vb: number }>(
    db,
    sql`select id, tally_cycle_vb(tally_cycle_days(created_at, closed_at))::int as vb
      from opportunities where outcome = 'won' order by id`,
  );
  return new Map(rows.map((r) => [r.id, r.vb]));
}

/** Both histograms' rows with n ≠ 0, every column but newest_at as text, in key order. */
async function histograms(db: Db) {
  return {
    reps: await queryRows<Record<string, unknown>>(
      db,
      sql`select grain, bucket, rep_id, team_id, vb, n, micros::text, skewed, newest_at from cycle_rollups
        where n <> 0 order by grain, bucket, rep_id, team_id, vb`,
    ),
    teams: await queryRows<Record<string, unknown>>(
      db,
      sql`select grain, bucket, team_id, vb, n, micros::text, skewed, newest_at from cycle_team_rollups
        where n <> 0 order by grain, bucket, team_id, vb`,
    ),
  };
}

/** Per grain: deals, summed microseconds and clock-skewed deals, in the rep rows and the team twin. */
async function totalsPerGrain(db: Db): Promise<string[]> {
  const rows = await queryRows<{ k: string }>(
    db,
    sql`select r.grain || ' ' || r.n || ' ' || r.micros || ' ' || r.skewed || ' / ' || t.n || ' ' || t.micros || ' ' || t.skewed as k
      from (select grain, sum(n)::int as n, sum(micros)::text as micros, sum(skewed)::int as skewed
            from cycle_rollups group by 1) r
      join (select grain, sum(n)::int as n, sum(micros)::text as micros, sum(skewed)::int as skewed
            from cycle_team_rollups group by 1) t using (grain)
      order by r.grain`,
  );
  return rows.map((r) => r.k);
}

/** Counts won deals in bucket `vb` through the owner index, as a rep's bucket read does. */
async function countThroughOwnerIndex(db: Db, repId: number, vb: number): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from opportunities l
      where l.owner_rep_id = ${repId} and tally_cycle_vb(tally_cycle_days(l.created_at, l.closed_at)) = ${vb}
        and l.outcome = 'won'`,
  );
  return r!.n;
}

for (const backend of testBackends()) {
  describe(`migration 0053 on a database with won deals [${backend}]`, () => {
    it('puts each deal in bucket old / 4 and rebuilds both histograms and indexes', async () => {
      const database = await openMigratedBefore(backend, 52, '0052_loss_reason_punctuation');
      try {
        const db = database.db;
        const closers = await addTeam(db, 'Closers');
        const hunters = await addTeam(db, 'Hunters');
        const ana = await addRep(db, 'Ana');
        const ben = await addRep(db, 'Ben');
        await addMembership(db, ana, closers, '2020-01-01T00:00:00Z');
        await addMembership(db, ben, hunters, '2020-01-01T00:00:00Z');
        // Cycles across many 0021 buckets (0, under an hour, bucket edges, days, months), one closed before
        // it was created (0 days), deals without an owner, lost and open deals (not in the histogram).
        const hour = 3_600;
        const day = 86_400;
        const cycleSeconds = [
          0,
          1_800,
          hour,
          1.06 * hour,
          1.12 * hour,
          1.2 * hour,
          2 * hour,
          5 * hour,
          12 * hour,
          day,
          1.05 * day,
          1.3 * day,
        ].concat([2 * day, 3 * day, 7 * day, 14 * day, 30 * day, 60 * day, 90 * day, 200 * day]);
        let i = 0;
        for (const seconds of cycleSeconds) {
          for (const owner of [ana, ben, null]) {
            const closed = new Date(Date.UTC(2026, 7, 1 + (i % 28), 10, i % 60));
            const created = new Date(closed.getTime() - seconds * 1000);
            await addOpp(db, owner, {
              created: created.toISOString(),
              closed: closed.toISOString(),
              outcome: 'won',
              amount: 1_000,
            });
            i++;
          }
        }
        await addOpp(db, ana, {
          created: '2026-08-02T00:00:00Z',
          closed: '2026-08-01T22:00:00Z',
          outcome: 'won',
        });
        await addOpp(db, ana, {
          created: '2026-08-02T00:00:00Z',
          closed: '2026-08-05T00:00:00Z',
          outcome: 'lost',
        });
        await addOpp(db, ben, { created: '2026-08-02T00:00:00Z' });

        const oldBuckets = await bucketsByDeal(db);
        // The 0021 buckets spread these deals over many buckets: the test means something only if some merge.
        expect(new Set(oldBuckets.values()).size).toBeGreaterThan(12);
        const totalsBefore = await totalsPerGrain(db);
        const rowsBefore = (await histograms(db)).reps.length;

        await runMigrations(database);

        const newBuckets = await bucketsByDeal(db);
        expect([...newBuckets.keys()]).toEqual([...oldBuckets.keys()]);
        for (const [id, old] of oldBuckets)
          expect(newBuckets.get(id), `deal ${id}`).toBe(Math.floor(old / 4));
        expect(new Set(newBuckets.values()).size).toBeLessThan(new Set(oldBuckets.values()).size);

        // Same totals per grain in both tables; fewer rows; equal to a rebuild from the deals.
        expect(await totalsPerGrain(db)).toEqual(totalsBefore);
        const migrated = await histograms(db);
        expect(migrated.reps.length).toBeLessThan(rowsBefore);
        await db.execute(sql`select tally_duration_histograms_rebuild()`);
        expect(await histograms(db)).toEqual(migrated);

        // Every histogram bucket of Ana's is what a read through the owner index finds there.
        const anaRows = await queryRows<{ vb: number; n: number }>(
          db,
          sql`select vb, sum(n)::int as n from cycle_rollups where grain = 'm' and rep_id = ${ana} group by vb order by vb`,
        );
        expect(anaRows.length).toBeGreaterThan(1);
        for (const r of anaRows) expect(await countThroughOwnerIndex(db, ana, r.vb)).toBe(r.n);

        const indexes = await queryRows<{ name: string }>(
          db,
          sql`select indexname as name from pg_indexes where tablename = 'opportunities' and indexname like '%cycle_vb_idx' order by 1`,
        );
        expect(indexes.map((x) => x.name)).toEqual([
          'opportunities_cycle_vb_idx',
          'opportunities_owner_cycle_vb_idx',
        ]);
      } finally {
        await database.drop();
      }
    });
  });
}
