import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { recordSlackLookupMiss } from '../../src/access/queries.js';
import { type Db, sql } from '../../src/db/client.js';
import { readDataVersion } from '../../src/db/data-version.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { recordArrival } from '../../src/ingest/origin.js';
import { answerContextAt, labelUnnamed, namesAt } from '../../src/metrics/answer-context.js';
import { getMetric, saveFiscalCalendar } from '../../src/metrics/index.js';
import { createMetricAnswers } from '../../src/metrics/shared-answers.js';
import type { MetricDeps, MetricQuery } from '../../src/metrics/types.js';
import { finishSeedRun, startSeedRun } from '../../src/seed/seed-runs.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const headline = { target: false, trend: false, series: false };

/** A team "East" (UTC) with rep Ana (ana@example.com) and one call, and an empty team "West". */
async function eastAndWest(db: Db) {
  const east = await addTeam(db, 'East', { timezone: 'UTC' });
  const west = await addTeam(db, 'West', { timezone: 'America/Los_Angeles' });
  const ana = await addRep(db, 'Ana', east);
  await addCall(db, ana, '2026-11-20T10:00:00Z');
  return { east, west, ana };
}

const ingest = (db: Db, entity: 'teams' | 'reps', item: Record<string, unknown>) =>
  ingestBatch(db, { entity, items: [item] }, { timezone: 'UTC', now, source: 'api' }).then((r) => {
    expect(r.errors).toEqual([]);
  });

describeDb('the answer context cache', (ctx) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('every write to what an answer context holds moves the data version', async () => {
    const db = ctx.db();
    const { east, west, ana } = await eastAndWest(db);
    const writes: [string, () => Promise<unknown>][] = [
      ['a team’s zone (ingest)', () => ingest(db, 'teams', { name: 'East', timezone: 'Asia/Tokyo' })],
      ['a team’s week start (ingest)', () => ingest(db, 'teams', { name: 'East', week_starts_on: 0 })],
      [
        'a team’s zone (SQL)',
        () => db.execute(sql`update teams set timezone = 'Europe/Paris' where id = ${east}`),
      ],
      [
        'a team’s week start (SQL)',
        () => db.execute(sql`update teams set week_starts_on = 6 where id = ${east}`),
      ],
      ['a rep’s name (ingest)', () => ingest(db, 'reps', { email: 'ana@example.com', name: 'Ana Lima' })],
      ['a rep’s name (SQL)', () => db.execute(sql`update reps set name = 'Ana L.' where id = ${ana}`)],
      [
        'a rep’s team (ingest)',
        () =>
          ingest(db, 'reps', { email: 'ana@example.com', team: 'West', team_since: '2026-11-21T00:00:00Z' }),
      ],
      [
        'a rep’s team (SQL)',
        () =>
          db.execute(
            sql`update team_memberships set team_id = ${east} where rep_id = ${ana} and team_id = ${west}`,
          ),
      ],
      ['the fiscal calendar', () => saveFiscalCalendar(db, { kind: 'months', startMonth: 2 }, null)],
      ['the fiscal calendar removed', () => saveFiscalCalendar(db, null, null)],
      [
        'the fiscal calendar (SQL)',
        () => db.execute(sql`insert into org_settings (id, fiscal_year_start) values (1, 4)`),
      ],
      [
        'a data arrival alone',
        () => recordArrival(db, 'api', ['activities'], new Date('2026-11-23T11:00:00Z')),
      ],
      [
        'a data arrival (SQL)',
        () => db.execute(sql`update data_arrivals set last_at = last_at + interval '1 hour'`),
      ],
      [
        'a seed run',
        async () => {
          const id = await startSeedRun(db, { profile: 'demo', seed: 1, options: {}, dataNow: now });
          await finishSeedRun(db, id, {} as never);
        },
      ],
      ['a seed run completed (SQL)', () => db.execute(sql`update seed_runs set completed_at = now()`)],
    ];
    for (const [what, write] of writes) {
      const before = await readDataVersion(db);
      await write();
      expect(await readDataVersion(db), what).not.toBe(before);
    }
  });

  it('a remembered Slack lookup miss leaves the data version alone; what answers read of a rep moves it', async () => {
    const db = ctx.db();
    const { ana } = await eastAndWest(db);
    // A first start in a workspace where many reps are not in Slack writes one miss per rep: none may empty
    // the answer cache (migration 0039).
    let before = await readDataVersion(db);
    await recordSlackLookupMiss(db, ana, 'ana@example.com', now);
    await db.execute(sql`update reps set slack_lookup_missed_at = null, slack_lookup_missed_email = null`);
    expect(await readDataVersion(db)).toBe(before);
    const writes: [string, SQL][] = [
      ['zone', sql`update reps set timezone = 'Asia/Tokyo' where id = ${ana}`],
      ['role', sql`update reps set role = 'manager' where id = ${ana}`],
      ['active', sql`update reps set active = false where id = ${ana}`],
      ['email', sql`update reps set email = 'ana.lima@example.com' where id = ${ana}`],
      ['Slack id', sql`update reps set slack_user_id = 'U0ANA' where id = ${ana}`],
    ];
    for (const [what, write] of writes) {
      before = await readDataVersion(db);
      await db.execute(write);
      expect(await readDataVersion(db), what).not.toBe(before);
    }
  });

  for (const shared of [false, true]) {
    const how = shared ? 'through the sharing point' : 'computed directly';
    const depsOf = (db: Db): MetricDeps => ({
      db,
      defaultTimezone: 'UTC',
      now,
      // A cache of finished answers that never hits: every ask computes, so the context cache is what is tested.
      ...(shared
        ? { answers: createMetricAnswers({ dataVersion: () => readDataVersion(db), ttlMs: -1 }) }
        : {}),
    });

    it(`the very next answer after a change uses it (${how})`, async () => {
      const db = ctx.db();
      const { east, ana } = await eastAndWest(db);
      const deps = depsOf(db);
      const rep: MetricQuery = {
        metric: 'calls',
        scope: { kind: 'rep', repId: ana },
        period: 'this quarter',
      };
      const team: MetricQuery = {
        metric: 'calls',
        scope: { kind: 'team', teamId: east },
        period: 'this week',
      };
      const first = await getMetric(deps, rep);
      expect(first.period.timezone).toBe('UTC');
      expect(first.period.start.toISOString()).toBe('2026-10-01T00:00:00.000Z');
      expect((await getMetric(deps, team)).period.start.toISOString()).toBe('2026-11-23T00:00:00.000Z');

      // A team's zone changed by hand-written SQL (only the statement trigger moves the version).
      await db.execute(sql`update teams set timezone = 'Asia/Tokyo' where id = ${east}`);
      const tokyo = await getMetric(deps, rep);
      expect(tokyo.period.timezone).toBe('Asia/Tokyo');
      expect(tokyo.period.start.toISOString()).toBe('2026-09-30T15:00:00.000Z');

      // The week start, through the ingest API: Sunday.
      await ingest(db, 'teams', { name: 'East', week_starts_on: 0 });
      expect((await getMetric(deps, team)).period.start.toISOString()).toBe('2026-11-21T15:00:00.000Z');

      // The fiscal calendar: a February year makes this quarter November to January.
      await saveFiscalCalendar(db, { kind: 'months', startMonth: 2 }, null);
      expect((await getMetric(deps, rep)).period.start.toISOString()).toBe('2026-10-31T15:00:00.000Z');
      // By SQL, a March year: September to November.
      await db.execute(sql`update org_settings set fiscal_year_start = 3 where id = 1`);
      expect((await getMetric(deps, rep)).period.start.toISOString()).toBe('2026-08-31T15:00:00.000Z');

      // A rename and a move to another team's zone.
      await ingest(db, 'reps', { email: 'ana@example.com', name: 'Ana Lima' });
      expect((await getMetric(deps, rep)).scope.label).toBe('Ana Lima');
      await ingest(db, 'reps', {
        email: 'ana@example.com',
        team: 'West',
        team_since: '2026-11-21T00:00:00Z',
      });
      expect((await getMetric(deps, rep)).period.timezone).toBe('America/Los_Angeles');

      // A data arrival (the teams and reps written above are not what calls read).
      expect((await getMetric(deps, rep)).freshness.lastArrival).toBeNull();
      await recordArrival(db, 'slack', ['activities'], new Date('2026-11-23T11:59:00Z'));
      expect((await getMetric(deps, rep)).freshness.lastArrival).toEqual({
        source: 'slack',
        at: new Date('2026-11-23T11:59:00Z'),
      });
    });
  }

  it('a repeated answer reads no context: only the data version and the metric query', async () => {
    const db = ctx.db();
    const { ana } = await eastAndWest(db);
    const query: MetricQuery = {
      metric: 'calls',
      scope: { kind: 'rep', repId: ana },
      period: '30d',
      include: headline,
    };
    for (const deps of [
      { db, defaultTimezone: 'UTC', now },
      {
        db,
        defaultTimezone: 'UTC',
        now,
        answers: createMetricAnswers({ dataVersion: () => readDataVersion(db), ttlMs: -1 }),
      },
    ]) {
      await getMetric(deps, query);
      const statements = vi.spyOn(pg.Client.prototype, 'query');
      const r = await getMetric(deps, query);
      expect(r.value).toEqual({ kind: 'value', value: 1 });
      const texts = statements.mock.calls.map(([q]) => String((q as { text?: string }).text ?? q));
      expect(texts, texts.join('\n')).toHaveLength(2);
      expect(texts.filter((t) => t.includes('tally_data_version'))).toHaveLength(1);
      expect(texts.some((t) => t.includes('org_settings'))).toBe(false);
      statements.mockRestore();
    }
  });

  it('a split by team reads the zones of its rows once per data version, and a zone change shows at once', async () => {
    const db = ctx.db();
    const { east } = await eastAndWest(db);
    const deps = { db, defaultTimezone: 'UTC', now };
    const query: MetricQuery = {
      metric: 'calls',
      scope: { kind: 'org' },
      period: '30d',
      by: 'team',
      include: headline,
    };
    // West (Los Angeles) has no calls, so no row: the note counts none of the rows shown.
    const zoneNotes = (r: { notes: string[] }) => r.notes.filter((n) => n.includes('zone of'));
    expect(zoneNotes(await getMetric(deps, query))).toEqual([]);
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    expect(zoneNotes(await getMetric(deps, query))).toEqual([]);
    const texts = statements.mock.calls.map(([q]) => String((q as { text?: string }).text ?? q));
    expect(
      texts.filter((t) => t.includes('from teams where coalesce(timezone')),
      texts.join('\n'),
    ).toEqual([]);
    statements.mockRestore();
    // East, the row shown, moves to Tokyo: the very next answer notes it.
    await db.execute(sql`update teams set timezone = 'Asia/Tokyo' where id = ${east}`);
    expect(zoneNotes(await getMetric(deps, query))).toEqual([
      expect.stringContaining('1 team has a zone of its own'),
    ]);
  });

  it('a split by rep or team is labelled from names read once per data version, and a rename shows at once', async () => {
    const db = ctx.db();
    const { east, ana } = await eastAndWest(db);
    const deps = { db, defaultTimezone: 'UTC', now };
    const ask = (by: 'rep' | 'team') =>
      getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: '30d', by, include: headline });
    const labels = async (by: 'rep' | 'team') => (await ask(by)).segments!.rows.map((r) => r.label);
    expect(await labels('rep')).toEqual(['Ana']);
    expect(await labels('team')).toEqual(['East']);
    // Asked again under the same version: no statement reads a name, in the split's or on its own.
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    expect(await labels('rep')).toEqual(['Ana']);
    const texts = statements.mock.calls.map(([q]) => String((q as { text?: string }).text ?? q));
    expect(
      texts.filter((t) => /\bname\b/.test(t)),
      texts.join('\n'),
    ).toEqual([]);
    statements.mockRestore();
    await db.execute(sql`update reps set name = 'Ana Lima' where id = ${ana}`);
    expect(await labels('rep')).toEqual(['Ana Lima']);
    await db.execute(sql`update teams set name = 'East Coast' where id = ${east}`);
    expect(await labels('team')).toEqual(['East Coast']);
    // Calls with no rep (a rep removed from the data) are "No rep", as before.
    await db.execute(sql`update activities set rep_id = null`);
    expect(await labels('rep')).toEqual(['No rep']);
  });

  it('a rep created after the names were read is labelled by name, not "No rep"', async () => {
    const db = ctx.db();
    const { ana } = await eastAndWest(db);
    // The names as an answer read them under this version; Bo arrives before its split's statement runs.
    const names = await namesAt(db, 'rep', await readDataVersion(db));
    const bo = await addRep(db, 'Bo');
    const segment = (key: string | null, label: string) => ({ key, label, n: 1 });
    const split = [segment(String(ana), 'Ana'), segment(String(bo), 'No rep'), segment(null, 'No rep')];
    expect((await labelUnnamed(db, 'rep', split, names)).map((s) => s.label)).toEqual([
      'Ana',
      'Bo',
      'No rep',
    ]);
    // Every id known: no statement.
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    const known = [segment(String(ana), 'Ana'), segment(null, 'No rep')];
    expect(await labelUnnamed(db, 'rep', known, names)).toBe(known);
    expect(statements).not.toHaveBeenCalled();
  });

  it('an answer still computing under an older version does not push newer versions out of the cache', async () => {
    const db = ctx.db();
    const { ana } = await eastAndWest(db);
    const deps = { db, defaultTimezone: 'UTC' };
    const scope = { kind: 'rep' as const, repId: ana };
    // Versions far above this database's, so no other answer's entries are involved.
    await answerContextAt(deps, scope, 'calls', '1000000010');
    await answerContextAt(deps, scope, 'calls', '1000000011');
    await answerContextAt(deps, scope, 'calls', '1000000009');
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    await answerContextAt(deps, scope, 'calls', '1000000010');
    await answerContextAt(deps, scope, 'calls', '1000000011');
    expect(statements).not.toHaveBeenCalled();
  });
});
