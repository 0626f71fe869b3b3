import type { TopLevelSpec } from 'vega-lite';

type Config = NonNullable<TopLevelSpec['config']>;

/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and each role below
 * also differs in shape (dashed rule, text label, lighter fill), so nothing depends on colour alone.
 */
export const PALETTE = {
  series: '#0072B2',
  partial: '#56B4E9',
  highlight: '#E69F00',
  target: '#D55E00',
  median: '#333333',
  muted: '#999999',
  text: '#222222',
  grid: '#E3E3E3',
} as const;

/** The one font, shipped in the package (`@expo-google-fonts/inter`, SIL OFL 1.1) and loaded explicitly. */
export const FONT_FAMILY = 'Inter';

/**
 * Sizes chosen for Slack's message column: a 640 px wide chart is shown at roughly 360–480 px, so text
 * of 14–18 px stays readable (≈ 10–13 px on screen).
 */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 300;

/** Shared Vega-Lite config: font, sizes, quiet grid, no chart border. */
export const CHART_CONFIG: Config = {
  font: FONT_FAMILY,
  background: '#FFFFFF',
  padding: 16,
  view: { stroke: null },
  title: {
    fontSize: 20,
    fontWeight: 600,
    subtitleFontSize: 15,
    subtitleColor: '#555555',
    anchor: 'start',
    color: PALETTE.text,
    offset: 12,
  },
  axis: {
    labelFontSize: 14,
    titleFontSize: 14,
    titleFontWeight: 400,
    labelColor: '#444444',
    titleColor: '#444444',
    gridColor: PALETTE.grid,
    domainColor: '#BBBBBB',
    tickColor: '#BBBBBB',
    labelAngle: 0,
  },
  legend: { disable: true },
  text: { fontSize: 14, font: FONT_FAMILY },
};

/**
 * The two layers of a labelled horizontal bar chart: bars coloured {@link PALETTE.highlight} where the
 * datum's boolean `highlightField` is true (else {@link PALETTE.series}), and each bar's `text` field
 * written just past its end. `y` and `x` are the chart's Vega-Lite encodings; `band` is the bar's share
 * of its row and `dx` the label's gap in pixels.
 */
export function labelledBarLayers(
  y: Record<string, unknown>,
  x: Record<string, unknown>,
  options: { highlightField: string; band: number; dx: number },
): Record<string, unknown>[] {
  return [
    {
      name: 'bars',
      mark: { type: 'bar', height: { band: options.band }, cornerRadiusEnd: 2 },
      encoding: {
        y,
        x,
        color: {
          condition: { test: `datum.${options.highlightField}`, value: PALETTE.highlight },
          value: PALETTE.series,
        },
      },
    },
    {
      name: 'bar-labels',
      mark: { type: 'text', align: 'left', dx: options.dx, color: PALETTE.text },
      encoding: { y, x, text: { field: 'text' } },
    },
  ];
}
