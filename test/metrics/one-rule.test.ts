import { expect, it } from 'vitest';
import { businessSecondsBetween } from '../../src/alerts/business-time.js';
import { accounts, alertSettings, contracts } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { formatChangeAbsolute } from '../../src/slack/format.js';
import { describeDb } from '../helpers/db.js';
import { addLead, addOpp, addRep, addTeam } from './fixtures.js';

const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const v = (value: number) => ({ kind: 'value', value });
const org = { kind: 'org' as const };

describeDb('one rule per concept', (ctx) => {
  it('measures response in business time on the alerts’ clock, and says which clock each figure uses', async () => {
    const db = ctx.db();
    const team = await addTeam(db, 'Inside', { sla: 300 });
    await db.insert(alertSettings).values({
      teamId: team,
      businessDays: [1, 2, 3, 4, 5],
      dayStartMinute: 540,
      dayEndMinute: 1020,
      timezone: 'Europe/Berlin',
    });
    const ana = await addRep(db, 'Ana', team);
    // Saturday 21 Nov 10:00 Berlin, answered Monday 23 Nov 09:03 Berlin: 47 h 03 m wall, 3 min business.
    const sat = { created: '2026-11-21T09:00:00Z', touched: '2026-11-23T08:03:00Z' };
    // Friday 20 Nov 16:58 Berlin, answered Monday 09:04: 2 min Friday + 4 min Monday = 6 min business.
    const fri = { created: '2026-11-20T15:58:00Z', touched: '2026-11-23T08:04:00Z' };
    await addLead(db, ana, sat);
    await addLead(db, ana, fri);
    const deps = { db, defaultTimezone: 'Europe/Berlin', now: new Date('2026-11-25T12:00:00Z') };
    const r = await getMetric(deps, { metric: 'response', scope: org, period: '2026-11-16..2026-11-22' });
    // Wall clock: 47 h 03 m = 169,380 s and 64 h 06 m = 230,760 s; median 200,070 s.
    expect(r.value).toEqual(v((169_380 + 230_760) / 2));
    expect(fig(r, 'business_median')).toEqual(v((180 + 360) / 2));
    // Within a 5-minute SLA in business time: the Saturday lead only.
    expect(fig(r, 'within_sla')).toEqual(v(1 / 2));
    expect(r.figures.find((f) => f.key === 'within_sla')?.label).toBe('Answered within SLA (business hours)');
    expect(r.notes.join(' ')).toContain('the same clock as the alerts');
    // Exactly the alerts' clock.
    const hours = {
      kind: 'hours' as const,
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1020,
      timezone: 'Europe/Berlin',
    };
    const alerts = [sat, fri].map((l) =>
      businessSecondsBetween(new Date(l.created), new Date(l.touched), hours),
    );
    expect(alerts).toEqual([180, 360]);
  });

  it('business time crosses a DST change the way the alerts do', async () => {
    const db = ctx.db();
    const team = await addTeam(db, 'DST', { sla: 600 });
    await db.insert(alertSettings).values({
      teamId: team,
      businessDays: [1, 2, 3, 4, 5],
      dayStartMinute: 540,
      dayEndMinute: 1020,
      timezone: 'Europe/Berlin',
    });
    const ana = await addRep(db, 'Ana', team);
    // Friday 23 Oct 16:00 CEST (14:00Z) → Monday 26 Oct 10:00 CET (09:00Z): 1 h + 1 h business.
    const lead = { created: '2026-10-23T14:00:00Z', touched: '2026-10-26T09:00:00Z' };
    await addLead(db, ana, lead);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const r = await getMetric(deps, { metric: 'response', scope: org, period: '2026-10' });
    const hours = {
      kind: 'hours' as const,
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1020,
      timezone: 'Europe/Berlin',
    };
    const alerts = businessSecondsBetween(new Date(lead.created), new Date(lead.touched), hours);
    expect(alerts).toBe(7200);
    expect(fig(r, 'business_median')).toEqual(v(alerts));
  });

  it('clamps negative durations per record, the same for every duration, and counts them in notes', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const won = (created: string, closed: string) =>
      addOpp(db, ana, { created, closed, outcome: 'won', amount: 1000 });
    await won('2026-10-01T00:00:00Z', '2026-10-11T00:00:00Z'); // 10 days
    await won('2026-10-01T00:00:00Z', '2026-10-21T00:00:00Z'); // 20 days
    await won('2026-10-20T00:00:00Z', '2026-10-05T00:00:00Z'); // −15 days → 0
    await won('2026-10-25T00:00:00Z', '2026-10-10T00:00:00Z'); // −15 days → 0
    await addLead(db, ana, { created: '2026-10-02T10:00:00Z', touched: '2026-10-02T09:00:00Z' }); // −1 h → 0
    await addLead(db, ana, { created: '2026-10-03T10:00:00Z', touched: '2026-10-03T10:04:00Z' }); // 240 s
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const cycle = await getMetric(deps, { metric: 'cycle', scope: org, period: '2026-10' });
    // Per deal: 0, 0, 10, 20 → median 5, mean 7.5 (the old rule gave median max(0, −2.5) = 0).
    expect(cycle.value).toEqual(v(5));
    expect(fig(cycle, 'mean')).toEqual(v(7.5));
    expect(cycle.notes).toEqual([
      '2 deals closed before they were created (clock skew or bad data) count as 0 days each.',
    ]);
    const response = await getMetric(deps, { metric: 'response', scope: org, period: '2026-10' });
    expect(response.value).toEqual(v(120));
    expect(response.notes).toEqual([
      '1 lead answered before it was created (clock skew or bad data) counts as 0 s.',
      // The first lead is from 2 Oct: October began before the records (before-data.ts).
      'The figures cover 2 Oct 2026 onward: there are no records before then, though this period began earlier.',
    ]);
  });

  it('uses [start, end) for retention and ARR: 00:00 on the first day belongs to the new period', async () => {
    const db = ctx.db();
    let n = 0;
    const account = async (became: string, churned?: string) => {
      const [row] = await db
        .insert(accounts)
        .values({
          externalId: `b-${++n}`,
          name: `B${n}`,
          becameCustomerAt: new Date(became),
          churnedAt: churned ? new Date(churned) : null,
        })
        .returning({ id: accounts.id });
      return row!.id;
    };
    const old = await account('2026-12-01T00:00:00Z');
    const fresh = await account('2027-01-01T00:00:00Z');
    await db.insert(contracts).values([
      {
        externalId: 'k1',
        accountId: old,
        startsAt: new Date('2026-12-01T00:00:00Z'),
        endsAt: new Date('2027-12-01T00:00:00Z'),
        totalValueMinor: 1_200_000,
        contractYears: 1,
      },
      {
        externalId: 'k2',
        accountId: fresh,
        startsAt: new Date('2027-01-01T00:00:00Z'),
        endsAt: new Date('2028-01-01T00:00:00Z'),
        totalValueMinor: 600_000,
        contractYears: 1,
      },
    ]);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2027-03-10T12:00:00Z') };
    const jan = await getMetric(deps, { metric: 'retention', scope: org, period: '2027-01' });
    // S = {old}; E = {old, fresh}; N = {fresh}: (2 − 1) ÷ 1 = 100 %.
    expect(jan.value).toEqual(v(1));
    expect(fig(jan, 'start')).toEqual(v(1));
    expect(fig(jan, 'new')).toEqual(v(1));
    // Retention has records behind it: no "No records behind this answer yet".
    expect(jan.freshness.newestRecordAt).toEqual(new Date('2027-01-01T00:00:00Z'));
    const dec = await getMetric(deps, { metric: 'arr', scope: org, period: '2026-12' });
    expect(dec.value).toEqual(v(1_200_000)); // the contract starting 1 January is January's
    const janArr = await getMetric(deps, { metric: 'arr', scope: org, period: '2027-01' });
    expect(janArr.value).toEqual(v(1_800_000));
    expect(fig(janArr, 'net_new')).toEqual(v(600_000));
  });

  it('computes the trend change from exact values and rounds once for display', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const won = (closed: string, amount: number) =>
      addOpp(db, ana, { created: '2026-01-01T00:00:00Z', closed, outcome: 'won', amount });
    // September: 10,000 + 10,000 + 10,001 → 10,000.333 cents. October: 9,951 + 9,952 → 9,951.5 cents.
    await won('2026-09-05T00:00:00Z', 10_000);
    await won('2026-09-06T00:00:00Z', 10_000);
    await won('2026-09-07T00:00:00Z', 10_001);
    await won('2026-10-05T00:00:00Z', 9_951);
    await won('2026-10-06T00:00:00Z', 9_952);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const r = await getMetric(deps, { metric: 'dealsize', scope: org, period: '2026-10' });
    expect(r.value).toEqual(v(9_951.5));
    const change = r.trend!.change!;
    expect(change.absolute).toBeCloseTo(9_951.5 - 30_001 / 3, 9);
    // −48.83 cents shows as −$0.49 (rounding the rounded values would give −$0.48).
    expect(formatChangeAbsolute(change, 'money', 'USD')).toBe('−$0.49');
  });

  it('computes CLV from contract revenue for a subscription business with no deal records', async () => {
    const db = ctx.db();
    const ids: number[] = [];
    for (const [i, churned] of [null, '2026-06-01T00:00:00Z'].entries()) {
      const [row] = await db
        .insert(accounts)
        .values({
          externalId: `s-${i}`,
          name: `S${i}`,
          becameCustomerAt: new Date('2025-01-01T00:00:00Z'),
          churnedAt: churned ? new Date(churned) : null,
        })
        .returning({ id: accounts.id });
      ids.push(row!.id);
    }
    await db.insert(contracts).values([
      {
        externalId: 's1',
        accountId: ids[0]!,
        startsAt: new Date('2025-01-01T00:00:00Z'),
        endsAt: new Date('2028-01-01T00:00:00Z'),
        totalValueMinor: 3_600_000,
        contractYears: 3,
      },
      {
        externalId: 's2',
        accountId: ids[1]!,
        startsAt: new Date('2025-01-01T00:00:00Z'),
        endsAt: new Date('2026-06-01T00:00:00Z'),
        totalValueMinor: 1_700_000,
        contractYears: 1.4,
      },
    ]);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z'), grossMargin: 1 };
    const r = await getMetric(deps, { metric: 'clv', scope: org, period: '2026-10' });
    // 12 months [1 Nov 2025, 1 Nov 2026): s1 in force 365 days at 1,200,000 a year; s2 212 days at
    // 1,700,000 ÷ 1.4 a year. A year is 365.25 days. Customers 2, churn 1 ÷ 2.
    const year = 365.25;
    const revenue = (1_200_000 * 365) / year + ((1_700_000 / 1.4) * 212) / year;
    expect(r.value).toEqual(v(Math.round(revenue / 2 / 0.5)));
    expect(r.notes.join(' ')).toContain('2 contracts');
  });
});
