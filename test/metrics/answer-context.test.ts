import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { recordArrival } from '../../src/ingest/origin.js';
import { getMetric, MetricsError, saveFiscalCalendar } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const headline = { target: false, trend: false, series: false };

describeDb('what an answer reads before its metric query', (ctx) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads the rep, the fiscal calendar and the last arrival, and answers in the rep team’s zone and fiscal quarter', async () => {
    const team = await addTeam(ctx.db(), 'Tokyo', { timezone: 'Asia/Tokyo' });
    const ana = await addRep(ctx.db(), 'Ana', team);
    // Tuesday 3 Nov 2026, 23:30 UTC is Wednesday 4 Nov, 08:30 in Tokyo.
    await addCall(ctx.db(), ana, '2026-11-03T23:30:00Z');
    await saveFiscalCalendar(ctx.db(), { kind: 'months', startMonth: 2 }, null);
    await recordArrival(ctx.db(), 'api', ['activities'], new Date('2026-11-23T11:00:00Z'));
    const r = await getMetric(
      { db: ctx.db(), defaultTimezone: 'UTC', now },
      { metric: 'calls', scope: { kind: 'rep', repId: ana }, period: 'this quarter', include: headline },
    );
    expect(r.scope.label).toBe('Ana');
    expect(r.period.timezone).toBe('Asia/Tokyo');
    // A February fiscal year: the quarter is November to January, from Tokyo's midnight.
    expect(r.period.start.toISOString()).toBe('2026-10-31T15:00:00.000Z');
    expect(r.value).toEqual({ kind: 'value', value: 1 });
    expect(r.freshness.lastArrival).toEqual({ source: 'api', at: new Date('2026-11-23T11:00:00Z') });
  });

  it('answers without a stored calendar or any arrival, and refuses unknown reps and teams', async () => {
    const deps = { db: ctx.db(), defaultTimezone: 'Europe/Berlin', now };
    const org = await getMetric(deps, { metric: 'winrate', scope: { kind: 'org' }, period: 'this quarter' });
    expect(org.period.timezone).toBe('Europe/Berlin');
    expect(org.period.start.toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(org.freshness.lastArrival).toBeNull();
    for (const scope of [
      { kind: 'rep' as const, repId: 4242 },
      { kind: 'team' as const, teamId: 4242 },
    ]) {
      const err = await getMetric(deps, { metric: 'calls', scope, period: '30d' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MetricsError);
      expect((err as MetricsError).code).toBe(scope.kind === 'rep' ? 'unknown_rep' : 'unknown_team');
    }
  });

  it('answers a rep’s calls headline again in two statements (the metric and the data version: the context is cached), a team’s in three', async () => {
    const east = await addTeam(ctx.db(), 'East');
    const ana = await addRep(ctx.db(), 'Ana', east);
    await addCall(ctx.db(), ana, '2026-11-20T10:00:00Z');
    // The data starts before this month: its working days count from the 1st (before-data.ts).
    await addCall(ctx.db(), ana, '2026-10-01T10:00:00Z');
    const deps = { db: ctx.db(), defaultTimezone: 'UTC', now };
    // A team's calls need the calling reps for "calls per rep per working day" (16 weekdays to Monday 23rd):
    // counted index-only by a second metric statement, run beside the team twin's (aggregate.ts, activeReps).
    for (const [scope, expected] of [
      [{ kind: 'rep' as const, repId: ana }, 2],
      [{ kind: 'team' as const, teamId: east }, 3],
    ] as const) {
      const query = { metric: 'calls' as const, scope, period: 'this month', include: headline };
      await getMetric(deps, query);
      const statements = vi.spyOn(pg.Client.prototype, 'query');
      const r = await getMetric(deps, query);
      expect(r.value).toEqual({ kind: 'value', value: 1 });
      expect(r.figures.find((f) => f.key === 'per_rep_day')?.value).toEqual({ kind: 'value', value: 1 / 16 });
      expect(statements, scope.kind).toHaveBeenCalledTimes(expected);
      statements.mockRestore();
    }
  });
});
