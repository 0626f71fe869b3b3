import { expect, it } from 'vitest';
import { findMetric, getMetric } from '../../src/metrics/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addActivity, addCall, addLead, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC (13:00 in Berlin).
const now = new Date('2026-11-23T12:00:00Z');
const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const v = (value: number) => ({ kind: 'value', value });

describeDb('activity metrics', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA', { timezone: 'Europe/Berlin' });
    const us = await addTeam(db, 'US', { timezone: 'America/New_York' });
    const ana = await addRep(db, 'Ana', emea);
    // Ben moved from EMEA to US on 10 Nov at 12:00 UTC.
    const ben = await addRep(db, 'Ben', emea, '2020-01-01T00:00:00Z', '2026-11-10T12:00:00Z');
    const { addMembership } = await import('./fixtures.js');
    await addMembership(db, ben, us, '2026-11-10T12:00:00Z');
    await addCall(db, ana, '2026-10-10T10:00:00Z');
    await addCall(db, ana, '2026-10-31T22:30:00Z'); // 31 Oct 23:30 Berlin: October
    await addCall(db, ana, '2026-10-31T23:30:00Z', { connected: true, seconds: 60 }); // 1 Nov 00:30 Berlin
    await addCall(db, ana, '2026-11-02T09:00:00Z', { connected: true, seconds: 120 });
    await addCall(db, ana, '2026-11-02T10:00:00Z', { seconds: 15 });
    await addCall(db, ana, '2026-11-03T10:00:00Z', { direction: 'inbound', connected: true, seconds: 500 });
    await addCall(db, ben, '2026-11-05T10:00:00Z', { connected: true, seconds: 30 });
    await addCall(db, ben, '2026-11-10T11:59:00Z');
    await addCall(db, ben, '2026-11-12T10:00:00Z');
    return { db, emea, us, ana, ben, deps: { db, defaultTimezone: 'UTC', now } };
  }

  it('counts outbound calls in the team zone, by membership when they happened', async () => {
    const { emea, deps } = await seed();
    const r = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: emea },
      period: 'this month',
    });
    expect(r.scope.label).toBe('EMEA');
    expect(r.period.timezone).toBe('Europe/Berlin');
    expect(r.value).toEqual(v(5));
    expect(fig(r, 'connected')).toEqual(v(3));
    expect(fig(r, 'connect_rate')).toEqual(v(0.6));
    expect(fig(r, 'talk_time')).toEqual(v(210));
    // 16 weekdays of November so far in Berlin, 2 reps who called: 5 / 32.
    expect(fig(r, 'per_rep_day')).toEqual(v(5 / 32));
    expect(r.freshness.newestRecordAt?.toISOString()).toBe('2026-11-10T11:59:00.000Z');
    // Running month: compared with October up to the same point (23 Oct 11:00 UTC): one call.
    expect(r.trend?.previous.value).toEqual(v(1));
    expect(r.trend?.change).toEqual({ absolute: 4, relative: 4, better: true });
    expect(r.series.map((p) => p.period.spec)).toEqual([
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      'this month',
    ]);
    // April–September ended before the org's first record (10 Oct): no data, not zeros.
    const before = { kind: 'no_data', reason: 'no activity before 10 Oct 2026' };
    expect(r.series.map((p) => p.value)).toEqual([...Array(6).fill(before), v(2), v(5)]);
  });

  // Fresh tester: a customer base imported back to 2022 made the activity log's empty months real zeros
  // ("0 calls · 0% attained · off track") and `emails all time` start "since 12 Feb 2022", the first contract.
  it('judges "before the data" by the records the metric reads, not by older accounts, contracts or leads', async () => {
    const { ana, deps } = await seed();
    const { sql } = await import('../../src/db/client.js');
    await deps.db.execute(
      sql`with a as (insert into accounts (external_id, name, became_customer_at)
            values ('acc-old', 'Old Customer', '2022-02-12T00:00:00Z') returning id)
          insert into contracts (external_id, account_id, starts_at, ends_at, total_value_minor, currency, contract_years)
          select 'c-old', a.id, '2022-02-12T00:00:00Z', '2027-02-12T00:00:00Z', 1200000, 'USD', 1 from a`,
    );
    await addLead(deps.db, ana, { created: '2025-03-01T10:00:00Z' });
    const r = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: '2024-02' });
    expect(r.value).toEqual({ kind: 'no_data', reason: 'no activity before 10 Oct 2026' });
    const all = await getMetric(deps, { metric: 'emails', scope: { kind: 'org' }, period: 'all time' });
    expect(all.period.start.toISOString()).toBe('2026-10-10T00:00:00.000Z');
    // The leads' own metric starts at the first lead; the customer base's at the first customer.
    const leads = await getMetric(deps, { metric: 'conversion', scope: { kind: 'org' }, period: 'all time' });
    expect(leads.period.start.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    const arr = await getMetric(deps, { metric: 'arr', scope: { kind: 'org' }, period: 'all time' });
    expect(arr.period.start.toISOString()).toBe('2022-02-12T00:00:00.000Z');
  });

  it('gives a rep who changed teams to each team for the right days, and to the rep in full', async () => {
    const { us, ben, deps } = await seed();
    const team = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: us },
      period: 'this month',
    });
    expect(team.value).toEqual(v(1));
    const rep = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'rep', repId: ben },
      period: 'this month',
    });
    expect(rep.period.timezone).toBe('America/New_York');
    expect(rep.value).toEqual(v(3));
  });

  it('splits by rep and by team, best first', async () => {
    const { emea, deps } = await seed();
    const byRep = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: emea },
      period: 'this month',
      by: 'rep',
    });
    expect(byRep.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['Ana', v(3)],
      ['Ben', v(2)],
    ]);
    expect(byRep.segments?.rows[0]?.repId).toBeTypeOf('number');
    const byTeam = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'org' },
      period: 'this month',
      by: 'team',
    });
    // Org in UTC: Ana's 1 Nov 00:30 Berlin call is still October there.
    expect(byTeam.value).toEqual(v(5));
    expect(byTeam.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['EMEA', v(4)],
      ['US', v(1)],
    ]);
    // EMEA asked on its own counts November in Berlin (its 1 Nov 00:30 call in, 2 Nov's …): say so.
    expect(byTeam.notes).toEqual([
      "Each team's row counts the period in UTC; 2 teams have a zone of their own, which their own answers use, so near the period's edges those figures can differ.",
    ]);
    // Ben is now on US (New York): his own answer cuts November there, this split in Berlin.
    expect(byRep.notes).toEqual([
      "Each rep's row counts the period in Europe/Berlin; 1 rep is on a team with a zone of its own, which its own answers use, so near the period's edges those figures can differ.",
    ]);
    // Asked in a zone one team shares, only the other is named in the count.
    const inBerlin = await getMetric(
      { ...deps, defaultTimezone: 'Europe/Berlin' },
      { metric: 'calls', scope: { kind: 'org' }, period: 'this month', by: 'team' },
    );
    expect(inBerlin.notes).toEqual([
      "Each team's row counts the period in Europe/Berlin; 1 team has a zone of its own, which its own answers use, so near the period's edges those figures can differ.",
    ]);
  });

  it('says no data for rates over an empty period but counts zero calls as zero', async () => {
    const { db, us, emea, deps } = await seed();
    // The org's data starts in 2024 (a US rep's call), so EMEA's March 2025 is quiet, not before the data.
    await addCall(db, await addRep(db, 'Uma', us), '2024-01-10T10:00:00Z');
    const r = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: emea },
      period: '2025-03',
    });
    expect(r.value).toEqual(v(0));
    expect(fig(r, 'connect_rate')).toEqual({ kind: 'no_data', reason: 'no calls in this period' });
    expect(fig(r, 'per_rep_day')?.kind).toBe('no_data');
    expect(r.trend?.change).toEqual({ absolute: 0, relative: null, better: null });
    expect(r.freshness.newestRecordAt).toBeNull();
  });

  it('keeps a Berlin DST week exact: Sunday 23:30 after the change is still last week', async () => {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA', { timezone: 'Europe/Berlin' });
    const ana = await addRep(db, 'Ana', emea);
    await addCall(db, ana, '2026-10-18T21:30:00Z'); // Sun 18 Oct 23:30 CEST: week before
    await addCall(db, ana, '2026-10-18T22:30:00Z'); // Mon 19 Oct 00:30 CEST
    await addCall(db, ana, '2026-10-25T22:30:00Z'); // Sun 25 Oct 23:30 CET (after the change)
    await addCall(db, ana, '2026-10-25T23:30:00Z'); // Mon 26 Oct 00:30 CET: this week
    // Wednesday 28 Oct 2026, 10:00 UTC.
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-10-28T10:00:00Z') };
    const r = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'team', teamId: emea },
      period: 'last week',
    });
    expect(r.value).toEqual(v(2));
    expect(r.trend?.previous.value).toEqual(v(1));
  });

  it('computes email open and reply rates', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const at = new Date('2026-11-04T09:00:00Z');
    const later = new Date('2026-11-04T12:00:00Z');
    await addActivity(db, {
      repId: ana,
      kind: 'email',
      occurredAt: at,
      emailOpenedAt: later,
      emailRepliedAt: later,
    });
    await addActivity(db, { repId: ana, kind: 'email', occurredAt: at, emailOpenedAt: later });
    await addActivity(db, { repId: ana, kind: 'email', occurredAt: at });
    await addActivity(db, { repId: ana, kind: 'email', direction: 'inbound', occurredAt: at });
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: findMetric('openrate')!.id, scope: { kind: 'rep', repId: ana }, period: 'this month' },
    );
    expect(r.metric.id).toBe('emails');
    expect(r.value).toEqual(v(3));
    expect(fig(r, 'open_rate')).toEqual(v(2 / 3));
    expect(fig(r, 'reply_rate')).toEqual(v(1 / 3));
  });

  it('counts meetings by booking time and held meetings by held time', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await addActivity(db, {
      repId: ana,
      kind: 'meeting',
      occurredAt: new Date('2026-12-02T10:00:00Z'),
      meetingBookedAt: new Date('2026-11-05T10:00:00Z'),
    });
    await addActivity(db, {
      repId: ana,
      kind: 'meeting',
      occurredAt: new Date('2026-11-03T10:00:00Z'),
      meetingBookedAt: new Date('2026-10-20T10:00:00Z'),
      meetingHeldAt: new Date('2026-11-03T10:00:00Z'),
    });
    // No booking time recorded: counts as booked when it starts.
    await addActivity(db, { repId: ana, kind: 'meeting', occurredAt: new Date('2026-11-09T10:00:00Z') });
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'meetings', scope: { kind: 'org' }, period: 'this month' },
    );
    expect(r.value).toEqual(v(2));
    expect(fig(r, 'held')).toEqual(v(1));
    expect(r.series.at(-2)?.value).toEqual(v(1));
  });
});
