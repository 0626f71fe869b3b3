import { getFunnel } from '../metrics/funnel.js';
import type { MetricDeps, MetricResult, SegmentRow } from '../metrics/types.js';
import { buildFunnelChart } from './funnel.js';
import { buildLeaderboardChart } from './leaderboard.js';
import { buildTrendChart } from './trend.js';
import type { ChartSpec } from './types.js';

/**
 * The chart for an answer: its leaderboard when split `by` something, the lead funnel of the same scope
 * and period for lead conversion (the funnel is what a conversion rate summarises), else its trend.
 * Only the funnel needs a query (its own counts); the others draw the result as it is.
 */
export async function chartForAnswer(
  deps: MetricDeps,
  result: MetricResult,
  isMine?: (row: SegmentRow) => boolean,
): Promise<ChartSpec> {
  if (result.segments) return buildLeaderboardChart(result, isMine ? { isMine } : {});
  if (result.metric.id === 'conversion') {
    const scope = result.scope;
    const plain =
      scope.kind === 'org'
        ? { kind: 'org' as const }
        : scope.kind === 'team'
          ? { kind: 'team' as const, teamId: scope.teamId }
          : { kind: 'rep' as const, repId: scope.repId };
    return buildFunnelChart(await getFunnel(deps, { scope: plain, period: result.period }));
  }
  return buildTrendChart(result);
}
