import { TZDate } from '@date-fns/tz';
import { addDays, addMonths } from 'date-fns';
import { suggestWord } from '../edit-distance.js';

/**
 * Fiscal calendars. A fiscal year is named by the calendar year it ends in: with a February start,
 * 1 Feb 2026 – 31 Jan 2027 is FY2027 and its Q3 is 1 Aug – 31 Oct 2026.
 *
 * - `months`: the year starts on the 1st of `startMonth` (1 = January, the calendar year); quarters are
 *   three calendar months.
 * - `weeks` (4-4-5, 4-5-4, 5-4-4): the year ends on the last `endWeekday` (0 = Sunday … 6 = Saturday) of
 *   the month before `startMonth`, or on the one nearest that month's last day (`nearest`); it starts the
 *   day after the previous year ended, so it has 52 or 53 weeks. Quarters are 13 weeks; in a 53-week year
 *   the extra week goes to Q4 (and to its last month). Fiscal months follow the pattern within each quarter.
 *
 * All days are local calendar days in the zone passed in; boundaries are local midnight.
 */
export type FiscalCalendar =
  | { kind: 'months'; startMonth: number }
  | {
      kind: 'weeks';
      startMonth: number;
      pattern: '445' | '454' | '544';
      endWeekday: number;
      rule: 'last' | 'nearest';
    };

/** The default: fiscal year = calendar year. */
export const CALENDAR_YEAR: FiscalCalendar = { kind: 'months', startMonth: 1 };

/** Whether `cal` is the plain calendar year (labels stay "Q3 2026", specs "2026-Q3"). */
export function isCalendarYear(cal: FiscalCalendar | undefined): boolean {
  return cal === undefined || (cal.kind === 'months' && cal.startMonth === 1);
}

/** Local midnight of the last day of fiscal year `fy` in a week-based calendar. */
function weeksYearLastDay(fy: number, cal: Extract<FiscalCalendar, { kind: 'weeks' }>, zone: string): TZDate {
  const endMonth = cal.startMonth === 1 ? 12 : cal.startMonth - 1;
  const monthLast = new TZDate(fy, endMonth, 0, zone); // day 0 of the next month = last day of endMonth
  const back = (monthLast.getDay() - cal.endWeekday + 7) % 7;
  let last = addDays(monthLast, -back);
  if (cal.rule === 'nearest' && back > 3) last = addDays(last, 7);
  return last;
}

/** Local midnight on the first day of fiscal year `fy`. */
export function fiscalYearStart(fy: number, cal: FiscalCalendar, zone: string): TZDate {
  if (cal.kind === 'months') {
    return cal.startMonth === 1
      ? new TZDate(fy, 0, 1, zone)
      : new TZDate(fy - 1, cal.startMonth - 1, 1, zone);
  }
  return addDays(weeksYearLastDay(fy - 1, cal, zone), 1);
}

/** The fiscal year (by the calendar year it ends in) that contains `at`. */
export function fiscalYearOf(at: Date, cal: FiscalCalendar, zone: string): number {
  const y = new TZDate(at.getTime(), zone).getFullYear();
  for (let fy = y - 1; fy <= y + 2; fy++) {
    if (at.getTime() < fiscalYearStart(fy + 1, cal, zone).getTime()) return fy;
  }
  return y + 2;
}

/** Weeks in fiscal year `fy` (52 or 53) of a week-based calendar; null for a month-based one. */
export function fiscalYearWeeks(fy: number, cal: FiscalCalendar, zone: string): number | null {
  if (cal.kind === 'months') return null;
  const days = Math.round(
    (fiscalYearStart(fy + 1, cal, zone).getTime() - fiscalYearStart(fy, cal, zone).getTime()) / 86_400_000,
  );
  return Math.round(days / 7);
}

/** Local [start, end) of quarter `q` (1–4) of fiscal year `fy`. */
export function fiscalQuarter(
  fy: number,
  q: number,
  cal: FiscalCalendar,
  zone: string,
): { start: TZDate; end: TZDate } {
  const year = fiscalYearStart(fy, cal, zone);
  const start = cal.kind === 'months' ? addMonths(year, 3 * (q - 1)) : addDays(year, 91 * (q - 1));
  const end =
    q === 4
      ? fiscalYearStart(fy + 1, cal, zone)
      : cal.kind === 'months'
        ? addMonths(year, 3 * q)
        : addDays(year, 91 * q);
  return { start, end };
}

/** Local [start, end) of fiscal month `m` (1–12) of fiscal year `fy` (calendar months for `months`). */
export function fiscalMonth(fy: number, m: number, cal: FiscalCalendar, zone: string) {
  const year = fiscalYearStart(fy, cal, zone);
  if (cal.kind === 'months') return { start: addMonths(year, m - 1), end: addMonths(year, m) };
  const weeks = [...cal.pattern].map(Number);
  let before = 0;
  for (let i = 1; i < m; i++) before += weeks[(i - 1) % 3]!;
  const start = addDays(year, 7 * before);
  const end = m === 12 ? fiscalYearStart(fy + 1, cal, zone) : addDays(start, 7 * weeks[(m - 1) % 3]!);
  return { start, end };
}

/** Which fiscal year and quarter (1–4) / month (1–12) contain `at`. */
export function fiscalPosition(at: Date, cal: FiscalCalendar, zone: string) {
  const fy = fiscalYearOf(at, cal, zone);
  let quarter = 4;
  for (let q = 1; q <= 4; q++)
    if (at.getTime() < fiscalQuarter(fy, q, cal, zone).end.getTime()) {
      quarter = q;
      break;
    }
  let month = 12;
  for (let m = 1; m <= 12; m++)
    if (at.getTime() < fiscalMonth(fy, m, cal, zone).end.getTime()) {
      month = m;
      break;
    }
  return { fy, quarter, month };
}

/** English month names, January first (fiscal settings, and period words such as `october`). */
export const MONTH_NAMES: readonly string[] = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Month 1–12 from "2", "feb", "February"; null otherwise. */
function monthNumber(word: string): number | null {
  const w = word.toLowerCase();
  if (/^\d{1,2}$/.test(w)) return Number(w) >= 1 && Number(w) <= 12 ? Number(w) : null;
  const i = w.length >= 3 ? MONTH_NAMES.findIndex((m) => m.startsWith(w)) : -1;
  return i >= 0 ? i + 1 : null;
}

export const FISCAL_SETTING_EXAMPLES = [
  'february',
  '4-4-5 last saturday of january',
  '5-4-4 saturday nearest the end of december',
];

/**
 * Parses a fiscal calendar setting (Slack `/metrics fiscal set …` and `TALLY_FISCAL_YEAR`):
 * "february" / "feb" / "2" (month-based, the year starts on 1 February); "4-4-5 last saturday of january"
 * or "4-5-4 saturday nearest the end of january" (week-based, the year ends on that day, so it starts in
 * the month after). Returns the calendar or an error that says what to type.
 */
export function parseFiscalSetting(
  text: string,
): { ok: true; calendar: FiscalCalendar } | { ok: false; error: string } {
  const words = text.trim().toLowerCase().replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  const help = `Try one of: ${FISCAL_SETTING_EXAMPLES.map((e) => `"${e}"`).join(', ')}.`;
  if (words.length === 1) {
    const month = monthNumber(words[0]!);
    if (month) return { ok: true, calendar: { kind: 'months', startMonth: month } };
    const guess = suggestWord(words[0]!, MONTH_NAMES);
    return {
      ok: false,
      error: `"${text.trim()}" is not a month${guess ? `; did you mean "${guess}"?` : '.'} ${help}`,
    };
  }
  const pattern = words[0]?.replace(/-/g, '');
  if (pattern !== '445' && pattern !== '454' && pattern !== '544')
    return { ok: false, error: `I can't read "${text.trim()}" as a fiscal calendar. ${help}` };
  const rest = words.slice(1).filter((w) => !['the', 'of', 'end', 'on', 'ending', 'in', 'year'].includes(w));
  const rule = rest.includes('nearest') ? 'nearest' : 'last';
  const weekday = rest
    .map((w) => WEEKDAYS.findIndex((d) => w.length >= 3 && d.startsWith(w)))
    .find((i) => i >= 0);
  const endMonth = rest.map((w) => (/^\d/.test(w) ? null : monthNumber(w))).find((m) => m !== null);
  if (weekday === undefined || endMonth === undefined || endMonth === null) {
    // A misspelt month or weekday (`januray`, `saturady`): say which word, and what it may be.
    const slip = rest
      .filter((w) => !/^\d/.test(w) && w !== 'nearest' && w !== 'last')
      .map((w) => ({ w, guess: suggestWord(w, [...MONTH_NAMES, ...WEEKDAYS]) }))
      .find((x) => x.guess !== undefined && x.guess !== x.w);
    const meant = slip ? ` "${slip.w}": did you mean "${slip.guess}"?` : '';
    return { ok: false, error: `Say which weekday and month the fiscal year ends on.${meant} ${help}` };
  }
  return {
    ok: true,
    calendar: { kind: 'weeks', startMonth: (endMonth % 12) + 1, pattern, endWeekday: weekday, rule },
  };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Fiscal year starts 1 February" or "4-4-5 weeks, the year ends on the last Saturday of January". */
export function describeFiscalCalendar(cal: FiscalCalendar): string {
  if (cal.kind === 'months')
    return cal.startMonth === 1
      ? 'Calendar year (fiscal year starts 1 January)'
      : `Fiscal year starts 1 ${cap(MONTH_NAMES[cal.startMonth - 1]!)}, named by the year it ends in`;
  const endMonth = cap(MONTH_NAMES[(cal.startMonth + 10) % 12]!);
  const day = cap(WEEKDAYS[cal.endWeekday]!);
  const p = `${cal.pattern[0]}-${cal.pattern[1]}-${cal.pattern[2]}`;
  return cal.rule === 'last'
    ? `${p} weeks; the fiscal year ends on the last ${day} of ${endMonth}`
    : `${p} weeks; the fiscal year ends on the ${day} nearest the end of ${endMonth}`;
}
