import { tz as inZone, TZDate } from '@date-fns/tz';
import { isValid, parse } from 'date-fns';
import { LRUCache } from 'lru-cache';
import { isCalendarDay, whyNoDay } from '../time/calendar-day.js';
import { instantsReading, offsetText } from '../time/wall-clock.js';

/**
 * Parsers for the loosely typed values that arrive from CSV cells and JSON bodies. Each returns a
 * clean value or throws `ValueError` with a short reason fit for a row error.
 */
export class ValueError extends Error {
  override name = 'ValueError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Returns `value` when it is text a database and Slack can hold: no NUL character and no unpaired
 * UTF-16 surrogate (what a broken encoder or a truncated emoji leaves), and no U+FFFD (what a decoder
 * leaves for bytes that were not UTF-8: a Latin-1 file read as UTF-8). Throws ValueError otherwise.
 */
export function checkText(value: string): string {
  if (value.includes('\u0000'))
    throw new ValueError('contains a NUL character (\\0), which text cannot hold');
  if (LONE_SURROGATE.test(value)) {
    throw new ValueError('contains an unpaired UTF-16 surrogate (broken encoding); send valid Unicode');
  }
  if (value.includes('\uFFFD')) {
    throw new ValueError(
      'contains U+FFFD, the mark of bytes that were not valid UTF-8; save the file as UTF-8 and import again',
    );
  }
  return value;
}

/** Years outside this range are typos or placeholder dates ("0050", "9999"), not sales history. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal ("1.5", "3") to a number, rejecting anything else (no "1e3", no ""). */
export function parseDecimal(value: string | number): number {
  const text = typeof value === 'number' ? numberToPlainText(value) : value.trim();
  if (!DECIMAL.test(text)) throw new ValueError(`"${value}" is not a number`);
  return Number(text);
}

/** A whole number with thousands separators (`1,200`, `12 400`, `1'200`); not `1.200`, which may be a decimal. */
const GROUPED_WHOLE = /^[+-]?\d{1,3}([,\u00a0\u202f' ])\d{3}(?:\1\d{3})*$/;

/** The whole numbers a field accepts, inclusive. */
export interface WholeRange {
  min: number;
  max: number;
}

const EXACT: WholeRange = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

/**
 * Parses a whole number ("12", "12.0", "+3", 12) within `range` (default: the exact JS numbers).
 * Text is read exactly (as a bigint), so "9223372036854775808" is refused as written, not rounded. A
 * JSON number beyond ±9007199254740991 arrived already rounded by JSON.parse, so it is named "a number
 * beyond 9007199254740991", never shown as the rounded value. Out of range, `wording` 'range' says
 * "is outside min..max" (a field with bounds of its own), 'limit' says "is too large (at most max)" /
 * "is too small (at least min)" (a field bounded only by its column). `unit` names what the number
 * counts ("seconds") in the advice for a value written with thousands separators. Throws ValueError.
 */
export function parseInteger(
  value: string | number,
  range: WholeRange = EXACT,
  wording: 'range' | 'limit' = 'limit',
  unit?: string,
): number {
  let whole: bigint;
  let shown: string;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new ValueError(`${value} is not a number`);
    // ±Infinity is how JSON.parse reads a number past ±1.8e308 (`1e400`): beyond the limit, like 1e300.
    if (Number.isFinite(value) && !Number.isInteger(value))
      throw new ValueError(`"${value}" is not a whole number`);
    if (Number.isSafeInteger(value)) {
      whole = BigInt(value);
      shown = String(whole);
    } else {
      const above = value > 0;
      whole = above ? BigInt(EXACT.max) + 1n : BigInt(EXACT.min) - 1n;
      shown = above ? `a number beyond ${EXACT.max}` : `a number below ${EXACT.min}`;
    }
  } else {
    const m = DECIMAL.exec(value.trim());
    if (!m) {
      // `1,200` as spreadsheets write it: the number is plain, only the separator is refused, so it is named.
      const grouped = GROUPED_WHOLE.exec(value.trim());
      throw new ValueError(
        grouped
          ? `"${value}" is not a number; write ${unit ? `whole ${unit}` : 'it'} without a thousands separator: ${value.trim().replace(/[^\d+-]/g, '')}`
          : `"${value}" is not a number`,
      );
    }
    const [, sign, digits, fraction = ''] = m;
    if (/[^0]/.test(fraction)) throw new ValueError(`"${value}" is not a whole number`);
    whole = sign === '-' ? -BigInt(digits!) : BigInt(digits!);
    shown = String(whole);
  }
  const { min, max } = range;
  if (whole < BigInt(min) || whole > BigInt(max)) {
    if (wording === 'range') throw new ValueError(`${shown} is outside ${min}..${max}`);
    throw new ValueError(
      whole > BigInt(max)
        ? `${shown} is too large (at most ${max})`
        : `${shown} is too small (at least ${min})`,
    );
  }
  return Number(whole);
}

export function numberToPlainText(n: number): string {
  // JSON.parse reads a number past ±1.79e308 (`1e400`) as ±Infinity: name the bound, not "Infinity".
  if (Number.isNaN(n)) throw new ValueError(`${n} is not a number`);
  if (!Number.isFinite(n))
    throw new ValueError(`a number ${n > 0 ? 'beyond ' : 'below -'}1.79e308 is too large`);
  // JSON numbers like 1e21 print in exponent form; those are not amounts anyone sends.
  return String(n);
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Parses true/false, t/f, yes/no, y/n or 1/0 (any case, spaces around ignored) or a JSON boolean; any
 * other value is a ValueError that lists those spellings.
 */
export function parseBoolean(value: string | number | boolean): boolean {
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ValueError(
    `"${value}" is not true or false (write true/false, yes/no, y/n, t/f or 1/0, any case)`,
  );
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO date or date-time. A value with a zone (Z, +02:00, -0300) is that instant; a date or
 * a date-time without a zone is read as wall-clock time in `timeZone` (the deployment's DEFAULT_TIMEZONE),
 * so "2017-10-20" means midnight where the team works, not midnight UTC. Each value read in `timeZone`
 * (no zone; a slash date) adds one to `dates.zoneless`.
 */
export function parseInstant(value: string, timeZone: string, dates?: DateContext): Date {
  let known = instantCache.get(timeZone);
  const hit = known?.get(value);
  if (hit !== undefined) {
    if (dates) dates.zoneless += 1;
    return new Date(hit);
  }
  const zoned = zonedCache?.get(value);
  if (zoned !== undefined) return new Date(zoned);
  const m = INSTANT.exec(value.trim());
  if (!m) {
    const slash = dates ? SLASH.exec(value.trim()) : null;
    if (slash && dates) {
      const read = parseSlashDate(value, slash, timeZone, dates);
      dates.zoneless += 1;
      return read;
    }
    throw new ValueError(
      `"${value}" is not an ISO date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)${yearFirstHint(value) || monthNameHint(value)}`,
    );
  }
  const [, y, mo, d, h, mi = '0', s = '0', frac = '', zone] = m;
  const parts = [y, mo, d, h ?? '0', mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new ValueError(`"${value}" has year ${y}; dates must fall between ${MIN_YEAR} and ${MAX_YEAR}`);
  }
  if (!isCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    throw new ValueError(`"${value}" is not a real date or time`);
  }
  const utc = zone
    ? Date.UTC(year, month - 1, day, hour, minute, second, ms) -
      (zone.toUpperCase() === 'Z' ? 0 : parseOffset(zone)) * 60_000
    : wallClockToUtc(timeZone, year, month, day, hour, minute, second, h !== undefined ? value : null) + ms;
  if (zone) {
    zonedCache ??= new LRUCache({ max: INSTANT_CACHE_MAX });
    zonedCache.set(value, utc);
    return new Date(utc);
  }
  if (dates) dates.zoneless += 1;
  if (!known) {
    known = new LRUCache({ max: INSTANT_CACHE_MAX });
    instantCache.set(timeZone, known);
  }
  known.set(value, utc);
  return new Date(utc);
}

/**
 * ISO text without a zone → UTC ms per time zone, for values read by the ISO path (the slash path
 * depends on the file's date order, so it is not kept). A file repeats its dates; each reading costs a
 * regex match and several small arrays, which a big import pays a million times. The outer map is
 * plain: its keys are IANA zone names (the deployment's, in practice); each zone keeps its most recent
 * texts. Texts with a zone (`Z`, `+02:00`) mean one instant in any zone: they are kept in `zonedCache`,
 * so a hit in either tells whether the value was read in the zone (DateContext.zoneless).
 */
const instantCache = new Map<string, LRUCache<string, number>>();
/** ISO text with a zone → UTC ms (made on first use: an LRUCache allocates its slots up front). */
let zonedCache: LRUCache<string, number> | undefined;
const INSTANT_CACHE_MAX = 100_000;

/** Order of day and month in a slash date: `1/15/2026` is MDY (US), `15/1/2026` DMY. */
export type DateOrder = 'MDY' | 'DMY';
export const DATE_ORDERS: readonly DateOrder[] = ['MDY', 'DMY'];

/**
 * How the slash dates of one file or request are read: in `order` when given (--date-format, the
 * salesforce preset, the request's date_format); without it every slash date is refused, saying
 * which orders fit. `hint` ends the messages of dates both orders fit (how to give the order);
 * `pick(order)` those of dates only one order fits (how to give that one). Without an order, `fits`
 * counts the refused dates only month/day/year fits, only day/month/year fits, and either (with the
 * first example of each), so the file as a whole can say which order its dates show.
 */
export interface DateContext {
  order?: DateOrder | undefined;
  hint: string;
  pick: (order: DateOrder) => string;
  fits: { MDY: number; DMY: number; either: number; example: Partial<Record<DateOrder | 'either', string>> };
  /**
   * Values read as wall-clock time in the zone: dates and times without a zone (`2026-10-01`,
   * `2026-10-01 14:05`, slash dates), counted each time one is read (see zonelessDatesNote).
   */
  zoneless: number;
}

export const FILE_DATE_HINT =
  'say which with --date-format MDY (month/day/year) or --date-format DMY (day/month/year)';
export const REQUEST_DATE_HINT =
  'say which with the request\'s "date_format" field ("MDY" for month/day/year or "DMY" for day/month/year)';

export const newDateContext = (order: DateOrder | undefined, audience: 'file' | 'request'): DateContext => ({
  order,
  hint: audience === 'file' ? FILE_DATE_HINT : REQUEST_DATE_HINT,
  pick:
    audience === 'file'
      ? (o) => `pass --date-format ${o}`
      : (o) => `set the request's "date_format" field to "${o}"`,
  fits: { MDY: 0, DMY: 0, either: 0, example: {} },
  zoneless: 0,
});

/**
 * What a file's refused slash dates say about its order, when they say one thing: some dates fit both
 * orders and all the others only one (a DD/MM file whose days go past 12): `slash dates such as
 * "05/11/2026" could be month/day/year or day/month/year, but the file's others read only as
 * day/month/year (e.g. "25/11/2026"): pass --date-format DMY`. Null when no date was refused as
 * ambiguous, or the file's dates show both orders or neither. (Counts only tell whether: a value may
 * be read more than once.)
 */
export function dateOrderAdvice(dates: DateContext): string | null {
  const { MDY, DMY, either, example } = dates.fits;
  if (either === 0 || MDY > 0 === DMY > 0) return null;
  const only: DateOrder = MDY > 0 ? 'MDY' : 'DMY';
  return `slash dates such as "${example.either}" could be ${ORDER_NAME.MDY} or ${ORDER_NAME.DMY}, but the file's others read only as ${ORDER_NAME[only]} (e.g. "${example[only]}"): ${dates.pick(only)}`;
}

/** A year-first date with slashes or dots (`2026/10/01`, `2026.10.1 14:05`): only the separators are wrong. */
const YEAR_FIRST = /^(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?:([ T]+)(\d{1,2}:\d{2}(?::\d{2})?))?$/;

/**
 * What to say of a year-first date written with slashes or dots (`2026/10/01`): its ISO form to write
 * (`; write it as 2026-10-01`, the time kept), or why it is no day (`2026/02/30`: `; it is no date:
 * February 2026 has 28 days`); '' for anything else. Still refused: year/day/month exists too, rarely.
 */
function yearFirstHint(value: string): string {
  const m = YEAR_FIRST.exec(value.trim());
  if (!m) return '';
  const [, y, , mo, d, gap, time] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (year < MIN_YEAR || year > MAX_YEAR) return '';
  const why = whyNoDay(year, month, day);
  if (why) return `; it is no date: ${why}`;
  const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  if (!time) return `; write it as ${iso}`;
  const [hour, minute, second = 0] = time.split(':').map(Number) as [number, number, number?];
  if (hour > 23 || minute > 59 || second > 59) return '';
  return `; write it as ${iso}${gap!.includes('T') ? 'T' : ' '}${time.replace(/^(\d):/, '0$1:')}`;
}

/** The one order a refused date's message advises (`… reads only as day/month/year: pass --date-format DMY`). */
export function orderAdvised(message: string, dates: DateContext): DateOrder | null {
  return DATE_ORDERS.find((o) => message.includes(onlyAdvice(o, dates))) ?? null;
}

const onlyAdvice = (order: DateOrder, dates: DateContext) =>
  `reads only as ${ORDER_NAME[order]}: ${dates.pick(order)}`;

/**
 * A file whose refused dates read only as day/month/year in some rows and only as month/day/year in
 * others: no one order reads it, so each row's advice of an order is dropped from `messages` (rewritten
 * in place) and said once, naming a line of each (`lines`: the first line refused in each order, when
 * known): `the file mixes day/month/year dates (line 2: "13/04/2026") and month/day/year dates (line 3:
 * "04/14/2026"), so no --date-format reads them all: write its dates as YYYY-MM-DD`. Null otherwise.
 */
export function mixedDateOrders(
  dates: DateContext,
  lines: Partial<Record<DateOrder, number>>,
  messages: { message: string }[],
): string | null {
  const { MDY, DMY, example } = dates.fits;
  if (MDY === 0 || DMY === 0) return null;
  for (const m of messages)
    for (const o of DATE_ORDERS)
      m.message = m.message.replace(
        onlyAdvice(o, dates),
        `reads only as ${ORDER_NAME[o]}, but the file mixes both orders`,
      );
  const each = (o: DateOrder) =>
    `${ORDER_NAME[o]} dates (${lines[o] !== undefined ? `line ${lines[o]}: ` : 'e.g. '}"${example[o]}")`;
  const [first, second]: DateOrder[] =
    (lines.MDY ?? Number.POSITIVE_INFINITY) < (lines.DMY ?? Number.POSITIVE_INFINITY)
      ? ['MDY', 'DMY']
      : ['DMY', 'MDY'];
  return `the file mixes ${each(first!)} and ${each(second!)}, so no --date-format reads them all: write its dates as YYYY-MM-DD`;
}

/** Dates written with the month's name, which read one way only (`Dec 28, 2025`, `28 December 2025`). */
const MONTH_NAME_DAYS = [
  'MMM d, yyyy',
  'MMM d yyyy',
  'd MMM, yyyy',
  'd MMM yyyy',
  'MMMM d, yyyy',
  'MMMM d yyyy',
  'd MMMM, yyyy',
  'd MMMM yyyy',
];

/**
 * What to say of a date written with its month's name and a four-digit year (`dec 28, 2025`, `28 Dec
 * 2025`, `December 28th, 2025`, `Sept 3, 2026`), read with date-fns `parse` (English month names, any
 * case): its ISO day to write (`; write it as 2025-12-28`), or why it is no day (`feb 30, 2026`: `; it is
 * no date: February 2026 has 28 days`); '' for anything else. Such a date is still refused, as every
 * non-ISO one: this only says what to write.
 */
function monthNameHint(value: string): string {
  const text = value
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\./g, '')
    .replace(/(\d)(?:st|nd|rd|th)\b/gi, '$1')
    .replace(/\bsept\b/gi, 'sep');
  if (!/^[\p{L}\d ,]+$/u.test(text) || !/\d{4}$/.test(text)) return '';
  const read = (t: string) =>
    MONTH_NAME_DAYS.map((form) => parse(t, form, new Date(0), { in: UTC })).find((d) => isValid(d));
  const day = read(text);
  if (day) return `; write it as ${day.toISOString().slice(0, 10)}`;
  // A day the month does not have: the same words with day 1 give the month and year to name.
  const written = /(?:^|\D)(\d{1,2})(?=\D)/.exec(text);
  const first = written ? read(text.replace(/(^|\D)\d{1,2}(?=\D)/, '$11')) : undefined;
  if (!written || !first) return '';
  const why = whyNoDay(first.getUTCFullYear(), first.getUTCMonth() + 1, Number(written[1]));
  return why ? `; it is no date: ${why}` : '';
}

/** `1/15/2026`, `15/01/2026 14:05`, and Excel's European dotted form `23.11.2026` (always day/month/year). */
const SLASH = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?:[ T]+(.+))?$/;
const ORDER_NAME: Record<DateOrder, string> = { MDY: 'month/day/year', DMY: 'day/month/year' };
const TIME_FORMATS = ['', ' H:mm', ' H:mm:ss', ' h:mm a', ' h:mm:ss a'];
const UTC = inZone('UTC');

/**
 * A slash date (`1/15/2026`, `15/01/2026 14:05`, `1/15/2026 2:05 PM`) or a dotted one (`23.11.2026`,
 * only in DMY order) read with date-fns `parse` in the given order, as wall-clock time in `timeZone`. Without an order it is refused, naming the
 * orders that fit (`3/4/2026`: both) and how to give one; a date that is not real in the order too.
 */
function parseSlashDate(value: string, m: RegExpExecArray, timeZone: string, dates: DateContext): Date {
  const dotted = m[2] === '.';
  const order = dates.order;
  if (dotted && order !== 'DMY') {
    // A dotted date (German, Swiss, Nordic Excel) is day/month/year; it is read once that order is given.
    if (!order) note(dates, 'DMY', value);
    throw new ValueError(
      order === 'MDY'
        ? `"${value}" is a dotted day/month/year date, but this file's dates are read as ${ORDER_NAME.MDY}; if it writes ${ORDER_NAME.DMY}, ${dates.pick('DMY')}`
        : `"${value}" is not an ISO date (YYYY-MM-DD); a dotted date reads only as ${ORDER_NAME.DMY}: ${dates.pick('DMY')}`,
    );
  }
  if (!order) {
    // Never guessed: even "20/11/2026" (only day/month/year fits) waits for the order to be given,
    // since a file that mixes ISO and slash dates may also mix their orders.
    // The orders it is a real date in (not only day and month ≤ 12: "31/11/2026" is real in neither).
    const fits = DATE_ORDERS.filter((o) => readSlashDate(value, o, false, timeZone) !== null);
    if (fits.length === 0)
      throw new ValueError(
        `"${value}" is not a real date or time read as ${ORDER_NAME.MDY} or as ${ORDER_NAME.DMY}`,
      );
    const only: DateOrder | null = fits.length === 1 ? fits[0]! : null;
    note(dates, only, value);
    throw new ValueError(
      only
        ? `"${value}" is not an ISO date (YYYY-MM-DD); it reads only as ${ORDER_NAME[only]}: ${dates.pick(only)}`
        : `"${value}" is not an ISO date (YYYY-MM-DD) and could be ${ORDER_NAME.MDY} or ${ORDER_NAME.DMY}; ${dates.hint}`,
    );
  }
  const read = readSlashDate(value, order, dotted, timeZone);
  if (read) return read;
  // Not real in the order given; say so, and which order it does read in ("25/11/2026" under MDY).
  const other: DateOrder = order === 'MDY' ? 'DMY' : 'MDY';
  const fitsOther = !dotted && readSlashDate(value, other, false, timeZone) !== null;
  throw new ValueError(
    fitsOther
      ? `"${value}" is not a real date read as ${ORDER_NAME[order]}; it reads only as ${ORDER_NAME[other]}: if the file writes ${ORDER_NAME[other]}, ${dates.pick(other)}`
      : `"${value}" is not a real date or time read as ${ORDER_NAME[order]}`,
  );
}

/** Counts a refused slash date of a file without an order: the order it fits (null: either). */
function note(dates: DateContext, only: DateOrder | null, value: string): void {
  const key = only ?? 'either';
  dates.fits[key] += 1;
  dates.fits.example[key] ??= value;
}

/** A slash or dotted date read in `order` (date-fns `parse`), or null when it is no real date there. */
function readSlashDate(value: string, order: DateOrder, dotted: boolean, timeZone: string): Date | null {
  const datePart = order === 'MDY' ? 'M/d/yyyy' : dotted ? 'd.M.yyyy' : 'd/M/yyyy';
  const text = value.trim().replace(/[ T]+/, ' ');
  for (const time of TIME_FORMATS) {
    const d = parse(text, `${datePart}${time}`, new Date(0), { in: UTC });
    if (!isValid(d)) continue;
    const year = d.getFullYear();
    if (year < MIN_YEAR || year > MAX_YEAR)
      throw new ValueError(
        `"${value}" has year ${String(year).padStart(4, '0')}; dates must fall between ${MIN_YEAR} and ${MAX_YEAR}`,
      );
    const utc = wallClockToUtc(
      timeZone,
      year,
      d.getMonth() + 1,
      d.getDate(),
      d.getHours(),
      d.getMinutes(),
      d.getSeconds(),
      time === '' ? null : value,
    );
    return new Date(utc);
  }
  return null;
}

/**
 * Wall-clock second → UTC ms, per zone; a file repeats its dates, and each TZDate costs an Intl call.
 * Made on first use: an LRUCache allocates all its slots up front.
 */
let wallClockCache: LRUCache<string, number> | undefined;

/**
 * A wall-clock time in `timeZone` as UTC ms. A time written without an offset (`written`: the value as
 * given) that the zone's clocks never read (a spring-forward gap) or read twice (an autumn's repeated hour)
 * is refused, naming the offsets that say which instant is meant: storing one would be a guess. A bare
 * date (`written` null) is its day's first instant.
 */
function wallClockToUtc(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  written: string | null,
): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC')
    return Date.UTC(year, month - 1, day, hour, minute, second);
  const key = `${timeZone}|${year}|${month}|${day}|${hour}|${minute}|${second}`;
  wallClockCache ??= new LRUCache({ max: 100_000 });
  let utc = wallClockCache.get(key);
  if (utc === undefined) {
    utc = new TZDate(year, month - 1, day, hour, minute, second, 0, timeZone).getTime();
    if (written !== null)
      checkOneReading(Date.UTC(year, month - 1, day, hour, minute, second), utc, timeZone, written);
    wallClockCache.set(key, utc);
  }
  return utc;
}

const HOUR_MS = 3_600_000;

/** Offsets by zone and whole UTC hour (`Berlin|493000`), as offsetText writes them. Made on first use. */
let hourOffsets: LRUCache<string, string> | undefined;

function offsetAtHour(timeZone: string, hour: number): string {
  const key = `${timeZone}|${hour}`;
  hourOffsets ??= new LRUCache({ max: 10_000 });
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    offset = offsetText(hour * HOUR_MS, timeZone);
    hourOffsets.set(key, offset);
  }
  return offset;
}

/**
 * Throws ValueError when `timeZone`'s clocks read `wall` never or twice (see wallClockToUtc); `near` is an
 * instant within an hour or two of that reading (the one TZDate made of it).
 */
function checkOneReading(wall: number, near: number, timeZone: string, written: string): void {
  // Far from a change of offset a reading is unique: the offsets four hours either side (read at the
  // whole hour, cached, since a file's times share hours) agree.
  const hour = Math.floor(near / HOUR_MS);
  if (offsetAtHour(timeZone, hour - 4) === offsetAtHour(timeZone, hour + 4)) return;
  const around = [near - 3 * HOUR_MS, near + 3 * HOUR_MS].map((t) => offsetText(t, timeZone));
  const instants = instantsReading(wall, timeZone);
  if (instants.length === 1) return;
  const iso = new Date(wall).toISOString().slice(0, 19);
  if (instants.length === 0)
    throw new ValueError(
      `"${written}" never happened in ${timeZone}: the clocks jumped past it that night; give the instant with its offset (e.g. ${iso}${around[0]} or ${iso}${around[1]}), or fix the time`,
    );
  throw new ValueError(
    `"${written}" happened twice in ${timeZone}: the clocks went back that night; give the offset to say which (${instants.map((t) => `${iso}${offsetText(t, timeZone)}`).join(' or ')})`,
  );
}

function parseOffset(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) throw new ValueError(`"${zone}" is not a time zone offset`);
  return sign * (hours * 60 + minutes);
}

/**
 * Parses a calendar day (an opportunity's expected close date) and returns it as an ISO day "2026-10-31": the
 * day as written. `2026-10-31` reads as written. With `dates` (a file's or request's date order), a slash or
 * dotted date reads as the file's other dates do (`10/31/2026` under --date-format MDY), and is refused the
 * same way without an order, naming the orders it fits. A date with a time (`2026-10-31T23:30:00-08:00`,
 * `10/31/2026 2:05 PM`, as HubSpot writes its Close Date) is checked as parseInstant checks it, and its day is
 * the one written, whatever the time or offset (the sender's day: read in another zone, 23:30 at -08:00
 * would be the next day). Throws ValueError.
 */
export function parseCalendarDate(value: string, dates?: DateContext): string {
  const text = value.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isCalendarDay(y, mo, d)) throw new ValueError(`"${value}" is not a real date`);
    return `${m[1]}-${m[2]}-${m[3]}`;
  }
  const iso = INSTANT.exec(text);
  if (iso) {
    parseInstant(text, 'UTC');
    return `${iso[1]}-${iso[2]}-${iso[3]}`;
  }
  const slash = dates ? SLASH.exec(text) : null;
  // Read as wall-clock time in UTC, the instant's UTC day is the day written.
  if (slash && dates) return parseSlashDate(value, slash, 'UTC', dates).toISOString().slice(0, 10);
  // Neither: parseInstant refuses it with its message (ISO forms, a month name's ISO day).
  parseInstant(value, 'UTC', dates);
  throw new ValueError(`"${value}" is not a date (YYYY-MM-DD)`);
}
