import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderChart } from '../charts/render.js';
import type { ChartSpec } from '../charts/types.js';
import type { Reply } from '../slack/reply.js';
import type { RenderedButton } from './render.js';

/** What the console needs to draw the last answer: the chart behind its "Chart" button, or a reply instead. */
export type ConsoleChart = { ok: true; chart: ChartSpec } | { ok: false; reply: Reply };

/** Whether `button` is a "Chart" button (a metric answer's or a coaching card's). */
export function isChartButton(button: Pick<RenderedButton, 'actionId'>): boolean {
  return /^(metrics|coach)_chart(#\d+)?$/.test(button.actionId);
}

/** The "Chart" button of the last answer, if it has one. */
export function findChartButton(buttons: RenderedButton[]): RenderedButton | undefined {
  return buttons.find(isChartButton);
}

/**
 * Default file for `chart` without a path: `tally-<kind>.png` in the OS temp directory (`dir`), so drawing
 * a chart never leaves untracked files in the working directory or the repository.
 */
export function defaultChartPath(chart: Pick<ChartSpec, 'kind'>, dir: string = tmpdir()): string {
  return join(dir, `tally-${chart.kind}.png`);
}

/**
 * Renders `chart` to a PNG at `path` (relative to the working directory) and returns the absolute path
 * and pixel size. Throws on render or write errors.
 */
export async function writeChartPng(
  chart: ChartSpec,
  path: string,
): Promise<{ path: string; width: number; height: number }> {
  const rendered = await renderChart(chart);
  const absolute = resolve(path);
  await writeFile(absolute, rendered.png);
  return { path: absolute, width: rendered.width, height: rendered.height };
}
