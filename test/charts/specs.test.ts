import { describe, expect, it } from 'vitest';
import { buildFunnelChart, buildLeaderboardChart, buildTrendChart } from '../../src/charts/index.js';
import type { ChartSpec } from '../../src/charts/types.js';
import type { FunnelResult } from '../../src/metrics/funnel.js';
import { month, none, rep, result, v } from './fixtures.js';

// Specs are plain JSON: tests read them loosely, as a reader of the spec would.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = Record<string, any>;
type Layer = {
  name: string;
  mark: { type: string } | string;
  encoding?: Json;
  transform?: unknown[];
};

function layers(chart: ChartSpec): Layer[] {
  return (chart.vegaLite as unknown as { layer: Layer[] }).layer;
}
function layer(chart: ChartSpec, name: string): Layer | undefined {
  return layers(chart).find((l) => l.name === name);
}
function data(chart: ChartSpec): Json[] {
  return (chart.vegaLite as unknown as { data: { values: Json[] } }).data.values;
}

describe('buildTrendChart', () => {
  // Win rate, April–November 2026; May and June had no closed deals; November is still running.
  const r = result('winrate', [0.2, null, null, 0.25, 0.22, 0.3, 0.25, 0.275], { target: 0.3 });
  const chart = buildTrendChart(r);

  it('draws the result’s own series, oldest first, with gaps where there is no data', () => {
    const points = data(chart);
    expect(points.map((p) => p.period)).toEqual(['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov']);
    expect(points.map((p) => p.value)).toEqual([0.2, null, null, 0.25, 0.22, 0.3, 0.25, 0.275]);
    expect(points.map((p) => p.text)).toEqual([
      '20.0%',
      'no data',
      'no data',
      '25.0%',
      '22.0%',
      '30.0%',
      '25.0%',
      '27.5%',
    ]);
    expect(layer(chart, 'series')?.mark).toMatchObject({ type: 'line', invalid: 'break-paths-show-domains' });
    expect(layer(chart, 'gaps')?.transform).toEqual([{ filter: 'datum.value === null' }]);
  });

  it('draws the target as a dashed line at the target value', () => {
    const target = layer(chart, 'target');
    expect(target?.mark).toMatchObject({ type: 'rule', strokeDash: [7, 5] });
    expect(target?.encoding?.y).toEqual({ datum: 0.3, type: 'quantitative' });
    expect(layer(chart, 'target-label')?.encoding?.text).toEqual({ value: 'Target 30.0%' });
  });

  it('marks only the running period as partial and labels it "so far"', () => {
    const points = data(chart);
    expect(points.map((p) => p.partial)).toEqual([false, false, false, false, false, false, false, true]);
    expect(points[7]?.label).toBe('27.5% so far');
    expect(layer(chart, 'partial')).toBeDefined();
  });

  it('labels the previous period’s value', () => {
    const points = data(chart);
    expect(points.filter((p) => p.previous).map((p) => p.text)).toEqual(['25.0%']);
    expect(layer(chart, 'previous-label')?.transform).toEqual([
      { filter: 'datum.previous && datum.value !== null' },
    ]);
  });

  it('says what it shows in one sentence', () => {
    expect(chart.alt).toBe(
      'Win rate for Team EMEA over the last 8 months, from 20.0% in April 2026 to 27.5% in November 2026 so far, against a target of 30.0%; 2 periods without data.',
    );
    expect(chart.alt.split('. ').length).toBe(1);
  });

  it('uses bars for counts, the running bar in the lighter colour, and no target layer without a target', () => {
    const calls = buildTrendChart(result('calls', [10, 12, 0, 14, 9, 11, 13, 4]));
    expect(layer(calls, 'series')?.mark).toMatchObject({ type: 'bar' });
    expect(layer(calls, 'series')?.encoding?.color).toEqual({
      condition: { test: 'datum.partial', value: '#56B4E9' },
      value: '#0072B2',
    });
    expect(layer(calls, 'target')).toBeUndefined();
    // A zero is a value, not a gap.
    expect(data(calls)[2]).toMatchObject({ value: 0, text: '0' });
  });

  it('puts durations on a minutes axis and money in major units', () => {
    const response = buildTrendChart(result('response', [600, 900, 300, 1200, 600, 660, 720, 780]));
    expect(data(response).map((p) => p.value)).toEqual([10, 15, 5, 20, 10, 11, 12, 13]);
    expect(layer(response, 'series')?.encoding?.y.title).toBe('minutes');
    const revenue = buildTrendChart(result('revenue', [1_000_00, 2_500_00, null, 0, 0, 0, 0, 5_000_00]));
    expect(data(revenue).map((p) => p.value)).toEqual([1000, 2500, null, 0, 0, 0, 0, 5000]);
    expect(data(revenue)[7]?.text).toBe('$5,000');
  });
});

describe('buildLeaderboardChart', () => {
  const rows = [
    rep(1, 'Ana', 0.5),
    rep(2, 'Ben', 0.4),
    rep(3, 'Cy', 0.3),
    rep(4, 'Dee', 0.2),
    rep(5, 'Eve', null, 0),
  ];
  const r = result('winrate', [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3], { segments: rows, running: false });

  it('draws the rows best first, highlights the caller’s bar and leaves rows without data out', () => {
    const chart = buildLeaderboardChart(r, { isMine: (row) => row.repId === 3 });
    expect(data(chart).map((b) => [b.label, b.value, b.mine])).toEqual([
      ['1. Ana', 0.5, false],
      ['2. Ben', 0.4, false],
      ['3. Cy (you)', 0.3, true],
      ['4. Dee', 0.2, false],
    ]);
    expect(layer(chart, 'bars')?.encoding?.color).toEqual({
      condition: { test: 'datum.mine', value: '#E69F00' },
      value: '#0072B2',
    });
    expect(layer(chart, 'bars')?.encoding?.y.sort).toBeNull();
  });

  it('draws the median of the rows with data (mean of the middle two) as a line', () => {
    const chart = buildLeaderboardChart(r);
    // (0.4 + 0.3) / 2 = 0.35
    expect(layer(chart, 'median')?.encoding?.x).toEqual({ datum: 0.35, type: 'quantitative' });
    expect(layer(chart, 'median-label')?.encoding?.text).toEqual({ value: 'median 35.0%' });
    expect(chart.alt).toBe(
      'Win rate by rep for Team EMEA, November 2026: Ana leads with 50.0%, the median of 4 is 35.0%.',
    );
  });

  it('appends the caller’s bar when they rank below the top 12', () => {
    const many = Array.from({ length: 15 }, (_, i) => rep(i + 1, `Rep ${i + 1}`, 100 - i));
    const chart = buildLeaderboardChart(result('calls', [1, 1, 1, 1, 1, 1, 1, 1], { segments: many }), {
      isMine: (row) => row.repId === 14,
    });
    const bars = data(chart);
    expect(bars).toHaveLength(13);
    expect(bars[12]).toMatchObject({ rank: 14, label: '14. Rep 14 (you)', value: 87, mine: true });
    expect(chart.alt).toContain('you rank 14 with 87');
  });

  it('refuses a result without segments', () => {
    expect(() => buildLeaderboardChart(result('calls', [1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/segments/);
  });
});

describe('buildFunnelChart', () => {
  const funnel: FunnelResult = {
    scope: { kind: 'org', label: 'Whole org' },
    period: month(10),
    definition: '',
    steps: [
      { stage: 'lead', label: 'Leads', count: 200, stepRate: { kind: 'no_data', reason: 'first stage' } },
      { stage: 'qualified', label: 'Qualified', count: 80, stepRate: v(0.4) },
      { stage: 'opportunity', label: 'Opportunity', count: 60, stepRate: v(0.75) },
      { stage: 'won', label: 'Won', count: 15, stepRate: v(0.25) },
    ],
  };

  it('draws every stage with its count and step rate, the weakest step highlighted', () => {
    const chart = buildFunnelChart(funnel);
    expect(data(chart).map((b) => [b.stage, b.count, b.rateText, b.weakest])).toEqual([
      ['Leads', 200, '', false],
      ['Qualified', 80, '40% of leads', false],
      ['Opportunity', 60, '75% of qualified', false],
      ['Won', 15, '25% of opportunities', true],
    ]);
    expect(chart.alt).toBe(
      'Lead funnel for Whole org, leads created in October 2026: 200 leads, 80 qualified (40% of leads), 60 with an opportunity (75% of qualified), 15 won (25% of opportunities); 7.5% of leads won.',
    );
  });

  it('shows an empty cohort without rates', () => {
    const empty = buildFunnelChart({
      ...funnel,
      steps: funnel.steps.map((s, i) => ({ ...s, count: 0, stepRate: i === 0 ? s.stepRate : none })),
    });
    expect(data(empty).map((b) => b.rateText)).toEqual(['', '', '', '']);
    expect(empty.alt).not.toContain('won overall');
  });
});
