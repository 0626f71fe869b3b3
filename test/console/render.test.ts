import { describe, expect, it } from 'vitest';
import { mrkdwnToTerminal, renderMessage } from '../../src/console/render.js';
import { actions, button, context, fields, header, section } from '../../src/slack/blocks/pieces.js';

describe('rendering a message in the terminal', () => {
  it('shows header, text, fields, context and numbered buttons', () => {
    const { text, buttons } = renderMessage(
      {
        text: 'fallback',
        blocks: [
          header('Win rate · EMEA · Q4 2026'),
          section('*80.0%*  win rate'),
          fields([['Won', '4']]),
          context('n = 5'),
          actions([
            button({ text: 'By rep', actionId: 'metrics_view', value: 'a' }),
            button({ text: 'Last month', actionId: 'metrics_view', value: 'b' }),
          ]),
        ],
      },
      'ephemeral',
    );
    expect(text).toContain('[only visible to you]');
    expect(text).toContain('━━ Win rate · EMEA · Q4 2026 ━');
    expect(text).toContain('*80.0%*  win rate');
    expect(text).toContain('  *Won*: 4');
    expect(text).toContain('  › n = 5');
    expect(text).toContain('[1] By rep  [2] Last month');
    expect(buttons.map((b) => [b.number, b.actionId, b.value])).toEqual([
      [1, 'metrics_view', 'a'],
      [2, 'metrics_view#2', 'b'],
    ]);
  });

  it('undoes Slack escaping and shows status emoji', () => {
    expect(mrkdwnToTerminal('&lt;!channel&gt; &amp; Co :large_green_circle:')).toBe('<!channel> & Co 🟢');
  });

  // Fresh tester helper-213, finding 4: the coaching card's markers stayed raw codes in the console.
  it("shows the coaching card's markers and the alerts' emoji as emoji, in text and in headers", () => {
    expect(mrkdwnToTerminal(':small_orange_diamond: *Calls*  3 · :white_small_square: *Emails*  2')).toBe(
      '🔸 *Calls*  3 · ▫️ *Emails*  2',
    );
    expect(mrkdwnToTerminal(':white_check_mark: :zzz: :raised_hand: :double_vertical_bar:')).not.toMatch(
      /:[a-z_]+:/,
    );
    const { text } = renderMessage({
      text: 'x',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: ':hourglass_flowing_sand: 2 new leads' } },
      ],
    });
    expect(text).toContain('⏳ 2 new leads');
  });
});
