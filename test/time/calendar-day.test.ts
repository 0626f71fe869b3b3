import { describe, expect, it } from 'vitest';
import { daysInMonth, isCalendarDay, isoDay } from '../../src/time/calendar-day.js';

describe('calendar days', () => {
  it('counts the days of every kind of month, leap years by the Gregorian rule', () => {
    expect([1, 2, 4, 12].map((m) => daysInMonth(2026, m))).toEqual([31, 28, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    // Years below 100 are years, not 1900 + y.
    expect(daysInMonth(4, 2)).toBe(29);
  });

  it('does not depend on the process time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(daysInMonth(2026, 3)).toBe(31);
      expect(daysInMonth(2026, 2)).toBe(28);
    } finally {
      process.env.TZ = tz;
    }
  });

  it('says which days exist', () => {
    expect(isCalendarDay(2024, 2, 29)).toBe(true);
    expect(isCalendarDay(2026, 2, 29)).toBe(false);
    expect(isCalendarDay(2026, 4, 31)).toBe(false);
    expect(isCalendarDay(2026, 13, 1)).toBe(false);
    expect(isCalendarDay(2026, 1, 0)).toBe(false);
    expect(isCalendarDay(2026, 1, 1.5)).toBe(false);
  });

  it('writes ISO days with zero padding', () => {
    expect(isoDay(2026, 3, '1')).toBe('2026-03-01');
    expect(isoDay('2026', '12', 31)).toBe('2026-12-31');
    expect(isoDay(999, 1, 1)).toBe('0999-01-01');
  });
});
