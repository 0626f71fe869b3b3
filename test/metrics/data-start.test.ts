import { expect, it } from 'vitest';
import { getMetric } from '../../src/metrics/index.js';
import { setTarget } from '../../src/metrics/targets.js';
import type { MetricId, MetricResult } from '../../src/metrics/types.js';
import { targetLine } from '../../src/slack/blocks/answer-parts.js';
import { buildScorecardBlocks } from '../../src/slack/blocks/scorecard.js';
import { describeDb } from '../helpers/db.js';
import { addActivity, addCall, addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC. The org's records start on Friday 5 Dec 2025.
const now = new Date('2026-11-23T12:00:00Z');
const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const NOTE =
  'The figures cover 5 Dec 2025 onward: there is no activity before then, though this period began earlier.';

/**
 * A period that began before the org's first record (helper-167's M2: `calls org 2025` with data from
 * 5 Dec 2025 said "3% attained · off track" and 0.2 calls a day, both spread over the whole year).
 */
describeDb('a period that began before the data', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA', { timezone: 'Europe/Berlin' });
    const ana = await addRep(db, 'Ana', emea, '2020-01-01T00:00:00Z');
    // Ten calls: Fri 5 Dec 2025 10:00 Berlin, then one each weekday from Mon 8 Dec.
    await addCall(db, ana, '2025-12-05T09:00:00Z');
    for (const d of ['08', '09', '10', '11', '12', '15', '16', '17', '18'])
      await addCall(db, ana, `2025-12-${d}T09:00:00Z`);
    await addCall(db, ana, '2026-11-20T09:00:00Z');
    const setBy = { setByRepId: null, now };
    await setTarget(db, {
      metric: 'calls',
      scope: { kind: 'org' },
      periodKind: 'quarter',
      value: 500,
      ...setBy,
    });
    return { db, emea, ana, deps: { db, defaultTimezone: 'Europe/Berlin', now } };
  }

  it('counts working days from the first record and shows the target without judging it', async () => {
    const { deps } = await seed();
    const r = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: '2025' });
    expect(r.value).toEqual({ kind: 'value', value: 10 });
    // Weekdays from Fri 5 Dec to Wed 31 Dec 2025: 1 + 5 + 5 + 5 + 3 = 19, one calling rep.
    expect(fig(r, 'per_rep_day')).toEqual({ kind: 'value', value: 10 / 19 });
    expect(r.notes).toContain(NOTE);
    expect(r.target).toMatchObject({
      targetForPeriod: 2_000,
      attainment: null,
      pace: null,
      status: null,
      dataStartsOn: '5 Dec 2025',
    });
    expect(targetLine(r)).toBe('Target 2,000 · :white_circle: not judged: records start 5 Dec 2025');
    // 2024 lies wholly before the data: it compares with nothing, as before.
    expect(r.trend?.previous.dataStartsAt?.toISOString()).toBe('2025-12-05T09:00:00.000Z');
  });

  it('narrows the per-day figures of a team and a rep too, and of December 2025', async () => {
    const { deps, emea, ana } = await seed();
    for (const scope of [
      { kind: 'team' as const, teamId: emea },
      { kind: 'rep' as const, repId: ana },
    ]) {
      const r = await getMetric(deps, { metric: 'calls', scope, period: '2025' });
      expect(fig(r, 'per_rep_day')).toEqual({ kind: 'value', value: 10 / 19 });
      expect(r.notes).toContain(NOTE);
    }
    const dec = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: '2025-12' });
    expect(fig(dec, 'per_rep_day')).toEqual({ kind: 'value', value: 10 / 19 });
    expect(dec.notes).toContain(NOTE);
  });

  it('says nothing when the period began on or after the first record’s day', async () => {
    const { deps } = await seed();
    for (const period of ['this month', '2025-12-05..2025-12-12', 'last 30 days']) {
      const r = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period });
      expect(
        r.notes.filter((n) => n.startsWith('The figures cover')),
        period,
      ).toEqual([]);
    }
    // From Fri 5 Dec (its first day holds the first call, at 10:00) to Fri 12 Dec: 6 weekdays, 6 calls.
    const week = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'org' },
      period: '2025-12-05..2025-12-12',
    });
    expect(fig(week, 'per_rep_day')).toEqual({ kind: 'value', value: 6 / 6 });
    // The running year is judged as ever: 1 call of 2,000.
    const year = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: 'this year' });
    expect(year.target?.status).toBe('off_track');
    expect(year.target?.dataStartsOn).toBeUndefined();
  });

  it('adds no start note beside "no data" or to coverage, which looks ahead', async () => {
    // Tester helper-169: response time with no leads said "no leads created" and "the figures cover 5 Dec";
    // coverage 2025 carried the note beside its "no data".
    const { deps } = await seed();
    for (const metric of ['response', 'coverage', 'winrate'] as const) {
      const r = await getMetric(deps, { metric, scope: { kind: 'org' }, period: '2025' });
      expect(r.value.kind, metric).toBe('no_data');
      expect(
        r.notes.filter((n) => n.startsWith('The figures cover')),
        metric,
      ).toEqual([]);
    }
  });

  it('still judges a rate’s target, and names deals for a deal metric', async () => {
    const { db, deps, ana } = await seed();
    await addOpp(db, ana, {
      created: '2025-12-01T09:00:00Z',
      closed: '2025-12-10T09:00:00Z',
      outcome: 'won',
    });
    await addOpp(db, ana, {
      created: '2025-12-01T09:00:00Z',
      closed: '2025-12-11T09:00:00Z',
      outcome: 'lost',
    });
    await setTarget(db, {
      metric: 'winrate',
      scope: { kind: 'org' },
      periodKind: 'quarter',
      value: 0.4,
      setByRepId: null,
      now,
    });
    const r = await getMetric(deps, { metric: 'winrate', scope: { kind: 'org' }, period: '2025' });
    expect(r.value).toEqual({ kind: 'value', value: 0.5 });
    expect(r.target).toMatchObject({ attainment: 1.25, status: 'on_track' });
    expect(r.target?.dataStartsOn).toBeUndefined();
    expect(r.notes).toContain(
      'The figures cover 1 Dec 2025 onward: there are no deals before then, though this period began earlier.',
    );
  });

  it('footnotes a scorecard with the days its figures cover, once per note (helper-169, low #7)', async () => {
    const { db, deps, ana } = await seed();
    await addOpp(db, ana, {
      created: '2025-12-01T09:00:00Z',
      closed: '2025-12-10T09:00:00Z',
      outcome: 'won',
    });
    const ask = (metric: MetricId) => getMetric(deps, { metric, scope: { kind: 'org' }, period: '2025' });
    const results = [await ask('calls'), await ask('meetings'), await ask('winrate')];
    // Meetings: none at all, so no figures and no note beside its "no data".
    expect(results.map((r) => r.startNote ?? null)).toEqual([
      NOTE,
      null,
      'The figures cover 1 Dec 2025 onward: there are no deals before then, though this period began earlier.',
    ]);
    const blocks = buildScorecardBlocks({ title: 'Scorecard', results, now, staleAfterHours: 24 });
    const footer = JSON.stringify(blocks.at(-1));
    expect(footer).toContain(`:information_source: Calls: ${NOTE}`);
    expect(footer).toContain(
      ':information_source: Win rate: The figures cover 1 Dec 2025 onward: there are no deals before then, though this period began earlier.',
    );
    // 2026 began after both first records: no footnote.
    const later = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: '2026' });
    const plain = buildScorecardBlocks({ title: 'S', results: [later], now, staleAfterHours: 24 });
    expect(JSON.stringify(plain)).not.toContain('The figures cover');
  });
});

/**
 * A period whose days before the first record are all weekend days lost no working day (fresh tester
 * helper-206: November, begun on Sunday 1 Nov, with records from Monday 2 Nov, showed its 0 calls as
 * "not judged: records start 2 Nov 2026").
 */
describeDb('a period whose days before the data are a weekend', (ctx) => {
  it('judges its target as any other period', async () => {
    const db = ctx.db();
    const later = new Date('2026-12-06T12:00:00Z');
    const team = await addTeam(db, 'R&D', { timezone: 'UTC' });
    const ana = await addRep(db, 'Ana', team, '2020-01-01T00:00:00Z');
    // The org's first activity: an email on Monday 2 Nov 2026; no calls at all.
    await addActivity(db, {
      repId: ana,
      kind: 'email',
      direction: 'outbound',
      occurredAt: new Date('2026-11-02T09:00:00Z'),
    });
    await setTarget(db, {
      metric: 'calls',
      scope: { kind: 'team', teamId: team },
      periodKind: 'week',
      value: 20,
      setByRepId: null,
      now: later,
    });
    const deps = { db, defaultTimezone: 'UTC', now: later };
    const november = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: team },
      period: 'last month',
    });
    expect(november.value).toEqual({ kind: 'value', value: 0 });
    // 21 weekdays in November 2026 × 20 a week ÷ 5.
    expect(november.target).toMatchObject({ targetForPeriod: 84, attainment: 0, status: 'off_track' });
    expect(november.target?.dataStartsOn).toBeUndefined();
    // A period with a weekday before the data is still not judged: 30 Oct (a Friday) to 6 Nov.
    const week = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: team },
      period: '2026-10-30..2026-11-06',
    });
    expect(week.target).toMatchObject({ attainment: null, status: null, dataStartsOn: '2 Nov 2026' });
  });
});
