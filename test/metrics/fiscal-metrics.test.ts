import { expect, it } from 'vitest';
import { getMetric, saveFiscalCalendar, setTarget } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { addOpp, addRep } from './fixtures.js';

const org = { kind: 'org' as const };
const v = (value: number) => ({ kind: 'value', value });

describeDb('metrics on a fiscal calendar', (ctx) => {
  it('answers, series, targets and pace follow the org fiscal quarter (February start)', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const won = (closed: string, amount: number) =>
      addOpp(db, ana, { created: '2026-01-01T00:00:00Z', closed, outcome: 'won', amount });
    await won('2026-07-31T23:00:00Z', 1_000); // Q2 FY2027
    await won('2026-08-01T00:00:00Z', 2_000); // Q3 FY2027 (00:00 on its first day)
    await won('2026-10-31T12:00:00Z', 4_000); // Q3 FY2027
    await won('2026-11-01T00:00:00Z', 8_000); // Q4 FY2027
    // Tuesday 15 Sep 2026 12:00 UTC: 45.5 of Q3's 92 days have passed.
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-09-15T12:00:00Z') };
    // The env default applies until an admin stores a calendar.
    const envDeps = { ...deps, fiscalDefault: { kind: 'months' as const, startMonth: 2 } };
    await setTarget(db, {
      metric: 'revenue',
      scope: org,
      periodKind: 'quarter',
      value: 10_000,
      currency: 'USD',
      setByRepId: null,
      now: deps.now,
    });
    const r = await getMetric(envDeps, { metric: 'revenue', scope: org, period: 'this quarter' });
    expect(r.period.label).toBe('Q3 FY2027 (1 Aug – 31 Oct 2026)');
    expect(r.value).toEqual(v(6_000)); // 00:00 on 1 Aug is Q3's; 00:00 on 1 Nov is Q4's
    expect(r.target?.targetForPeriod).toBe(10_000);
    // Weekdays: 21 in August, 22 in September, 22 in October = 65; by Tuesday 15 Sep 12:00, 21 + 10 whole
    // ones (1–14 Sep) and 3 of the 15th's 8 working hours (09:00–17:00) = 31.375.
    const share = 31.375 / 65;
    expect(r.target?.pace).toBeCloseTo(6_000 / (10_000 * share), 10);
    expect(r.series.map((p) => p.period.spec).slice(-3)).toEqual(['Q1 FY2027', 'Q2 FY2027', 'this quarter']);
    expect(r.series.at(-2)?.value).toEqual(v(1_000));
    // A stored calendar wins over the env default: October start makes September Q4 FY2026.
    await saveFiscalCalendar(db, { kind: 'months', startMonth: 10 }, null);
    const oct = await getMetric(envDeps, { metric: 'revenue', scope: org, period: 'this quarter' });
    expect(oct.period.label).toBe('Q4 FY2026 (1 Jul – 30 Sep 2026)');
    expect(oct.value).toEqual(v(3_000));
    // Whole past quarters by name.
    const later = { ...envDeps, now: new Date('2026-12-01T00:00:00Z') };
    await saveFiscalCalendar(db, null, null);
    const q3 = await getMetric(later, { metric: 'revenue', scope: org, period: 'Q3 FY2027' });
    expect(q3.value).toEqual(v(6_000));
    expect(q3.period.label).toBe('Q3 FY2027 (1 Aug – 31 Oct 2026)');
  });

  // Tester: "ytd is read as the whole fiscal year". It is `this year`, a running period: its figures run to
  // now, its target is judged by pace, and a count compares with the previous fiscal year at the same point,
  // not the whole previous year. Pinned here so ytd keeps meaning year to date.
  it('answers ytd as this fiscal year to now, compared with last fiscal year up to the same point', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const won = (closed: string, amount: number) =>
      addOpp(db, ana, { created: '2025-02-01T00:00:00Z', closed, outcome: 'won', amount });
    await won('2025-03-01T12:00:00Z', 1_000); // FY2026, before the same point (15 Sep 2025)
    await won('2025-10-01T12:00:00Z', 2_000); // FY2026, after the same point
    await won('2026-03-01T12:00:00Z', 4_000); // FY2027, to date
    // Tuesday 15 Sep 2026 12:00 UTC, in FY2027 (1 Feb 2026 – 31 Jan 2027) of a February fiscal year.
    const deps = {
      db,
      defaultTimezone: 'UTC',
      now: new Date('2026-09-15T12:00:00Z'),
      fiscalDefault: { kind: 'months' as const, startMonth: 2 },
    };
    const ytd = await getMetric(deps, { metric: 'revenue', scope: org, period: 'ytd' });
    const thisYear = await getMetric(deps, { metric: 'revenue', scope: org, period: 'this year' });
    expect(ytd.period.spec).toBe('this year');
    expect(ytd.period.label).toBe(thisYear.period.label);
    expect(ytd.value).toEqual(v(4_000));
    expect(ytd.trend?.previous.period.label).toBe('FY2026 (1 Feb 2025 – 31 Jan 2026) at the same point');
    expect(ytd.trend?.previous.period.end.toISOString()).toBe('2025-09-15T12:00:00.000Z');
    expect(ytd.trend?.previous.value).toEqual(v(1_000));
  });
});
