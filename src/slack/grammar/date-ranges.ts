import { monthOfWord, parsePeriod } from '../../metrics/periods.js';
import { daysInMonth, isCalendarDay, isoDay, whyNoDay } from '../../time/calendar-day.js';
import { formatLocalDate } from '../../time/format.js';
import { noSuchDay, type PeriodProblem, type PeriodWordContext } from './period-words.js';
import { clipTyped } from './words.js';

/**
 * Dates written as ranges and days in a `/metrics` command: two days (`2026-03-01..2026-03-10`, `mar 1 to
 * mar 10`), two months with their years (`mar 2026 to apr 2026`), a range begun or ended with one date, and
 * a month, day and year (`mar 1 2026`). Each is read as a period, or answered with the dates to type; never
 * guessed. Pure.
 */

/** The period words' context; `isNamedMonth(i)`: the month word at `i` is part of a name. */
type RangeContext = PeriodWordContext & { isNamedMonth?: (index: number) => boolean };

const RANGE_DASH = '[-\u2010-\u2015\u2212]';
/** Words that join two dates into a range (`2026-03-01 to 2026-03-10`, `mar 1 – mar 10`). */
const RANGE_WORD = new RegExp(`^(?:to|until|till|\\.\\.|${RANGE_DASH})$`, 'i');
/** An ISO day (`2026-03-01`, `2026-3-1`). */
const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
/** Two ISO days in one word: `2026-03-01..2026-03-10`, `2026-03-01–2026-03-10`. */
const ISO_PAIR = new RegExp(`^(\\d{4}-\\d{1,2}-\\d{1,2})(?:\\.\\.|${RANGE_DASH})(\\d{4}-\\d{1,2}-\\d{1,2})$`);

/** A range of two days read at a word (see readDateRange): its period spec, or the problem to answer. */
export type DateRangeRead =
  | { kind: 'range'; spec: string; length: number }
  | { kind: 'problem'; problem: PeriodProblem; length: number };

/**
 * Two days written as a range at `tokens[index]`, `from` before them or not: each an ISO day, a month and
 * a day or a day and a month, with or without a year (`2026-03-01`, `mar 1`, `1 mar`, `mar 1 2026`, `1 mar
 * 2026`), joined by `..`, a dash, `to`, `until` or `till` (`2026-03-01 – 2026-03-10`, `from 2026-03-01 to
 * 2026-03-10`, `mar 1 to mar 10`, `dec 28 2025 to jan 3 2026`, `2026-03-01 to mar 10`). ISO days in order
 * are the range (`2026-03-01..2026-03-10`); days in the wrong order are refused with the words as typed and
 * the range the other way round to type; any other range, never guessed (`mar 10` alone may be March 2010),
 * is answered with its ISO range to type; a day that does not exist is said to. A side's year, when written
 * (or an ISO day's), is kept; a side without one is read from the other side's (the end the first such day
 * from the start's month, the start the last such month up to the end's); with no year on either side, the
 * first month is read as alone (the latest one that has started) and the second the first such month from
 * it, as `oct-nov`, a year earlier when the first day is still to come (the latest such range that has
 * started: `dec 20 to jan 10` on 4 Dec 2026 is `2025-12-20..2026-01-10`). Null for any other words, and for `a..b` alone with a day that does not exist or is out
 * of Tally's years (the period grammar answers it as before). `isNamedMonth(i)`: the month word at `i` is
 * part of a name. Pure.
 */
export function readDateRange(tokens: string[], index: number, ctx: RangeContext): DateRangeRead | null {
  const from = tokens[index]?.toLowerCase() === 'from' ? 1 : 0;
  const at = index + from;
  const pair = ISO_PAIR.exec(tokens[at] ?? '');
  const sides = pair
    ? { first: pair[1]!, last: pair[2]!, end: at + 1, iso: true }
    : rangeSides(tokens, at, ctx);
  if (!sides) return null;
  const length = sides.end - index;
  const typed = `\`${clipTyped(tokens.slice(index, sides.end).join(' '))}\``;
  const [first, last] = [realDay(sides.first), realDay(sides.last)];
  if (!first || !last) {
    // `2026-02-30..2026-03-01` alone keeps the period grammar's answer.
    if (pair && !from) return null;
    const bad = ISO_DAY.exec(!first ? sides.first : sides.last);
    const why = bad ? whyNoDay(Number(bad[1]), Number(bad[2]), Number(bad[3])) : null;
    return {
      kind: 'problem',
      problem: {
        message: `${typed} has a date that does not exist${why ? `: ${why}` : ''}.`,
        suggestion: null,
      },
      length,
    };
  }
  const ordered = first <= last;
  const range = ordered ? `${first}..${last}` : `${last}..${first}`;
  const parsed = parsePeriod(range, ctx);
  // Days out of Tally's years: the period grammar's reason, with the words as typed.
  if (!parsed.ok) {
    const message = parsed.error.replace(/^"[^"]*"/, typed);
    return pair && !from ? null : { kind: 'problem', problem: { message, suggestion: null }, length };
  }
  if (!ordered)
    return {
      kind: 'problem',
      problem: { message: `${typed} ends before it starts.`, suggestion: parsed.period.spec },
      length,
    };
  if (!sides.iso)
    return {
      kind: 'problem',
      problem: { message: `I can't read ${typed} as a period.`, suggestion: parsed.period.spec },
      length,
    };
  return { kind: 'range', spec: parsed.period.spec, length };
}

/** Two months with years in one word: `2026-03..2026-04`, `2026-03–2026-04`. */
const ISO_MONTH_PAIR = new RegExp(`^(\\d{4})-(\\d{1,2})(?:\\.\\.|${RANGE_DASH})(\\d{4})-(\\d{1,2})$`);

/** A month with its year at `tokens[at]`: `mar 2026`, `March 2026` (two words) or `2026-03` (one). */
function monthSide(
  tokens: string[],
  at: number,
  isNamedMonth?: (index: number) => boolean,
): { year: number; month: number; end: number } | null {
  const iso = /^(\d{4})-(\d{1,2})$/.exec(tokens[at] ?? '');
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), end: at + 1 };
  const month = monthOfWord(tokens[at] ?? '');
  const year = /^\d{4}$/.exec(tokens[at + 1] ?? '');
  if (!month || !year || isNamedMonth?.(at)) return null;
  return { year: Number(year[0]), month, end: at + 2 };
}

/**
 * Two months, each with its year, as a range at `tokens[index]`, `from` before them or not (`mar 2026 to
 * apr 2026`, `oct 2025 - feb 2026`, `2026-03 to 2026-04`, `2026-03..2026-04`): the first day of the first
 * month to the last day of the second, answered as asked (the years leave one reading, as `oct-nov` is
 * answered). The wrong way round is refused with the range to type; a month that does not exist (`2026-13`)
 * or years out of Tally's range get the period grammar's reason. Null for any other words. Pure.
 */
export function readMonthRange(tokens: string[], index: number, ctx: RangeContext): DateRangeRead | null {
  const at = index + (tokens[index]?.toLowerCase() === 'from' ? 1 : 0);
  const pair = ISO_MONTH_PAIR.exec(tokens[at] ?? '');
  let sides: { a: { year: number; month: number }; b: { year: number; month: number }; end: number } | null =
    null;
  if (pair)
    sides = {
      a: { year: Number(pair[1]), month: Number(pair[2]) },
      b: { year: Number(pair[3]), month: Number(pair[4]) },
      end: at + 1,
    };
  else {
    const a = monthSide(tokens, at, ctx.isNamedMonth);
    const b =
      a && RANGE_WORD.test(tokens[a.end] ?? '') ? monthSide(tokens, a.end + 1, ctx.isNamedMonth) : null;
    if (a && b) sides = { a, b, end: b.end };
  }
  if (!sides) return null;
  const length = sides.end - index;
  const typed = `\`${clipTyped(tokens.slice(index, sides.end).join(' '))}\``;
  const { a, b } = sides;
  const bad = [a, b].find((m) => m.month < 1 || m.month > 12);
  if (bad)
    return {
      kind: 'problem',
      problem: {
        message: `${typed} has a month that does not exist: there is no month ${bad.month}.`,
        suggestion: null,
      },
      length,
    };
  const span = (x: typeof a, y: typeof a) =>
    `${isoDay(x.year, x.month, 1)}..${isoDay(y.year, y.month, daysInMonth(y.year, y.month))}`;
  const ordered = a.year * 12 + a.month <= b.year * 12 + b.month;
  const parsed = parsePeriod(ordered ? span(a, b) : span(b, a), ctx);
  if (!parsed.ok) {
    const message = parsed.error.replace(/^"[^"]*"/, typed);
    return { kind: 'problem', problem: { message, suggestion: null }, length };
  }
  if (!ordered)
    return {
      kind: 'problem',
      problem: { message: `${typed} ends before it starts.`, suggestion: parsed.period.spec },
      length,
    };
  return { kind: 'range', spec: parsed.period.spec, length };
}

/**
 * A month, a day and a year (`mar 1 2026`, `feb 31 2026`) at `tokens[index]`, not part of a range: the
 * day to type (`2026-03-01`), or why it is no day; null for any other words (`oct 26` alone is
 * ambiguousMonthNumber's). `isNamedMonth(i)`: the month word at `i` is part of a name. Pure.
 */
export function monthDayYear(tokens: string[], index: number, ctx: RangeContext): PeriodProblem | null {
  const side = daySide(tokens, index, ctx);
  if (side?.kind !== 'words' || side.year === null || monthOfWord(tokens[index]!) === null) return null;
  const typed = `\`${clipTyped(tokens.slice(index, side.end).join(' '))}\``;
  const missing = noSuchDay(typed, side.year, side.month, Number(side.day));
  if (missing) return { message: missing, suggestion: null };
  const day = isoDay(side.year, side.month, side.day);
  const r = parsePeriod(day, ctx);
  return r.ok
    ? { message: `I can't read ${typed} as a period.`, suggestion: day }
    : { message: r.error.replace(/^"[^"]*"/, typed), suggestion: null };
}

/**
 * A range word with a date on one side only (`– 2026-03-10`, `to mar 10`, `2026-03-01 to` at the end) at
 * `tokens[index]`: a range needs two dates, so it is a period error, never part of a name (tester: `winrate
 * team – 2026-03-10` said "I don't know a team called "–""). An ISO day gets an example range around it to
 * type. Null for any other words. Pure.
 */
export function halfRange(
  tokens: string[],
  index: number,
  ctx: { isNamedMonth?: (index: number) => boolean },
): PeriodProblem | null {
  if (!RANGE_WORD.test(tokens[index] ?? '')) return null;
  const after = daySide(tokens, index + 1, ctx);
  const before = after === null && index + 1 === tokens.length && ISO_DAY.test(tokens[index - 1] ?? '');
  if (!after && !before) return null;
  const typed = clipTyped((after ? tokens.slice(index, after.end) : tokens.slice(index - 1)).join(' '));
  const day = realDay(after ? (after.kind === 'iso' ? after.text : '') : tokens[index - 1]!);
  let example = '`2026-03-01..2026-03-10`';
  if (day) {
    const [y, m, d] = [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8))];
    const first = `${day.slice(0, 8)}01`;
    const last = isoDay(y, m, daysInMonth(y, m));
    // The typed day as the end after `to`, as the start before it; the month's other end the other side.
    example = after
      ? `\`${d > 1 ? `${first}..${day}` : `${day}..${last}`}\``
      : `\`${day === last ? `${first}..${day}` : `${day}..${last}`}\``;
  }
  return { message: `\`${typed}\` has one date: a range needs two, as in ${example}.`, suggestion: null };
}

/** A four-digit year written after a month and a day (`mar 1 2026`). */
const YEAR = /^\d{4}$/;
const isDayNumber = (word: string | undefined) => word !== undefined && /^\d{1,2}$/.test(word);

/** One side of a range as typed: an ISO day, or a month (1–12) and a day with its year when written. */
type DaySide =
  | { kind: 'iso'; text: string; end: number }
  | { kind: 'words'; month: number; day: string; year: number | null; end: number };

/**
 * The day written at `tokens[index]`: an ISO day (`2026-03-01`), a month and a day (`mar 1`) or a day and a
 * month (`1 mar`), either with a year after it (`mar 1 2026`); null for other words or a month word that is
 * part of a name.
 */
function daySide(
  tokens: string[],
  index: number,
  ctx: { isNamedMonth?: (index: number) => boolean },
): DaySide | null {
  const word = tokens[index];
  if (word === undefined) return null;
  if (ISO_DAY.test(word)) return { kind: 'iso', text: word, end: index + 1 };
  const next = tokens[index + 1];
  const monthFirst = monthOfWord(word) !== null && isDayNumber(next);
  const dayFirst = isDayNumber(word) && next !== undefined && monthOfWord(next) !== null;
  if (!monthFirst && !dayFirst) return null;
  const monthAt = monthFirst ? index : index + 1;
  if (ctx.isNamedMonth?.(monthAt)) return null;
  const yearWord = tokens[index + 2];
  const year = yearWord !== undefined && YEAR.test(yearWord) ? Number(yearWord) : null;
  return {
    kind: 'words',
    month: monthOfWord(tokens[monthAt]!)!,
    day: monthFirst ? next! : word,
    year,
    end: index + (year === null ? 2 : 3),
  };
}

/**
 * `A to B` (`..`, a dash, `until`, `till`) with days A and B (see daySide) at `tokens[index]`: the two as
 * ISO days (a day the month lacks, `2026-02-30`, left for realDay to refuse), where they end, and whether
 * both were typed as ISO days; years read as readDateRange says. Null for other words.
 */
function rangeSides(
  tokens: string[],
  index: number,
  ctx: RangeContext,
): { first: string; last: string; end: number; iso: boolean } | null {
  const start = daySide(tokens, index, ctx);
  if (!start || !RANGE_WORD.test(tokens[start.end] ?? '')) return null;
  const end = daySide(tokens, start.end + 1, ctx);
  if (!end) return null;
  if (start.kind === 'iso' && end.kind === 'iso')
    return { first: start.text, last: end.text, end: end.end, iso: true };
  const parts = (side: DaySide) =>
    side.kind === 'iso'
      ? (() => {
          const m = ISO_DAY.exec(side.text)!;
          return { year: Number(m[1]), month: Number(m[2]), day: m[3]! };
        })()
      : side;
  const [a, b] = [parts(start), parts(end)];
  let [y1, y2] = [a.year, b.year];
  if (y1 === null && y2 === null) {
    // As `oct to nov` reads the months: the first the latest such month that has started; and the range
    // the latest that has started (`dec 20 to jan 10` on 4 Dec 2026 is the last year end, not one to come).
    const today = formatLocalDate(ctx.now, ctx.timezone);
    const [thisYear, thisMonth] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    y1 = thisYear - (a.month > thisMonth ? 1 : 0);
    const startDay = `${y1}-${String(a.month).padStart(2, '0')}-${a.day.padStart(2, '0')}`;
    if (startDay > today) y1--;
  }
  if (y1 === null) y1 = b.month >= a.month ? y2! : y2! - 1;
  if (y2 === null) y2 = b.month >= a.month ? y1 : y1 + 1;
  return { first: isoDay(y1, a.month, a.day), last: isoDay(y2, b.month, b.day), end: end.end, iso: false };
}

/** An ISO day as `YYYY-MM-DD` when it is a real calendar day (`2026-3-1` → `2026-03-01`; not `2026-02-30`), else null. */
function realDay(text: string): string | null {
  const m = ISO_DAY.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isCalendarDay(y, mo, d) ? isoDay(m[1]!, m[2]!, m[3]!) : null;
}
