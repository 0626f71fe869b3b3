import type { Database, Db } from '../db/client.js';
import { queryRows, sql } from '../db/client.js';
import type { Logger } from '../logger.js';
import { formatCount } from '../numbers/count.js';
import { ColumnBuffer, rawClient } from './bulk.js';
import { dropForBulkLoad, restorePendingIndexes, runStatements } from './bulk-indexes.js';
import { atLocal, buildCalendar, DAY, isWorkday, type TeamCalendar } from './calendar.js';
import { generateInstalledBase } from './generate-deal.js';
import { type Buffers, companyName, generateLead, type LeadContext } from './generate-lead.js';
import { Loader } from './loader.js';
import { planOrg, teamAt } from './org-plan.js';
import { Random } from './random.js';
import { insertOrg, insertTargets } from './seed-org.js';
import { countSeeded, finishSeedRun, type SeedProfile, setRestoreSql, startSeedRun } from './seed-runs.js';
import { ACCOUNTS, ACTIVITIES, CONTRACTS, LEADS, OPPORTUNITIES } from './tables.js';
import type { SeedCounts, SeedOptions, SeedSummary } from './types.js';

export class SeedError extends Error {
  override name = 'SeedError';
}

/**
 * Defaults give a realistic small org that seeds in seconds on PGlite: the demo of `npm start`. A year of
 * history, so every recent month and quarter and the year to date are past the first weeks' build-up
 * (deals take weeks to close, so a history's first month has few wins); 1.5 new leads per rep and working
 * day, so the year costs what half a year at 3 a day did.
 */
export const DEFAULT_SEED_OPTIONS = {
  reps: 40,
  days: 365,
  seed: 42,
  leadsPerRepDay: 1.5,
  chunkSize: 25_000,
} as const;

/** Options with defaults applied. */
export function resolveSeedOptions(input: Partial<SeedOptions> & { now: Date }): SeedOptions {
  return { ...DEFAULT_SEED_OPTIONS, ...input };
}

/**
 * Whether the database has never held data: no row in any org or sales table, and no import or ingest
 * ever recorded in data_sources (a database that received only accounts is not empty).
 */
export async function isOrgEmpty(db: Db): Promise<boolean> {
  const [row] = await queryRows<{ empty: boolean }>(
    db,
    sql`select not exists (select 1 from reps) and not exists (select 1 from teams)
               and not exists (select 1 from leads) and not exists (select 1 from accounts)
               and not exists (select 1 from opportunities) and not exists (select 1 from activities)
               and not exists (select 1 from contracts) and not exists (select 1 from data_sources) as empty`,
  );
  return row?.empty === true;
}

/** Throws a `SeedError` unless the org tables are empty (the seeder never mixes with real data). */
export async function assertOrgEmpty(db: Db): Promise<void> {
  if (!(await isOrgEmpty(db))) {
    throw new SeedError(
      'The database already holds data (or has received an import); seed an empty database (or use --reset).',
    );
  }
}

/**
 * Generates a deterministic demo org straight into the database: the same options (seed, sizes, now) give
 * the same rows. Refuses to write into a database that already has teams, reps or leads. Rows go in with set-based
 * `insert … select from unnest(…)` in chunks, so it scales to millions of activities.
 */
export async function seedDemo(
  database: Database,
  input: Partial<SeedOptions> & { now: Date; profile?: SeedProfile },
): Promise<SeedSummary> {
  const o = resolveSeedOptions(input);
  const started = Date.now();
  const db = database.db;
  const progress = o.progress ?? (() => {});
  await restorePendingIndexes(db, progress);
  await assertOrgEmpty(db);
  const { progress: _p, logger: _l, ...recorded } = o;
  const runId = await startSeedRun(db, {
    profile: input.profile ?? 'custom',
    seed: o.seed,
    options: recorded,
    dataNow: o.now,
  });
  // Loads go faster without secondary indexes and foreign keys, rebuilt once after: always on PGlite
  // (about twice as fast; nobody else uses the embedded database meanwhile), for big loads on Postgres.
  const bulk = database.kind === 'pglite' || o.reps * o.days * o.leadsPerRepDay >= BULK_LOAD_THRESHOLD;
  const restore = bulk ? await dropForBulkLoad(db) : [];
  if (bulk) await setRestoreSql(db, runId, restore);
  await generateData(db, o);
  if (bulk) {
    await runStatements(db, restore, progress);
    await setRestoreSql(db, runId, null);
  }
  await rawClient(db).query('analyze', []);
  const counts = await countSeeded(db);
  await finishSeedRun(db, runId, counts);
  const ms = Date.now() - started;
  progress(`done in ${(ms / 1000).toFixed(1)} s: ${formatCounts(counts)}`);
  return { counts, ms };
}

/**
 * Seeds the default demo org when the database has no teams, reps or leads yet (first start on a fresh machine), else does
 * nothing. Safe when several instances start together: one seeds, the others find reps and skip.
 */
export async function seedDemoIfEmpty(
  database: Database,
  options: { now: Date; logger?: Logger },
): Promise<{ seeded: boolean; summary?: SeedSummary }> {
  return database.withAdvisoryLock(DEMO_SEED_LOCK, async () => {
    if (!(await isOrgEmpty(database.db))) return { seeded: false };
    options.logger?.info('Database is empty: seeding the demo org');
    const summary = await seedDemo(database, { now: options.now, profile: 'demo' });
    options.logger?.info({ counts: summary.counts, ms: summary.ms }, 'Demo org seeded');
    return { seeded: true, summary };
  });
}

/** reps × days × leads per day above which a Postgres load drops and rebuilds indexes (~0.5M leads). */
const BULK_LOAD_THRESHOLD = 500_000;

/** Advisory lock key for the start-up demo seed. */
const DEMO_SEED_LOCK = 724_211_042;

/**
 * Writes the org and its whole history (everything except statistics): teams and people, the installed
 * base, then leads day by day with their activities, deals, accounts and contracts, then targets.
 */
export async function generateData(db: Db, o: SeedOptions): Promise<void> {
  const progress = o.progress ?? (() => {});
  const started = Date.now();
  const now = o.now.getTime();
  const start = now - o.days * DAY;
  const plan = planOrg(o.reps, o.seed, start, now);
  const ids = await insertOrg(db, plan);
  progress(`org: ${plan.teams.length} teams, ${plan.reps.length} people (${Date.now() - started} ms)`);

  // A week of slack before the window, and the future a deal or meeting may reach into.
  const cals: TeamCalendar[] = plan.teams.map((t) => buildCalendar(t.timezone, start, o.days + 2, 400));
  const buffers: Buffers = {
    leads: new ColumnBuffer(LEADS),
    accounts: new ColumnBuffer(ACCOUNTS),
    opportunities: new ColumnBuffer(OPPORTUNITIES),
    activities: new ColumnBuffer(ACTIVITIES),
    contracts: new ColumnBuffer(CONTRACTS),
  };
  const next = await nextIds(db);
  const ctx: LeadContext = {
    now,
    buffers,
    ids: { ...next },
    details: new Random(o.seed, 2_000_005),
    templates: new Random(o.seed, 2_000_007),
  };
  const loader = new Loader(db);
  const rngs = plan.reps.map((r) => new Random(o.seed, 10_000 + r.index));
  const sellers = plan.reps.filter((r) => r.selling);
  const baseRng = new Random(o.seed, 2_000_003);
  generateInstalledBase(ctx, baseRng, sellers.length * 8, start, () => companyName(baseRng));

  // Day by day across all reps, so ids follow time as in a real CRM (the physical order matters for speed).
  for (let day = 0; day <= o.days; day++) {
    for (const rep of sellers) {
      const rng = rngs[rep.index]!;
      const noonUtc = atLocal(cals[0]!, day, 12);
      const teamIndex = teamAt(rep, noonUtc);
      if (teamIndex < 0) continue;
      const cal = cals[teamIndex]!;
      const from = rep.memberships.find((m) => m.teamIndex === teamIndex)!.from;
      const tenureDays = (noonUtc - rep.memberships[0]!.from) / DAY;
      const ramp = Math.min(1, 0.35 + tenureDays / 90);
      const mean = o.leadsPerRepDay * rep.traits.volume * ramp * (isWorkday(cal, day) ? 1 : 0.08);
      const n = rng.poisson(mean);
      for (let k = 0; k < n; k++) {
        // Mostly during working hours in the team's zone; web forms arrive around the clock.
        const hour = rng.chance(0.85) ? 8 + rng.next() * 10 : rng.next() * 24;
        const createdAt = Math.round(atLocal(cal, day, hour));
        if (createdAt > now || createdAt < start || createdAt < from) continue;
        generateLead(ctx, rng, rep, ids.repIds[rep.index]!, plan.teams[teamIndex]!, cal, createdAt);
      }
      if (buffers.activities.length >= o.chunkSize || buffers.leads.length >= o.chunkSize) {
        await loader.flush(buffers);
      }
    }
    if (day % Math.max(30, Math.ceil(o.days / 8)) === 0 && day > 0) {
      const a = ctx.ids.activity - next.activity;
      progress(
        `day ${day}/${o.days}: ${ctx.ids.lead - next.lead} leads, ${a} activities (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  await loader.flush(buffers);
  const drainStart = Date.now();
  await loader.drain();
  loader.waitMs += Date.now() - drainStart;
  progress(
    `waited ${(loader.waitMs / 1000).toFixed(1)} s for the database, ${(loader.encodeMs / 1000).toFixed(1)} s encoding`,
  );
  for (const [table, n] of Object.entries(loader.rows)) progress(`${table}: ${formatCount(n)} rows`);
  await setSequences(db);
  await insertTargets(db, ids, plan, o.now);
  progress(`generated and loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** First free id per table, so seeded rows never collide with rows imported before. */
async function nextIds(db: Db) {
  const [r] = await queryRows<{
    lead: number;
    account: number;
    opportunity: number;
    activity: number;
    contract: number;
  }>(
    db,
    sql`select (select coalesce(max(id), 0) + 1 from leads)::int as lead, (select coalesce(max(id), 0) + 1 from accounts)::int as account,
               (select coalesce(max(id), 0) + 1 from opportunities)::int as opportunity,
               (select coalesce(max(id), 0) + 1 from activities)::float8 as activity,
               (select coalesce(max(id), 0) + 1 from contracts)::int as contract`,
  );
  return r!;
}

/** Moves the id sequences past the ids the generator assigned. */
async function setSequences(db: Db): Promise<void> {
  const client = rawClient(db);
  for (const table of ['leads', 'accounts', 'opportunities', 'activities', 'contracts']) {
    await client.query(
      `select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from ${table}), 1))`,
      [],
    );
  }
}

export function formatCounts(c: SeedCounts): string {
  return Object.entries(c)
    .map(([k, v]) => `${k} ${formatCount(v)}`)
    .join(', ');
}
