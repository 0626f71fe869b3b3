import { describe, expect, it } from 'vitest';
import { buildChartMessage } from '../../src/chart-button/deliver.js';
import { buildLeaderboardChart, buildTrendChart } from '../../src/charts/index.js';
import { hasUnescapedMarkup } from '../../src/slack/mrkdwn.js';
import { rep, result } from './fixtures.js';

type ImageBlock = { type: string; alt_text: string; title: { text: string } };
type ContextBlock = { type: 'context'; elements: { type: string; text: string }[] };

/** The text as Slack would show it: zero-width joiners are invisible, the three escapes read as themselves. */
const shown = (mrkdwn: string) =>
  mrkdwn
    .replace(/\u200D/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** A `*`, `_`, `~` or backtick that Slack could read as formatting: one not wrapped in zero-width joiners. */
const bareMarker = /(?<!\u200D)[*_~`]|[*_~`](?!\u200D)/;

describe('the Chart message caption', () => {
  it('shows team and rep names in the caption and fallback text as written, not as formatting', () => {
    const r = result('calls', [3, 4, 5, 6]);
    const trend = buildTrendChart({ ...r, scope: { kind: 'team', teamId: 1, label: 'EMEA `ops _x' } });
    const board = buildLeaderboardChart(
      result('calls', [3, 4, 5, 6], {
        segments: [rep(1, 'Zoë *Star* <!channel>', 5), rep(2, 'ana_b_ ~x~', 3)],
      }),
    );
    for (const chart of [trend, board]) {
      const message = buildChartMessage(chart, 'F1');
      const caption = (message.blocks![1] as unknown as ContextBlock).elements[0]!.text;
      for (const text of [caption, message.text]) {
        expect(text).not.toMatch(bareMarker);
        expect(hasUnescapedMarkup(text)).toBe(false);
        expect(shown(text)).toBe(chart.alt);
      }
      // The image block's alt text and title are plain text: the names as they are, no joiners.
      const image = message.blocks![0] as unknown as ImageBlock;
      expect(image.alt_text).toBe(chart.alt);
      expect(image.alt_text).not.toContain('\u200D');
      expect(image.title.text).not.toContain('\u200D');
    }
    expect(trend.alt).toContain('EMEA `ops _x');
    expect(board.alt).toContain('Zoë *Star* <!channel>');
  });
});
