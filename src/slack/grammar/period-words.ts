import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, getISOWeeksInYear, getISOWeekYear, setISOWeek, startOfISOWeek } from 'date-fns';
import { suggestWord } from '../../edit-distance.js';
import { monthOfWord, parsePeriod } from '../../metrics/periods.js';
import { daysInMonth, isCalendarDay, isoDay } from '../../time/calendar-day.js';
import type { FiscalCalendar } from '../../time/fiscal.js';
import { MONTH_NAMES } from '../../time/fiscal.js';
import { formatLocalDate } from '../../time/format.js';
import { clipTyped } from './words.js';

/**
 * Period words that did not parse: tells "a period, but a bad one" (`0d`, `2026-02-30`, a reversed
 * range, `last mnth`) apart from a team or person's name, so the user gets a period error with a
 * suggestion instead of "I don't know a team called …". The period syntax itself lives in
 * src/metrics/periods.ts; new forms (fiscal quarters, …) are added there and need nothing here. Dates
 * written as ranges (`mar 1 to mar 10`, `mar 2026 to apr 2026`) are read in date-ranges.ts.
 */

/** Words that start a relative period; after them a name is very unlikely. */
const LEADS = new Set(['last', 'this', 'past', 'previous', 'prev', 'next', 'current']);

/**
 * The tokens without a `fiscal` that only says what quarters and years already are (they follow the org's
 * fiscal calendar): `this fiscal quarter` is `this quarter`, `last fiscal year` is `last year`. Only between
 * a lead word and `quarter` or `year`, so a team called "Fiscal Year Ops" keeps its name (fresh tester
 * helper-206: `this fiscal quarter` answered "I don't know the period `this fiscal`"). `fiscal quarter` with
 * no lead word, ending the ask, is `this quarter`.
 */
export function withoutFiscalWord(tokens: string[]): string[] {
  return tokens.flatMap((word, i) => {
    // `fiscal ytd`: ytd, which follows the fiscal calendar already (it was "I don't know" while `ytd` was read).
    if (word.toLowerCase() === 'fiscal' && /^(?:ytd|qtd)$/i.test(tokens[i + 1] ?? '') && i > 0) return [];
    if (word.toLowerCase() !== 'fiscal' || !/^(?:quarter|year)$/i.test(tokens[i + 1] ?? '')) return [word];
    if (LEADS.has(tokens[i - 1]?.toLowerCase() ?? '')) return [];
    return isFiscalAsThis(tokens, i) ? ['this'] : [word];
  });
}

/**
 * Whether the `fiscal` at `tokens[index]` is read as `this` by withoutFiscalWord: `fiscal year` (or
 * `quarter`) alone, with no lead word or `team` before it, as the ask's last words (or before `by …` /
 * `share`) is this fiscal year: it answered "Did you mean `fiscal`?" (tester). After `team`, or followed by
 * more words, it stays a name's. Followed by `fiscal` (`fiscal year fiscal year`), it is a period said
 * twice, not a name ending in one.
 */
export function isFiscalAsThis(tokens: string[], index: number): boolean {
  if (tokens[index]?.toLowerCase() !== 'fiscal' || !/^(?:quarter|year)$/i.test(tokens[index + 1] ?? ''))
    return false;
  const before = tokens[index - 1]?.toLowerCase() ?? '';
  const after = tokens[index + 2]?.toLowerCase();
  const ends = after === undefined || after === 'by' || after === 'share' || after === 'fiscal';
  return ends && before !== 'team' && !LEADS.has(before);
}

/** `year to date` and kin, spelt out: the running period's short form. */
const TO_DATE: ReadonlyMap<string, string> = new Map([
  ['year', 'ytd'],
  ['quarter', 'qtd'],
  ['month', 'mtd'],
]);

/** A unit written short after `this`, `last`, `next`, `previous` or `prior`: `last qtr` is `last quarter`. */
const SHORT_UNITS: ReadonlyMap<string, string> = new Map([
  ['wk', 'week'],
  ['mo', 'month'],
  ['mth', 'month'],
  ['qtr', 'quarter'],
  ['yr', 'year'],
]);
const UNIT_LEADS = new Set(['this', 'last', 'next', 'previous', 'prior']);

/**
 * The tokens with `year to date`, `quarter to date` and `month to date` (any case) read as `ytd`, `qtd` and
 * `mtd`, and a `fy` before `ytd` or `qtd` dropped as `fiscal` is (`fy ytd` is `ytd`, which follows the
 * fiscal calendar already): they were read as a team called "year to date" (tester, LOW). A short unit after
 * `this`, `last`, `next`, `previous` or `prior` is the unit (`last qtr`, `this wk`; fresh tester helper-503:
 * "I don't know the period `last qtr`"). Pure.
 */
export function withToDateWords(tokens: string[]): string[] {
  const read: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const short = TO_DATE.get(tokens[i]!.toLowerCase());
    const spelt = /^to$/i.test(tokens[i + 1] ?? '') && /^date$/i.test(tokens[i + 2] ?? '');
    const unit =
      i > 0 && UNIT_LEADS.has(tokens[i - 1]!.toLowerCase()) && SHORT_UNITS.get(tokens[i]!.toLowerCase());
    read.push(short && spelt ? short : unit || tokens[i]!);
    if (short && spelt) i += 2;
  }
  return read.flatMap((word, i) =>
    word.toLowerCase() === 'fy' && i > 0 && /^(?:ytd|qtd)$/i.test(read[i + 1] ?? '') ? [] : [word],
  );
}

/** What may follow a lead word, for "did you mean `last month`". */
const UNITS = ['week', 'month', 'quarter', 'year', 'days', 'time'];
/** Looks like a date, range, window, quarter or fiscal year, e.g. `2026-13`, `0d`, `-5d`, `q5`, `fy99999`, `a..b`. */
const SHAPED = /^(?:\d{4}-|-?\d+d$|q\d|fy'?\d|\d{4}$|.*\.\.)/i;

export interface PeriodProblem {
  /** Plain text; the Slack layer escapes it. */
  message: string;
  /** A whole period phrase that does parse, or null. */
  suggestion: string | null;
}

export interface PeriodWordContext {
  now: Date;
  timezone: string;
  /** The org's fiscal calendar: on a week-based one `P13` is a (bad) fiscal month, not a name. */
  fiscal?: FiscalCalendar;
}

const EXAMPLES =
  'Try `this month`, `last month`, `next month`, `last quarter`, `q3 2026`, `october`, `30d`, `2026-10`, `2026-10-01..2026-10-31` or `all time`.';

/**
 * A period error for the phrase starting at `tokens[index]`, or null when the words there are not
 * period-like (then they are a name). Pure.
 */
export function periodProblem(tokens: string[], index: number, ctx: PeriodWordContext): PeriodProblem | null {
  const word = tokens[index]!.toLowerCase();
  const lead = LEADS.has(word);
  const fiscalMonth = ctx.fiscal?.kind === 'weeks' && /^p\d{1,3}$/.test(word);
  // `2 weeks`, `a week`, `2 wks`, `a fortnight`, `an hour ago`: counted like `last 2 weeks`, so asked back
  // the same way (hours are no period at all).
  const bare = COUNT_WORDS.get(word) ?? (/^\d{1,6}$/.test(word) ? word : undefined);
  const unitWord = tokens[index + 1]?.toLowerCase();
  const withAgo = tokens[index + 2]?.toLowerCase() === 'ago' ? ' ago' : '';
  const bareCounted =
    bare !== undefined && unitWord !== undefined
      ? countedUnits(`${word} ${unitWord}${withAgo}`, bare, unitWord, ctx)
      : null;
  if (bareCounted) return bareCounted;
  // `2w`, `3mo`, `1yr`: a count glued to its unit (`30d` is a period of its own).
  const glued = GLUED_COUNT.exec(word);
  const gluedCounted = glued ? countedUnits(word, glued[1]!, glued[2]!, ctx) : null;
  if (gluedCounted) return gluedCounted;
  const week = weekNumber(tokens, index, ctx);
  if (week) return week;
  // A bare `since` or `ago` (`calls since`, `calls ago`): a period begun, never a name.
  if (word === 'since' || word === 'ago') {
    const next = tokens[index + 1];
    return word === 'since' && next === undefined
      ? { message: `\`since\` when? Write a date range, as in \`${exampleSince(ctx)}\`.`, suggestion: null }
      : {
          message: `I can't read \`${clipTyped(word === 'since' ? `since ${next}` : word)}\` as a period. ${EXAMPLES}`,
          suggestion: null,
        };
  }
  // `03/04/2026`: 3 April or 4 March by who typed it; never guessed (fresh tester: it was read as a name).
  const slash = slashDateProblem(word);
  if (slash) return slash;
  // `from 2026-03-04 to 2026-05-01`, `from 03/04/2026 to …`: the range is written with two dots.
  const fromTo = fromToProblem(tokens, index, ctx);
  if (fromTo) return fromTo;
  if (!lead && !SHAPED.test(word) && !fiscalMonth) return null;
  for (let length = Math.min(4, tokens.length - index); length >= 1; length--) {
    const phrase = tokens
      .slice(index, index + length)
      .join(' ')
      .toLowerCase();
    const r = parsePeriod(phrase, ctx);
    if (!r.ok && r.shaped) {
      // `-5d`: the window counts back from today anyway, so `5d` is what was meant.
      const back = /^-(\d+d)$/.exec(phrase);
      const suggestion = back && parsePeriod(back[1]!, ctx).ok ? back[1]! : null;
      return { message: r.error, suggestion };
    }
  }
  if (!lead) {
    return { message: `I can't read \`${clipTyped(word)}\` as a period. ${EXAMPLES}`, suggestion: null };
  }
  const next = tokens[index + 1]?.toLowerCase();
  if (next === undefined) return { message: `\`${word}\` what? ${EXAMPLES}`, suggestion: null };
  const unitAfter = tokens[index + 2]?.toLowerCase();
  const counted = countedUnits(`${word} ${next} ${unitAfter ?? ''}`.trim(), next, unitAfter, ctx);
  if (counted) return counted;
  // `last 90d`: a window of days already counts back from today; `90d` alone is the period.
  if (/^\d{1,6}d$/.test(next) && parsePeriod(next, ctx).ok)
    return { message: `I don't know the period \`${clipTyped(`${word} ${next}`)}\`.`, suggestion: next };
  const unit = suggestWord(next, UNITS);
  const lead2 = word === 'past' || word === 'previous' || word === 'prev' ? 'last' : word;
  const candidate = unit ? `${lead2} ${unit === 'days' ? '30 days' : unit}` : null;
  const suggestion = candidate && parsePeriod(candidate, ctx).ok ? candidate : null;
  return {
    message: `I don't know the period \`${clipTyped(`${word} ${next}`)}\`.${suggestion ? '' : ` ${EXAMPLES}`}`,
    suggestion,
  };
}

/** `03/04/2026`, `3.4.26`: day and month in an order only the writer knows. */
const SLASH_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$/;

/** A slash date's readings as ISO dates (one when only one order is a real date), or null if not one. */
function slashReadings(word: string): string[] | null {
  const m = SLASH_DATE.exec(word);
  if (!m) return null;
  const year = m[3]!.length === 2 ? `20${m[3]}` : m[3]!;
  const iso = (month: string, day: string) =>
    isCalendarDay(Number(year), Number(month), Number(day)) ? isoDay(year, month, day) : null;
  const readings = [iso(m[2]!, m[1]!), iso(m[1]!, m[2]!)].filter((r): r is string => r !== null);
  return [...new Set(readings)];
}

/** The problem with a slash date: dates are written YYYY-MM-DD, with both readings when it has two. */
function slashDateProblem(word: string): PeriodProblem | null {
  const readings = slashReadings(word);
  if (readings === null) return null;
  const typed = clipTyped(word);
  if (readings.length === 0)
    return { message: `\`${typed}\` is not a date. Write dates as YYYY-MM-DD.`, suggestion: null };
  if (readings.length === 1)
    return {
      message: 'Write dates as YYYY-MM-DD.',
      suggestion: readings[0]!,
    };
  return {
    message: `\`${typed}\` could be \`${readings[0]}\` (day first) or \`${readings[1]}\` (month first): write dates as YYYY-MM-DD.`,
    suggestion: null,
  };
}

/** `from A to B` (or `from A - B`): a range asked in words, answered with its two-dot spelling. */
function fromToProblem(tokens: string[], index: number, ctx: PeriodWordContext): PeriodProblem | null {
  if (tokens[index]!.toLowerCase() !== 'from') return null;
  const from = tokens[index + 1];
  if (from === undefined || !(SLASH_DATE.test(from) || SHAPED.test(from))) return null;
  const sep = tokens[index + 2]?.toLowerCase();
  const to = sep === 'to' || sep === '-' || sep === 'until' ? tokens[index + 3] : undefined;
  const slash = slashDateProblem(from) ?? (to ? slashDateProblem(to) : null);
  if (slash && slash.suggestion === null) return slash;
  const start = slashReadings(from)?.[0] ?? from;
  const end = to ? (slashReadings(to)?.[0] ?? to) : null;
  const range = end ? `${start}..${end}` : `${start}..${formatLocalDate(ctx.now, ctx.timezone)}`;
  const ok = parsePeriod(range, ctx).ok;
  return {
    message: `Write a range with two dots${ok ? '' : `, as in \`${exampleSince(ctx)}\``}.`,
    suggestion: ok ? range : null,
  };
}

/** The range from the first of last month to today, as an example of a `since` to type. */
function exampleSince(ctx: PeriodWordContext): string {
  const last = parsePeriod('last month', ctx);
  const from = last.ok
    ? formatLocalDate(last.period.start, ctx.timezone)
    : formatLocalDate(ctx.now, ctx.timezone);
  return `${from}..${formatLocalDate(ctx.now, ctx.timezone)}`;
}

/** Hyphens and dashes between two dates: `-` and ‐ ‑ ‒ – — ― − (as src/slack/inbound.ts reads them). */
/** Days in one of each unit, for the window a `last N <unit>` phrase is offered as (`last 2 weeks` → `14d`). */
const UNIT_DAYS: Record<CalendarUnit, number> = { week: 7, month: 30, quarter: 91, year: 365 };
type CalendarUnit = 'week' | 'month' | 'quarter' | 'year';
/**
 * How people write a unit of time, to the unit and how many of it (`fortnight` is 2 weeks). Hours and
 * minutes are no period Tally answers (periods are whole days); they are listed to say so.
 */
type UnitWord = { unit: CalendarUnit | 'hour'; times: number };
const UNIT_WORDS: ReadonlyMap<string, UnitWord> = new Map(
  (
    [
      [['w', 'wk', 'wks', 'week', 'weeks'], { unit: 'week', times: 1 }],
      [['fortnight', 'fortnights'], { unit: 'week', times: 2 }],
      [['mo', 'mos', 'mth', 'mths', 'month', 'months'], { unit: 'month', times: 1 }],
      [['qtr', 'qtrs', 'quarter', 'quarters'], { unit: 'quarter', times: 1 }],
      [['y', 'yr', 'yrs', 'year', 'years'], { unit: 'year', times: 1 }],
      [['h', 'hr', 'hrs', 'hour', 'hours', 'min', 'mins', 'minute', 'minutes'], { unit: 'hour', times: 1 }],
    ] satisfies [string[], UnitWord][]
  ).flatMap(([words, unit]) => words.map((w) => [w, unit] as const)),
);
/** A count glued to a unit: `2w`, `3mo`, `1yr`, `2h` (not `30d`, a period of its own). */
const GLUED_COUNT = /^(\d{1,6})(w|wks?|mo|mos|mths?|qtrs?|y|yrs?|h|hrs?|mins?)$/;
/** Words that count one of a unit, as in `a week` or `one month`. */
const COUNT_WORDS: ReadonlyMap<string, string> = new Map([
  ['a', '1'],
  ['an', '1'],
  ['one', '1'],
]);

/**
 * `last 2 weeks`, `past 3 months`, `2 weeks`, `a week`, `2w`, `a fortnight`: N whole weeks or months back
 * could mean the last N×7 days or N calendar weeks before this one, so it is not guessed; the reply offers
 * the day window (`14d`) and the calendar periods' dates to type. `typed` is the words as typed (`last 2
 * weeks`, `2w`), `number` the count as digits, `unitWord` the unit as typed. An hour or a minute gets
 * "periods are whole days". Null when the words are not a count and a unit.
 */
function countedUnits(
  typed: string,
  number: string,
  unitWord: string | undefined,
  ctx: PeriodWordContext,
): PeriodProblem | null {
  if (!/^\d{1,6}$/.test(number) || unitWord === undefined) return null;
  const found = UNIT_WORDS.get(unitWord);
  if (found === undefined) return null;
  const shown = `\`${clipTyped(typed)}\``;
  if (found.unit === 'hour')
    return {
      message: `I can't read ${shown} as a period: periods are whole days. Ask \`today\` or \`yesterday\`.`,
      suggestion: null,
    };
  const { unit } = found;
  const n = Number(number) * found.times;
  if (n === 0)
    return {
      message: `I can't read ${shown} as a period: it has no days in it. Ask \`7d\`, \`last week\` or \`this month\`.`,
      suggestion: null,
    };
  const window = `${n * UNIT_DAYS[unit]}d`;
  const days = parsePeriod(window, ctx).ok ? window : null;
  const range = n === 1 ? null : calendarRange(unit, n, ctx);
  const calendar =
    n === 1
      ? `\`last ${unit}\` for the calendar ${unit}`
      : range
        ? `${range} for the calendar ${unit}s`
        : `\`last ${unit}\` or a date range for calendar ${unit}s`;
  const readings = `the last ${n * UNIT_DAYS[unit]} days or the ${n === 1 ? `calendar ${unit}` : `${n} calendar ${unit}s`} before this one`;
  return {
    message: `${shown} could mean ${readings}: ask ${days ? `\`${days}\` for the days (today included), or ` : ''}${calendar}.`,
    // The message offers both readings itself; no "Did you mean" after it.
    suggestion: null,
  };
}

/**
 * The dates of the `n` calendar units before the running one (`2026-11-09..2026-11-22` for 2 weeks asked
 * on 23 Nov 2026), as a range to type, found by stepping back from `last <unit>` (so fiscal quarters and
 * years follow the org's calendar); null when it does not parse (too far back) or `n` is over 100.
 */
function calendarRange(unit: CalendarUnit, n: number, ctx: PeriodWordContext): string | null {
  if (n > 100) return null;
  const last = parsePeriod(`last ${unit}`, ctx);
  if (!last.ok) return null;
  let first = last.period;
  for (let k = 1; k < n; k++) {
    const before = parsePeriod(`last ${unit}`, { ...ctx, now: first.start });
    if (!before.ok) return null;
    first = before.period;
  }
  const lastDay = new Date(last.period.end.getTime() - 1);
  const range = `${formatLocalDate(first.start, ctx.timezone)}..${formatLocalDate(lastDay, ctx.timezone)}`;
  return parsePeriod(range, ctx).ok ? `\`${range}\`` : null;
}

/**
 * `oct 26` (26 October, or October 2026?): a month word at `tokens[index]` followed by a 1–2 digit
 * number is never guessed. Returns the message saying how to write each (`oct 2026`, `2026-10-26`), with
 * `spec` the month as it would be read alone (`2026-10`, for the day's year); null for any other words.
 */
export function ambiguousMonthNumber(tokens: string[], index: number, spec: string): string | null {
  const word = tokens[index]!;
  const number = tokens[index + 1];
  if (monthOfWord(word) === null || number === undefined || !/^\d{1,2}$/.test(number)) return null;
  const n = Number(number);
  const year = `20${number.padStart(2, '0')}`;
  const typed = `\`${clipTyped(`${word} ${number}`)}\``;
  const month = word.toLowerCase();
  if (n < 1 || n > 31)
    return `I can't read ${typed} as a period: write the year in full (\`${month} ${year}\`).`;
  const monthNumber = monthOfWord(word)!;
  const name = capitalise(MONTH_NAMES[monthNumber - 1]!);
  const asMonth = `\`${month} ${year}\``;
  // `feb 30`, `apr 31`: no such day in any year; `feb 29` in 2026: none in the year it would be read in.
  // Only a day that exists is offered (tester: `2026-02-30` was offered, then refused).
  const dayYear = /^\d{4}-\d{2}$/.test(spec) ? Number(spec.slice(0, 4)) : null;
  if (dayYear !== null && n > daysInMonth(dayYear, monthNumber)) {
    if (n > mostDays(monthNumber))
      return `${typed} is not a day: ${name} has ${mostDaysWords(monthNumber)}. For the month ${name} ${year}, write ${asMonth}.`;
    return `${typed} could be ${name} ${year}, but not ${n} ${name}: ${dayYear} has none. Write ${asMonth} for the month, or \`${lastWithDay(dayYear, monthNumber, n)}\` for the last ${n} ${name}.`;
  }
  return `${typed} could be ${n} ${name} or ${name} ${year}: write ${asMonth} for the month or \`${spec}-${number.padStart(2, '0')}\` for the day.`;
}

/** The most days month `month` (1–12) has in any year (29 for February). */
function mostDays(month: number): number {
  return daysInMonth(2000, month);
}

/** `at most 29 days`, `30 days`: how many days a month has, as words. */
function mostDaysWords(month: number): string {
  return month === 2 ? 'at most 29 days' : `${mostDays(month)} days`;
}

/** The last day `day` of month `month` in a year before `year` that has it (`2024-02-29` before 2026). */
function lastWithDay(year: number, month: number, day: number): string {
  let y = year - 1;
  while (day > daysInMonth(y, month)) y--;
  return isoDay(y, month, day);
}

/**
 * Why the day `day` of month `month` (1–12) of `year` does not exist, with `typed` the words as typed
 * (`\`30 feb\` is not a day: February has at most 29 days.`), or null when it exists.
 */
/** Words for a numbered week: `week 12`, `wk 12`, and the German and Nordic `KW 12` / `CW 12`. */
const WEEK_WORDS = new Set(['week', 'wk', 'kw', 'cw']);

/**
 * A numbered week (`week 12`, `KW 12`, `week 53 2026`) at `tokens[index]`: answered with its days to type,
 * the ISO week (Monday to Sunday, date-fns), since an org's own weeks may start on another day. Without
 * a year, the latest such week that has started (`week 50` on 4 Dec 2026 is 2025's), or this year's when
 * last year had no such week (`week 53`). A number no year has, or the typed year lacks, says how many
 * weeks there are. Null for any other words. Pure.
 */
function weekNumber(tokens: string[], index: number, ctx: PeriodWordContext): PeriodProblem | null {
  if (!WEEK_WORDS.has(tokens[index]!.toLowerCase())) return null;
  const number = /^\d{1,2}$/.exec(tokens[index + 1] ?? '');
  if (!number) return null;
  const n = Number(number[0]);
  const yearWord = /^\d{4}$/.exec(tokens[index + 2] ?? '');
  const typed = `\`${clipTyped(tokens.slice(index, index + (yearWord ? 3 : 2)).join(' '))}\``;
  const today = formatLocalDate(ctx.now, ctx.timezone);
  // The ISO week `n` of ISO week-year `year`, as its first and last day.
  const days = (year: number) => {
    const monday = startOfISOWeek(setISOWeek(new TZDate(Date.UTC(year, 0, 4), 'UTC'), n));
    return { first: formatLocalDate(monday, 'UTC'), last: formatLocalDate(addDays(monday, 6), 'UTC') };
  };
  const weeksIn = (year: number) => getISOWeeksInYear(new TZDate(Date.UTC(year, 0, 4), 'UTC'));
  if (n < 1 || n > 53)
    return { message: `${typed} is not a week: a year has 52 or 53 ISO weeks.`, suggestion: null };
  let year = yearWord ? Number(yearWord[0]) : getISOWeekYear(new TZDate(ctx.now.getTime(), ctx.timezone));
  if (yearWord && n > weeksIn(year))
    return { message: `${typed} is not a week: ${year} has ${weeksIn(year)} ISO weeks.`, suggestion: null };
  // Not started this year (or no such week in it): last year's, when that year has it.
  if (!yearWord && (n > weeksIn(year) || days(year).first > today) && n <= weeksIn(year - 1)) year -= 1;
  const { first, last } = days(year);
  const r = parsePeriod(`${first}..${last}`, ctx);
  return r.ok
    ? {
        message: `I can't read ${typed} as a period (ISO week ${n} of ${year} runs Monday to Sunday).`,
        suggestion: r.period.spec,
      }
    : { message: r.error.replace(/^"[^"]*"/, typed), suggestion: null };
}

export function noSuchDay(typed: string, year: number, month: number, day: number): string | null {
  if (day >= 1 && day <= daysInMonth(year, month)) return null;
  const name = capitalise(MONTH_NAMES[month - 1]!);
  if (day < 1 || day > mostDays(month)) return `${typed} is not a day: ${name} has ${mostDaysWords(month)}.`;
  return `${typed} is not a day in ${year}: write \`${lastWithDay(year, month, day)}\` for the last ${day} ${name}.`;
}

/**
 * A day written before its month (`26 oct`, `tokens[index]` the day and `month` the month as matched
 * after it): the problem suggests the exact text to type (`2026-10-26`); null for any other words. Pure.
 */
export function periodWrittenOtherwise(
  tokens: string[],
  index: number,
  month: { spec: string; length: number },
  ctx: PeriodWordContext,
): PeriodProblem | null {
  const word = tokens[index]!.toLowerCase();
  const typed = `\`${clipTyped(tokens.slice(index, index + 1 + month.length).join(' '))}\``;
  if (
    !/^\d{1,2}$/.test(word) ||
    monthOfWord(tokens[index + 1]!) === null ||
    !/^\d{4}-\d{2}$/.test(month.spec)
  )
    return null;
  const day = `${month.spec}-${word.padStart(2, '0')}`;
  // `30 feb`, `29 feb` in 2026: said in the words typed, never as a day that does not exist.
  const missing = noSuchDay(typed, Number(month.spec.slice(0, 4)), Number(month.spec.slice(5)), Number(word));
  if (missing) return { message: missing, suggestion: null };
  const r = parsePeriod(day, ctx);
  return r.ok
    ? { message: `I can't read ${typed} as a period.`, suggestion: day }
    : { message: `I can't read ${typed} as a day: ${r.error}`, suggestion: null };
}

/**
 * A period hint whose dates depend on which day today is, and so on the zone the answer would use (the
 * scope's: a team's own zone): `since oct` (`from` the spec of the period it starts with: `2026-10`,
 * `2026-10-26`) and `30 days ago` (one day, `count` units back). `typed` is the words as typed. The grammar
 * words it in the caller's zone; the command layer words it again in the scope's zone (zonedHint).
 */
export type ZonedHint =
  | { kind: 'since'; typed: string; from: string }
  /** `since monday`: from the last such day on or before today (`weekday` 0 = Sunday … 6 = Saturday). */
  | { kind: 'since-weekday'; typed: string; weekday: number }
  | { kind: 'ago'; typed: string; count: number; unit: AgoUnit };

const WEEKDAYS: ReadonlyMap<string, number> = new Map(
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].flatMap((name, day) => [
    [name, day] as const,
    [name.slice(0, 3), day] as const,
  ]),
);

/**
 * The day of the week a word names, 0 (Sunday) to 6 (Saturday): `monday` and `mon` (any case, a
 * trailing dot allowed: `mon.`); null for any other word. Pure.
 */
export function weekdayOfWord(word: string): number | null {
  return WEEKDAYS.get(word.toLowerCase().replace(/\.$/, '')) ?? null;
}

type AgoUnit = 'day' | 'week' | 'month' | 'year';
/**
 * `30 days ago`, `2 weeks ago`, `a month ago`, `30d ago` at `tokens[index]`: the hint and how many words
 * it takes; null for any other words. Pure.
 */
export function readAgo(tokens: string[], index: number): { hint: ZonedHint; length: number } | null {
  const lower = tokens.slice(index, index + 3).map((t) => t.toLowerCase());
  // `30d ago`, `2w ago`: the count glued to its unit.
  const glued = /^(\d{1,6})d$/.exec(lower[0] ?? '') ?? GLUED_COUNT.exec(lower[0] ?? '');
  const gluedUnit = glued ? (glued[2] === undefined ? DAY : UNIT_WORDS.get(glued[2])) : undefined;
  if (glued && gluedUnit && isAgoUnit(gluedUnit) && lower[1] === 'ago')
    return { hint: agoHint(tokens.slice(index, index + 2), Number(glued[1]), gluedUnit), length: 2 };
  const count = COUNT_WORDS.get(lower[0] ?? '') ?? (/^\d{1,6}$/.test(lower[0] ?? '') ? lower[0] : undefined);
  const unit = lower[1] === 'day' || lower[1] === 'days' ? DAY : UNIT_WORDS.get(lower[1] ?? '');
  if (count === undefined || unit === undefined || !isAgoUnit(unit) || lower[2] !== 'ago') return null;
  return { hint: agoHint(tokens.slice(index, index + 3), Number(count), unit), length: 3 };
}

const DAY = { unit: 'day', times: 1 } as const;

function isAgoUnit(u: { unit: string; times: number }): u is { unit: AgoUnit; times: number } {
  return u.unit !== 'hour' && u.unit !== 'quarter';
}

function agoHint(typed: string[], count: number, unit: { unit: AgoUnit; times: number }): ZonedHint {
  return { kind: 'ago', typed: typed.join(' '), count: count * unit.times, unit: unit.unit };
}

/**
 * The period problem for a ZonedHint, its dates in `ctx.timezone` (which should be the zone of the
 * answer's scope): `since oct` → "Did you mean `2026-10-01..2026-11-23`?" (up to today); `30 days ago` →
 * that day, or the range from it to today, to type. Pure.
 */
export function zonedHint(hint: ZonedHint, ctx: PeriodWordContext): PeriodProblem {
  const typed = `\`${clipTyped(hint.typed)}\``;
  const today = formatLocalDate(ctx.now, ctx.timezone);
  if (hint.kind === 'since' || hint.kind === 'since-weekday') {
    const from = hint.kind === 'since' ? parsePeriod(hint.from, ctx) : null;
    const start =
      hint.kind === 'since-weekday'
        ? lastWeekday(ctx, hint.weekday)
        : from?.ok
          ? formatLocalDate(from.period.start, ctx.timezone)
          : null;
    const range = start ? `${start}..${today}` : null;
    return range && parsePeriod(range, ctx).ok
      ? { message: `I can't read ${typed} as a period.`, suggestion: range }
      : {
          message: `I can't read ${typed} as a period: it starts after today. ${EXAMPLES}`,
          suggestion: null,
        };
  }
  const local = new TZDate(ctx.now.getTime(), ctx.timezone);
  const n = hint.count;
  const back =
    hint.unit === 'day'
      ? addDays(local, -n)
      : hint.unit === 'week'
        ? addDays(local, -7 * n)
        : addMonths(local, hint.unit === 'month' ? -n : -12 * n);
  const day = formatLocalDate(back, ctx.timezone);
  if (n < 1 || !parsePeriod(day, ctx).ok)
    return { message: `I can't read ${typed} as a period. ${EXAMPLES}`, suggestion: null };
  return {
    message: `I can't read ${typed} as a period: it is one day. Ask \`${day}\` for that day, or \`${day}..${today}\` for the days from then to today.`,
    // The message offers both readings itself; no "Did you mean" after it.
    suggestion: null,
  };
}

/** The day (`2026-11-30`) of the last `weekday` (0 = Sunday) on or before today in `ctx.timezone`. */
function lastWeekday(ctx: PeriodWordContext, weekday: number): string {
  const local = new TZDate(ctx.now.getTime(), ctx.timezone);
  return formatLocalDate(addDays(local, -((local.getDay() - weekday + 7) % 7)), ctx.timezone);
}

/**
 * The period a phrase no team or person has as a name most likely misspells (`nxt month` → `next month`,
 * `septembre` → the month `september`), or null when it looks like no period. Only a phrase that parses
 * is offered; never read as the period without asking. Pure.
 */
export function periodTypo(
  name: string,
  ctx: PeriodWordContext,
): { kind: 'month' | 'period'; period: string } | null {
  const words = name
    .toLowerCase()
    .split(/[\s-]+/)
    .filter(Boolean);
  if (words.length === 1) {
    const month = suggestWord(words[0]!, MONTH_NAMES);
    if (month) return { kind: 'month', period: month };
    // `nxtmonth`, `lastmnth`: the two words typed without the space (`previousquarter` is the longest).
    for (let cut = 2; words[0]!.length <= 20 && cut < words[0]!.length - 2; cut++) {
      const typo = periodTypo(`${words[0]!.slice(0, cut)} ${words[0]!.slice(cut)}`, ctx);
      if (typo) return typo;
    }
    return null;
  }
  if (words.length !== 2) return null;
  const lead = suggestWord(words[0]!, [...LEADS]);
  const unit = suggestWord(
    words[1]!,
    UNITS.filter((u) => u !== 'days' && u !== 'time'),
  );
  if (!lead || !unit) return null;
  const lead2 =
    lead === 'past' || lead === 'previous' || lead === 'prev' ? 'last' : lead === 'current' ? 'this' : lead;
  const candidate = `${lead2} ${unit}`;
  return parsePeriod(candidate, ctx).ok ? { kind: 'period', period: candidate } : null;
}

/**
 * periodTypo as a sentence to add to "I don't know a team or person called …": `Did you mean \`next
 * month\`?`, `Did you mean the month \`september\`?`; null when the name looks like no period.
 */
export function periodTypoHint(name: string, ctx: PeriodWordContext): string | null {
  // The whole name, else its last one to three words (`zoe park nxt month`: a name, then a mistyped period).
  const typo = periodTypo(name, ctx) ?? trailingPeriodTypo(name, ctx);
  return typo ? typoSentence(typo) : null;
}

/** `Did you mean \`next month\`?`, or `Did you mean the month \`september\`?` for a month. */
export function typoSentence(typo: { kind: 'month' | 'period'; period: string }): string {
  return typo.kind === 'month'
    ? `Did you mean the month \`${typo.period}\`?`
    : `Did you mean \`${typo.period}\`?`;
}

/**
 * A name that ends in a mistyped period (`EMEA lst week`, `zoe park nxt month`): `name` the words before
 * it (never empty), `typed` the period's words as typed and `period` what they misspell (see periodTypo);
 * null when the name's last one to three words misspell no period. Pure.
 */
export function trailingPeriodTypo(
  name: string,
  ctx: PeriodWordContext,
): { name: string; typed: string; kind: 'month' | 'period'; period: string } | null {
  const words = name.trim().split(/\s+/);
  for (let start = Math.max(1, words.length - 3); start < words.length; start++) {
    const typed = words.slice(start).join(' ');
    const typo = periodTypo(typed, ctx);
    if (typo) return { name: words.slice(0, start).join(' '), typed, ...typo };
  }
  return null;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
