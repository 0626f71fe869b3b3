/**
 * The metrics module's public contract. The Slack layer, digests and alerts only format these shapes;
 * nothing here knows about Slack, and nothing outside `src/metrics` or `src/db` writes SQL for metrics.
 */
import type { Db } from '../db/client.js';
import type { FiscalCalendar } from '../time/fiscal.js';

export type MetricId =
  | 'response'
  | 'calls'
  | 'emails'
  | 'meetings'
  | 'conversion'
  | 'opps'
  | 'cycle'
  | 'winrate'
  | 'dealsize'
  | 'retention'
  | 'clv'
  | 'arr'
  | 'revenue'
  | 'lostdeals'
  | 'leadcycle'
  | 'coverage'
  | 'arpu';

/**
 * seconds: a duration (response time); days: a duration in days (sales cycle); count: a number of things;
 * ratio: 0..1 shown as a percentage; money: minor currency units (cents) in `currency`; per_day: a rate;
 * multiple: a ratio shown as "2.4×" (pipeline coverage).
 */
export type Unit = 'seconds' | 'days' | 'count' | 'ratio' | 'money' | 'per_day' | 'multiple';
export type Direction = 'higher' | 'lower';
/** `reason`: a lost deal's normalised loss reason; `template`: an email's template (or sequence/step). */
export type Dimension = 'rep' | 'team' | 'product' | 'source' | 'reason' | 'template';

export interface MetricDefinition {
  id: MetricId;
  aliases: string[];
  label: string;
  unit: Unit;
  /** Whether a higher or a lower value is better. */
  direction: Direction;
  /** The one written definition, shown in the README and with every answer. */
  definition: string;
  /** Counts that accumulate through a period, so pace against a pro-rated target applies. */
  accumulates: boolean;
  /**
   * Has a value for a period that has not started (pipeline coverage: that period's open pipeline ÷ its
   * target), so such a period is drawn in the series; other metrics' future periods are all zeros, left out.
   */
  looksAhead?: true;
  /**
   * Measures a state at an instant (customers, contracts in force), not records that accumulate through the
   * period: a customer base or contract book whose last change is months old is complete, so its newest
   * record is not judged against the last arrival ("behind", src/metrics/freshness.ts).
   */
  state?: true;
  /** Period used when the user names none, in the period grammar (e.g. "this month"). */
  defaultPeriod: string;
  /** Dimensions this metric can be split by. */
  dimensions: Dimension[];
}

export type Scope = { kind: 'org' } | { kind: 'team'; teamId: number } | { kind: 'rep'; repId: number };
export type ResolvedScope = Scope & { label: string };

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'rolling' | 'range';

/** A half-open interval [start, end) of instants, with boundaries computed in `timezone`. */
export interface Period {
  /** Normalised form of what was asked, re-parseable: "this month", "2026-Q3", "30d", "2026-10-01..2026-10-31". */
  spec: string;
  /** For people: "November 2026", "Last 30 days", "Week of 16 Nov 2026". */
  label: string;
  kind: PeriodKind;
  start: Date;
  end: Date;
  timezone: string;
  /** `now` falls inside [start, end): the period is still running (pace applies, the value may grow). */
  running: boolean;
  /** Set on fiscal quarters, years and (week-based) months: the calendar they follow, for shifting. */
  fiscal?: FiscalCalendar;
  /**
   * `all time`: from the scope's first record (see `narrowAllTime`) to the end of today. It has no period
   * before it, no target and no series of equal periods, so answers leave those out.
   */
  allTime?: true;
}

/** A value or an honest "no data" with the reason; never NaN, Infinity or a misleading 0. */
export type MetricValue = { kind: 'value'; value: number } | { kind: 'no_data'; reason: string };

/** A secondary number shown beside the headline (mean, p90, connect rate, talk time, …). */
export interface Figure {
  key: string;
  label: string;
  unit: Unit;
  value: MetricValue;
  /**
   * Set on a figure that is not read from the period's records (coverage's rule of thumb, the configured
   * gross margin): it keeps its value when the period is before the data, where every other figure is no data.
   */
  fixed?: true;
}

/**
 * One figure a calculation takes, in its own unit (`money`: minor units of the result's currency; `ratio`:
 * 0..1; `seconds` / `days`: durations). The panel shows it as such, never as raw minor units.
 */
export interface CalculationInput {
  label: string;
  value: number;
  unit: Unit;
}

/**
 * How the headline follows from the inputs: `{ input: i }` is `inputs[i]`; operations combine two parts.
 * Evaluated on the raw values it gives the headline in the metric's unit, before display rounding.
 */
export type CalculationStep =
  | { input: number }
  | { op: 'divide' | 'multiply' | 'subtract'; left: CalculationStep; right: CalculationStep };

/**
 * What a median is the median of: `n` values (in `unit`), and the middle one (odd n) or the two middle
 * ones (even n), whose mean is the median (`percentile_cont(0.5)`).
 */
export interface CalculationMedian {
  of: string;
  n: number;
  unit: Unit;
  middle: [number] | [number, number];
}

/** Enough to answer "How is this calculated?" for this very answer, so a reader can redo it. */
export interface Calculation {
  formula: string;
  /** The figures the formula takes, in order. */
  inputs: CalculationInput[];
  /** The arithmetic from `inputs` to the headline; absent for medians and when there is nothing to compute. */
  step?: CalculationStep;
  /** For median metrics (response time, sales cycle, lead-to-close), set when there is a median. */
  median?: CalculationMedian;
  /** The window in words, with the time zone: "1 Nov 2026 00:00 – 1 Dec 2026 00:00 (Europe/Berlin)". */
  window: string;
  /** Sample size behind the headline. */
  n: number;
}

/** Data arriving: `source` 'csv' | 'api' | 'slack' | 'demo' (generated data), at instant `at`. */
export interface DataArrival {
  source: string;
  at: Date;
}

export type Status = 'on_track' | 'at_risk' | 'off_track';
export type TargetPeriodKind = 'day' | 'week' | 'month' | 'quarter';

export interface TargetInfo {
  /** In the metric's unit; money in minor units of `currency`. */
  value: number;
  /** ISO 4217 code of a money target; null for other units. */
  currency: string | null;
  periodKind: TargetPeriodKind;
  scope: Scope;
  setByName: string | null;
  setAt: Date;
}

export interface Attainment {
  target: TargetInfo;
  /** The target as it applies to the asked period (scaled for accumulating metrics when kinds differ). */
  targetForPeriod: number;
  /** actual ÷ target, or target ÷ actual for lower-is-better metrics; null when not computable. */
  attainment: number | null;
  /** For accumulating metrics in a running period: actual ÷ (target pro-rated to elapsed time). */
  pace: number | null;
  status: Status | null;
  /**
   * The period's first day ("1 Jan 2027", in its zone) when it has not started yet: a target for a future
   * period has no attainment, pace or status until then (not "off track").
   */
  startsOn?: string;
  /**
   * The local day the org's records start ("5 Dec 2025") when the period began before it: an accumulating
   * target is shown but not judged (attainment, pace and status null), as its earlier days hold no records.
   */
  dataStartsOn?: string;
}

export interface Change {
  absolute: number;
  /** null when the previous value is 0. */
  relative: number | null;
  /** true when the change is good given the metric's direction; null when flat. */
  better: boolean | null;
}

export interface Trend {
  /**
   * The previous period's value and, when computed, the records behind it (for the small-sample rule).
   * `dataStartsAt`: the org's first record, set only when the previous period ended before it (no data, so
   * no change).
   */
  previous: { period: Period; value: MetricValue; sampleSize?: number; dataStartsAt?: Date };
  change: Change | null;
}

export interface SeriesPoint {
  period: Period;
  value: MetricValue;
}

export interface SegmentRow {
  key: string;
  label: string;
  value: MetricValue;
  sampleSize: number;
  /**
   * Records left out for being in other currencies than the answer's, set only when the row has none in the
   * answer's currency (its value is then no data in that currency; the headline's note counts them too).
   */
  otherCurrenciesOnly?: number;
  /** Set when the row is a rep (by rep) or a team (by team), so callers can find "my row". */
  repId?: number;
  teamId?: number;
}

export interface Segments {
  by: Dimension;
  /** Sorted best first by the metric's direction; rows with no data last. */
  rows: SegmentRow[];
}

export interface MetricResult {
  metric: MetricDefinition;
  scope: ResolvedScope;
  period: Period;
  /** The headline. */
  value: MetricValue;
  figures: Figure[];
  sampleSize: number;
  calculation: Calculation;
  /** ISO currency of money values; null for non-money metrics. */
  currency: string | null;
  /** Honest caveats: other currencies left out, small sample, … */
  notes: string[];
  target: Attainment | null;
  /**
   * The period's first day ("7 Dec 2026", in its zone) when it has not started yet and the metric does not
   * look ahead: the headline, figures and split rows are then no data, not zeros.
   */
  startsOn?: string;
  /**
   * Set when the period began before the org's first record of the kinds the metric reads and has figures:
   * the sentence (also among `notes`) saying which days they cover, "The figures cover 5 Dec 2025 onward:
   * there is no activity before then, though this period began earlier.", for views that show headlines
   * without their notes (scorecards, coaching cards) to footnote.
   */
  startNote?: string;
  /**
   * Against the previous equal period; null when not asked for, for `all time`, and for a period that has
   * not started yet (its zeros are no decline).
   */
  trend: Trend | null;
  /**
   * The last 8 periods of the same length, oldest first, ending with this one; periods that have not
   * started are left out (a future period's series ends with the running one, or is empty), except for a
   * metric that looks ahead (`looksAhead`), whose future periods with a value are drawn.
   */
  series: SeriesPoint[];
  segments: Segments | null;
  /**
   * The newest record behind the answer, and when the data it reads last arrived (src/metrics/freshness.ts).
   * `dataStartsAt`: the org's first record, set only when the period ended before it (nothing to show).
   * `noneOwned`: set (to what the metric's records are called: "activity", "deals", …) only when the answer
   * is about a person who owns no record of those kinds at all, in any period (an admin without a book).
   * `previousHeld`: set only when the period holds no record and the previous equal period held some (an
   * answer with its trend): its emptiness may then be a sync that fell behind, where an org that never logs
   * meetings has none in either.
   */
  freshness: {
    newestRecordAt: Date | null;
    lastArrival: DataArrival | null;
    dataStartsAt?: Date;
    noneOwned?: string;
    previousHeld?: true;
  };
}

export interface MetricQuery {
  metric: MetricId;
  scope: Scope;
  /** A period in the grammar ("last month", "2026-Q3") or an already-resolved Period. */
  period: string | Period;
  by?: Dimension;
  include?: { target?: boolean; trend?: boolean; series?: boolean };
  /**
   * Money metrics: the ISO 4217 currency to answer in, instead of the one the answer would choose (see
   * docs/metrics.md, Currencies). A digest line computes its recent column in its month's currency, so both
   * figures of the line are in one currency; records in other currencies are left out and noted as always.
   * Ignored by metrics that are not per currency.
   */
  currency?: string;
}

export interface MetricDeps {
  db: Db;
  /** Time zone when the scope (team) has none. */
  defaultTimezone: string;
  now: Date;
  /** Gross margin 0..1 used by `clv` (config TALLY_GROSS_MARGIN); default 1 (100 %). */
  grossMargin?: number;
  /** Read the pre-aggregated rollups (default true); false computes from raw rows (for tests and checks). */
  useRollups?: boolean;
  /** Shares identical questions' computations and limits concurrency (`createMetricAnswers`); absent: compute directly. */
  answers?: SharedComputations;
  /** An interactive ask: past capacity, fail fast with MetricsError('busy') rather than wait. */
  shed?: boolean;
  /**
   * When a person must have their answer or the busy message (epoch ms; interactive asks). A shed ask
   * without one gets the sharing point's default wait (2.5 s from when it asks).
   */
  deadline?: number;
  /** Fiscal calendar when the org has stored none (env TALLY_FISCAL_YEAR); default the calendar year. */
  fiscalDefault?: FiscalCalendar;
}

/** Where identical metric questions meet (see `src/metrics/shared-answers.ts`). */
export interface SharedComputations {
  answer(
    deps: MetricDeps,
    query: MetricQuery,
    compute: (version: string) => Promise<MetricResult>,
    options?: { shed?: boolean; deadline?: number },
  ): Promise<MetricResult>;
  /** Runs other metric-pool work under the same limiter (admission, deadline, cancellation); never shared. */
  admit<T>(
    work: () => Promise<T>,
    options?: { shed?: boolean; deadline?: number; heavy?: boolean },
  ): Promise<T>;
}
