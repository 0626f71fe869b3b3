import { expect, it } from 'vitest';
import { getMetric } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

describeDb('metrics skeleton', (ctx) => {
  it('counts calls and computes win rate for a team', async () => {
    const db = ctx.db();
    const team = await addTeam(db, 'EMEA');
    const ana = await addRep(db, 'Ana', team);
    await addCall(db, ana, '2026-11-02T10:00:00Z', { connected: true, seconds: 120 });
    await addCall(db, ana, '2026-11-03T10:00:00Z');
    await addOpp(db, ana, {
      created: '2026-10-01T00:00:00Z',
      closed: '2026-11-05T00:00:00Z',
      outcome: 'won',
      amount: 1000,
    });
    await addOpp(db, ana, {
      created: '2026-10-01T00:00:00Z',
      closed: '2026-11-06T00:00:00Z',
      outcome: 'lost',
    });
    const deps = { db, defaultTimezone: 'UTC', now };
    const calls = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: team },
      period: 'this month',
      by: 'rep',
    });
    expect(calls.value).toEqual({ kind: 'value', value: 2 });
    expect(calls.series).toHaveLength(8);
    expect(calls.segments?.rows[0]?.label).toBe('Ana');
    const win = await getMetric(deps, { metric: 'winrate', scope: { kind: 'org' }, period: 'this month' });
    expect(win.value).toEqual({ kind: 'value', value: 0.5 });
  });
});

describeDb('every metric runs', (ctx) => {
  it('answers every metric for org, team and rep, split by each dimension, on an empty database', async () => {
    const db = ctx.db();
    const team = await addTeam(db, 'EMEA', { timezone: 'Europe/Berlin' });
    const ana = await addRep(db, 'Ana', team);
    const deps = { db, defaultTimezone: 'UTC', now };
    const { METRICS } = await import('../../src/metrics/index.js');
    for (const m of METRICS) {
      for (const scope of [
        { kind: 'org' as const },
        { kind: 'team' as const, teamId: team },
        { kind: 'rep' as const, repId: ana },
      ]) {
        const r = await getMetric(deps, { metric: m.id, scope, period: m.defaultPeriod });
        // Ana owns no record at all: her answers say so, with no trend or sparkline over nothing.
        expect(r.series).toHaveLength(scope.kind === 'rep' ? 0 : 8);
        expect(r.freshness.noneOwned !== undefined).toBe(scope.kind === 'rep');
        for (const by of m.dimensions) {
          const s = await getMetric(deps, { metric: m.id, scope, period: 'this month', by });
          expect(s.segments?.by).toBe(by);
        }
      }
    }
  });
});
