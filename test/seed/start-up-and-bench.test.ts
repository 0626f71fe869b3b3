import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ensureBenchData } from '../../src/seed/bench.js';
import { dropForBulkLoad } from '../../src/seed/bulk-indexes.js';
import { SeedError, seedDemo, seedDemoIfEmpty } from '../../src/seed/seed.js';
import { countSeeded, setRestoreSql, startSeedRun } from '../../src/seed/seed-runs.js';
import { describeDb } from '../helpers/db.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');

const indexNames = async (db: Parameters<typeof queryRows>[0]) =>
  (
    await queryRows<{ name: string }>(
      db,
      sql`select indexname as name from pg_indexes
          where schemaname = current_schema() and tablename in ('leads', 'activities', 'opportunities', 'accounts', 'contracts')
          order by 1`,
    )
  ).map((r) => r.name);

describeDb('demo data at start-up and for the bench', (ctx) => {
  it('seeds the default demo org once, then does nothing', async () => {
    const first = await seedDemoIfEmpty(ctx.database(), { now: NOW });
    expect(first.seeded).toBe(true);
    const counts = await countSeeded(ctx.db());
    expect(counts.reps).toBe(41);
    expect(counts.leads).toBeGreaterThan(5_000);
    const second = await seedDemoIfEmpty(ctx.database(), { now: new Date(NOW.getTime() + 3_600_000) });
    expect(second.seeded).toBe(false);
    expect(await countSeeded(ctx.db())).toEqual(counts);
    const runs = await queryRows<{ profile: string; done: boolean }>(
      ctx.db(),
      sql`select profile, completed_at is not null as done from seed_runs`,
    );
    expect(runs).toEqual([{ profile: 'demo', done: true }]);
  }, 180_000);

  it('leaves a database with imported data alone at start-up', async () => {
    await ctx.db().execute(sql`insert into teams (name, timezone) values ('Imported', 'Europe/Paris')`);
    expect(await seedDemoIfEmpty(ctx.database(), { now: NOW })).toEqual({ seeded: false });
    expect((await countSeeded(ctx.db())).teams).toBe(1);
  });

  it('refuses to seed a database that already has reps', async () => {
    await ctx.db().execute(sql`insert into reps (name, email) values ('Real Person', 'real@example.org')`);
    await expect(seedDemo(ctx.database(), { now: NOW, reps: 6, days: 10 })).rejects.toBeInstanceOf(SeedError);
    await expect(ensureBenchData(ctx.database(), { now: NOW, sizes: { reps: 6, days: 10 } })).rejects.toThrow(
      /not a bench data set/,
    );
  });

  it('seeds the bench data set once and reuses it, with every index back in place', async () => {
    const before = await indexNames(ctx.db());
    const sizes = { reps: 12, days: 20, leadsPerRepDay: 2 };
    const first = await ensureBenchData(ctx.database(), { now: NOW, sizes });
    expect(first.reused).toBe(false);
    expect(first.counts.activities).toBeGreaterThan(0);
    expect(await indexNames(ctx.db())).toEqual(before);
    // The load ran with the triggers off: the lead-to-close facts were built once after it, in full.
    const leadWins = () =>
      queryRows<Record<string, unknown>>(
        ctx.db(),
        sql`select lead_wins::text as f from lead_wins order by lead_id`,
      );
    const built = await leadWins();
    expect(built.length).toBeGreaterThan(0);
    await ctx.db().execute(sql`select tally_lead_wins_rebuild()`);
    expect(await leadWins()).toEqual(built);
    const again = await ensureBenchData(ctx.database(), { now: new Date(NOW.getTime() + 86_400_000), sizes });
    expect(again).toEqual({ reused: true, counts: first.counts, ms: 0 });
    // Deleting seeded rows makes the data set stale: it is seeded again.
    await ctx.db().execute(sql`delete from activities where id in (select id from activities limit 5)`);
    const reseeded = await ensureBenchData(ctx.database(), { now: NOW, sizes });
    expect(reseeded.reused).toBe(false);
    expect(reseeded.counts).toEqual(first.counts);
    const [restore] = await queryRows<{ pending: number }>(
      ctx.db(),
      sql`select count(*)::int as pending from seed_runs where restore_sql is not null`,
    );
    expect(restore!.pending).toBe(0);
  }, 120_000);

  it('reseeds the bench data set when it is more than 30 days old', async () => {
    const sizes = { reps: 10, days: 15, leadsPerRepDay: 1 };
    await ensureBenchData(ctx.database(), { now: NOW, sizes });
    const later = await ensureBenchData(ctx.database(), {
      now: new Date(NOW.getTime() + 40 * 86_400_000),
      sizes,
    });
    expect(later.reused).toBe(false);
    const [r] = await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from seed_runs`);
    expect(r!.n).toBe(1);
  }, 120_000);
});

describeDb('interrupted bulk loads', (ctx) => {
  it('puts dropped indexes and constraints back before the next seed', async () => {
    const before = await indexNames(ctx.db());
    const runId = await startSeedRun(ctx.db(), { profile: 'custom', seed: 1, options: {}, dataNow: NOW });
    const restore = await dropForBulkLoad(ctx.db());
    await setRestoreSql(ctx.db(), runId, restore);
    expect(restore.length).toBeGreaterThan(10);
    expect((await indexNames(ctx.db())).length).toBeLessThan(before.length);
    await seedDemo(ctx.database(), { now: NOW, reps: 6, days: 10 });
    expect(await indexNames(ctx.db())).toEqual(before);
    const [r] = await queryRows<{ pending: number }>(
      ctx.db(),
      sql`select count(*)::int as pending from seed_runs where restore_sql is not null`,
    );
    expect(r!.pending).toBe(0);
  }, 120_000);
});
