import { describe, expect, it } from 'vitest';
import {
  addBusinessSeconds,
  type BusinessHours,
  businessSecondsBetween,
  describeBusinessHours,
  isBusinessTime,
} from '../../src/alerts/business-time.js';

const london: BusinessHours = {
  kind: 'hours',
  days: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60 + 30,
  timezone: 'Europe/London',
};

describe('businessSecondsBetween', () => {
  it('counts wall-clock seconds when always on', () => {
    // Monday 23 Nov 2026, 10:00 → 10:07 UTC
    expect(
      businessSecondsBetween(new Date('2026-11-23T10:00:00Z'), new Date('2026-11-23T10:07:00Z'), {
        kind: 'always',
      }),
    ).toBe(420);
  });

  it('pauses the clock over a weekend', () => {
    // Friday 20 Nov 2026 17:25 London (= UTC in winter) → Monday 23 Nov 09:03: 5 min Friday + 3 min Monday
    const from = new Date('2026-11-20T17:25:00Z');
    const to = new Date('2026-11-23T09:03:00Z');
    expect(businessSecondsBetween(from, to, london)).toBe(8 * 60);
  });

  it('starts counting at opening time for a lead created at night', () => {
    // Tuesday 24 Nov 2026 02:00 → 09:10 London: only 09:00–09:10 counts
    expect(
      businessSecondsBetween(new Date('2026-11-24T02:00:00Z'), new Date('2026-11-24T09:10:00Z'), london),
    ).toBe(600);
  });

  it('uses local hours across the spring DST change', () => {
    // Friday 27 Mar 2026 17:00 GMT → Monday 30 Mar 2026 09:00 BST (= 08:00 UTC): 30 min Friday, 0 Monday
    const from = new Date('2026-03-27T17:00:00Z');
    expect(businessSecondsBetween(from, new Date('2026-03-30T08:00:00Z'), london)).toBe(1800);
    // Monday 30 Mar 09:05 BST = 08:05 UTC: 5 more minutes
    expect(businessSecondsBetween(from, new Date('2026-03-30T08:05:00Z'), london)).toBe(2100);
  });

  it('is zero when the end is not after the start', () => {
    const t = new Date('2026-11-23T10:00:00Z'); // Monday
    expect(businessSecondsBetween(t, t, london)).toBe(0);
  });
});

describe('addBusinessSeconds', () => {
  it('carries the remainder over the weekend', () => {
    // Friday 20 Nov 2026 17:25 London + 5 business min: 5 min left on Friday → exactly 17:30 Friday
    expect(addBusinessSeconds(new Date('2026-11-20T17:25:00Z'), 300, london)?.toISOString()).toBe(
      '2026-11-20T17:30:00.000Z',
    );
    // + 10 business min: 5 on Friday, 5 on Monday 23 Nov → 09:05
    expect(addBusinessSeconds(new Date('2026-11-20T17:25:00Z'), 600, london)?.toISOString()).toBe(
      '2026-11-23T09:05:00.000Z',
    );
  });

  it('lands on local opening time after the autumn DST change', () => {
    // Saturday 24 Oct 2026 12:00 BST + 1 s → Monday 26 Oct 09:00:01 GMT (= 09:00:01 UTC, clocks went back on Sunday)
    expect(addBusinessSeconds(new Date('2026-10-24T11:00:00Z'), 1, london)?.toISOString()).toBe(
      '2026-10-26T09:00:01.000Z',
    );
  });

  it('agrees with businessSecondsBetween', () => {
    const from = new Date('2026-11-19T16:00:00Z'); // Thursday
    const at = addBusinessSeconds(from, 4 * 3600, london);
    expect(at).not.toBeNull();
    expect(businessSecondsBetween(from, at as Date, london)).toBe(4 * 3600);
  });

  it('returns null when no day is a business day', () => {
    expect(addBusinessSeconds(new Date('2026-11-19T16:00:00Z'), 60, { ...london, days: [] })).toBeNull();
  });
});

describe('isBusinessTime', () => {
  it('knows opening hours and weekends', () => {
    expect(isBusinessTime(new Date('2026-11-23T09:00:00Z'), london)).toBe(true); // Monday 09:00
    expect(isBusinessTime(new Date('2026-11-23T17:30:00Z'), london)).toBe(false); // Monday 17:30, closed
    expect(isBusinessTime(new Date('2026-11-22T12:00:00Z'), london)).toBe(false); // Sunday noon
    expect(isBusinessTime(new Date('2026-11-22T12:00:00Z'), { kind: 'always' })).toBe(true);
  });

  it('describes the schedule', () => {
    expect(describeBusinessHours(london)).toBe('Mon–Fri 09:00–17:30 (Europe/London)');
  });

  it('describes days that run across the end of the week as a range (fri-mon is Fri–Mon)', () => {
    const on = (days: number[]) => describeBusinessHours({ ...london, days }).split(' ')[0];
    expect(on([5, 6, 7, 1])).toBe('Fri–Mon');
    expect(on([7, 1, 2, 3, 4])).toBe('Sun–Thu');
    expect(on([6, 7, 1])).toBe('Sat–Mon');
    expect(on([1, 2, 3, 4, 5, 6, 7])).toBe('Mon–Sun');
    expect(on([2, 3, 4])).toBe('Tue–Thu');
    // Not one run, or only two days: listed, Monday first.
    expect(on([1, 2, 4, 5])).toBe('Mon,');
    expect(describeBusinessHours({ ...london, days: [1, 2, 4, 5] })).toMatch(/^Mon, Tue, Thu, Fri 09:00/);
    expect(describeBusinessHours({ ...london, days: [7, 1] })).toMatch(/^Mon, Sun 09:00/);
  });
});
