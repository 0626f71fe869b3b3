import { describe, expect, it } from 'vitest';
import { parsePeriod, previousPeriod, seriesPeriods, shiftPeriod } from '../../src/metrics/periods.js';
import type { Period } from '../../src/metrics/types.js';
import {
  describeFiscalCalendar,
  type FiscalCalendar,
  fiscalYearWeeks,
  parseFiscalSetting,
} from '../../src/time/fiscal.js';

const FEB: FiscalCalendar = { kind: 'months', startMonth: 2 };
const OCT: FiscalCalendar = { kind: 'months', startMonth: 10 };
/** 4-4-5, the year ends on the last Saturday of January. */
const RETAIL: FiscalCalendar = { kind: 'weeks', startMonth: 2, pattern: '445', endWeekday: 6, rule: 'last' };

function parse(text: string, now: string, fiscal: FiscalCalendar, timezone = 'UTC'): Period {
  const r = parsePeriod(text, { now: new Date(now), timezone, fiscal });
  if (!r.ok) throw new Error(r.error);
  return r.period;
}
const days = (p: Period) => [p.start.toISOString().slice(0, 10), p.end.toISOString().slice(0, 10)];

describe('fiscal calendars', () => {
  it('names quarters by the fiscal year they end in: Q3 FY2027 is 1 Aug – 31 Oct 2026 with a February start', () => {
    const now = '2026-09-15T12:00:00Z';
    const q = parse('this quarter', now, FEB);
    expect(days(q)).toEqual(['2026-08-01', '2026-11-01']);
    expect(q.label).toBe('Q3 FY2027 (1 Aug – 31 Oct 2026)');
    expect(q.spec).toBe('this quarter');
    expect(days(parse('q3', now, FEB))).toEqual(days(q));
    expect(parse('q3', now, FEB).spec).toBe('Q3 FY2027');
    expect(days(parse('Q3 FY2027', now, FEB))).toEqual(days(q));
    expect(days(parse('fy27 q3', now, FEB))).toEqual(days(q));
    expect(days(parse('last quarter', now, FEB))).toEqual(['2026-05-01', '2026-08-01']);
    expect(days(parse('q1', now, FEB))).toEqual(['2026-02-01', '2026-05-01']);
    const year = parse('this year', now, FEB);
    expect(days(year)).toEqual(['2026-02-01', '2027-02-01']);
    expect(year.label).toBe('FY2027 (1 Feb 2026 – 31 Jan 2027)');
    expect(days(parse('FY2027', now, FEB))).toEqual(days(year));
    expect(days(parse('last year', now, FEB))).toEqual(['2025-02-01', '2026-02-01']);
    // Calendar months stay calendar months in a month-based fiscal calendar.
    expect(days(parse('this month', now, FEB))).toEqual(['2026-09-01', '2026-10-01']);
  });

  it('crosses the calendar year boundary: Q4 FY2027 runs 1 Nov 2026 – 31 Jan 2027', () => {
    const now = '2027-01-15T12:00:00Z';
    const q = parse('this quarter', now, FEB);
    expect(days(q)).toEqual(['2026-11-01', '2027-02-01']);
    expect(q.label).toBe('Q4 FY2027 (1 Nov 2026 – 31 Jan 2027)');
    const next = shiftPeriod(q, 1);
    expect(days(next)).toEqual(['2027-02-01', '2027-05-01']);
    expect(next.label).toBe('Q1 FY2028 (1 Feb – 30 Apr 2027)');
    expect(next.spec).toBe('Q1 FY2028');
    expect(days(previousPeriod(q))).toEqual(['2026-08-01', '2026-11-01']);
    expect(days(parse('this year', now, FEB))).toEqual(['2026-02-01', '2027-02-01']);
    // October start: November 2026 is in Q1 FY2027; last quarter is Q4 FY2026.
    const oct = parse('this quarter', '2026-11-10T12:00:00Z', OCT);
    expect(oct.label).toBe('Q1 FY2027 (1 Oct – 31 Dec 2026)');
    expect(parse('last quarter', '2026-11-10T12:00:00Z', OCT).label).toBe('Q4 FY2026 (1 Jul – 30 Sep 2026)');
    expect(seriesPeriods(oct, 5).map((p) => p.spec)).toEqual([
      'Q1 FY2026',
      'Q2 FY2026',
      'Q3 FY2026',
      'Q4 FY2026',
      'this quarter', // the asked period keeps its own (relative) spec
    ]);
  });

  it('puts fiscal boundaries at local midnight in the zone', () => {
    const q = parse('this quarter', '2026-09-15T12:00:00Z', FEB, 'America/New_York');
    expect([q.start.toISOString(), q.end.toISOString()]).toEqual([
      '2026-08-01T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
    ]);
  });

  it('runs a 4-4-5 calendar across a 53-week year: Q4 and its last month take the extra week', () => {
    // FY2025 ends Sat 25 Jan 2025, FY2026 ends Sat 31 Jan 2026: 371 days, 53 weeks.
    expect(fiscalYearWeeks(2025, RETAIL, 'UTC')).toBe(52);
    expect(fiscalYearWeeks(2026, RETAIL, 'UTC')).toBe(53);
    const now = '2025-12-10T12:00:00Z';
    const year = parse('this year', now, RETAIL);
    expect(days(year)).toEqual(['2025-01-26', '2026-02-01']);
    const q4 = parse('this quarter', now, RETAIL);
    expect(days(q4)).toEqual(['2025-10-26', '2026-02-01']); // 14 weeks
    expect(q4.label).toBe('Q4 FY2026 (26 Oct 2025 – 31 Jan 2026)');
    expect(days(parse('q1', now, RETAIL))).toEqual(['2025-01-26', '2025-04-27']); // 13 weeks
    // Fiscal months follow 4-4-5: P10 4 weeks, P11 4 weeks, P12 5 + 1 weeks.
    expect(days(parse('this month', now, RETAIL))).toEqual(['2025-11-23', '2025-12-21']);
    expect(parse('this month', now, RETAIL).label).toBe('P11 FY2026 (23 Nov – 20 Dec 2025)');
    expect(days(parse('P12 FY2026', now, RETAIL))).toEqual(['2025-12-21', '2026-02-01']);
    // Across the year boundary into a 52-week year: Q1 FY2027 starts the next day, 13 weeks.
    const after = parse('this quarter', '2026-02-10T12:00:00Z', RETAIL);
    expect(days(after)).toEqual(['2026-02-01', '2026-05-03']);
    expect(days(parse('last quarter', '2026-02-10T12:00:00Z', RETAIL))).toEqual(days(q4));
    expect(days(shiftPeriod(q4, 1))).toEqual(days(after));
    expect(days(shiftPeriod(after, -4))).toEqual(['2025-01-26', '2025-04-27']);
  });

  it('reads "nearest" week-based calendars (NRF 4-5-4: FY2024 ended Sat 3 Feb 2024, 53 weeks)', () => {
    const nrf = parseFiscalSetting('4-5-4 saturday nearest the end of january');
    expect(nrf).toEqual({
      ok: true,
      calendar: { kind: 'weeks', startMonth: 2, pattern: '454', endWeekday: 6, rule: 'nearest' },
    });
    if (!nrf.ok) return;
    expect(fiscalYearWeeks(2024, nrf.calendar, 'UTC')).toBe(53);
    expect(days(parse('FY2024', '2026-01-01T00:00:00Z', nrf.calendar))).toEqual(['2023-01-29', '2024-02-04']);
  });

  it('parses and describes settings, and refuses what it cannot read', () => {
    expect(parseFiscalSetting('February')).toEqual({ ok: true, calendar: FEB });
    expect(parseFiscalSetting('10')).toEqual({ ok: true, calendar: OCT });
    expect(parseFiscalSetting('4-4-5 last saturday of january')).toEqual({ ok: true, calendar: RETAIL });
    expect(describeFiscalCalendar(FEB)).toBe('Fiscal year starts 1 February, named by the year it ends in');
    expect(describeFiscalCalendar(RETAIL)).toBe(
      '4-4-5 weeks; the fiscal year ends on the last Saturday of January',
    );
    const bad = parseFiscalSetting('smarch');
    expect(bad.ok).toBe(false);
    expect(parseFiscalSetting('4-4-5 of january').ok).toBe(false);
    // Probe (LOW): typos got the examples but no suggestion.
    const examples =
      'Try one of: "february", "4-4-5 last saturday of january", "5-4-4 saturday nearest the end of december".';
    expect(parseFiscalSetting('februray')).toEqual({
      ok: false,
      error: `"februray" is not a month; did you mean "february"? ${examples}`,
    });
    expect(parseFiscalSetting('4-4-5 last saturday of januray')).toEqual({
      ok: false,
      error: `Say which weekday and month the fiscal year ends on. "januray": did you mean "january"? ${examples}`,
    });
    expect(parseFiscalSetting('4-4-5 last saturady of january')).toEqual({
      ok: false,
      error: `Say which weekday and month the fiscal year ends on. "saturady": did you mean "saturday"? ${examples}`,
    });
    expect(parseFiscalSetting('payday')).toEqual({
      ok: false,
      error: `"payday" is not a month. ${examples}`,
    });
    expect(parsePeriod('P3 FY2027', { now: new Date(), timezone: 'UTC', fiscal: FEB }).ok).toBe(false);
    expect(parsePeriod('Q5 FY2027', { now: new Date(), timezone: 'UTC', fiscal: FEB }).ok).toBe(false);
  });

  it('keeps the calendar year as before when no fiscal calendar is set', () => {
    const r = parsePeriod('q3', { now: new Date('2026-09-15T12:00:00Z'), timezone: 'UTC' });
    expect(r.ok && r.period.spec).toBe('2026-Q3');
    const fy = parsePeriod('FY2027', { now: new Date('2026-09-15T12:00:00Z'), timezone: 'UTC' });
    expect(fy.ok && [fy.period.spec, fy.period.label]).toEqual(['2027', '2027']);
  });
});
