import type { Feature } from '../core/types.js';
import { registerChartActions } from './actions.js';

export { CHART_FAILED, CHART_NO_PERMISSION, CHART_SLOW, chartRateLimited } from './actions.js';

/**
 * Charts in Slack: the "Chart" button of metric answers and coaching cards renders the picture from the
 * same result (`src/charts`), uploads it with the files API and shows it in an image block.
 */
export const chartButtonFeature: Feature = {
  name: 'chart-button',
  listeners: [registerChartActions],
};
