import type { MetricResult, SegmentRow } from '../metrics/types.js';
import { formatNumber } from '../slack/format.js';
import { median } from './median.js';
import { axisScale } from './scale.js';
import { CHART_CONFIG, CHART_WIDTH, labelledBarLayers, PALETTE } from './theme.js';
import type { ChartSpec } from './types.js';

/** Bars shown before the caller's own bar is appended (the text answer lists the rest). */
export const LEADERBOARD_TOP = 12;
const BAR_STEP = 30;

export interface LeaderboardBar {
  rank: number;
  label: string;
  value: number;
  text: string;
  mine: boolean;
}

export interface LeaderboardOptions {
  /** Marks the caller's own row (their rep, or one of their teams). */
  isMine?: (row: SegmentRow) => boolean;
}

/**
 * The `by rep|team|product|source` leaderboard of an answer, from its own segments (already sorted best
 * first by the metric's direction): horizontal bars best at the top, the caller's own bar in a second
 * colour and marked "(you)", the median of all rows with data as a dashed line. Rows without data are
 * counted in the subtitle, not drawn. Pure; throws when the result has no segments.
 */
export function buildLeaderboardChart(r: MetricResult, options: LeaderboardOptions = {}): ChartSpec {
  if (!r.segments) throw new Error('buildLeaderboardChart needs a result with segments (a "by" answer)');
  const rows = r.segments.rows;
  const withData = rows.filter((s) => s.value.kind === 'value');
  const values = withData.map((s) => (s.value.kind === 'value' ? s.value.value : 0));
  const med = median(values);
  const scale = axisScale(r.metric.unit, r.currency, Math.max(0, ...values));
  const toBar = (s: SegmentRow, i: number): LeaderboardBar => {
    const v = s.value.kind === 'value' ? s.value.value : 0;
    const mine = options.isMine?.(s) ?? false;
    return {
      rank: i + 1,
      label: `${i + 1}. ${shorten(s.label, 22)}${mine ? ' (you)' : ''}`,
      value: v * scale.factor,
      text: formatNumber(v, r.metric.unit, r.currency),
      mine,
    };
  };
  const bars = withData.slice(0, LEADERBOARD_TOP).map(toBar);
  const mineIndex = withData.findIndex((s, i) => i >= LEADERBOARD_TOP && options.isMine?.(s));
  if (mineIndex >= 0) bars.push(toBar(withData[mineIndex]!, mineIndex));
  const hidden = withData.length - bars.length;
  const noData = rows.length - withData.length;
  const medText = med === null ? '' : formatNumber(med, r.metric.unit, r.currency);
  const by = r.segments.by;
  const title = `${r.metric.label} by ${by} · ${r.scope.label}`;
  const subtitle = [
    r.period.label,
    r.metric.direction === 'lower' ? 'lower is better' : null,
    hidden > 0 ? `${hidden} more not shown` : null,
    noData > 0 ? `${noData} without data` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const height = Math.max(2, bars.length) * BAR_STEP;
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: null,
    title: null,
    axis: { ticks: false, domain: false, labelLimit: 0, labelFontSize: 14 },
  };
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: scale.title || null,
    axis: { format: scale.format, tickCount: 5, grid: true },
    scale: { zero: true, nice: true },
  };
  const layers = labelledBarLayers(y, x, { highlightField: 'mine', band: 0.72, dx: 5 });
  if (med !== null) {
    layers.push(
      {
        name: 'median',
        mark: { type: 'rule', color: PALETTE.median, strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { x: { datum: med * scale.factor, type: 'quantitative' } },
      },
      {
        name: 'median-label',
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'bottom',
          dx: 4,
          dy: -2,
          color: PALETTE.median,
          fontWeight: 600,
        },
        encoding: {
          x: { datum: med * scale.factor, type: 'quantitative' },
          y: { value: 0 },
          text: { value: `median ${medText}` },
        },
      },
    );
  }
  const mine = bars.find((b) => b.mine);
  return {
    kind: 'leaderboard',
    title,
    alt: leaderboardAlt(r, bars, withData.length, medText, mine),
    width: CHART_WIDTH,
    height,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH - 240,
      height,
      title: { text: title, subtitle },
      data: { values: bars as unknown as Record<string, unknown>[] },
      layer: layers,
      config: CHART_CONFIG,
    } as unknown as ChartSpec['vegaLite'],
  };
}

function leaderboardAlt(
  r: MetricResult,
  bars: LeaderboardBar[],
  count: number,
  medText: string,
  mine: LeaderboardBar | undefined,
): string {
  const by = r.segments?.by ?? 'rep';
  const top = bars[0];
  const parts = [`${r.metric.label} by ${by} for ${r.scope.label}, ${r.period.label}`];
  if (top) parts.push(`: ${top.label.replace(/^\d+\. /, '')} leads with ${top.text}`);
  else parts.push(': no data yet');
  if (medText) parts.push(`, the median of ${count} is ${medText}`);
  if (mine) parts.push(`, and you rank ${mine.rank} with ${mine.text}`);
  return `${parts.join('')}.`;
}

/** Long names end in "…" so the bars keep their room. */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
