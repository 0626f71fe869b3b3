import { describe, expect, it } from 'vitest';
import { buildLeaderboardChart, buildTrendChart, renderChart, renderSvg } from '../../src/charts/index.js';
import { RECYCLE_AFTER } from '../../src/charts/rasterize.js';
import { PALETTE } from '../../src/charts/theme.js';
import { countColour, decodePng, inkShare } from '../helpers/png.js';
import { rep, result } from './fixtures.js';

describe('renderChart', () => {
  const trend = buildTrendChart(result('calls', [10, 12, null, 14, 9, 11, 13, 4], { target: 12 }));

  it('renders a trend chart to a PNG at twice its size, with bars, target line and text', async () => {
    const rendered = await renderChart(trend);
    const img = decodePng(rendered.png);
    expect([img.width, img.height]).toEqual([rendered.width, rendered.height]);
    // The plot is 640 × 300 px plus axes, title and padding, drawn at 2×.
    expect(img.width).toBeGreaterThanOrEqual(2 * 640);
    expect(img.width).toBeLessThan(2 * 900);
    expect(img.height).toBeGreaterThanOrEqual(2 * 300);
    expect(img.height).toBeLessThan(2 * 500);
    expect(inkShare(img)).toBeGreaterThan(0.05);
    expect(countColour(img, PALETTE.series)).toBeGreaterThan(10_000);
    expect(countColour(img, PALETTE.partial)).toBeGreaterThan(1_000);
    expect(countColour(img, PALETTE.target)).toBeGreaterThan(500);
  });

  it('renders the same picture twice (shipped font, no system fonts)', async () => {
    const a = await renderChart(trend);
    const b = await renderChart(trend);
    expect(a.png.equals(b.png)).toBe(true);
  });

  it('writes its text in the shipped font', async () => {
    const svg = await renderSvg(trend);
    expect(svg).toContain('font-family="Inter"');
    expect(svg).toContain('Calls · Team EMEA');
    expect(svg).toContain('4 so far');
  });

  it('draws the periods oldest first when the first ones have no data (helper-209)', async () => {
    // Bars leave periods without data out; the "no data" marks drew them after the rest.
    for (const metric of ['calls', 'winrate'] as const) {
      const svg = await renderSvg(buildTrendChart(result(metric, [null, null, 5, 6, null, 8, 9, 4])));
      const at = ['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov'].map((m) =>
        svg.indexOf(`>${m}</text>`),
      );
      expect(
        at.every((i) => i >= 0),
        metric,
      ).toBe(true);
      expect(
        [...at].sort((a, b) => a - b),
        metric,
      ).toEqual(at);
    }
  });

  it('renders the caller’s bar of a leaderboard in the highlight colour', async () => {
    const chart = buildLeaderboardChart(
      result('calls', [1, 1, 1, 1, 1, 1, 1, 1], {
        segments: [rep(1, 'Ana', 30), rep(2, 'Ben', 20), rep(3, 'Cy', 10)],
      }),
      { isMine: (row) => row.repId === 2 },
    );
    const img = decodePng((await renderChart(chart)).png);
    expect(countColour(img, PALETTE.highlight)).toBeGreaterThan(1_000);
    expect(countColour(img, PALETTE.series)).toBeGreaterThan(countColour(img, PALETTE.highlight));
  });

  it('keeps rendering the same picture after its worker is replaced', async () => {
    const first = await renderChart(trend, 1);
    for (let i = 0; i < RECYCLE_AFTER; i++) await renderChart(trend, 1);
    const later = await renderChart(trend, 1);
    expect(later.png.equals(first.png)).toBe(true);
  });
});
