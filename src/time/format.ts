import { tzOffset } from '@date-fns/tz';
import { LRUCache } from 'lru-cache';

/** Times and dates as people read them: 24-hour clock, ISO dates, English day and month names. */

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Minutes since local midnight as "HH:MM": 540 → "09:00"; 1440 → "24:00". */
export function formatMinuteOfDay(minute: number): string {
  return `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
}

/** The wall-clock time of `instant` in `zone` as "HH:MM" (e.g. "posted late: scheduled 08:30"). */
export function formatLocalTime(instant: Date, zone: string): string {
  const d = new Date(instant.getTime() + tzOffset(zone, instant) * 60_000);
  return formatMinuteOfDay(d.getUTCHours() * 60 + d.getUTCMinutes());
}

/** The calendar date of `instant` in `zone` as ISO "YYYY-MM-DD". */
export function formatLocalDate(instant: Date, zone: string): string {
  const d = new Date(instant.getTime() + tzOffset(zone, instant) * 60_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The calendar day of `instant` in `zone` as "1 Jan 2027". */
export function formatLocalDay(instant: Date, zone: string): string {
  const [year, month, day] = formatLocalDate(instant, zone).split('-').map(Number);
  return `${day} ${MONTH_NAMES[(month ?? 1) - 1]} ${year}`;
}

/** One formatter per zone (building one costs about 0.1 ms; every answer's freshness line formats a time). */
const dateTimeFormats = new LRUCache<string, Intl.DateTimeFormat>({ max: 1_000 });

function dateTimeFormat(zone: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    // Zones come from data and Slack profiles: a few hundred at most; bounded all the same.
    dateTimeFormats.set(zone, format);
  }
  return format;
}

/** "Mon, 23 Nov 2026, 09:14" in `zone` (24-hour clock). Throws RangeError for an unknown zone. */
export function formatDateTime(at: Date, zone: string): string {
  return (
    dateTimeFormat(zone)
      .format(at)
      .replace(/,(?= \d{2}:)/, ',')
      // ICU's en-GB writes September "Sept"; every other date Tally shows (date-fns) says "Sep".
      .replace(/\bSept\b/, 'Sep')
  );
}
