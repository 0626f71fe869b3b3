import { tzOffset } from '@date-fns/tz';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * A team's local calendar over the seeded window: day 0 is the local date of `start`. Working hours are
 * placed as "local midnight + hours", using each day's midday UTC offset, so DST changes (which happen
 * at night) never shift the working day.
 */
export interface TeamCalendar {
  timezone: string;
  /** UTC ms of local 00:00 (by the day's midday offset) for day i. */
  midnight: Float64Array;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: Uint8Array;
}

/** Builds a calendar covering `days` local days from the local date of `startMs`, plus `extraDays`. */
export function buildCalendar(
  timezone: string,
  startMs: number,
  days: number,
  extraDays: number,
): TeamCalendar {
  const n = days + extraDays;
  const midnight = new Float64Array(n);
  const weekday = new Uint8Array(n);
  const startLocal = new Date(startMs + tzOffset(timezone, new Date(startMs)) * 60_000);
  const y = startLocal.getUTCFullYear();
  const m = startLocal.getUTCMonth();
  const d0 = startLocal.getUTCDate();
  for (let i = 0; i < n; i++) {
    const utcDate = Date.UTC(y, m, d0 + i);
    const offsetMin = tzOffset(timezone, new Date(utcDate + 12 * HOUR));
    midnight[i] = utcDate - offsetMin * 60_000;
    weekday[i] = new Date(utcDate).getUTCDay();
  }
  return { timezone, midnight, weekday };
}

export function isWorkday(cal: TeamCalendar, day: number): boolean {
  const w = cal.weekday[day];
  return w !== undefined && w !== 0 && w !== 6;
}

/** UTC ms of `hours` local time on calendar day `day`. */
export function atLocal(cal: TeamCalendar, day: number, hours: number): number {
  return cal.midnight[day]! + hours * HOUR;
}

/** The calendar day an instant falls on (clamped to the calendar), and its local hour. */
export function localOf(cal: TeamCalendar, ms: number): { day: number; hour: number } {
  const n = cal.midnight.length;
  let day = Math.floor((ms - cal.midnight[0]!) / DAY);
  if (day < 0) day = 0;
  if (day > n - 1) day = n - 1;
  while (day + 1 < n && cal.midnight[day + 1]! <= ms) day++;
  while (day > 0 && cal.midnight[day]! > ms) day--;
  return { day, hour: (ms - cal.midnight[day]!) / HOUR };
}

/**
 * Moves an instant into working hours (Mon–Fri, 08:00–18:00 local): unchanged when already inside,
 * else the next working morning plus `jitterHours`. Instants past the calendar are returned unchanged.
 */
export function nextWorkingTime(cal: TeamCalendar, ms: number, jitterHours: number): number {
  const { day, hour } = localOf(cal, ms);
  if (day >= cal.midnight.length - 1 && hour >= 24) return ms;
  if (isWorkday(cal, day) && hour >= 8 && hour < 18) return ms;
  let d = hour < 8 && isWorkday(cal, day) ? day : day + 1;
  while (d < cal.midnight.length && !isWorkday(cal, d)) d++;
  if (d >= cal.midnight.length) return ms;
  return atLocal(cal, d, 8 + jitterHours);
}

export { DAY, HOUR };
