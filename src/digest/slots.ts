/**
 * When a digest fires: pure functions of the schedule, `now` and the time zone, no clock inside.
 *
 * A slot is one scheduled instant. The local wall-clock time stays put across DST changes (08:30 in
 * Europe/Berlin is 07:30 UTC in winter and 06:30 UTC in summer). On the spring-forward day a local time
 * that does not exist (02:30 when clocks jump from 02:00 to 03:00) fires at the first instant after the
 * gap (03:00). On the fall-back day a local time that happens twice fires once, at its first occurrence:
 * there is exactly one slot per local calendar day.
 */

export type Cadence = 'daily' | 'weekdays' | 'weekly';

export interface Schedule {
  cadence: Cadence;
  /** For weekly: 0 = Sunday … 6 = Saturday. */
  weekday: number | null;
  /** "HH:MM", 24-hour. */
  localTime: string;
  timezone: string;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The local wall-clock reading of `instant` in `timezone`, as if it were UTC milliseconds. */
export function localWallMs(instant: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** The calendar date of `instant` in `timezone`. */
export function localDateOf(instant: Date, timezone: string): LocalDate {
  const d = new Date(localWallMs(instant.getTime(), timezone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, for a calendar date. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/**
 * The instant at which `timezone`'s clocks first read the given wall time on that date: the first
 * occurrence when the time happens twice (fall back), the end of the gap when it never happens (spring forward).
 */
export function zonedInstant(date: LocalDate, hour: number, minute: number, timezone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // The zone's offsets a day either side; at most one transition lies between them.
  const offsets = new Set([wall - DAY, wall + DAY].map((t) => localWallMs(t, timezone) - t));
  const candidates = [...offsets].map((o) => wall - o).sort((a, b) => a - b);
  const exact = candidates.filter((c) => localWallMs(c, timezone) === wall);
  if (exact.length > 0) return new Date(exact[0]!);
  // In a gap: find the first minute whose local reading is at or past the wanted time.
  let lo = candidates[0]!;
  let hi = candidates[candidates.length - 1]!;
  if (localWallMs(lo, timezone) >= wall) return new Date(lo);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (localWallMs(mid, timezone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** Parses "8:30" / "08:30" into hour and minute, or null. */
export function parseLocalTime(text: string): { hour: number; minute: number } | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** Whether the schedule fires on a day with this weekday. */
export function firesOn(schedule: Pick<Schedule, 'cadence' | 'weekday'>, weekday: number): boolean {
  switch (schedule.cadence) {
    case 'daily':
      return true;
    case 'weekdays':
      return weekday >= 1 && weekday <= 5;
    case 'weekly':
      return weekday === schedule.weekday;
  }
}

/** Every slot `s` of the schedule with `from ≤ s ≤ to`, oldest first. */
export function slotsBetween(schedule: Schedule, from: Date, to: Date): Date[] {
  const time = parseLocalTime(schedule.localTime);
  if (!time || to < from) return [];
  const first = localDateOf(from, schedule.timezone);
  const last = localDateOf(to, schedule.timezone);
  const startMs = Date.UTC(first.year, first.month - 1, first.day);
  const endMs = Date.UTC(last.year, last.month - 1, last.day);
  const out: Date[] = [];
  // One day either side: a slot's local date can differ from the UTC date of the range ends.
  for (let ms = startMs - DAY; ms <= endMs + DAY; ms += DAY) {
    const d = new Date(ms);
    const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    if (!firesOn(schedule, weekdayOf(date))) continue;
    const slot = zonedInstant(date, time.hour, time.minute, schedule.timezone);
    if (slot >= from && slot <= to) out.push(slot);
  }
  return out;
}

/** The next slot strictly after `after` (looks up to 8 days ahead), for `list` and previews. */
export function nextSlot(schedule: Schedule, after: Date): Date | null {
  const slots = slotsBetween(schedule, new Date(after.getTime() + 1), new Date(after.getTime() + 8 * DAY));
  return slots[0] ?? null;
}

export type SlotState = 'future' | 'due' | 'missed';

/** due: slot ≤ now ≤ slot + grace; missed: later than that (to be skipped, never posted). */
export function classifySlot(slot: Date, now: Date, graceMinutes: number): SlotState {
  const late = now.getTime() - slot.getTime();
  if (late < 0) return 'future';
  return late <= graceMinutes * MINUTE ? 'due' : 'missed';
}

/** "HH:MM" of an instant in a zone, for "posted late: scheduled 08:30". */
export function formatLocalTime(instant: Date, timezone: string): string {
  const d = new Date(localWallMs(instant.getTime(), timezone));
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
