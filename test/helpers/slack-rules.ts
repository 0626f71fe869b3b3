import type { KnownBlock } from '@slack/types';
import { hasUnescapedMarkup } from '../../src/slack/mrkdwn.js';

/**
 * Slack's documented limits and our escaping rules, checked on a built message. Returns the list of
 * violations (empty = fine), so a failing test says exactly which block broke which rule.
 */
export interface MessageLike {
  text?: string;
  blocks: KnownBlock[];
}

/** Names in test fixtures that would render as bold, italic, strike or code if not neutralised. */
export const FORMATTING_NAMES = ['*Bob*', '_the_', '~strike~', '`code`'];

export function slackRuleViolations(message: MessageLike, options: { maxBlocks?: number } = {}): string[] {
  const out: string[] = [];
  const maxBlocks = options.maxBlocks ?? 50;
  if (message.blocks.length > maxBlocks) out.push(`${message.blocks.length} blocks > ${maxBlocks}`);
  if (message.text !== undefined) {
    if (message.text.trim() === '') out.push('empty fallback text');
    if (message.text.length > 3000) out.push('fallback text over 3000');
    checkMrkdwn('fallback text', message.text, out);
  }
  message.blocks.forEach((block, i) => {
    checkBlock(block, `block ${i} (${block.type})`, out);
  });
  return out;
}

function checkBlock(block: KnownBlock, where: string, out: string[]): void {
  switch (block.type) {
    case 'header':
      checkText(block.text, 150, where, out);
      break;
    case 'section':
      if (!block.text && !block.fields?.length) out.push(`${where}: section without text or fields`);
      if (block.text) checkText(block.text, 3000, where, out);
      if ((block.fields?.length ?? 0) > 10) out.push(`${where}: more than 10 fields`);
      for (const f of block.fields ?? []) checkText(f, 2000, `${where} field`, out);
      break;
    case 'context':
      if (block.elements.length === 0 || block.elements.length > 10)
        out.push(`${where}: ${block.elements.length} elements`);
      for (const e of block.elements) if ('text' in e) checkText(e, 3000, `${where} element`, out);
      break;
    case 'actions':
      if (block.elements.length === 0 || block.elements.length > 25)
        out.push(`${where}: ${block.elements.length} elements`);
      for (const e of block.elements) {
        if (e.type !== 'button') continue;
        checkText(e.text, 75, `${where} button`, out);
        if ((e.value?.length ?? 0) > 2000) out.push(`${where}: button value over 2000`);
        if ((e.action_id?.length ?? 0) > 255) out.push(`${where}: action_id over 255`);
      }
      if (block.block_id && block.block_id.length > 255) out.push(`${where}: block_id over 255`);
      break;
    default:
      break;
  }
}

function checkText(t: { type: string; text: string }, max: number, where: string, out: string[]): void {
  if (t.text.length === 0) out.push(`${where}: empty text`);
  if (t.text.length > max) out.push(`${where}: ${t.text.length} characters > ${max}`);
  if (t.type === 'mrkdwn') checkMrkdwn(where, t.text, out);
  else if (/<!(?:channel|here|everyone)>/.test(t.text) && t.type !== 'plain_text') out.push(`${where}: ping`);
}

function checkMrkdwn(where: string, text: string, out: string[]): void {
  if (hasUnescapedMarkup(text))
    out.push(`${where}: unescaped <, > or & in ${JSON.stringify(text.slice(0, 200))}`);
  for (const name of FORMATTING_NAMES) {
    if (text.includes(name)) out.push(`${where}: ${name} would be formatted by Slack`);
  }
}
