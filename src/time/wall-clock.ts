import { tzOffset } from '@date-fns/tz';

/**
 * Wall-clock time in a zone, and the one rule for daylight-saving changes (docs/architecture.md):
 *
 *   A local date and time means the first instant at which the zone's clocks read that time or later.
 *
 * - A time that happens twice (autumn, clocks go back) means its first occurrence: 02:30 on Berlin's
 *   fall-back day is 00:30 UTC (CEST), not 01:30 UTC (CET).
 * - A time that does not exist (spring, clocks jump forward) means the end of the gap: 02:30 on Berlin's
 *   spring-forward day is 03:00 CEST (01:00 UTC).
 *
 * Digest slots, business-hours windows and anything else that turns a wall time into an instant goes
 * through `zonedInstant`, so they agree on every DST day. Offsets come from `@date-fns/tz`.
 */

/** A calendar date (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The zone's clock reading at `instant`, as epoch milliseconds of the same reading in UTC. */
function wallMs(instant: number, zone: string): number {
  return instant + tzOffset(zone, new Date(instant)) * MINUTE;
}

/** The calendar date of `instant` in `zone`. */
export function localDateOf(instant: Date, zone: string): LocalDate {
  const d = new Date(wallMs(instant.getTime(), zone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, for a calendar date. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/**
 * The instants (epoch ms) at which `zone`'s clocks read the wall time `wall` (epoch ms of that same reading
 * in UTC), earliest first: one on most days, none in a spring-forward gap, two in an autumn's repeated hour.
 * For data that must not be guessed at (an imported time without an offset); `zonedInstant` applies the rule.
 */
export function instantsReading(wall: number, zone: string): number[] {
  const offsets = new Set([wall - DAY, wall + DAY].map((t) => tzOffset(zone, new Date(t))));
  return [...offsets]
    .map((o) => wall - o * MINUTE)
    .filter((c) => wallMs(c, zone) === wall)
    .sort((a, b) => a - b);
}

/** The zone's UTC offset at `instant`, as `+01:00` / `-05:30`. */
export function offsetText(instant: number, zone: string): string {
  const minutes = tzOffset(zone, new Date(instant));
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The instant `zone`'s clocks first read `hour:minute` (or later) on `date`, by the rule above. `minute`
 * may run past 59 (minute 1440 of a day is the next day's 00:00). Zones change offset at whole minutes.
 */
export function zonedInstant(date: LocalDate, hour: number, minute: number, zone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // The offsets a day either side; at most one transition lies between them.
  const offsets = new Set([wall - DAY, wall + DAY].map((t) => tzOffset(zone, new Date(t))));
  const candidates = [...offsets].map((o) => wall - o * MINUTE).sort((a, b) => a - b);
  const exact = candidates.find((c) => wallMs(c, zone) === wall);
  if (exact !== undefined) return new Date(exact);
  // In a gap: the first minute whose reading is at or past the wanted time is where the gap ends.
  let lo = candidates[0]!;
  let hi = candidates[candidates.length - 1]!;
  if (wallMs(lo, zone) >= wall) return new Date(lo);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (wallMs(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}
