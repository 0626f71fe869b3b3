import type { TopLevelSpec } from 'vega-lite';

/**
 * A chart as data: a Vega-Lite spec plus what Slack and screen readers need beside the picture.
 * Built by pure functions from a `MetricResult` (or a funnel / coaching card), rendered by `renderChart`.
 */
export interface ChartSpec {
  kind: 'trend' | 'leaderboard' | 'funnel' | 'coach';
  /** Plain-text title (also the uploaded file's title). */
  title: string;
  /** One sentence saying what the chart shows, for the image block's alt text. */
  alt: string;
  /** Logical size in CSS pixels; the PNG is rendered at `scale` × this. */
  width: number;
  height: number;
  vegaLite: TopLevelSpec;
}
