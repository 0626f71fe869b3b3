import { localDateOf, weekdayOf, zonedInstant } from '../time/wall-clock.js';

/**
 * When a digest fires: pure functions of the schedule, `now` and the time zone, no clock inside.
 *
 * A slot is one scheduled instant. The local wall-clock time stays put across DST changes (08:30 in
 * Europe/Berlin is 07:30 UTC in winter and 06:30 UTC in summer). A local time that does not exist or
 * happens twice follows Tally's one DST rule (`src/time/wall-clock.ts`): the end of the gap (02:30 →
 * 03:00 on the spring-forward day), the first occurrence on the fall-back day. There is exactly one slot
 * per local calendar day.
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

const MINUTE = 60_000;
const DAY = 86_400_000;

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
