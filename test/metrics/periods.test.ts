import { describe, expect, it } from 'vitest';
import {
  describeWindow,
  parsePeriod,
  periodDays,
  previousPeriod,
  seriesPeriods,
  workingDaysElapsed,
} from '../../src/metrics/index.js';
import type { Period } from '../../src/metrics/types.js';

// Monday 23 Nov 2026, 12:00 UTC (13:00 in Berlin, 07:00 in New York).
const now = new Date('2026-11-23T12:00:00Z');

function parse(text: string, timezone = 'UTC', weekStartsOn?: 0 | 1): Period {
  const r = parsePeriod(text, { now, timezone, ...(weekStartsOn !== undefined ? { weekStartsOn } : {}) });
  if (!r.ok) throw new Error(r.error);
  return r.period;
}
const iso = (p: Period) => [p.start.toISOString(), p.end.toISOString()];

describe('parsePeriod', () => {
  it('puts today and yesterday at local midnight in the zone', () => {
    expect(iso(parse('today', 'Europe/Berlin'))).toEqual([
      '2026-11-22T23:00:00.000Z',
      '2026-11-23T23:00:00.000Z',
    ]);
    expect(iso(parse('yesterday', 'America/New_York'))).toEqual([
      '2026-11-22T05:00:00.000Z',
      '2026-11-23T05:00:00.000Z',
    ]);
    expect(parse('today').running).toBe(true);
    expect(parse('yesterday').running).toBe(false);
  });

  it('starts weeks on Monday unless told otherwise', () => {
    expect(iso(parse('this week', 'UTC'))).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    expect(iso(parse('this week', 'UTC', 0))).toEqual([
      '2026-11-22T00:00:00.000Z',
      '2026-11-29T00:00:00.000Z',
    ]);
    expect(parse('last week').label).toBe('Week of 16 Nov 2026');
  });

  it('gives a 169-hour Berlin week when summer time ends (week of 19 Oct 2026)', () => {
    // Wednesday 28 Oct 2026, 10:00 UTC: "last week" is Mon 19 – Sun 25 Oct, which ends on the DST change.
    const r = parsePeriod('last week', { now: new Date('2026-10-28T10:00:00Z'), timezone: 'Europe/Berlin' });
    expect(r.ok && iso(r.period)).toEqual(['2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    if (r.ok) expect((r.period.end.getTime() - r.period.start.getTime()) / 3_600_000).toBe(169);
    // The week of 26 Oct starts at midnight CET.
    const w = parsePeriod('this week', { now: new Date('2026-10-28T10:00:00Z'), timezone: 'Europe/Berlin' });
    expect(w.ok && iso(w.period)).toEqual(['2026-10-25T23:00:00.000Z', '2026-11-01T23:00:00.000Z']);
  });

  it('handles the New York change: the week of 2 Nov 2026 and the one before it', () => {
    // Tuesday 3 Nov 2026, 15:00 UTC.
    const ctx = { now: new Date('2026-11-03T15:00:00Z'), timezone: 'America/New_York' };
    const r = parsePeriod('this week', ctx);
    expect(r.ok && iso(r.period)).toEqual(['2026-11-02T05:00:00.000Z', '2026-11-09T05:00:00.000Z']);
    const last = parsePeriod('last week', ctx);
    expect(last.ok && iso(last.period)).toEqual(['2026-10-26T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    if (r.ok) expect(iso(previousPeriod(r.period))).toEqual(last.ok ? iso(last.period) : []);
  });

  it('reads months, quarters and years, relative and absolute', () => {
    expect(iso(parse('this month', 'Europe/Berlin'))).toEqual([
      '2026-10-31T23:00:00.000Z',
      '2026-11-30T23:00:00.000Z',
    ]);
    expect(iso(parse('last month', 'Europe/Berlin'))).toEqual([
      '2026-09-30T22:00:00.000Z',
      '2026-10-31T23:00:00.000Z',
    ]);
    expect(iso(parse('this quarter'))).toEqual(['2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(iso(parse('last quarter'))).toEqual(['2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z']);
    expect(iso(parse('this year'))).toEqual(['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(iso(parse('last year'))).toEqual(['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    expect(iso(parse('q1', 'Europe/Berlin'))).toEqual([
      '2025-12-31T23:00:00.000Z',
      '2026-03-31T22:00:00.000Z',
    ]);
    expect(iso(parse('2026-10'))).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    expect(iso(parse('2026-Q3'))).toEqual(['2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z']);
    expect(parse('2026-Q3')).toMatchObject({
      kind: 'quarter',
      spec: '2026-Q3',
      label: 'Q3 2026',
      running: false,
    });
    expect(parse('this month')).toMatchObject({
      kind: 'month',
      spec: 'this month',
      label: 'November 2026',
      running: true,
    });
  });

  it('takes Nd as the last N local days including today', () => {
    const p = parse('7d');
    expect(iso(p)).toEqual(['2026-11-17T00:00:00.000Z', '2026-11-24T00:00:00.000Z']);
    expect(p).toMatchObject({ kind: 'rolling', spec: '7d', label: 'Last 7 days', running: true });
    expect(iso(parse('last 30 days'))).toEqual(iso(parse('30d')));
    expect(periodDays(parse('90d', 'Europe/Berlin'))).toBe(90);
  });

  it('reads an inclusive date range and a single date', () => {
    const p = parse('2026-10-01..2026-10-31', 'Europe/Berlin');
    expect(iso(p)).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    expect(p).toMatchObject({ kind: 'range', spec: '2026-10-01..2026-10-31', label: '1 Oct – 31 Oct 2026' });
    expect(parse('2026-10-05').kind).toBe('day');
  });

  it('is case-insensitive and tolerant of spaces', () => {
    expect(iso(parse('  This   MONTH '))).toEqual(iso(parse('this month')));
    expect(iso(parse('2026-q3'))).toEqual(iso(parse('2026-Q3')));
    expect(iso(parse('Q4'))).toEqual(iso(parse('this quarter')));
  });

  it('answers bad input with a message and never throws', () => {
    for (const bad of [
      // `next week` is a period now (a future one); a unit Tally has no period for is still refused.
      'next decade',
      '2026-13',
      '2026-02-30',
      '2026-10-31..2026-10-01',
      '0d',
      '99999d',
      '',
      'q5',
    ]) {
      const r = parsePeriod(bad, { now, timezone: 'UTC' });
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
    }
    expect(parsePeriod('today', { now, timezone: 'Mars/Olympus' })).toMatchObject({ ok: false });
    expect(parsePeriod(undefined as unknown as string, { now, timezone: 'UTC' }).ok).toBe(false);
    expect(parsePeriod('today', { now: new Date('nope'), timezone: 'UTC' }).ok).toBe(false);
  });

  it('reads month names as the latest such month that has started, in the zone, or the year given', () => {
    for (const text of ['october', 'Oct', 'oct 2026', 'October 2026', '2026 october'])
      expect(parse(text).spec, text).toBe('2026-10');
    expect(parse('sept').label).toBe('September 2026');
    expect(parse('november').running).toBe(true);
    expect(parse('december').spec).toBe('2025-12');
    expect(parse('jan 2027').spec).toBe('2027-01');
    // 30 Nov 2026, 23:30 UTC is already 1 December in Berlin: December has started there, not in UTC.
    const edge = { now: new Date('2026-11-30T23:30:00Z') };
    const berlin = parsePeriod('december', { ...edge, timezone: 'Europe/Berlin' });
    expect(berlin.ok && [berlin.period.spec, berlin.period.running]).toEqual(['2026-12', true]);
    const utc = parsePeriod('december', { ...edge, timezone: 'UTC' });
    expect(utc.ok && utc.period.spec).toBe('2025-12');
    // Not months: a prefix longer than three letters, a name that merely starts like one.
    for (const text of ['octo', 'marc', 'mayo'])
      expect(parsePeriod(text, { now, timezone: 'UTC' }).ok).toBe(false);
  });

  it('reads next week, month, quarter and year as the periods after the running ones, not started', () => {
    expect(iso(parse('next week'))).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
    expect(parse('next month').label).toBe('December 2026');
    expect(parse('next quarter').label).toBe('Q1 2027');
    expect(parse('next year').label).toBe('2027');
    for (const text of ['next week', 'next month', 'next quarter', 'next year']) {
      expect(parse(text).running, text).toBe(false);
      expect(parse(text).start.getTime(), text).toBeGreaterThan(now.getTime());
    }
    // A February fiscal year: the running quarter is Q4 FY2027 (Nov–Jan), so next is Q1 FY2028, next year FY2028.
    const feb = { now, timezone: 'UTC', fiscal: { kind: 'months', startMonth: 2 } as const };
    const q = parsePeriod('next quarter', feb);
    expect(q.ok && q.period.label).toBe('Q1 FY2028 (1 Feb – 30 Apr 2027)');
    const y = parsePeriod('next year', feb);
    expect(y.ok && y.period.label).toBe('FY2028 (1 Feb 2027 – 31 Jan 2028)');
  });
});

describe('parsePeriod remembers a period for the local day only', () => {
  // Issue 15: every answer parses its period; the parse is kept for the rest of the local day it was made on.
  const at = (iso: string, text: string, timezone: string) => {
    const r = parsePeriod(text, { now: new Date(iso), timezone });
    if (!r.ok) throw new Error(r.error);
    return r.period;
  };

  it('gives the next local day its own today, 30d and month, across midnight and a DST change', () => {
    // 23:59 and 00:01 in Berlin on the night summer time ends (Sun 25 Oct 2026, 03:00 CEST → 02:00 CET).
    const before = at('2026-10-24T21:59:00Z', 'today', 'Europe/Berlin');
    const after = at('2026-10-24T22:01:00Z', 'today', 'Europe/Berlin');
    expect(iso(before)).toEqual(['2026-10-23T22:00:00.000Z', '2026-10-24T22:00:00.000Z']);
    // The 25-hour day.
    expect(iso(after)).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect(at('2026-10-31T22:59:00Z', 'this month', 'Europe/Berlin').label).toBe('October 2026');
    expect(at('2026-10-31T23:01:00Z', 'this month', 'Europe/Berlin').label).toBe('November 2026');
    expect(iso(at('2026-11-23T12:00:00Z', '30d', 'UTC'))[0]).toBe('2026-10-25T00:00:00.000Z');
    expect(iso(at('2026-11-24T00:00:00Z', '30d', 'UTC'))[0]).toBe('2026-10-26T00:00:00.000Z');
  });

  it('sets running from the moment asked, and hands out a copy the caller may change', () => {
    const first = at('2026-11-23T12:00:00Z', '2026-11-23..2026-11-24', 'UTC');
    expect(first.running).toBe(true);
    first.start.setUTCFullYear(1999);
    const again = at('2026-11-23T23:59:59Z', '2026-11-23..2026-11-24', 'UTC');
    expect(again.start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(again.running).toBe(true);
    // The next day: the range has ended, and it says so.
    expect(at('2026-11-25T00:00:00Z', '2026-11-23..2026-11-24', 'UTC').running).toBe(false);
    expect(at('2026-11-24T00:00:01Z', '2026-11-23..2026-11-24', 'UTC').running).toBe(true);
  });

  // Tester: under a fiscal calendar `2026` was silently the calendar year; it is asked back, and `CY2026` is
  // the calendar year, whose spec reads back the same (the answer parses the grammar's spec again).
  it('reads CY2026 as the calendar year under a fiscal calendar, and its spec again as the same year', () => {
    const feb = { now, timezone: 'UTC', fiscal: { kind: 'months', startMonth: 2 } as const };
    const bare = parsePeriod('2026', feb);
    expect(bare.ok === false && bare.twoWays).toBe(true);
    const cy = parsePeriod('CY2026', feb);
    if (!cy.ok) throw new Error(cy.error);
    expect([cy.period.kind, cy.period.spec, ...iso(cy.period)]).toEqual([
      'year',
      'CY2026',
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    const again = parsePeriod(cy.period.spec, feb);
    expect(again.ok && iso(again.period)).toEqual(iso(cy.period));
    expect(previousPeriod(cy.period).label).toBe('2025');
  });

  it('keeps periods of other zones, week starts and fiscal calendars apart', () => {
    const ctx = { now: new Date('2026-11-23T12:00:00Z') };
    const week = (weekStartsOn: 0 | 1) => {
      const r = parsePeriod('this week', { ...ctx, timezone: 'UTC', weekStartsOn });
      return r.ok ? r.period.start.toISOString() : r.error;
    };
    expect(week(1)).toBe('2026-11-23T00:00:00.000Z');
    expect(week(0)).toBe('2026-11-22T00:00:00.000Z');
    const year = (fiscal?: { kind: 'months'; startMonth: number }) =>
      parsePeriod('this year', { ...ctx, timezone: 'UTC', ...(fiscal ? { fiscal } : {}) });
    const calendarYear = year();
    const fiscalYear = year({ kind: 'months', startMonth: 2 });
    expect(calendarYear.ok && calendarYear.period.start.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(fiscalYear.ok && fiscalYear.period.start.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('previous periods and series', () => {
  it('steps back by the period kind', () => {
    expect(previousPeriod(parse('this month')).spec).toBe('2026-10');
    expect(previousPeriod(parse('2026-Q1')).spec).toBe('2025-Q4');
    expect(previousPeriod(parse('2026')).spec).toBe('2025');
    expect(previousPeriod(parse('today')).spec).toBe('2026-11-22');
    const prev30 = previousPeriod(parse('30d'));
    expect(iso(prev30)).toEqual(['2026-09-25T00:00:00.000Z', '2026-10-25T00:00:00.000Z']);
    expect(prev30.spec).toBe('2026-09-25..2026-10-24');
  });

  it('gives 8 contiguous periods, oldest first, ending with the asked one', () => {
    const p = parse('this month', 'Europe/Berlin');
    const s = seriesPeriods(p, 8, now);
    expect(s).toHaveLength(8);
    expect(s[0]!.spec).toBe('2026-04');
    expect(s[7]).toEqual(p);
    for (let i = 1; i < 8; i++) expect(s[i]!.start.getTime()).toBe(s[i - 1]!.end.getTime());
    expect(s.filter((x) => x.running)).toHaveLength(1);
  });

  it('counts weekdays elapsed and describes the window with its zone', () => {
    // This week so far: Monday only (started).
    expect(workingDaysElapsed(parse('this week'), now)).toBe(1);
    expect(workingDaysElapsed(parse('last month'), now)).toBe(22);
    expect(describeWindow(parse('2026-10', 'Europe/Berlin'))).toBe('1 Oct – 31 Oct 2026 (Europe/Berlin)');
  });

  // Tester (LOW): `ytd` on 7 Dec said "window 1 Jan – 31 Dec 2026", the whole year, for a year read to now.
  it('describes a running period read up to now as its days so far', () => {
    // Monday 7 Dec 2026, 09:00 UTC.
    const at = new Date('2026-12-07T09:00:00Z');
    const on = (text: string) => {
      const r = parsePeriod(text, { now: at, timezone: 'UTC' });
      if (!r.ok) throw new Error(r.error);
      return r.period;
    };
    const ytd = on('ytd');
    expect(describeWindow(ytd, at)).toBe('1 Jan – 7 Dec 2026 so far (UTC)');
    expect(describeWindow(ytd)).toBe('1 Jan – 31 Dec 2026 (UTC)');
    const quarter = on('this quarter');
    expect(describeWindow(quarter, at)).toBe('1 Oct – 7 Dec 2026 so far (UTC)');
    // A finished period, and a window that ends today anyway, keep their dates.
    expect(describeWindow(on('last month'), at)).toBe('1 Nov – 30 Nov 2026 (UTC)');
    expect(describeWindow(on('7d'), at)).toBe('1 Dec – 7 Dec 2026 (UTC)');
  });
});
