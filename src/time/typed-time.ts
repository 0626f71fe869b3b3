import { format, isValid, parse } from 'date-fns';

/**
 * Times of day as people type them, one reader for every command that takes one (digest times, business
 * hours): 24-hour or with am/pm.
 */

/**
 * How a time may be typed, 24-hour or with am/pm: `8`, `08:30`, `8.30`, `20:00`, `8am`, `8:30pm`, `8 pm`.
 * date-fns `parse` checks the ranges (hour 0–23, or 1–12 with am/pm; minute 0–59) and refuses anything left
 * over, so `25:00`, `8:75` and `20:00pm` are not read.
 */
const TIME_SHAPE = /^\d{1,2}(?:[:.]\d\d)?\s?(?:[ap]\.?m\.?)?$/i;
const TIME_FORMATS = ['H', 'H:mm', 'H.mm', 'ha', 'h a', 'h:mma', 'h:mm a', 'h.mma', 'h.mm a'];

/** A day period (am/pm, a.m./p.m.) at the end of a typed time. */
const DAY_PERIOD_AT_END = /[ap]\.?m\.?$/i;

/** What readTypedTime accepts, for refusals: "hours 0–23 or 1–12 am/pm, minutes 0–59". */
export const TYPED_TIME_RULE = 'hours 0–23 or 1–12 am/pm, minutes 0–59';

/**
 * A time of day as typed (`8`, `08:30`, `8.30`, `20:00`, `8am`, `8:30pm`, `8 pm`; `12am` is midnight, `12pm`
 * noon), or null when no format reads all of it.
 */
export function readTypedTime(text: string): { hour: number; minute: number } | null {
  const typed = text.trim();
  // Minutes are two digits: date-fns reads `8:5` as 08:05, which may have meant 08:50.
  if (!TIME_SHAPE.test(typed)) return null;
  // Any fixed day serves: only the wall-clock hour and minute are read back.
  const day = new Date(2000, 0, 1);
  for (const pattern of TIME_FORMATS) {
    const read = parse(typed, pattern, day);
    if (isValid(read)) return { hour: read.getHours(), minute: read.getMinutes() };
  }
  return null;
}

/** Whether a typed time says am or pm (`5pm`, `5 p.m.`), so it cannot be read as the other half of the day. */
export function saysDayPeriod(text: string): boolean {
  return DAY_PERIOD_AT_END.test(text.trim());
}

/** Minutes since midnight on the 12-hour clock, as readTypedTime reads it back: 540 → "9am", 1050 → "5:30pm". */
export function formatTwelveHour(minuteOfDay: number): string {
  const at = new Date(2000, 0, 1, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  return format(at, minuteOfDay % 60 === 0 ? 'haaa' : 'h:mmaaa');
}
