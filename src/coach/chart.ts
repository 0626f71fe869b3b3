import { CHART_CONFIG, CHART_WIDTH, labelledBarLayers, PALETTE } from '../charts/theme.js';
import type { ChartSpec } from '../charts/types.js';
import type { CoachingCard } from './types.js';

/**
 * The coaching card's small chart: the rep's percentile in the team per metric (0 = bottom, 100 = top,
 * already direction-aware), weak metrics in the highlight colour, the team median at 50 as a dashed line.
 * Without percentiles (leaderboard policy) it shows the rep's value as a share of the team median instead.
 */
export function buildCoachChart(card: CoachingCard): ChartSpec {
  const usePercentile = card.showPeers;
  const bars = card.lines.flatMap((l) => {
    const mine = l.result.value.kind === 'value' ? l.result.value.value : null;
    if (usePercentile) {
      if (l.percentile === null) return [];
      return [
        {
          metric: l.metric.label,
          value: Math.round(l.percentile),
          weak: l.weak,
          text: `${Math.round(l.percentile)}`,
        },
      ];
    }
    if (mine === null || l.teamMedian === null || l.teamMedian === 0) return [];
    // Value ÷ median, turned so that > 100 is always better than the median.
    const ratio =
      l.metric.direction === 'higher' ? mine / l.teamMedian : mine === 0 ? null : l.teamMedian / mine;
    if (ratio === null) return [];
    return [
      {
        metric: l.metric.label,
        value: Math.round(ratio * 100),
        weak: l.weak,
        text: `${Math.round(ratio * 100)}%`,
      },
    ];
  });
  const height = Math.max(2, bars.length) * 28;
  const title = `${card.rep.name} vs team${card.team ? ` ${card.team.name}` : ''}`;
  const subtitle = `${card.period.label} · ${usePercentile ? 'percentile in the team (50 = median; higher is better)' : '% of the team median (100 = median; higher is better)'}`;
  const y = {
    field: 'metric',
    type: 'nominal' as const,
    sort: null,
    title: null,
    axis: { ticks: false, domain: false, labelLimit: 0 },
  };
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: null,
    scale: usePercentile ? { domain: [0, 100] } : { zero: true, nice: true },
    axis: { tickCount: 5, grid: true },
  };
  const when = card.period.label.replace(/^Last /, 'the last ');
  const weakNames = bars.filter((b) => b.weak).map((b) => b.metric.toLowerCase());
  return {
    kind: 'coach',
    title,
    alt: `${card.rep.name}'s ${usePercentile ? 'percentile in the team' : 'value as a share of the team median'} for ${bars.length} metric${bars.length === 1 ? '' : 's'}, ${when}${weakNames.length > 0 ? `; below the median or target on ${weakNames.join(', ')}` : '; nothing below the median'}.`,
    width: CHART_WIDTH,
    height,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH - 220,
      height,
      title: { text: title, subtitle },
      data: { values: bars },
      layer: [
        ...labelledBarLayers(y, x, { highlightField: 'weak', band: 0.7, dx: 4 }),
        {
          name: 'median',
          mark: { type: 'rule', color: PALETTE.median, strokeDash: [6, 4], strokeWidth: 2 },
          encoding: { x: { datum: usePercentile ? 50 : 100, type: 'quantitative' } },
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
            x: { datum: usePercentile ? 50 : 100, type: 'quantitative' },
            y: { value: 0 },
            text: { value: 'team median' },
          },
        },
      ],
      config: CHART_CONFIG,
    } as unknown as ChartSpec['vegaLite'],
  };
}
