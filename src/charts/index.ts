/**
 * Charts: pure spec builders (trend, leaderboard, funnel, coaching) from the metrics module's results,
 * and one renderer to PNG. No Slack, no SQL.
 */
export { buildFunnelChart, type FunnelBar } from './funnel.js';
export {
  buildLeaderboardChart,
  LEADERBOARD_TOP,
  type LeaderboardBar,
  type LeaderboardOptions,
} from './leaderboard.js';
export { median } from './median.js';
export { FONT_FILES, RENDER_SCALE, type RenderedChart, renderChart, renderSvg } from './render.js';
export { buildTrendChart, type TrendPoint } from './trend.js';
export type { ChartSpec, LayerName } from './types.js';
