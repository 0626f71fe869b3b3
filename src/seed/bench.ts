import type { Database } from '../db/client.js';
import { rawClient } from './bulk.js';
import { dropForBulkLoad, runStatements } from './bulk-indexes.js';
import { generateData, isOrgEmpty, resolveSeedOptions, SeedError } from './seed.js';
import {
  clearSeededTables,
  countSeeded,
  findLatestSeedRun,
  finishSeedRun,
  setRestoreSql,
  startSeedRun,
} from './seed-runs.js';
import type { BenchDataResult, SeedCounts, SeedOptions } from './types.js';

/** Sizes of the benchmark data set: comfortably above 500 reps, 1M leads, 10M activities, 1M deals. */
export const BENCH_OPTIONS = { reps: 600, days: 730, leadsPerRepDay: 10.5, chunkSize: 50_000 } as const;
export const BENCH_MINIMUM: Pick<SeedCounts, 'reps' | 'leads' | 'activities' | 'opportunities'> = {
  reps: 500,
  leads: 1_000_000,
  activities: 10_000_000,
  opportunities: 1_000_000,
};
/** A reused data set older than this is regenerated, so "last 30 days" still has data in it. */
const MAX_AGE_DAYS = 30;

/**
 * Makes sure the database holds the benchmark data set (see `BENCH_OPTIONS`, 730 days up to `now`).
 * Reuses a complete earlier bench seed (recorded in `seed_runs`) when it is recent and its row counts
 * still match; otherwise seeds it afresh. Refuses a database holding other data (point the bench at a
 * dedicated database). Secondary indexes and foreign keys are dropped for the load and
 * rebuilt after it; an interrupted load puts them back on the next call.
 */
export async function ensureBenchData(
  database: Database,
  options: {
    now: Date;
    progress?: (line: string) => void;
    seed?: number | undefined;
    /** Reseed even when a complete bench data set is present. */
    reset?: boolean;
    /** Smaller sizes, for tests of the reuse logic; the bench itself uses `BENCH_OPTIONS`. */
    sizes?: Partial<Pick<SeedOptions, 'reps' | 'days' | 'leadsPerRepDay' | 'chunkSize'>>;
  },
): Promise<BenchDataResult> {
  const db = database.db;
  const progress = options.progress ?? (() => {});
  const last = await findLatestSeedRun(db, 'bench');
  if (last?.restoreSql) {
    progress('An earlier bench load was interrupted: emptying the tables and restoring their indexes');
    await clearSeededTables(db);
    await runStatements(db, last.restoreSql, progress);
  } else if (last?.completedAt && last.counts && !options.reset) {
    const ageDays = (options.now.getTime() - last.dataNow.getTime()) / 86_400_000;
    const current = await countSeeded(db);
    if (ageDays <= MAX_AGE_DAYS && ageDays >= -1 && sameCounts(current, last.counts)) {
      return { reused: true, counts: current, ms: 0 };
    }
    progress(`The bench data set is ${ageDays.toFixed(0)} days old or was changed: seeding it again`);
  }
  if (!(await isOrgEmpty(db))) {
    if (!last && !options.reset) {
      throw new SeedError(
        'This database holds data that is not a bench data set; point the bench at an empty database (e.g. tally_bench) or pass --reset.',
      );
    }
    await clearSeededTables(db);
  }

  const started = Date.now();
  const sizes = { ...BENCH_OPTIONS, ...options.sizes };
  const o = resolveSeedOptions({ ...sizes, now: options.now, progress, seed: options.seed ?? 42 });
  const runId = await startSeedRun(db, {
    profile: 'bench',
    seed: o.seed,
    options: sizes,
    dataNow: o.now,
  });
  const restore = await dropForBulkLoad(db);
  await setRestoreSql(db, runId, restore);
  progress(`dropped ${restore.length} indexes and constraints for the load`);
  await generateData(db, o);
  if (restore.length > 0) {
    await runStatements(db, restore, progress);
    await setRestoreSql(db, runId, null);
  }
  const t = Date.now();
  // VACUUM as well as ANALYZE: it sets the visibility map, as autovacuum does on a running database, so
  // index-only scans skip the heap. A server with autovacuum off (this project's CI machine) would
  // otherwise never set it, and the bench would time heap reads no production database pays.
  await rawClient(db).query('vacuum (analyze)', []);
  progress(`vacuum and analyze (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const counts = await countSeeded(db);
  await finishSeedRun(db, runId, counts);
  for (const [k, min] of options.sizes ? [] : Object.entries(BENCH_MINIMUM)) {
    if (counts[k as keyof SeedCounts] < min)
      progress(`warning: ${k} ${counts[k as keyof SeedCounts]} < ${min}`);
  }
  return { reused: false, counts, ms: Date.now() - started };
}

/** The big tables still hold what was seeded (targets and the like may be edited by a bench run). */
function sameCounts(a: SeedCounts, b: SeedCounts): boolean {
  const keys = ['reps', 'leads', 'activities', 'opportunities', 'accounts', 'contracts'] as const;
  return keys.every((k) => a[k] === b[k]);
}
