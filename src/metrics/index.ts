/**
 * Tally's metrics module: every inside-sales metric by period, scope and segment, with targets and trends.
 * No Slack code here; callers format the `MetricResult` shapes from `./types.js`.
 */

export * from '../time/fiscal.js';
export { currentAnswerContext } from './answer-context.js';
export { findMetric, METRICS, SCORECARD_METRICS } from './definitions.js';
export type { EmailTemplates } from './email-ab.js';
export {
  getEmailTemplates,
  noTemplateNote,
  spellingNotes,
  templateLines,
  twoProportionTest,
} from './email-ab.js';
export { MetricsError } from './errors.js';
export { fiscalCalendarFor, saveFiscalCalendar } from './fiscal-settings.js';
export { judgeFreshness, newestAnswer } from './freshness.js';
export { getFunnel } from './funnel.js';
export { computeChange, getMetric, resolvePeriod, sortSegments } from './get-metric.js';
export {
  BUSY_MESSAGE,
  beforeDeadline,
  interactiveDeadline,
  isBusyError,
  throwIfPastDeadline,
  withInteractiveDeadline,
} from './interactive.js';
export { getLossReasons, topLossReasonsLine } from './loss-reasons.js';
export {
  describeWindow,
  parsePeriod,
  periodDays,
  previousPeriod,
  seriesPeriods,
  shiftPeriod,
  workingDaysElapsed,
  workingDaysIn,
} from './periods.js';
export { resolveScope } from './scope.js';
export { getScorecard } from './scorecard.js';
export { createMetricAnswers, INTERACTIVE_BUDGET_MS } from './shared-answers.js';
export { isSmallSample, isSmallSampleChange, SMALL_SAMPLE } from './small-sample.js';
export {
  COVERAGE_TARGET_RANGE,
  computeAttainment,
  DURATION_TARGET_RANGE,
  defaultTargetPeriod,
  findTargets,
  listTargets,
  removeTarget,
  setTarget,
  targetPeriodProblem,
} from './targets.js';
export type * from './types.js';
