import type { KnownBlock } from '@slack/types';
import { guardMrkdwn } from './mrkdwn.js';

/** What every outgoing message is: blocks plus a meaningful top-level `text` (notifications, screen readers, search). */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Slack's documented Block Kit limits that our messages can run into. */
export const LIMITS = {
  messageBlocks: 50,
  homeBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  contextElements: 10,
  actionsElements: 25,
  /** chat.postMessage truncates `text` beyond 40,000 characters; we stay far below. */
  fallbackText: 3000,
} as const;

/**
 * Cuts `text` to at most `max` characters, ending with an ellipsis when cut. Never cuts inside an
 * escape (`&amp;`), an entity (`<@U1>`) or a surrogate pair, so the cut text stays valid mrkdwn.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, Math.max(0, max - 1));
  head = head.replace(/(?:&[a-z]{0,4}|<[^<>]{0,200}|[\uD800-\uDBFF])$/, '');
  return `${head}…`;
}

/**
 * Trims a text object's `text` to `max` characters (mrkdwn is guarded first, see src/slack/mrkdwn.ts);
 * Slack rejects empty texts, so those become a space.
 */
function clampText<T extends { type?: string; text: string }>(t: T, max: number): T {
  const raw = t.text.trim() === '' ? ' ' : t.text;
  const text = t.type === 'mrkdwn' ? guardMrkdwn(raw) : raw;
  return { ...t, text: truncate(text, max) };
}

/**
 * The one place Slack's limits are enforced: every message goes through here before it is sent.
 * Over-long texts are cut with "…", extra fields/elements dropped, and a message with too many blocks
 * keeps the first ones and ends with a context line saying the rest was left out.
 */
export function enforceLimits(message: SlackMessage, maxBlocks: number = LIMITS.messageBlocks): SlackMessage {
  let blocks = message.blocks.map(clampBlock).filter((b): b is KnownBlock => b !== null);
  if (blocks.length > maxBlocks) {
    const dropped = blocks.length - (maxBlocks - 1);
    blocks = [
      ...blocks.slice(0, maxBlocks - 1),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `_${dropped} more blocks left out to fit Slack's limits._` }],
      },
    ];
  }
  // The fallback `text` is rendered as mrkdwn in notifications, so it is guarded like block text.
  const text =
    message.text.trim() === '' ? 'Tally' : truncate(guardMrkdwn(message.text), LIMITS.fallbackText);
  return { text, blocks };
}

function clampBlock(block: KnownBlock): KnownBlock | null {
  switch (block.type) {
    case 'header':
      return { ...block, text: clampText(block.text, LIMITS.headerText) };
    case 'section': {
      const fields = block.fields?.slice(0, LIMITS.sectionFields).map((f) => clampText(f, LIMITS.fieldText));
      const text = block.text ? clampText(block.text, LIMITS.sectionText) : undefined;
      if (!text && (!fields || fields.length === 0)) return null;
      return { ...block, text, fields };
    }
    case 'context': {
      const elements = block.elements
        .slice(0, LIMITS.contextElements)
        .map((e) => ('text' in e ? clampText(e, LIMITS.sectionText) : e));
      return elements.length === 0 ? null : { ...block, elements };
    }
    case 'actions': {
      const elements = block.elements
        .slice(0, LIMITS.actionsElements)
        .map((e) => (e.type === 'button' ? { ...e, text: clampText(e.text, LIMITS.buttonText) } : e));
      return elements.length === 0 ? null : { ...block, elements };
    }
    default:
      return block;
  }
}
