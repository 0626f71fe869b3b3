import { runAdmitted } from './admitted.js';
import { findMetric, SCORECARD_METRICS } from './definitions.js';
import { getMetric } from './get-metric.js';
import { findTargets } from './targets.js';
import type { MetricDeps, MetricId, MetricResult, Period, Scope } from './types.js';

export interface ScorecardQuery {
  scope: Scope;
  /** One period for every metric; when absent each metric uses its own default period. */
  period?: string | Period;
  metrics?: MetricId[];
  include?: { target?: boolean; trend?: boolean; series?: boolean };
}

/**
 * The key metrics for a scope (default: response, calls, meetings, opps, winrate, dealsize), each with
 * target and trend, computed in parallel. Throws like `getMetric`.
 */
export async function getScorecard(deps: MetricDeps, query: ScorecardQuery): Promise<MetricResult[]> {
  // Pipeline coverage joins the default scorecard when the scope has a revenue target to cover.
  const hasRevenueTarget =
    !query.metrics &&
    (await runAdmitted(deps, query.scope, () => findTargets(deps.db, 'revenue', query.scope))).length > 0;
  const ids = query.metrics ?? [...SCORECARD_METRICS, ...(hasRevenueTarget ? (['coverage'] as const) : [])];
  return Promise.all(
    ids.map((id) =>
      getMetric(deps, {
        metric: id,
        scope: query.scope,
        period: query.period ?? findMetric(id)?.defaultPeriod ?? 'this month',
        ...(query.include ? { include: query.include } : {}),
      }),
    ),
  );
}
