import { TZDate, tz } from '@date-fns/tz';
import {
  addDays,
  addMonths,
  differenceInCalendarDays,
  format,
  setHours,
  startOfDay,
  startOfMonth,
  startOfQuarter,
  startOfWeek,
  startOfYear,
} from 'date-fns';
import { LRUCache } from 'lru-cache';
import { whyNoDay } from '../time/calendar-day.js';
import {
  CALENDAR_YEAR,
  type FiscalCalendar,
  fiscalMonth,
  fiscalPosition,
  fiscalQuarter,
  fiscalYearStart,
  isCalendarYear,
  MONTH_NAMES,
} from '../time/fiscal.js';
import { isTimeZone } from '../time/zone.js';
import type { Period, PeriodKind } from './types.js';

export type WeekStart = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface PeriodContext {
  now: Date;
  /** IANA zone; every boundary is local midnight there. */
  timezone: string;
  /** 0 = Sunday … 6 = Saturday; default 1 (Monday). */
  weekStartsOn?: WeekStart;
  /** The org's fiscal calendar for quarters and years (and months, when week-based); default calendar year. */
  fiscal?: FiscalCalendar;
}

/**
 * A parsed period, or why not. `shaped` is true when the text has a period's shape but names no real period
 * (a reversed range, 2026-02-30, `0d`): the caller can then say "bad period" instead of treating the words as
 * a name. `twoWays`: it names two periods (`q1 2026` with a fiscal calendar) and the error says how to write
 * each.
 */
export type ParsePeriodResult =
  | { ok: true; period: Period }
  | { ok: false; error: string; shaped?: boolean; twoWays?: boolean };

/** The first day `all time` covers: Tally holds no sales data older than this. */
export const ALL_TIME_START = { year: 2000, month: 1, day: 1 } as const;

/** Longest rolling window we accept (`3660d` ≈ 10 years); beyond that a typo is likelier than intent. */
const MAX_ROLLING_DAYS = 3660;
/** Years a date in a period may have (supported range). */
const MIN_YEAR = 1970;
const MAX_YEAR = 2200;

const ymd = (d: Date) => format(d, 'yyyy-MM-dd');

/** Builds a Period from local start/end instants (TZDates in `ctx.timezone`). */
function build(
  kind: PeriodKind,
  start: TZDate,
  end: TZDate,
  spec: string,
  label: string,
  timezone: string,
  now: Date | undefined,
): Period {
  const s = new Date(start.getTime());
  const e = new Date(end.getTime());
  const running = now ? now.getTime() >= s.getTime() && now.getTime() < e.getTime() : false;
  return { spec, label, kind, start: s, end: e, timezone, running };
}

function rangeLabel(start: TZDate, end: TZDate): string {
  const last = addDays(end, -1);
  if (differenceInCalendarDays(end, start) === 1) return format(start, 'EEE d MMM yyyy');
  const sameYear = start.getFullYear() === last.getFullYear();
  return `${format(start, sameYear ? 'd MMM' : 'd MMM yyyy')} – ${format(last, 'd MMM yyyy')}`;
}

/**
 * A fiscal quarter, year or (week-based calendars) month containing local midnight `startAt`, with an
 * absolute spec ("Q3 FY2027", "FY2027", "P11 FY2027") and a label with its dates
 * ("Q3 FY2027 (1 Aug – 31 Oct 2026)").
 */
function fiscalPeriod(
  kind: 'month' | 'quarter' | 'year',
  startAt: Date,
  timezone: string,
  now: Date | undefined,
  cal: FiscalCalendar,
): Period {
  const pos = fiscalPosition(startAt, cal, timezone);
  const fy = `FY${pos.fy}`;
  const { start, end } =
    kind === 'year'
      ? { start: fiscalYearStart(pos.fy, cal, timezone), end: fiscalYearStart(pos.fy + 1, cal, timezone) }
      : kind === 'quarter'
        ? fiscalQuarter(pos.fy, pos.quarter, cal, timezone)
        : fiscalMonth(pos.fy, pos.month, cal, timezone);
  const spec = kind === 'year' ? fy : kind === 'quarter' ? `Q${pos.quarter} ${fy}` : `P${pos.month} ${fy}`;
  const label = `${spec} (${rangeLabel(new TZDate(start.getTime(), timezone), new TZDate(end.getTime(), timezone))})`;
  return { ...build(kind, start, end, spec, label, timezone, now), fiscal: cal };
}

/** Whether `kind` follows the fiscal calendar `cal` rather than the calendar year. */
function isFiscal(kind: PeriodKind, cal: FiscalCalendar | undefined): cal is FiscalCalendar {
  if (cal === undefined || isCalendarYear(cal)) return false;
  return kind === 'quarter' || kind === 'year' || (kind === 'month' && cal.kind === 'weeks');
}

/** A calendar period of `kind` starting at local midnight `start`, with an absolute, re-parseable spec. */
function calendar(
  kind: PeriodKind,
  startAt: Date,
  timezone: string,
  now: Date | undefined,
  fiscal?: FiscalCalendar,
): Period {
  if (isFiscal(kind, fiscal))
    return fiscalPeriod(kind as 'month' | 'quarter' | 'year', startAt, timezone, now, fiscal);
  const start = new TZDate(startAt.getTime(), timezone);
  switch (kind) {
    case 'day': {
      const end = addDays(start, 1);
      return build('day', start, end, ymd(start), format(start, 'EEE d MMM yyyy'), timezone, now);
    }
    case 'week': {
      const end = addDays(start, 7);
      const spec = `${ymd(start)}..${ymd(addDays(end, -1))}`;
      return build('week', start, end, spec, `Week of ${format(start, 'd MMM yyyy')}`, timezone, now);
    }
    case 'month': {
      const end = addMonths(start, 1);
      return build('month', start, end, format(start, 'yyyy-MM'), format(start, 'MMMM yyyy'), timezone, now);
    }
    case 'quarter': {
      const end = addMonths(start, 3);
      const q = `${start.getFullYear()}-Q${Math.floor(start.getMonth() / 3) + 1}`;
      return build('quarter', start, end, q, `Q${q.slice(-1)} ${start.getFullYear()}`, timezone, now);
    }
    case 'year': {
      const end = addMonths(start, 12);
      const y = String(start.getFullYear());
      return build('year', start, end, y, y, timezone, now);
    }
    case 'rolling':
    case 'range':
      throw new Error('not a calendar kind');
  }
}

/** A local date from y/m/d, or null when the date does not exist (2026-02-30). */
function localDate(y: number, m: number, d: number, zone: string): TZDate | null {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new TZDate(y, m - 1, d, zone);
  if (t.getFullYear() !== y || t.getMonth() !== m - 1 || t.getDate() !== d) return null;
  return t;
}

const UNKNOWN = (text: string) =>
  `I don't know the period "${text.slice(0, 40)}". Try: today, yesterday, this week, last month, next month, this quarter, q3, q3 2026, october, oct 2026, 30d, 2026-10, 2026-Q3, 2026-10-01..2026-10-31 or all time.`;

/**
 * The month (1–12) a word names: its English name or 3-letter abbreviation (`october`, `oct`; also
 * `sept`), any case, an abbreviation also with its dot (`oct.`, `sept.`); null for any other word.
 */
export function monthOfWord(word: string): number | null {
  const lower = word.toLowerCase();
  const w = /^(?:[a-z]{3}|sept)\.$/.test(lower) ? lower.slice(0, -1) : lower;
  if (w === 'sept') return 9;
  const i = MONTH_NAMES.findIndex((name) => name === w || (w.length === 3 && name.startsWith(w)));
  return i < 0 ? null : i + 1;
}

/** A period-shaped text that names no real period. */
const invalid = (error: string): ParsePeriodResult => ({ ok: false, error, shaped: true });

/**
 * Parses a period in Tally's grammar (case-insensitive) into [start, end) instants at local midnight in
 * `ctx.timezone`, correct across DST. `Nd` means the last N calendar days including today. Never throws.
 */
export function parsePeriod(text: string, ctx: PeriodContext): ParsePeriodResult {
  try {
    const key = `${ctx.timezone}\u0000${ctx.weekStartsOn ?? 1}\u0000${JSON.stringify(ctx.fiscal ?? null)}\u0000${text}`;
    const at = ctx.now.getTime();
    const known = parsedToday.get(key);
    if (known && at >= known.from && at < known.to) return { ok: true, period: fresh(known.period, at) };
    const result = parseUnsafe(text, ctx);
    if (result.ok) {
      const today = startOfDay(new TZDate(at, ctx.timezone));
      parsedToday.set(key, {
        from: today.getTime(),
        to: addDays(today, 1).getTime(),
        period: fresh(result.period, at),
      });
    }
    return result;
  } catch {
    return { ok: false, error: UNKNOWN(String(text ?? '')) };
  }
}

/**
 * Periods parsed today, by zone, week start, fiscal calendar and text: a period's bounds depend on `now` only
 * through the local day it falls on (every bound is a local midnight), and `running` is set again from `now`
 * (`fresh`). Parsing walks the time-zone library (a tenth of a millisecond or more, every answer; issue 15's
 * profiles); the 1,000 most recently used are kept (the texts come from users, so it stays bounded).
 */
const parsedToday = new LRUCache<string, { from: number; to: number; period: Period }>({ max: 1_000 });

/** A copy of a remembered period, its `running` set from `at` (ms): callers may keep or change it. */
function fresh(period: Period, at: number): Period {
  const start = new Date(period.start.getTime());
  const end = new Date(period.end.getTime());
  return { ...period, start, end, running: at >= start.getTime() && at < end.getTime() };
}

function parseUnsafe(text: string, ctx: PeriodContext): ParsePeriodResult {
  const zone = ctx.timezone;
  if (!isTimeZone(zone)) return { ok: false, error: `Unknown time zone "${zone}".` };
  // `next-month`, `last-quarter`, `nextmonth`, `thisweek`: the hyphenated or glued spelling of the spaced words.
  const t = String(text)
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^(this|last|next)-?(week|month|quarter|year)$/, '$1 $2');
  const now = ctx.now;
  const local = new TZDate(now.getTime(), zone);
  const today = startOfDay(local);
  const weekStartsOn = ctx.weekStartsOn ?? 1;
  const rel = (p: Period, spec: string): ParsePeriodResult => ({ ok: true, period: { ...p, spec } });

  const fiscal = ctx.fiscal && !isCalendarYear(ctx.fiscal) ? ctx.fiscal : undefined;
  // Fiscal quarters, years (and week-based months) are found by the instant: `calendar` snaps to them.
  const cal = (kind: PeriodKind, start: Date) => calendar(kind, start, zone, now, fiscal);
  const here = fiscal ? fiscalPosition(today, fiscal, zone) : null;
  const fq = (fy: number, q: number) => fiscalQuarter(fy, q, fiscal ?? CALENDAR_YEAR, zone).start;
  const fm = (fy: number, m: number) => fiscalMonth(fy, m, fiscal ?? CALENDAR_YEAR, zone).start;
  const fqEnd = (fy: number, q: number) => fiscalQuarter(fy, q, fiscal ?? CALENDAR_YEAR, zone).end;
  const fmEnd = (fy: number, m: number) => fiscalMonth(fy, m, fiscal ?? CALENDAR_YEAR, zone).end;
  const fyStart = (fy: number) => fiscalYearStart(fy, fiscal ?? CALENDAR_YEAR, zone);
  const weekMonths = fiscal?.kind === 'weeks' && here;
  const quarterTwoWays = (typed: string, start: TZDate, year: number, q: number): ParsePeriodResult => {
    const fiscalQ = fiscalQuarter(year, q, fiscal!, zone);
    const fiscalDates = rangeLabel(fiscalQ.start, fiscalQ.end);
    return {
      ok: false,
      shaped: true,
      twoWays: true,
      error: `\`${typed.trim().slice(0, 40)}\` reads two ways with the fiscal calendar: the calendar quarter ${rangeLabel(start, addMonths(start, 3))}, written \`${year}-Q${q}\`, or fiscal Q${q} FY${year} (${fiscalDates}), written \`Q${q} FY${year}\`.`,
    };
  };

  switch (t) {
    case 'today':
      return rel({ ...calendar('day', today, zone, now), label: `Today (${format(today, 'd MMM')})` }, t);
    case 'yesterday': {
      const p = calendar('day', addDays(today, -1), zone, now);
      return rel({ ...p, label: `Yesterday (${format(addDays(today, -1), 'd MMM')})` }, t);
    }
    case 'this week':
    case 'wtd':
      return rel(calendar('week', startOfWeek(today, { weekStartsOn }), zone, now), 'this week');
    case 'last week':
      return rel(calendar('week', addDays(startOfWeek(today, { weekStartsOn }), -7), zone, now), t);
    case 'this month':
    case 'mtd':
      return rel(cal('month', weekMonths ? today : startOfMonth(today)), 'this month');
    case 'last month':
      return rel(
        cal('month', weekMonths ? addDays(fm(here.fy, here.month), -1) : addMonths(startOfMonth(today), -1)),
        t,
      );
    case 'this quarter':
    case 'qtd':
      return rel(cal('quarter', here ? today : startOfQuarter(today)), 'this quarter');
    case 'last quarter':
      return rel(
        cal('quarter', here ? addDays(fq(here.fy, here.quarter), -1) : addMonths(startOfQuarter(today), -3)),
        t,
      );
    case 'this year':
    case 'ytd':
    // `fytd` (and `fiscal ytd`, read so by the grammar): ytd already follows the fiscal calendar.
    case 'fytd':
      return rel(cal('year', here ? today : startOfYear(today)), 'this year');
    case 'last year':
      return rel(cal('year', here ? addDays(fyStart(here.fy), -1) : addMonths(startOfYear(today), -12)), t);
    // Periods that have not started: answered like any future period (a target that "starts …", pipeline
    // coverage and its forecast), never with a comparison.
    case 'next week':
      return rel(calendar('week', addDays(startOfWeek(today, { weekStartsOn }), 7), zone, now), t);
    case 'next month':
      return rel(
        cal('month', weekMonths ? fmEnd(here.fy, here.month) : addMonths(startOfMonth(today), 1)),
        t,
      );
    case 'next quarter':
      return rel(
        cal('quarter', here ? fqEnd(here.fy, here.quarter) : addMonths(startOfQuarter(today), 3)),
        t,
      );
    case 'next year':
      return rel(cal('year', here ? fyStart(here.fy + 1) : addMonths(startOfYear(today), 12)), t);
    case 'all time':
    case 'alltime':
    case 'all-time': {
      const { year, month, day } = ALL_TIME_START;
      const start = new TZDate(year, month - 1, day, zone);
      const end = addDays(today, 1);
      const period = build('range', start, end, 'all time', 'All time', zone, now);
      return { ok: true, period: { ...period, allTime: true } };
    }
  }

  let m = /^q([1-4])$/.exec(t);
  if (m) {
    if (here) return { ok: true, period: cal('quarter', fq(here.fy, Number(m[1]))) };
    const start = addMonths(startOfYear(today), (Number(m[1]) - 1) * 3);
    return { ok: true, period: calendar('quarter', start, zone, now) };
  }
  // P11 alone: that fiscal month of the running fiscal year, as `q3` is its quarter (week-based calendars).
  m = /^p(\d{1,3})$/.exec(t);
  if (m && here && fiscal?.kind === 'weeks') {
    const n = Number(m[1]);
    if (n < 1 || n > 12) return invalid(`"${text.trim()}": a fiscal year has months P1–P12.`);
    return { ok: true, period: cal('month', fm(here.fy, n)) };
  }
  // FY2027, FY27, Q3 FY2027, FY2027 Q3, P11 FY2027 (a fiscal month of a week-based calendar).
  m = /^(?:([qp])(\d{1,2}) ?)?fy ?'?(\d{2}|\d{4})(?: ?([qp])(\d{1,2}))?$/.exec(t);
  if (m && !(m[1] && m[4])) {
    const fy = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    const part = (m[1] ?? m[4]) as 'q' | 'p' | undefined;
    const n = Number(m[2] ?? m[5]);
    if (fy < 1971 || fy > 2200) return invalid(`"${text.trim()}" is not a fiscal year I can read.`);
    if (part === 'q' && (n < 1 || n > 4))
      return invalid(`"${text.trim()}": a fiscal year has quarters Q1–Q4.`);
    if (part === 'p' && fiscal?.kind !== 'weeks')
      return invalid(`"${text.trim()}": fiscal months P1–P12 exist only in a week-based fiscal calendar.`);
    if (part === 'p' && (n < 1 || n > 12))
      return invalid(`"${text.trim()}": a fiscal year has months P1–P12.`);
    const start = part === 'q' ? fq(fy, n) : part === 'p' ? fm(fy, n) : fyStart(fy);
    return { ok: true, period: cal(part === 'q' ? 'quarter' : part === 'p' ? 'month' : 'year', start) };
  }
  if (/^(?:[qp]\d{1,2} ?)?fy ?'?\d+(?: ?[qp]\d{1,2})?$/.test(t))
    return invalid(
      `"${t.slice(0, 40).toUpperCase()}" is not a fiscal year I can read: use FY2027 or FY27 (years 1971 to 2200).`,
    );
  if (/^-\d+d$/.test(t))
    return invalid(
      `"${t.slice(0, 40)}" is not a window I can use: windows count back from today, so ask for between 1d and ${MAX_ROLLING_DAYS}d.`,
    );
  // `30d`, `last 30 days`, `past 30 days`, `30 days`: one reading, the last 30 days today included.
  m = /^(?:(\d+)d|(?:(?:last|past) )?(\d+) ?days?)$/.exec(t);
  if (m) {
    const n = Number(m[1] ?? m[2]);
    if (!(n >= 1 && n <= MAX_ROLLING_DAYS))
      return invalid(
        `"${t.slice(0, 40)}" is not a window I can use: ask for between 1d and ${MAX_ROLLING_DAYS}d.`,
      );
    const start = addDays(today, -(n - 1));
    const label = n === 1 ? 'Today' : `Last ${n} days`;
    return { ok: true, period: build('rolling', start, addDays(today, 1), `${n}d`, label, zone, now) };
  }
  m = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (m) {
    const start = localDate(Number(m[1]), Number(m[2]), 1, zone);
    if (!start) return invalid(`"${t.slice(0, 40)}" is not a month I can read (use 2026-10).`);
    return { ok: true, period: calendar('month', start, zone, now) };
  }
  // October, oct, october 2026, oct 2026, 2026 october: a calendar month, like 2026-10. Without a year, the
  // latest one that has started (`december` on 1 Dec is the running month; `january` then is last January).
  m = /^([a-z]+\.?)(?: (\d{4}))?$/.exec(t) ?? swapQuarter(/^(\d{4}) ([a-z]+\.?)$/.exec(t));
  const month = m ? monthOfWord(m[1]!) : null;
  if (m && month !== null) {
    const year = m[2] ? Number(m[2]) : today.getFullYear() - (month - 1 > today.getMonth() ? 1 : 0);
    const start = localDate(year, month, 1, zone);
    if (!start) return invalid(`"${t.slice(0, 40)}" is not a month I can read (Tally reads 1970 to 2200).`);
    return { ok: true, period: calendar('month', start, zone, now) };
  }
  // `oct-nov`, `oct..nov`, `oct to nov`: 1 Oct to 30 Nov, the first month read as alone (the latest one
  // that has started) and the last the first such month from it (`dec-feb`: December to the February after).
  m = /^([a-z]+\.?) ?(?:-|–|\.\.|to) ?([a-z]+\.?)$/.exec(t);
  const [first, last] = m ? [monthOfWord(m[1]!), monthOfWord(m[2]!)] : [null, null];
  if (first !== null && last !== null) {
    const start = localDate(today.getFullYear() - (first - 1 > today.getMonth() ? 1 : 0), first, 1, zone)!;
    const end = addMonths(start, ((last - first + 12) % 12) + 1);
    // `nov-oct`: twelve months, most of them ahead, or `oct-nov` typed the wrong way round? Asked, never
    // guessed (fresh tester helper-206: it answered 1 Nov 2026 – 31 Oct 2027, "10% attained · on track").
    if (last === first - 1) {
      const ym = (d: Date) => ymd(d).slice(0, 7);
      return {
        ok: false,
        shaped: true,
        twoWays: true,
        error: `\`${text.trim().slice(0, 40)}\` reads two ways: twelve months, ${rangeLabel(start, end)}, written \`${ym(start)}..${ym(addDays(end, -1))}\`, or the other way round, written \`${m![2]}-${m![1]}\`.`,
      };
    }
    const spec = `${ymd(start)}..${ymd(addDays(end, -1))}`;
    return { ok: true, period: build('range', start, end, spec, rangeLabel(start, end), zone, now) };
  }
  // 2026-Q3, 2026q3, Q3 2026, q3-2026, 2026 q3.
  m = /^(\d{4})[- ]?q([1-4])$/.exec(t) ?? swapQuarter(/^q([1-4])[- ]?(\d{4})$/.exec(t));
  if (m) {
    const start = localDate(Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 1, zone);
    if (!start) return invalid(`"${t.slice(0, 40)}" is not a quarter I can read (use 2026-Q3).`);
    // With a fiscal calendar, `q1 2026` reads two ways (calendar Q1 2026 or Q1 FY2026): asked, never guessed.
    // The ISO form `2026-Q1` is the calendar quarter, as documented.
    if (fiscal && !/^\d{4}-q[1-4]$/.test(t)) return quarterTwoWays(text, start, Number(m[1]), Number(m[2]));
    return { ok: true, period: calendar('quarter', start, zone, now) };
  }
  // 2026 (CY2026, cy 2026, calendar 2026, calendar year 2026): the calendar year.
  m = /^(?:cy ?'?|calendar (?:year )?)?(\d{4})$/.exec(t);
  if (m) {
    const year = Number(m[1]);
    const start = localDate(year, 1, 1, zone);
    if (!start) return invalid(`"${t.slice(0, 40)}" is not a year I can read (Tally reads 1970 to 2200).`);
    // With a fiscal calendar, a bare `2026` reads two ways (calendar 2026 or FY2026), as `q1 2026` does:
    // asked, never guessed (tester: `2026` was silently the calendar year while `q3 2026` was asked back).
    if (fiscal && !t.startsWith('c')) {
      const fiscalDates = rangeLabel(fyStart(year), fyStart(year + 1));
      return {
        ok: false,
        shaped: true,
        twoWays: true,
        error: `\`${text.trim().slice(0, 40)}\` reads two ways with the fiscal calendar: the calendar year ${rangeLabel(start, addMonths(start, 12))}, written \`CY${year}\`, or fiscal year FY${year} (${fiscalDates}), written \`FY${year}\`.`,
      };
    }
    const period = calendar('year', start, zone, now);
    // Under a fiscal calendar the spec must read back as the calendar year (the answer parses it again).
    return { ok: true, period: fiscal ? { ...period, spec: `CY${year}` } : period };
  }
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: ?(?:\.\.|to) ?(\d{4})-(\d{1,2})-(\d{1,2}))?$/.exec(t);
  if (m) {
    const years = [Number(m[1]), ...(m[4] ? [Number(m[4])] : [])];
    if (years.some((y) => y < MIN_YEAR || y > MAX_YEAR))
      return invalid(
        `"${t.slice(0, 40)}" is out of range: Tally reads dates from ${MIN_YEAR} to ${MAX_YEAR}.`,
      );
    const start = localDate(Number(m[1]), Number(m[2]), Number(m[3]), zone);
    const last = m[4] ? localDate(Number(m[4]), Number(m[5]), Number(m[6]), zone) : start;
    if (!start || !last) {
      const bad = !start ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
      const why = whyNoDay(Number(bad[0]), Number(bad[1]), Number(bad[2]));
      return invalid(`"${t.slice(0, 40)}" has a date that does not exist${why ? `: ${why}` : ''}.`);
    }
    if (last.getTime() < start.getTime())
      return invalid(`"${t.slice(0, 40)}" ends before it starts: put the earlier date first.`);
    if (!m[4]) return { ok: true, period: calendar('day', start, zone, now) };
    const end = addDays(last, 1);
    const spec = `${ymd(start)}..${ymd(last)}`;
    return { ok: true, period: build('range', start, end, spec, rangeLabel(start, end), zone, now) };
  }
  return { ok: false, error: UNKNOWN(String(text)) };
}

/** `q3 2026` matched as [q, year] → [year, q], the order the quarter branch reads (and `2026 october` → [october, 2026]). */
function swapQuarter(m: RegExpExecArray | null): RegExpExecArray | null {
  if (!m) return null;
  const swapped = [m[0], m[2], m[1]] as unknown as RegExpExecArray;
  return swapped;
}

/**
 * `all time` starting at local midnight of the day of `first` (the scope's first record, see
 * `narrowAllTime`), labelled "All time (since 3 Jun 2024)"; unchanged when `first` is null or not later
 * than its start. Rates per working day and the window shown then cover the span where data exists.
 */
export function allTimeSince(period: Period, first: Date | null): Period {
  if (!period.allTime || first === null || first.getTime() <= period.start.getTime()) return period;
  const start = startOfDay(new TZDate(first.getTime(), period.timezone));
  if (start.getTime() >= period.end.getTime()) return period;
  return {
    ...period,
    start: new Date(start.getTime()),
    label: `All time (since ${format(start, 'd MMM yyyy')})`,
  };
}

/** Number of local calendar days in a period (23- and 25-hour DST days count as one day). */
export function periodDays(period: Period): number {
  const z = tz(period.timezone);
  return differenceInCalendarDays(period.end, period.start, { in: z });
}

/**
 * The period of equal length just before `period`: the previous day/week/month/quarter/year, or the same
 * number of local days before a rolling window or range. `now` sets `running` (default: not running).
 */
export function previousPeriod(period: Period, now?: Date): Period {
  return shiftPeriod(period, -1, now);
}

/** `period` moved by `steps` periods of its own kind (negative = earlier). */
export function shiftPeriod(period: Period, steps: number, now?: Date): Period {
  const zone = period.timezone;
  const start = new TZDate(period.start.getTime(), zone);
  if (period.fiscal && isFiscal(period.kind, period.fiscal))
    return shiftFiscal(period, period.fiscal, steps, now);
  switch (period.kind) {
    case 'day':
      return calendar('day', addDays(start, steps), zone, now);
    case 'week':
      return calendar('week', addDays(start, 7 * steps), zone, now);
    case 'month':
      return calendar('month', addMonths(start, steps), zone, now);
    case 'quarter':
      return calendar('quarter', addMonths(start, 3 * steps), zone, now);
    case 'year':
      return calendar('year', addMonths(start, 12 * steps), zone, now);
    case 'rolling':
    case 'range': {
      const days = periodDays(period);
      const s = addDays(start, days * steps);
      const e = addDays(s, days);
      const spec = `${ymd(s)}..${ymd(addDays(e, -1))}`;
      return build('range', s, e, spec, rangeLabel(s, e), zone, now);
    }
  }
}

/** A fiscal quarter, year or month moved by `steps` of its kind (a 14-week Q4 is one step, like any other). */
function shiftFiscal(period: Period, cal: FiscalCalendar, steps: number, now?: Date): Period {
  const zone = period.timezone;
  const pos = fiscalPosition(period.start, cal, zone);
  const kind = period.kind as 'month' | 'quarter' | 'year';
  const per = kind === 'year' ? 1 : kind === 'quarter' ? 4 : 12;
  const index =
    pos.fy * per + (kind === 'year' ? 0 : kind === 'quarter' ? pos.quarter - 1 : pos.month - 1) + steps;
  const fy = Math.floor(index / per);
  const n = (index % per) + 1;
  const start =
    kind === 'year'
      ? fiscalYearStart(fy, cal, zone)
      : kind === 'quarter'
        ? fiscalQuarter(fy, n, cal, zone).start
        : fiscalMonth(fy, n, cal, zone).start;
  return calendar(kind, start, zone, now, cal);
}

/** The `count` periods of equal length ending with `period`, oldest first (for sparklines). */
export function seriesPeriods(period: Period, count = 8, now?: Date): Period[] {
  const out: Period[] = [];
  for (let i = count - 1; i > 0; i--) out.push(shiftPeriod(period, -i, now));
  out.push(period);
  return out;
}

/**
 * Whole weekdays (Mon–Fri, local) in [start, min(end, now)), counting today's partial day once started: the
 * local days start + k (k = 0, 1, …) whose beginning lies before the end. Closed form: two zone conversions
 * and integer arithmetic, however long the period (no walk through every day).
 */
export function workingDaysElapsed(period: Period, now: Date): number {
  const zone = period.timezone;
  const endMs = Math.min(period.end.getTime(), now.getTime());
  const start = new TZDate(period.start.getTime(), zone);
  if (start.getTime() >= endMs) return 0;
  const last = new TZDate(endMs - 1, zone);
  const civil = (d: TZDate) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
  // Days k = 0..span: the last one only when its local start-of-day time still falls before the end.
  let span = civil(last) - civil(start);
  if (span > 0 && addDays(start, span).getTime() >= endMs) span--;
  const days = span + 1;
  const firstDow = start.getDay();
  let n = Math.floor(days / 7) * 5;
  for (let k = 0; k < days % 7; k++) {
    const dow = (firstDow + k) % 7;
    if (dow !== 0 && dow !== 6) n++;
  }
  return n;
}

/** Weekdays (Mon–Fri, local) in the whole period, whatever `now` is. */
export function workingDaysIn(period: Period): number {
  return workingDaysElapsed(period, period.end);
}

/** The working day pace counts, in local hours: 09:00 to 17:00. */
export const WORKDAY_HOURS = { start: 9, end: 17 } as const;

/**
 * The share 0..1 of the period's working time elapsed at `now`: whole weekdays (Mon–Fri, local) before
 * today plus the elapsed part of today's working hours (09:00–17:00 local) when today is a weekday.
 * Wednesday 13:00 of a week is (2 + 4/8) / 5 = 0.5 (the calendar share would be 0.37); before 09:00 on the
 * first weekday it is 0 (nothing is expected yet), and all weekend long it stays at Friday's end. Null for
 * a period without a weekday (a Saturday). Pace divides by it, so reps are not "ahead" on Wednesdays,
 * "behind" on Sundays, or "off track" at 4 a.m.
 */
export function workingShare(period: Period, now: Date): number | null {
  const total = workingDaysIn(period);
  if (total === 0) return null;
  if (now.getTime() >= period.end.getTime()) return 1;
  if (now.getTime() <= period.start.getTime()) return 0;
  const today = startOfDay(new TZDate(now.getTime(), period.timezone));
  const whole = today.getTime() > period.start.getTime() ? workingDaysElapsed(period, today) : 0;
  const dow = today.getDay();
  let part = 0;
  if (dow !== 0 && dow !== 6) {
    const open = Math.max(setHours(today, WORKDAY_HOURS.start).getTime(), period.start.getTime());
    const close = setHours(today, WORKDAY_HOURS.end).getTime();
    if (close > open) part = Math.min(1, Math.max(0, (now.getTime() - open) / (close - open)));
  }
  return Math.min(1, (whole + part) / total);
}

/** Windows described lately (`describeWindow`), oldest first; at most `KEPT_WINDOW_WORDS`. */
const describedWindows = new Map<string, string>();
const KEPT_WINDOW_WORDS = 1_000;

/**
 * The window in words, for the `n =` line and "How is this calculated?": whole days with the last day
 * included, like every period label (`rangeLabel`): "1 Nov – 30 Nov 2026 (Europe/Berlin)"; a window
 * that does not start and end at local midnight with its times: "1 Nov 2026 09:00 – 1 Dec 2026 00:00 (…)".
 * `soFar`: the instant a running period is read up to (now), for a metric that reads no later records: the
 * window ends on its day, "so far" as a chart's running bar says, not on the period's last day (tester:
 * `ytd` showed "1 Jan – 31 Dec 2026" on 7 Dec): "1 Jan – 7 Dec 2026 so far (UTC)".
 */
export function describeWindow(period: Period, soFar?: Date): string {
  const upTo =
    soFar &&
    period.running &&
    soFar.getTime() > period.start.getTime() &&
    soFar.getTime() < period.end.getTime()
      ? nextLocalMidnight(soFar.getTime(), period.timezone)
      : undefined;
  // Pure in (start, end, zone, the day read up to), and every answer asks for it: remembered (formatting in
  // a zone costs ~0.1 ms, a tenth of a rep's headline query).
  const key = `${period.start.getTime()} ${period.end.getTime()} ${period.timezone} ${upTo ?? ''}`;
  let text = describedWindows.get(key);
  if (text === undefined) {
    text = upTo !== undefined ? runningWindowInWords(period, upTo) : windowInWords(period);
    if (describedWindows.size >= KEPT_WINDOW_WORDS)
      describedWindows.delete(describedWindows.keys().next().value!);
    describedWindows.set(key, text);
  }
  return text;
}

// The local day last asked for: answers within one day in one zone reuse its end (finding it costs ~25 µs).
let lastDay: { zone: string; from: number; to: number } | null = null;

/** The local midnight (epoch ms) that ends the day holding instant `at` (epoch ms) in `zone`. */
function nextLocalMidnight(at: number, zone: string): number {
  if (lastDay && lastDay.zone === zone && at >= lastDay.from && at < lastDay.to) return lastDay.to;
  const from = startOfDay(new TZDate(at, zone));
  lastDay = { zone, from: from.getTime(), to: addDays(from, 1).getTime() };
  return lastDay.to;
}

/** A running period's window through the local day before `upTo` (a local midnight), "so far". */
function runningWindowInWords(period: Period, upTo: number): string {
  const s = new TZDate(period.start.getTime(), period.timezone);
  // A window that ends today anyway (`30d`, a period's last day) has its dates already.
  if (startOfDay(s).getTime() !== s.getTime() || upTo >= period.end.getTime()) return windowInWords(period);
  return `${rangeLabel(s, new TZDate(upTo, period.timezone))} so far (${period.timezone})`;
}

function windowInWords(period: Pick<Period, 'start' | 'end' | 'timezone'>): string {
  const s = new TZDate(period.start.getTime(), period.timezone);
  const e = new TZDate(period.end.getTime(), period.timezone);
  const midnight = (d: TZDate) => startOfDay(d).getTime() === d.getTime();
  if (midnight(s) && midnight(e) && e > s) return `${rangeLabel(s, e)} (${period.timezone})`;
  return `${format(s, 'd MMM yyyy HH:mm')} – ${format(e, 'd MMM yyyy HH:mm')} (${period.timezone})`;
}
