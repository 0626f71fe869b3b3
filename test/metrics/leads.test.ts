import { expect, it } from 'vitest';
import { findMetric, getMetric } from '../../src/metrics/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addLead, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const v = (value: number) => ({ kind: 'value', value });
const org = { kind: 'org' as const };

describeDb('lead metrics', (ctx) => {
  it('measures response time: median, mean, p90, SLA share and unanswered leads', async () => {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA', { sla: 150 });
    const ana = await addRep(db, 'Ana', emea);
    const ben = await addRep(db, 'Ben'); // no team: default 300 s SLA
    await addLead(db, ana, { created: '2026-11-02T10:00:00Z', touched: '2026-11-02T10:02:00Z' }); // 120 s
    await addLead(db, ana, { created: '2026-11-03T10:00:00Z', touched: '2026-11-03T10:10:00Z' }); // 600 s
    await addLead(db, ana, { created: '2026-11-04T10:00:00Z', touched: '2026-11-04T09:59:00Z' }); // touched before: 0 s
    await addLead(db, ana, { created: '2026-11-05T10:00:00Z' }); // never answered
    await addLead(db, ana, { created: '2026-11-23T11:58:00Z' }); // 2 minutes old: still inside its SLA
    // Created in the period, answered before it started (CRM clock skew): 0 s, counted in November.
    await addLead(db, ana, { created: '2026-11-01T00:05:00Z', touched: '2026-10-31T23:50:00Z' });
    // Created in October, answered in November: October's lead.
    await addLead(db, ana, { created: '2026-10-30T10:00:00Z', touched: '2026-11-02T10:00:00Z' });
    await addLead(db, ben, { created: '2026-11-06T10:00:00Z', touched: '2026-11-06T10:03:20Z' }); // 200 s
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: findMetric('lrt')!.id, scope: org, period: 'this month' },
    );
    // Answered: 0, 0, 120, 200, 600.
    expect(r.value).toEqual(v(120));
    expect(fig(r, 'mean')).toEqual(v(184));
    expect(fig(r, 'p90')).toEqual(v(440));
    // Within SLA: 120 (≤150), 0, 0, 200 (≤300) of 6 leads past their SLA window.
    expect(fig(r, 'within_sla')).toEqual(v(4 / 6));
    expect(fig(r, 'unanswered')).toEqual(v(2));
    expect(fig(r, 'created')).toEqual(v(7));
    expect(r.sampleSize).toBe(5);
    expect(r.series.at(-2)?.value).toEqual(v(3 * 86400));
    // Lower is better: the faster rep leads.
    const byRep = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'response', scope: org, period: 'this month', by: 'rep' },
    );
    expect(byRep.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['Ana', v(60)],
      ['Ben', v(200)],
    ]);
  });

  it('says no data when no lead of the period has been answered', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await addLead(db, ana, { created: '2026-11-05T10:00:00Z' });
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'response', scope: org, period: 'this month' },
    );
    expect(r.value).toEqual({
      kind: 'no_data',
      reason: 'no lead created in this period has been answered yet',
    });
    expect(fig(r, 'unanswered')).toEqual(v(1));
    const empty = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'response', scope: org, period: 'last month' },
    );
    expect(empty.value).toEqual({ kind: 'no_data', reason: 'no leads created in this period' });
    expect(fig(empty, 'within_sla')?.kind).toBe('no_data');
  });

  it('computes cohort conversion of leads qualified in the period, and the raw rate', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await addLead(db, ana, {
      created: '2026-09-01T00:00:00Z',
      qualified: '2026-11-03T00:00:00Z',
      converted: '2026-11-20T00:00:00Z',
      source: 'web',
    });
    await addLead(db, ana, {
      created: '2026-11-02T00:00:00Z',
      qualified: '2026-11-05T00:00:00Z',
      source: 'web',
    });
    await addLead(db, ana, {
      created: '2026-11-03T00:00:00Z',
      qualified: '2026-11-06T00:00:00Z',
      converted: '2026-11-22T00:00:00Z',
      source: 'event',
    });
    await addLead(db, ana, { created: '2026-11-04T00:00:00Z', source: 'event' });
    await addLead(db, ana, {
      created: '2026-10-15T00:00:00Z',
      qualified: '2026-10-20T00:00:00Z',
      converted: '2026-11-10T00:00:00Z',
    });
    const deps = { db, defaultTimezone: 'UTC', now };
    const r = await getMetric(deps, { metric: findMetric('conv')!.id, scope: org, period: 'this month' });
    expect(r.value).toEqual(v(2 / 3));
    expect(fig(r, 'raw_rate')).toEqual(v(1 / 3));
    expect(r.series.at(-2)?.value).toEqual(v(1));
    const bySource = await getMetric(deps, {
      metric: 'conversion',
      scope: org,
      period: 'this month',
      by: 'source',
    });
    expect(bySource.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['event', v(1)],
      ['web', v(1 / 2)],
    ]);
    const none = await getMetric(deps, { metric: 'conversion', scope: org, period: '2025-01' });
    expect(none.value).toEqual({ kind: 'no_data', reason: 'no leads qualified in this period' });
  });
});
