import type { FunnelResult } from '../metrics/funnel.js';
import { formatCount, formatPercent } from '../slack/format.js';
import { CHART_CONFIG, CHART_WIDTH, PALETTE } from './theme.js';
import type { ChartSpec } from './types.js';

const STAGE_NOUN: Record<FunnelResult['steps'][number]['stage'], string> = {
  lead: 'leads',
  qualified: 'qualified',
  opportunity: 'opportunities',
  won: 'won',
};

const ALT_NOUN: Record<FunnelResult['steps'][number]['stage'], string> = {
  lead: 'leads',
  qualified: 'qualified',
  opportunity: 'with an opportunity',
  won: 'won',
};

export interface FunnelBar {
  stage: string;
  count: number;
  /** "1,204" */
  countText: string;
  /** "62% of leads" / "41% of qualified"; '' for the first step. */
  rateText: string;
  /** The step with the lowest step rate (where most leads drop out). */
  weakest: boolean;
}

/**
 * The lead → qualified → opportunity → won funnel as horizontal bars, widest at the top, each labelled
 * with its count and its step rate (share of the step before). The step that loses the most is drawn
 * in the highlight colour. Pure.
 */
export function buildFunnelChart(f: FunnelResult): ChartSpec {
  const rates = f.steps.map((s) => (s.stepRate.kind === 'value' ? s.stepRate.value : null));
  const present = rates.filter((v): v is number => v !== null);
  const worst = present.length > 0 ? Math.min(...present) : null;
  const bars: FunnelBar[] = f.steps.map((s, i) => {
    const prev = f.steps[i - 1];
    return {
      stage: s.label,
      count: s.count,
      countText: formatCount(s.count),
      rateText:
        s.stepRate.kind === 'value' && prev
          ? `${formatPercent(s.stepRate.value, 0)} of ${STAGE_NOUN[prev.stage]}`
          : '',
      weakest: worst !== null && rates[i] === worst,
    };
  });
  const y = {
    field: 'stage',
    type: 'nominal' as const,
    sort: null,
    title: null,
    axis: { ticks: false, domain: false, labelFontSize: 15, labelFontWeight: 600 },
  };
  const x = {
    field: 'count',
    type: 'quantitative' as const,
    title: 'leads',
    axis: { format: ',~d', tickCount: 5, grid: true },
    scale: { zero: true, nice: true },
  };
  const title = `Lead funnel · ${f.scope.label}`;
  const first = f.steps[0]?.count ?? 0;
  const won = f.steps[f.steps.length - 1]?.count ?? 0;
  const overall = first > 0 ? formatPercent(won / first, 1) : null;
  const height = f.steps.length * 52;
  return {
    kind: 'funnel',
    title,
    alt: `Lead funnel for ${f.scope.label}, leads created in ${f.period.label}: ${bars
      .map((b, i) => `${b.countText} ${ALT_NOUN[f.steps[i]!.stage]}${b.rateText ? ` (${b.rateText})` : ''}`)
      .join(', ')}${overall ? `; ${overall} of leads won` : ''}.`,
    width: CHART_WIDTH,
    height,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH - 200,
      height,
      title: {
        text: title,
        subtitle: `Leads created in ${f.period.label}, stage reached by now${overall ? ` · ${overall} won overall` : ''}`,
      },
      data: { values: bars as unknown as Record<string, unknown>[] },
      layer: [
        {
          name: 'steps',
          mark: { type: 'bar', height: { band: 0.7 }, cornerRadiusEnd: 2 },
          encoding: {
            y,
            x,
            color: { condition: { test: 'datum.weakest', value: PALETTE.highlight }, value: PALETTE.series },
          },
        },
        {
          name: 'step-labels',
          mark: { type: 'text', align: 'left', dx: 6, color: PALETTE.text },
          encoding: {
            y,
            x,
            text: { field: 'label' },
          },
          transform: [
            {
              calculate: "datum.rateText ? datum.countText + ' · ' + datum.rateText : datum.countText",
              as: 'label',
            },
          ],
        },
      ],
      config: CHART_CONFIG,
    } as unknown as ChartSpec['vegaLite'],
  };
}
