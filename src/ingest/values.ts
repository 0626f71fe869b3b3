import { TZDate } from '@date-fns/tz';

/**
 * Parsers for the loosely typed values that arrive from CSV cells and JSON bodies. Each returns a
 * clean value or throws `ValueError` with a short reason fit for a row error.
 */
export class ValueError extends Error {
  override name = 'ValueError';
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Converts an amount in major units ("1054", "12.50", "-3.5", or a JSON number) to integer minor
 * units, exactly: the decimal text is split, never multiplied as a float. More than `decimals`
 * fractional digits is an error unless the extra digits are zeros ("100000.0" is fine).
 */
export function parseMinorUnits(value: string | number, decimals = 2): number {
  const text = typeof value === 'number' ? numberToPlainText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m)
    throw new ValueError(
      `"${value}" is not an amount (use digits with an optional "." and up to ${decimals} decimals)`,
    );
  const [, sign, whole, fraction = ''] = m;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) throw new ValueError(`"${value}" has more than ${decimals} decimals`);
  const minor = BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(significant.padEnd(decimals, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValueError(`"${value}" is too large`);
  const n = Number(minor);
  return sign === '-' && n !== 0 ? -n : n;
}

/** Parses a plain decimal ("1.5", "3") to a number, rejecting anything else (no "1e3", no ""). */
export function parseDecimal(value: string | number): number {
  const text = typeof value === 'number' ? numberToPlainText(value) : value.trim();
  if (!DECIMAL.test(text)) throw new ValueError(`"${value}" is not a number`);
  return Number(text);
}

/** Parses a whole number ("12", "12.0", 12). */
export function parseInteger(value: string | number): number {
  const n = parseDecimal(value);
  if (!Number.isSafeInteger(n)) throw new ValueError(`"${value}" is not a whole number`);
  return n;
}

function numberToPlainText(n: number): string {
  if (!Number.isFinite(n)) throw new ValueError(`${n} is not a number`);
  // JSON numbers like 1e21 print in exponent form; those are not amounts anyone sends.
  return String(n);
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/** Parses true/false/yes/no/1/0 (any case) or a JSON boolean. */
export function parseBoolean(value: string | number | boolean): boolean {
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ValueError(`"${value}" is not true or false`);
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO date or date-time. A value with a zone (Z, +02:00, -0300) is that instant; a date or
 * a date-time without a zone is read as wall-clock time in `timeZone` (the deployment's DEFAULT_TIMEZONE),
 * so "2017-10-20" means midnight where the team works, not midnight UTC.
 */
export function parseInstant(value: string, timeZone: string): Date {
  const m = INSTANT.exec(value.trim());
  if (!m)
    throw new ValueError(`"${value}" is not an ISO date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new ValueError(`"${value}" is not a real date or time`);
  }
  if (zone) {
    const offsetMinutes = zone.toUpperCase() === 'Z' ? 0 : parseOffset(zone);
    const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    return new Date(utc - offsetMinutes * 60_000);
  }
  return new Date(new TZDate(year, month - 1, day, hour, minute, second, ms, timeZone).getTime());
}

function parseOffset(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) throw new ValueError(`"${zone}" is not a time zone offset`);
  return sign * (hours * 60 + minutes);
}

/** Parses a calendar date "2026-10-31" (no time, no zone) and returns it as written; throws ValueError. */
export function parseCalendarDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) throw new ValueError(`"${value}" is not a date (YYYY-MM-DD)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo))
    throw new ValueError(`"${value}" is not a real date`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
