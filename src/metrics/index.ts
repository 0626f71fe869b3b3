/**
 * Tally's metrics module: every inside-sales metric by period, scope and segment, with targets and trends.
 * No Slack code here; callers format the `MetricResult` shapes from `./types.js`.
 */

export * from '../time/fiscal.js';
export { findMetric, METRICS, SCORECARD_METRICS } from './definitions.js';
export { MetricsError, type MetricsErrorCode } from './errors.js';
export { fiscalCalendarFor, readFiscalCalendar, saveFiscalCalendar } from './fiscal-settings.js';
export { computeChange, getMetric, resolvePeriod, sortSegments } from './get-metric.js';
export { getLossReasons, type LossReasonRow, type LossReasons, topLossReasonsLine } from './loss-reasons.js';
export {
  describeWindow,
  type ParsePeriodResult,
  PERIOD_EXAMPLES,
  type PeriodContext,
  parsePeriod,
  periodDays,
  previousPeriod,
  seriesPeriods,
  shiftPeriod,
  type WeekStart,
  workingDaysElapsed,
} from './periods.js';
export { resolveScope, type ScopeContext } from './scope.js';
export { getScorecard, type ScorecardQuery } from './scorecard.js';
export { BUSY_MESSAGE, createMetricAnswers, type MetricAnswers } from './shared-answers.js';
export {
  computeAttainment,
  listTargets,
  removeTarget,
  type SetTargetInput,
  STATUS_THRESHOLDS,
  type StoredTarget,
  scaleTarget,
  setTarget,
} from './targets.js';
export type * from './types.js';
