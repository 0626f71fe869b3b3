import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../slack/limits.js';

/**
 * Renders a Slack message readably in a terminal: header, sections, fields, context lines, and the
 * buttons listed with numbers (type the number in the console to press one). Pure, so tests compare text.
 */

/**
 * Every emoji code Tally's messages use, as the terminal shows it. A code missing here stays raw (fresh
 * tester helper-213, finding 4: the coaching card's `:small_orange_diamond:` and `:white_small_square:`
 * markers were printed as codes while status circles showed as emoji).
 */
const EMOJI: Record<string, string> = {
  ':large_green_circle:': '🟢',
  ':large_yellow_circle:': '🟡',
  ':red_circle:': '🔴',
  ':white_circle:': '⚪',
  ':warning:': '⚠️ ',
  ':information_source:': 'ℹ️ ',
  ':small_orange_diamond:': '🔸',
  ':white_small_square:': '▫️',
  ':small_red_triangle_down:': '🔻',
  ':white_check_mark:': '✅',
  ':hourglass:': '⌛',
  ':hourglass_flowing_sand:': '⏳',
  ':double_vertical_bar:': '⏸️ ',
  ':zzz:': '💤',
  ':raised_hand:': '✋',
  ':telephone_receiver:': '📞',
  ':rotating_light:': '🚨',
  ':snail:': '🐌',
};

/** Emoji codes as the terminal shows them (headers are plain text: nothing else to undo there). */
function emojiToTerminal(text: string): string {
  return text.replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code);
}

/** Slack mrkdwn to terminal text: emoji codes, escapes undone (the terminal is not Slack), `*bold*` kept. */
export function mrkdwnToTerminal(text: string): string {
  return (
    emojiToTerminal(text)
      .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      // Zero-width joiners that neutralise mrkdwn in names (src/slack/mrkdwn.ts) are Slack-only.
      .replace(/\u200D([*_~`])\u200D/g, '$1')
  );
}

export interface RenderedButton {
  number: number;
  text: string;
  actionId: string;
  value: string;
}

export interface Rendered {
  text: string;
  buttons: RenderedButton[];
}

const indent = (s: string, pad: string) =>
  s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

/** The message as terminal text, plus its buttons in order. */
export function renderMessage(message: SlackMessage, visibility?: 'ephemeral' | 'in_channel'): Rendered {
  const out: string[] = [];
  const buttons: RenderedButton[] = [];
  if (visibility) out.push(visibility === 'in_channel' ? '[posted in channel]' : '[only visible to you]');
  for (const block of message.blocks) out.push(...renderBlock(block, buttons));
  if (message.blocks.length === 0) out.push(message.text);
  return { text: out.join('\n'), buttons };
}

function renderBlock(block: KnownBlock, buttons: RenderedButton[]): string[] {
  switch (block.type) {
    case 'header': {
      const title = emojiToTerminal(block.text.text);
      return ['', `━━ ${title} ${'━'.repeat(Math.max(3, 60 - title.length))}`];
    }
    case 'section': {
      const lines: string[] = [];
      if (block.text) lines.push(mrkdwnToTerminal(block.text.text));
      if (block.fields?.length) {
        lines.push(
          block.fields
            .map((f) => mrkdwnToTerminal(f.text).replace('\n', ': '))
            .map((f) => `  ${f}`)
            .join('\n'),
        );
      }
      return lines;
    }
    case 'context':
      return block.elements.map((e) => indent(mrkdwnToTerminal('text' in e ? e.text : ''), '  › '));
    case 'divider':
      return ['─'.repeat(64)];
    case 'actions': {
      const labels = block.elements.map((e) => {
        if (e.type !== 'button') return `[${e.type}]`;
        const number = buttons.length + 1;
        buttons.push({ number, text: e.text.text, actionId: e.action_id ?? '', value: e.value ?? '' });
        return `[${number}] ${e.text.text}`;
      });
      return [`  ${labels.join('  ')}`];
    }
    default:
      return [`  (${block.type} block)`];
  }
}
