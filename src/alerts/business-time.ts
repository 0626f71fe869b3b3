import { formatMinuteOfDay } from '../time/format.js';
import { localDateOf, weekdayOf, zonedInstant } from '../time/wall-clock.js';

/**
 * Business hours: when the SLA clock runs and when Tally may DM people. `always` is the default.
 * Days are ISO weekdays (1 = Monday … 7 = Sunday); minutes count from local midnight, end exclusive, so
 * 09:00–17:30 is [540, 1050).
 */
export type BusinessHours =
  | { kind: 'always' }
  | { kind: 'hours'; days: number[]; startMinute: number; endMinute: number; timezone: string };

/** How far ahead we look for business time before giving up (a year covers any sane schedule). */
const MAX_DAYS = 370;

interface Window {
  start: number;
  end: number;
}

/**
 * The business windows (epoch ms) of each local day, starting with the local day that contains `from`.
 * Local wall-clock times become instants by Tally's one DST rule (`src/time/wall-clock.ts`): an opening
 * time in a spring-forward gap opens at the end of the gap, one that happens twice at its first occurrence.
 */
function* businessWindows(from: Date, hours: Extract<BusinessHours, { kind: 'hours' }>): Generator<Window> {
  const first = localDateOf(from, hours.timezone);
  for (let i = 0; i < MAX_DAYS; i++) {
    // Day overflow (31 + 1) is normalised by Date.UTC inside weekdayOf and zonedInstant.
    const date = { ...first, day: first.day + i };
    const weekday = weekdayOf(date);
    const isoWeekday = weekday === 0 ? 7 : weekday;
    if (!hours.days.includes(isoWeekday)) continue;
    const start = zonedInstant(date, 0, hours.startMinute, hours.timezone).getTime();
    const end = zonedInstant(date, 0, hours.endMinute, hours.timezone).getTime();
    if (end > start) yield { start, end };
  }
}

/** Seconds of business time in [from, to); 0 when `to` is not after `from`. The SLA clock pauses outside hours. */
export function businessSecondsBetween(from: Date, to: Date, hours: BusinessHours): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (hours.kind === 'always') return (b - a) / 1000;
  let total = 0;
  for (const w of businessWindows(from, hours)) {
    if (w.start >= b) break;
    const overlap = Math.min(w.end, b) - Math.max(w.start, a);
    if (overlap > 0) total += overlap;
  }
  return total / 1000;
}

/**
 * The instant at which `seconds` of business time have passed since `from`, or null when the schedule has
 * no business time within a year (no days selected).
 */
export function addBusinessSeconds(from: Date, seconds: number, hours: BusinessHours): Date | null {
  const a = from.getTime();
  if (hours.kind === 'always') return new Date(a + seconds * 1000);
  let remaining = seconds * 1000;
  for (const w of businessWindows(from, hours)) {
    const start = Math.max(w.start, a);
    if (w.end <= start) continue;
    // `<` rather than `<=` would push an exact fit to the next day; the instant the budget is used up is the answer.
    if (remaining <= w.end - start) return new Date(start + remaining);
    remaining -= w.end - start;
  }
  return null;
}

/** Whether `at` falls inside business hours (always true for `always`). */
export function isBusinessTime(at: Date, hours: BusinessHours): boolean {
  if (hours.kind === 'always') return true;
  const t = at.getTime();
  for (const w of businessWindows(at, hours)) {
    if (w.start > t) return false;
    if (t < w.end) return true;
  }
  return false;
}

/** "Mon–Fri 09:00–17:30 (Europe/London)" or "always on". */
export function describeBusinessHours(hours: BusinessHours): string {
  if (hours.kind === 'always') return 'always on';
  return `${describeDays(hours.days)} ${formatMinuteOfDay(hours.startMinute)}–${formatMinuteOfDay(hours.endMinute)} (${hours.timezone})`;
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * ISO weekdays (1 = Mon … 7 = Sun) as typed back: a run of three or more as a range, also across the week's
 * end (`fri-mon` is "Fri–Mon", not "Mon, Fri, Sat, Sun"); otherwise a list, Monday first.
 */
function describeDays(days: number[]): string {
  const sorted = [...new Set(days)].sort((x, y) => x - y);
  const set = new Set(sorted);
  const before = (d: number) => ((d + 5) % 7) + 1;
  // The run's first day: the one whose day before is not in it (every day is when all seven are).
  const first = sorted.length === 7 ? 1 : sorted.find((d) => !set.has(before(d)));
  if (first !== undefined && sorted.length > 2) {
    let length = 1;
    while (length < sorted.length && set.has(((first + length - 1) % 7) + 1)) length++;
    if (length === sorted.length) return `${DAY_NAMES[first - 1]}–${DAY_NAMES[(first + length - 2) % 7]}`;
  }
  return sorted.map((d) => DAY_NAMES[d - 1]).join(', ');
}
