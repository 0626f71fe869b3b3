import type { Database, Db } from '../db/client.js';
import { queryRows, sql } from '../db/client.js';
import { buildInsertSql, ColumnBuffer, encodeArray, rawClient } from './bulk.js';
import { atLocal, buildCalendar, DAY, HOUR, isWorkday, type TeamCalendar } from './calendar.js';
import { generateInstalledBase } from './generate-deal.js';
import { type Buffers, companyName, generateLead, type LeadContext } from './generate-lead.js';
import { planOrg, teamAt } from './org-plan.js';
import { Random } from './random.js';
import { insertOrg, insertTargets } from './seed-org.js';
import { ACCOUNTS, ACTIVITIES, CONTRACTS, LEADS, OPPORTUNITIES } from './tables.js';
import type { SeedCounts, SeedOptions, SeedSummary } from './types.js';

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Defaults give a realistic small org that seeds in seconds on PGlite. */
export const DEFAULT_SEED_OPTIONS = {
  reps: 40,
  days: 180,
  seed: 42,
  leadsPerRepDay: 3,
  chunkSize: 25_000,
} as const;

/** Tables the seeder fills, in an order `truncate … cascade` accepts. */
export const SEEDED_TABLES = [
  'targets',
  'contracts',
  'activities',
  'opportunities',
  'accounts',
  'leads',
  'team_managers',
  'team_memberships',
  'reps',
  'teams',
];

/** Empties every seeded table (used by `--reset` and for a fresh bench load). */
export async function clearSeededTables(db: Db): Promise<void> {
  await rawClient(db).query(`truncate ${SEEDED_TABLES.join(', ')} restart identity cascade`, []);
}

/** Counts rows per seeded table (exact; cast to int on both drivers). */
export async function countSeeded(db: Db): Promise<SeedCounts> {
  const [r] = await queryRows<SeedCounts>(
    db,
    sql`select (select count(*) from teams)::int as "teams", (select count(*) from reps)::int as "reps",
               (select count(*) from team_memberships)::int as "teamMemberships", (select count(*) from leads)::int as "leads",
               (select count(*) from activities)::int as "activities", (select count(*) from accounts)::int as "accounts",
               (select count(*) from opportunities)::int as "opportunities", (select count(*) from contracts)::int as "contracts",
               (select count(*) from targets)::int as "targets"`,
  );
  return r!;
}

/**
 * Generates a deterministic demo org straight into the database: the same options (seed, sizes, now) give
 * the same rows. Refuses to write into a database that already has reps. Rows go in with set-based
 * `insert … select from unnest(…)` in chunks, so it scales to millions of activities.
 */
export async function seedDemo(
  database: Database,
  input: Partial<SeedOptions> & { now: Date },
): Promise<SeedSummary> {
  const o = { ...DEFAULT_SEED_OPTIONS, ...input };
  const progress = o.progress ?? (() => {});
  const started = Date.now();
  const db = database.db;
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from reps`);
  if ((existing?.n ?? 0) > 0)
    throw new SeedError('The database already has reps; seed an empty database (or use --reset).');

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
  const ctx: LeadContext = { now, buffers, ids: next };
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
    if (day % 30 === 29)
      progress(`day ${day + 1}/${o.days}: ${ctx.ids.lead - 1} leads so far (${Date.now() - started} ms)`);
  }
  await loader.flush(buffers);
  await loader.drain();
  await finishSeed(db);
  await insertTargets(db, ids, plan, o.now);
  const counts = await countSeeded(db);
  const ms = Date.now() - started;
  progress(`done in ${(ms / 1000).toFixed(1)} s: ${formatCounts(counts)}`);
  return { counts, ms };
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

/** Moves the id sequences past the ids the generator assigned, and refreshes planner statistics. */
async function finishSeed(db: Db): Promise<void> {
  const client = rawClient(db);
  for (const table of ['leads', 'accounts', 'opportunities', 'activities', 'contracts']) {
    await client.query(
      `select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from ${table}), 1))`,
      [],
    );
  }
  await client.query('analyze', []);
}

export function formatCounts(c: SeedCounts): string {
  return Object.entries(c)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
}

/**
 * Writes buffered rows in foreign-key order. Encoding happens at once (so buffers can refill) and the
 * statements run while the generator produces the next chunk; at most one chunk is in flight.
 */
class Loader {
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  readonly rows: Record<string, number> = {};
  constructor(private readonly db: Db) {}

  async flush(buffers: Buffers): Promise<void> {
    await this.drain();
    const batch = [
      buffers.leads,
      buffers.accounts,
      buffers.opportunities,
      buffers.activities,
      buffers.contracts,
    ]
      .filter((b) => b.length > 0)
      .map((b) => ({
        table: b.spec.table,
        n: b.length,
        text: buildInsertSql(b.spec),
        params: b.spec.columns.map((c, i) => encodeArray(b.cols[i]!, c.type)),
      }));
    for (const b of Object.values(buffers)) b.clear();
    const client = rawClient(this.db);
    this.pending = (async () => {
      for (const s of batch) {
        await client.query(s.text, s.params);
        this.rows[s.table] = (this.rows[s.table] ?? 0) + s.n;
      }
    })().catch((err: unknown) => {
      // Kept and rethrown by the next flush or drain, so a failed chunk is never an unhandled rejection.
      this.failure = err;
    });
  }

  async drain(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure;
  }
}

export { HOUR };
