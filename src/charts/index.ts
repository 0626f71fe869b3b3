/**
 * Charts: pure spec builders (trend, leaderboard, funnel) from the metrics module's results, and one
 * renderer to PNG. No Slack, no SQL. The coaching chart lives with the coaching card (`src/coach`).
 */
export { buildFunnelChart } from './funnel.js';
export { buildLeaderboardChart } from './leaderboard.js';
export { renderChart, renderSvg } from './render.js';
export { buildTrendChart } from './trend.js';
export type { ChartSpec } from './types.js';
