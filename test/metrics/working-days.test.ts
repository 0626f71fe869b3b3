import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { parsePeriod, workingDaysElapsed } from '../../src/metrics/index.js';
import type { Period } from '../../src/metrics/types.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

function parse(text: string, timezone: string): Period {
  const r = parsePeriod(text, { now, timezone });
  if (!r.ok) throw new Error(r.error);
  return r.period;
}

/** The definition, walked day by day: local days from the start whose beginning lies before the end. */
function walk(period: Period, at: Date): number {
  const endMs = Math.min(period.end.getTime(), at.getTime());
  let d = new TZDate(period.start.getTime(), period.timezone);
  let n = 0;
  while (d.getTime() < endMs) {
    if (d.getDay() !== 0 && d.getDay() !== 6) n++;
    d = addDays(d, 1);
  }
  return n;
}

describe('workingDaysElapsed (closed form)', () => {
  it('counts weekdays of whole months and years, across DST changes', () => {
    // November 2026 starts on a Sunday: 30 days, 4 Saturdays and 5 Sundays → 21 weekdays.
    expect(workingDaysElapsed(parse('2026-11', 'Europe/Berlin'), new Date('2027-01-01T00:00:00Z'))).toBe(21);
    // March 2026 (Berlin's clocks go forward on the 29th) starts on a Sunday: 31 days − 9 weekend days = 22.
    expect(workingDaysElapsed(parse('2026-03', 'Europe/Berlin'), now)).toBe(22);
    // 2026 starts on a Thursday: 52 whole weeks (260) + Thursday 31 Dec = 261.
    expect(workingDaysElapsed(parse('2026', 'America/New_York'), new Date('2027-06-01T00:00:00Z'))).toBe(261);
    // This year up to Monday 23 Nov 12:00 UTC (07:00 in New York): 47 whole weeks from Thu 1 Jan to
    // Wed 25 Nov would be 235; up to and including Monday 23 Nov is 235 − 2 (Tue 24, Wed 25) = 233.
    expect(workingDaysElapsed(parse('this year', 'America/New_York'), now)).toBe(233);
  });

  it('is 0 for a period that has not started and for one starting on a weekend', () => {
    expect(workingDaysElapsed(parse('2026-12', 'UTC'), now)).toBe(0);
    // Sat 21 – Sun 22 Nov 2026.
    expect(workingDaysElapsed(parse('2026-11-21..2026-11-22', 'Asia/Kolkata'), now)).toBe(0);
  });

  it('equals the day-by-day definition for many periods, zones and instants', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    const specs = [
      'today',
      'this week',
      'last week',
      'this month',
      '30d',
      '90d',
      'this quarter',
      'this year',
    ];
    let compared = 0;
    for (const zone of zones) {
      for (const spec of specs) {
        const p = parse(spec, zone);
        for (const hours of [-400, -30, -1, 0, 1, 7, 30, 200, 2000]) {
          const at = new Date(now.getTime() + hours * 3_600_000);
          expect(workingDaysElapsed(p, at), `${zone} ${spec} ${hours}h`).toBe(walk(p, at));
          compared++;
        }
      }
    }
    // A range that starts mid-day (not at local midnight): day k counts only if start + k days < end.
    const odd: Period = {
      ...parse('30d', 'Europe/Berlin'),
      start: new Date('2026-11-02T15:00:00Z'),
      end: new Date('2026-11-09T09:00:00Z'),
    };
    // Mon 2 … Sun 8 Nov at 16:00 Berlin are before the end; Mon 9 at 16:00 is not: 5 weekdays.
    expect(workingDaysElapsed(odd, now)).toBe(5);
    expect(compared).toBe(zones.length * specs.length * 9);
  });
});
