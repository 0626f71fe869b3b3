import { sameCurrency } from '../metrics/targets.js';
import type { MetricResult } from '../metrics/types.js';
import { formatNumber, formatTarget } from '../slack/format.js';
import { axisScale, shortPeriodLabel } from './scale.js';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, PALETTE } from './theme.js';
import type { ChartSpec } from './types.js';

/** One x position of a trend chart (exported for tests and the coaching card). */
export interface TrendPoint {
  /** Short x label ("Nov", "16 Nov", "Q3 '26"). */
  period: string;
  /** The period's full label ("November 2026"). */
  fullLabel: string;
  /** Value on the axis scale (minutes, major currency units, 0..1), or null for a gap (no data). */
  value: number | null;
  /** Formatted like the text answer ("27.3%", "4m 12s"), or "no data". */
  text: string;
  /** What the chart writes beside the point: `text`, plus " so far" for the running period. */
  label: string;
  /** The running period: its value may still change. */
  partial: boolean;
  /** The period before the asked one (labelled on the chart). */
  previous: boolean;
  current: boolean;
}

/**
 * The trend chart of an answer: the result's own series (the last 8 periods, oldest first — no second
 * computation), as bars for counts that accumulate and a line for rates and averages. The target is a
 * dashed line, the running period is drawn lighter and labelled "so far", the previous period's value is
 * labelled, and periods without data are gaps (marked "no data" at the baseline). Pure.
 */
export function buildTrendChart(r: MetricResult): ChartSpec {
  const raw = r.series.map((p) => (p.value.kind === 'value' ? p.value.value : null));
  // A money target in another currency than the figures is not drawn on their axis (no exchange rate).
  const targetRaw =
    r.target && sameCurrency(r.metric, r.target.target, r.currency) ? r.target.targetForPeriod : null;
  const max = Math.max(0, ...raw.filter((v): v is number => v !== null), targetRaw ?? 0);
  const scale = axisScale(r.metric.unit, r.currency, max);
  const years = new Set(r.series.map((p) => p.period.start.getUTCFullYear()));
  const last = r.series.length - 1;
  const points: TrendPoint[] = r.series.map((p, i) => ({
    period: shortPeriodLabel(p.period, years.size > 1),
    fullLabel: p.period.label,
    value: raw[i] === null ? null : (raw[i] as number) * scale.factor,
    text: p.value.kind === 'value' ? formatNumber(p.value.value, r.metric.unit, r.currency) : 'no data',
    label: '',
    partial: i === last && p.period.running,
    previous: i === last - 1,
    current: i === last,
  }));
  for (const p of points) p.label = p.partial ? `${p.text} so far` : p.text;
  const asBars = r.metric.accumulates;
  const target = targetRaw === null ? null : targetRaw * scale.factor;
  const targetText = targetRaw === null ? '' : `Target ${formatTarget(targetRaw, r.metric.unit, r.currency)}`;
  const x = {
    field: 'period',
    type: 'ordinal' as const,
    sort: null,
    // The periods in time order, whatever each layer draws: bars leave out periods without data, and the
    // "no data" marks drew them after the rest (fresh tester helper-209: Q4 '25 … Q3 '26, then Q4 '24 …).
    scale: { domain: points.map((p) => p.period) },
    title: null,
    axis: { labelOverlap: true, ticks: false, domain: true },
  };
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: scale.title || null,
    axis: { format: scale.format, tickCount: 5, grid: true },
    // Bars start at zero; a line of rates or durations zooms in, so a 3-point change stays visible.
    scale: { zero: r.metric.accumulates, nice: true },
  };
  const seriesLayer = asBars
    ? {
        name: 'series',
        mark: { type: 'bar' as const, cornerRadiusEnd: 2, width: { band: 0.7 } },
        encoding: {
          x,
          y,
          color: {
            condition: { test: 'datum.partial', value: PALETTE.partial },
            value: PALETTE.series,
          },
        },
      }
    : {
        name: 'series',
        mark: {
          type: 'line' as const,
          color: PALETTE.series,
          strokeWidth: 3,
          point: { filled: true, size: 70, color: PALETTE.series },
          // A missing period breaks the line instead of joining its neighbours.
          invalid: 'break-paths-show-domains' as const,
        },
        encoding: { x, y },
      };
  const layers: Record<string, unknown>[] = [seriesLayer];
  if (!asBars && points[last]?.partial && points[last]?.value !== null) {
    layers.push({
      name: 'partial',
      transform: [{ filter: 'datum.partial' }],
      mark: {
        type: 'point',
        filled: true,
        size: 110,
        color: '#FFFFFF',
        stroke: PALETTE.series,
        strokeWidth: 3,
      },
      encoding: { x, y },
    });
  }
  layers.push({
    name: 'gaps',
    transform: [{ filter: 'datum.value === null' }],
    mark: {
      type: 'text',
      baseline: 'bottom',
      dy: -4,
      color: PALETTE.muted,
      fontSize: 13,
      fontStyle: 'italic',
    },
    encoding: { x, y: { value: CHART_HEIGHT }, text: { value: 'no data' } },
  });
  if (target !== null) {
    layers.push(
      {
        name: 'target',
        mark: { type: 'rule', color: PALETTE.target, strokeDash: [7, 5], strokeWidth: 2 },
        encoding: { y: { datum: target, type: 'quantitative' } },
      },
      {
        name: 'target-label',
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'bottom',
          dx: 4,
          dy: -4,
          color: PALETTE.target,
          fontWeight: 600,
        },
        encoding: {
          x: { value: 0 },
          y: { datum: target, type: 'quantitative' },
          text: { value: targetText },
        },
      },
    );
  }
  layers.push(
    {
      name: 'previous-label',
      transform: [{ filter: 'datum.previous && datum.value !== null' }],
      // On a line the previous value sits below its point, so it never collides with the current one above.
      mark: asBars
        ? { type: 'text', baseline: 'bottom', dy: -6, color: PALETTE.text, fontWeight: 600 }
        : { type: 'text', baseline: 'top', dy: 12, color: PALETTE.text, fontWeight: 600 },
      encoding: { x, y, text: { field: 'text' } },
    },
    {
      name: 'current-label',
      transform: [{ filter: 'datum.current && datum.value !== null' }],
      mark: { type: 'text', baseline: 'bottom', dy: asBars ? -6 : -12, color: PALETTE.text, fontWeight: 600 },
      encoding: {
        x,
        y,
        text: { field: 'label' },
      },
    },
  );
  const title = `${r.metric.label} · ${r.scope.label}`;
  // A future period's series ends before it (periods that have not started are not drawn): name the last drawn.
  const span = `Last ${points.length} ${periodWord(r.period.kind)} to ${r.series[last]?.period.label ?? r.period.label}`;
  // Two short lines: vega estimates text width without a font, and one long line would widen the picture.
  const subtitle = [
    span,
    [
      r.metric.direction === 'lower' ? 'lower is better' : null,
      points[last]?.partial ? (asBars ? 'lighter bar = still running' : 'open dot = still running') : null,
    ]
      .filter(Boolean)
      .join(' · '),
  ].filter((line) => line !== '');
  return {
    kind: 'trend',
    title,
    alt: trendAlt(r, points, targetText),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      title: { text: title, subtitle },
      data: { values: points as unknown as Record<string, unknown>[] },
      layer: layers,
      config: CHART_CONFIG,
    } as unknown as ChartSpec['vegaLite'],
  };
}

/** "Win rate for Team EMEA over the last 8 periods, from 21.0% in June 2026 to 27.3% in November 2026 so far, against a target of 30.0%; 1 period without data." */
function trendAlt(r: MetricResult, points: TrendPoint[], targetText: string): string {
  const withData = points.filter((p) => p.value !== null);
  const first = withData[0];
  const last = points[points.length - 1];
  const gaps = points.length - withData.length;
  const parts = [
    `${r.metric.label} for ${r.scope.label} over the last ${points.length} ${periodWord(r.period.kind)}`,
  ];
  if (first && last && last.value !== null && first !== last)
    parts.push(
      `, from ${first.text} in ${first.fullLabel} to ${last.text} in ${last.fullLabel}${last.partial ? ' so far' : ''}`,
    );
  else if (last) parts.push(`, ${last.text} in ${last.fullLabel}`);
  if (targetText) parts.push(`, against a target of ${targetText.replace(/^Target /, '')}`);
  if (gaps > 0) parts.push(`; ${gaps} period${gaps === 1 ? '' : 's'} without data`);
  return `${parts.join('')}.`;
}

/** "months", "weeks", …; "periods" for rolling windows and ranges. */
function periodWord(kind: MetricResult['period']['kind']): string {
  switch (kind) {
    case 'day':
    case 'week':
    case 'month':
    case 'quarter':
    case 'year':
      return `${kind}s`;
    default:
      return 'periods';
  }
}
