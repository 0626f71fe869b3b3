import { readDataVersion } from '../db/data-version.js';
import type { FiscalCalendar } from '../time/fiscal.js';
import { formatLocalDay } from '../time/format.js';
import { firstRecordAt, metricRecords, narrowAllTime, recordsNoun } from './all-time.js';
import {
  type AnswerContext,
  answerContextAt,
  dataStartAt,
  labelUnnamed,
  namesAt,
  otherZonesAt,
} from './answer-context.js';
import {
  beforeDataMarker,
  dataStartDayIn,
  dataStartIn,
  dataStartNote,
  workingDaysWithData,
} from './before-data.js';
import { type ComputeContext, type Computed, noData, type SegmentComputed } from './compute/aggregate.js';
import { COMPUTERS } from './compute/registry.js';
import type { Window } from './compute/rows.js';
import { BREAKDOWNS, findMetric } from './definitions.js';
import { MetricsError } from './errors.js';
import { interactiveDeadline } from './interactive.js';
import { allTimeSince, describeWindow, parsePeriod, seriesPeriods } from './periods.js';
import { type ScopeContext, splitZoneNote } from './scope.js';
import { isSmallSample } from './small-sample.js';
import { computeAttainment, currencyNote, findTargetFor, sameCurrency, scaleTarget } from './targets.js';
import type {
  Attainment,
  Change,
  MetricDefinition,
  MetricDeps,
  MetricQuery,
  MetricResult,
  MetricValue,
  Period,
  SegmentRow,
  Segments,
  TargetInfo,
} from './types.js';

const SERIES_LENGTH = 8;
const HOUR_MS = 3_600_000;

function toWindow(p: Period, now: Date): Window {
  return { start: p.start, end: p.end, asOf: new Date(Math.min(p.end.getTime(), now.getTime())) };
}

/** Resolves a period string in the scope's zone, or re-uses a resolved Period; throws 'bad_period'. */
export function resolvePeriod(
  period: string | Period,
  sc: ScopeContext,
  now: Date,
  fiscal?: FiscalCalendar,
): Period {
  if (typeof period !== 'string') return period;
  const parsed = parsePeriod(period, {
    now,
    timezone: sc.timezone,
    weekStartsOn: sc.weekStartsOn,
    ...(fiscal ? { fiscal } : {}),
  });
  if (!parsed.ok) throw new MetricsError('bad_period', parsed.error);
  return parsed.period;
}

/** Absolute and relative change, and whether it is good given the metric's direction. */
export function computeChange(
  def: MetricDefinition,
  current: MetricValue,
  previous: MetricValue,
): Change | null {
  if (current.kind !== 'value' || previous.kind !== 'value') return null;
  const absolute = current.value - previous.value;
  const relative = previous.value !== 0 ? absolute / Math.abs(previous.value) : null;
  const better = absolute === 0 ? null : absolute > 0 === (def.direction === 'higher');
  return { absolute, relative, better };
}

/**
 * Labels and keys as a person counts: "Rep 2" before "Rep 10" (helper-205), "31" before "154". One collator
 * for every comparison: `localeCompare` with options builds one per call.
 */
const byNameThenKey = new Intl.Collator('en', { numeric: true });

/** Two names in the order every list of them uses (splits, `/metrics lost`, the win rate's loss reasons). */
export const compareNames = (a: string, b: string): number => byNameThenKey.compare(a, b);

/**
 * Best first by the metric's direction; rows with no data last; ties by sample size, then label, then key
 * (two reps with the same name and figures keep one order, whatever order the rows arrived in). A rate or
 * average on a small sample (`isSmallSample`: 1–9 records) ranks after every row on a full sample, so a
 * win rate of 1 deal out of 1 does not top the table and push reps with 40 deals into "…and N more"
 * (fresh tester helper-186).
 */
export function sortSegments(def: MetricDefinition, rows: SegmentRow[]): SegmentRow[] {
  const sign = def.direction === 'higher' ? -1 : 1;
  // Judged once per row, not per comparison (an org split by rep has ~600 rows).
  const smallRows = new Set(
    rows.filter((r) => isSmallSample({ metric: def, value: r.value, sampleSize: r.sampleSize })),
  );
  const small = (r: SegmentRow) => smallRows.has(r);
  return [...rows].sort((a, b) => {
    if (a.value.kind !== b.value.kind) return a.value.kind === 'value' ? -1 : 1;
    if (small(a) !== small(b)) return small(a) ? 1 : -1;
    if (a.value.kind === 'value' && b.value.kind === 'value' && a.value.value !== b.value.value)
      return sign * (a.value.value - b.value.value);
    if (a.sampleSize !== b.sampleSize) return b.sampleSize - a.sampleSize;
    return byNameThenKey.compare(a.label, b.label) || byNameThenKey.compare(a.key, b.key);
  });
}

/**
 * Metric M for scope S over period P: headline, figures, calculation, target/attainment/pace/status,
 * trend against the previous equal period, the last 8 periods, and segments when `by` is given.
 * Throws `MetricsError` for unknown metrics, scopes or periods ('busy' past capacity for an interactive ask,
 * see `withInteractiveDeadline`); database errors propagate.
 */
/**
 * The target's attainment for this answer, or null without a target, when the answer has no data (a win
 * rate with no deals closed, a period before the first record: a target beside "no data" compares with
 * nothing), or when a count target comes to nothing for the period (a daily target on a Saturday: targets
 * are worked on weekdays). `dataStartsOn`: the local day the org's records start when the period began
 * before it (`dataStartDayIn`): a target that accumulates over the period is then shown but not judged (no
 * attainment, pace or status: the days before hold no records, which is no shortfall); a rate's is.
 */
function attainmentFor(
  def: MetricDefinition,
  main: Computed,
  target: TargetInfo | null,
  period: Period,
  now: Date,
  dataStartsOn: string | null,
): Attainment | null {
  if (!target) return null;
  // A period that has not started has no data yet, but its target and start day are still worth showing.
  if (main.value.kind === 'no_data' && now >= period.start) return null;
  const a = computeAttainment(def, main.value, target, period, now, main.currency);
  if (def.accumulates && a.targetForPeriod === 0) return null;
  return def.accumulates && dataStartsOn
    ? { ...a, attainment: null, pace: null, status: null, dataStartsOn }
    : a;
}

export async function getMetric(deps: MetricDeps, query: MetricQuery): Promise<MetricResult> {
  const { answers, shed, deadline: given, ...direct } = deps;
  if (!answers) return computeMetric(direct, query);
  // Inside an interactive ask (a command, a button, App Home) its deadline applies unless the caller set one.
  const deadline = given ?? interactiveDeadline();
  return answers.answer(direct, query, (version) => computeMetric(direct, query, version), {
    shed: shed ?? deadline !== undefined,
    ...(deadline !== undefined ? { deadline } : {}),
  });
}

/**
 * Computes an answer. The answer context (scope, fiscal calendar, last arrival: answer-context.ts) is cached
 * by data version, so a repeated answer sends no statement for it:
 * `version` is the data version the sharing point read before this computation started; a caller without a
 * sharing point (tests, the bench) has it read here. The context cached under it is used, else read once
 * and cached (`answerContextAt`).
 */
async function computeMetric(deps: MetricDeps, query: MetricQuery, version?: string): Promise<MetricResult> {
  const def = findMetric(query.metric);
  if (!def || !COMPUTERS[def.id])
    throw new MetricsError('unknown_metric', `No metric called "${query.metric}".`);
  if (query.by && !def.dimensions.includes(query.by))
    throw new MetricsError('bad_dimension', `${def.label} cannot be split by ${query.by}.`);
  const at = version ?? (await readDataVersion(deps.db));
  return computeWith(deps, query, def, await answerContextAt(deps, query.scope, def.id, at), at);
}

/** The periods an answer computes (see `planPeriods`), their windows, and where the headline and previous are. */
interface PeriodPlan {
  periods: Period[];
  windows: Window[];
  headline: number;
  /** The period the headline is compared with (null: no trend) and its index in `periods`. */
  previous: Period | null;
  previousIndex: number;
}

/**
 * The periods of an answer: the sparkline's (ending with the asked `period`, the headline) when the series
 * or trend is included, else the period alone; and, with the trend, the previous period. A running period
 * of a count is compared with the previous period up to the same point (whole hours, so the cut lands on
 * rollup buckets), added as an extra window.
 */
function planPeriods(
  def: MetricDefinition,
  period: Period,
  include: { trend: boolean; series: boolean },
  now: Date,
): PeriodPlan {
  const periods = include.series || include.trend ? seriesPeriods(period, SERIES_LENGTH, now) : [period];
  const windows = periods.map((p) => toWindow(p, now));
  const headline = windows.length - 1;
  let previous: Period | null = include.trend ? (periods[headline - 1] ?? null) : null;
  let previousIndex = headline - 1;
  if (previous && def.accumulates && period.running) {
    // Comparing with 10:00 instead of 10:17 is fair enough.
    const elapsed = Math.floor((now.getTime() - period.start.getTime()) / HOUR_MS) * HOUR_MS;
    const end = new Date(Math.min(previous.end.getTime(), previous.start.getTime() + elapsed));
    previous = { ...previous, end, label: `${previous.label} at the same point`, running: false };
    windows.push(toWindow(previous, now));
    periods.push(previous);
    previousIndex = windows.length - 1;
  }
  return { periods, windows, headline, previous, previousIndex };
}

/**
 * A split's rows from what the computer returned, sorted for the metric (see sortSegments), a rep or team
 * split's "No rep" / "No team" row last, a breakdown's (`BREAKDOWNS`) most first with its catch-all row last;
 * for a period that has not started, `notYet` (its no-data reason) replaces each row's value.
 */
function toSegments(
  def: MetricDefinition,
  by: MetricQuery['by'] & string,
  segs: SegmentComputed[],
  notYet: MetricValue | null = null,
): Segments {
  const rows: SegmentRow[] = segs.map((s) => ({
    key: s.key ?? 'none',
    label: s.label,
    value: notYet && s.value.kind === 'value' ? notYet : s.value,
    sampleSize: s.n,
    ...(s.otherCurrenciesOnly !== undefined ? { otherCurrenciesOnly: s.otherCurrenciesOnly } : {}),
    ...(by === 'rep' && s.key !== null ? { repId: Number(s.key) } : {}),
    ...(by === 'team' && s.key !== null ? { teamId: Number(s.key) } : {}),
  }));
  if (BREAKDOWNS.has(by)) {
    // A breakdown of causes, not a ranking (fresh tester: lost deals by reason read fewest first, "No reason
    // given" between the reasons): most first, the catch-all row (no key; a reason "None" has one) last.
    const catchAll = new Set(rows.filter((_, i) => segs[i]!.key === null));
    const sorted = sortSegments({ ...def, direction: 'higher' }, rows);
    return {
      by,
      rows: [...sorted.filter((r) => !catchAll.has(r)), ...sorted.filter((r) => catchAll.has(r))],
    };
  }
  const sorted = sortSegments(def, rows);
  // Records of no rep or no team (a rep who left, a team gone), no source or no product are no place in a
  // ranking: they come last (fresh tester helper-184: "1. No team" ranked above every team; helper-503:
  // "1. No source" above every source).
  const none = new Set(rows.filter((_, i) => segs[i]!.key === null));
  return { by, rows: [...sorted.filter((r) => !none.has(r)), ...sorted.filter((r) => none.has(r))] };
}

/**
 * The note under a split by team or rep when some of its rows have a zone of their own other than
 * `timezone`, the zone the split cuts them in (splitZoneNote); null otherwise, or for other splits.
 * `otherZones`: the ids of that split's kind with another zone (`otherZonesAt`).
 */
function zoneNoteFor(
  segments: Segments | null,
  timezone: string,
  otherZones: ReadonlySet<number> | null,
): string | null {
  const by = segments?.by;
  if (!segments || !otherZones || (by !== 'team' && by !== 'rep')) return null;
  const ids = segments.rows
    .map((r) => (by === 'team' ? r.teamId : r.repId))
    .filter((id): id is number => id !== undefined);
  return splitZoneNote(by, ids.filter((id) => otherZones.has(id)).length, timezone);
}

/** The answer to `query` given its context read under data version `version` (see `computeMetric`). */
async function computeWith(
  deps: MetricDeps,
  query: MetricQuery,
  def: MetricDefinition,
  context: AnswerContext,
  version: string,
): Promise<MetricResult> {
  const computer = COMPUTERS[def.id]!;
  const now = deps.now;
  const sc = context.scope;
  const fiscal = typeof query.period === 'string' ? (context.fiscal ?? deps.fiscalDefault) : undefined;
  const records = metricRecords(def.id);
  const asked = resolvePeriod(query.period, sc, now, fiscal);
  // The org's first record of these kinds (cached per data version): a period that began before it counts
  // working days from it and says so; one that ended before it is marked as before the data.
  const dataStart = await dataStartAt(deps.db, records, version);
  // `all time` starts at the scope's first record; for a scope with none (a manager without a book of their
  // own), where the org's data starts, not at the calendar's floor (it read "1 Jan 2000 – today").
  const narrowed = await narrowAllTime(deps.db, query.scope, asked, records);
  const period = narrowed === asked ? allTimeSince(asked, dataStart) : narrowed;
  // `all time` has no period before it, no target and no equal periods for a sparkline.
  const none = period.allTime ? { target: false, trend: false, series: false } : {};
  const include = { target: true, trend: true, series: true, ...query.include, ...none };
  const { periods, windows, headline, previous, previousIndex } = planPeriods(def, period, include, now);
  const start = dataStartIn(dataStart, period.timezone);
  // Not for a state metric (retention, ARR, ARPU, CLV): its figure is the customer base or contract book as
  // it stands, whatever day the records start.
  const startDay = def.state ? null : dataStartDayIn(period, start, now);
  const ctx: ComputeContext = {
    now,
    grossMargin: deps.grossMargin ?? 1,
    useRollups: deps.useRollups ?? true,
    defaultTimezone: deps.defaultTimezone,
    timezone: period.timezone,
    // The headline's is periods[headline] (the period itself): computed once, not again; only for a metric
    // whose figures divide by them.
    workingDays: periods.map((p) =>
      computer.readsWorkingDays ? workingDaysWithData(p, now, start) : Number.NaN,
    ),
    // A currency asked for (a digest line's, see MetricQuery.currency) is every window's and the split's.
    ...(query.currency ? { currency: query.currency } : {}),
    ...(period.allTime ? { allTime: true } : {}),
  };
  if (def.id === 'coverage' && !period.allTime) {
    // Coverage divides by what the revenue target still needs, so it reads that target here.
    const revenue = await findTargetFor(deps.db, 'revenue', query.scope, period);
    ctx.revenueTarget = revenue ? scaleTarget(revenue.value, revenue.periodKind, period) : null;
    ctx.revenueTargetCurrency = revenue?.currency ?? null;
  }

  const { lastArrival } = context;
  const zoned = query.by === 'team' || query.by === 'rep' ? query.by : null;
  // A split by rep or team labels its rows from the names, read once per data version.
  if (zoned) ctx.segmentNames = await namesAt(deps.db, zoned, version);
  const split = (currency?: string | null) =>
    query.by
      ? computer.segments(deps.db, query.scope, windows[headline]!, query.by, {
          ...ctx,
          workingDays: [ctx.workingDays[headline]!],
          ...(currency ? { currency } : {}),
        })
      : Promise.resolve(null);
  // A split of a lone headline (no series, no trend: a digest's by-rep tables, its leaderboard) comes with
  // its headline from one statement where the computer can (`headlineWithSegments`), else the two run side by side.
  const together =
    query.by && windows.length === 1 && computer.headlineWithSegments
      ? computer.headlineWithSegments(deps.db, query.scope, windows[0]!, query.by, ctx)
      : Promise.resolve(null);
  const [computed, firstSegs, target, otherZones] = await Promise.all([
    together.then((t) => (t ? [t.headline] : computer.windows(deps.db, query.scope, windows, headline, ctx))),
    together.then((t) => (t ? t.segments : split())),
    include.target ? findTargetFor(deps.db, def.id, query.scope, period) : Promise.resolve(null),
    zoned ? otherZonesAt(deps, zoned, sc.timezone, version) : Promise.resolve(null),
  ]);
  // The split runs beside the headline and picks its currency from its own rows; on a tie the headline's
  // other windows decide, which the split cannot see: then it is computed again in the headline's currency.
  const headCurrency = computed[headline]!.currency;
  const costed =
    headCurrency && firstSegs?.some((s) => s.currency && s.currency !== headCurrency)
      ? await split(headCurrency)
      : firstSegs;
  // A rep (or team) created after the names were read is labelled by name too.
  const segs =
    costed && zoned && ctx.segmentNames
      ? await labelUnnamed(deps.db, zoned, costed, ctx.segmentNames)
      : costed;
  // A period that has not started has counted nothing yet: its zeros are no figure (a headline "0",
  // "Connected 0"), but a metric that looks ahead (coverage) has a real value there.
  const startsOn =
    now < period.start && !def.looksAhead ? formatLocalDay(period.start, period.timezone) : undefined;
  const notYet = startsOn ? noData(`it has not started (starts ${startsOn})`) : null;
  // What a split leaves out of its rows (customers with no owner) is a note, not a row; a period that has
  // not started has no rows to leave anything out of.
  const splitNotes = notYet ? [] : (segs ?? []).flatMap((s) => (s.leftOutNote ? [s.leftOutNote] : []));
  const shown = segs?.filter((s) => s.leftOutNote === undefined);
  const segments = shown && query.by ? toSegments(def, query.by, shown, notYet) : null;
  const mark = beforeDataMarker(dataStart, now, records);
  const zoneNote = zoneNoteFor(segments, sc.timezone, otherZones);
  const marked = mark(period, computed[headline]!);
  const main = notYet ? asNotStarted(computed[headline]!, notYet) : marked.computed;
  const beforeData = notYet ? null : marked.before;
  // A person who owns no record of these kinds at all (an admin, a manager without a book of their own):
  // the answer says so, not "no records yet". One index probe, only for an empty answer about a person.
  const ownsNone =
    query.scope.kind === 'rep' &&
    main.n === 0 &&
    !notYet &&
    !beforeData &&
    (await firstRecordAt(deps.db, query.scope, records)) === null;
  const prevMarked = previous && computed[previousIndex] ? mark(previous, computed[previousIndex]!) : null;
  const prev = prevMarked?.computed;
  const prevBeforeData = prevMarked?.before ?? null;
  // Only beside figures (not beside "no data", which says why), and not for a metric that looks ahead.
  const startNote =
    startDay && !notYet && main.n > 0 && !def.looksAhead ? dataStartNote(startDay, period, records) : null;
  const notes = [
    ...main.notes,
    ...splitNotes,
    ...(zoneNote ? [zoneNote] : []),
    ...(startNote ? [startNote] : []),
  ];

  return {
    metric: def,
    scope: sc.scope,
    period,
    value: main.value,
    figures: main.figures,
    sampleSize: main.n,
    // A metric that looks ahead (pipeline coverage) reads the whole period; any other, the period so far.
    calculation: {
      ...main.calc,
      window: describeWindow(period, def.looksAhead ? undefined : now),
      n: main.n,
    },
    currency: main.currency,
    notes:
      target && !sameCurrency(def, target, main.currency)
        ? [...notes, currencyNote(def, target, main.currency)]
        : notes,
    target: attainmentFor(
      def,
      main,
      target,
      period,
      now,
      startDay ? formatLocalDay(startDay, period.timezone) : null,
    ),
    ...(startsOn ? { startsOn } : {}),
    ...(startNote ? { startNote } : {}),
    // A period that has not started yet compares with nothing: its zeros are not a decline (like its target,
    // which says when it starts).
    // One before the data compares with nothing either: its previous period is before the data too.
    // A person who owns no such record at all has no trend either: a flat "±0" and a row of ▁ say nothing.
    trend:
      previous && prev && now >= period.start && !ownsNone
        ? {
            previous: {
              period: previous,
              value: prev.value,
              sampleSize: prev.n,
              ...(prevBeforeData ? { dataStartsAt: prevBeforeData } : {}),
            },
            change: computeChange(def, main.value, prev.value),
          }
        : null,
    // Periods that have not started are left out, not drawn as zeros: next month's series ends with this one.
    // A metric that looks ahead (coverage) has a value there: next quarter's own 1.3× is its last point.
    series:
      include.series && !ownsNone
        ? periods
            .slice(0, SERIES_LENGTH)
            .map((p, i) => ({ period: p, value: mark(p, computed[i]!).computed.value }))
            .filter(
              (point) =>
                point.period.start.getTime() <= now.getTime() ||
                (def.looksAhead === true && point.value.kind === 'value'),
            )
        : [],
    segments,
    freshness: {
      newestRecordAt: main.newest,
      lastArrival,
      ...(beforeData ? { dataStartsAt: beforeData } : {}),
      ...(ownsNone ? { noneOwned: recordsNoun(records) } : {}),
      ...(main.newest === null && prev && prev.n > 0 ? { previousHeld: true as const } : {}),
    },
  };
}

/**
 * `c` for a period that has not started: its value and its figures as `none` (no data: "it has not started
 * (starts 7 Dec 2026)"), except a figure not read from the records (`fixed`).
 */
function asNotStarted(c: Computed, none: MetricValue): Computed {
  // Whatever the empty period's own reason ("no deals closed in this period"), not having started is the
  // reason: one answer never gives both.
  return {
    ...c,
    value: none,
    figures: c.figures.map((f) => (f.fixed ? f : { ...f, value: none })),
  };
}
