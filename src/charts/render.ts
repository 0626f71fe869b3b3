import { createRequire } from 'node:module';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { Rasterizer } from './rasterize.js';
import { FONT_FAMILY } from './theme.js';
import type { ChartSpec } from './types.js';

const require = createRequire(import.meta.url);

/**
 * The TTF files every chart is drawn with: Inter (SIL Open Font License 1.1) from the
 * `@expo-google-fonts/inter` npm package. System fonts are never loaded, so a chart is the same
 * picture on every machine.
 */
export const FONT_FILES: readonly string[] = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
  require.resolve('@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf'),
];

export interface RenderedChart {
  png: Buffer;
  /** Pixel size of the PNG. */
  width: number;
  height: number;
}

/** Device pixels per chart pixel: 2× keeps text sharp when Slack scales the image down or a user zooms. */
export const RENDER_SCALE = 2;

const rasterizer = new Rasterizer(FONT_FILES, FONT_FAMILY);

/**
 * Vega-Lite → Vega → SVG (vega's headless renderer) → PNG (resvg in a worker thread, with the shipped
 * font only). Rejects when the spec is invalid or rasterising fails.
 */
export async function renderChart(chart: ChartSpec, scale = RENDER_SCALE): Promise<RenderedChart> {
  const svg = await renderSvg(chart);
  return rasterizer.rasterize(svg, scale);
}

/** The chart as an SVG string (text as text, font family Inter). */
export async function renderSvg(chart: ChartSpec): Promise<string> {
  const vega = compile(chart.vegaLite).spec;
  const view = new View(parse(vega), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
