import { TZDate } from '@date-fns/tz';
import { getDaysInMonth } from 'date-fns';
import { MONTH_NAMES } from './fiscal.js';

/**
 * Calendar days without a zone: how many days a month has and the ISO text of a day. One place for the
 * arithmetic the grammar, the Slack text decoder and the ingest readers share (proleptic Gregorian calendar).
 */

/** How many days month `month` (1–12) of `year` has (28–31), from date-fns' calendar in UTC. */
export function daysInMonth(year: number, month: number): number {
  const first = new TZDate(0, 'UTC');
  first.setFullYear(year, month - 1, 1);
  return getDaysInMonth(first);
}

/** True when `day` of month `month` (1–12) of `year` exists (`2024-02-29` yes, `2026-02-29` no). */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** `YYYY-MM-DD` of a day given as numbers or digit strings (`isoDay(2026, 3, '1')` → `2026-03-01`); not checked. */
export function isoDay(year: number | string, month: number | string, day: number | string): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Why year-month-day (month 1–12) is no calendar day, in words (`February 2026 has 28 days`, `there is no
 * month 13`), or null when it is one.
 */
export function whyNoDay(year: number, month: number, day: number): string | null {
  if (isCalendarDay(year, month, day)) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return `there is no month ${month}`;
  const name = MONTH_NAMES[month - 1]!;
  return `${name[0]!.toUpperCase()}${name.slice(1)} ${year} has ${daysInMonth(year, month)} days`;
}
