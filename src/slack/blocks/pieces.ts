import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { LIMITS, truncate } from '../limits.js';
import { escapeName } from '../mrkdwn.js';

/**
 * Block Kit pieces written once and shared by every builder (answers, App Home, digests, alerts).
 * Texts passed in as `mrkdwn` must already be escaped; texts passed as plain (`header`, button labels)
 * are plain_text, which Slack never interprets, so they need no escaping.
 */

/** A header block (plain text; Slack caps it at 150 characters, enforced here and in enforceLimits). */
export function header(text: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

/** A section with mrkdwn text (already escaped). */
export function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, LIMITS.sectionText) } };
}

/** A section of up to 10 two-column fields; each pair is a bold label and an already-escaped value. */
export function fields(pairs: [label: string, valueMrkdwn: string][]): SectionBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, LIMITS.sectionFields).map(([label, value]) => ({
      type: 'mrkdwn',
      text: truncate(`*${label}*\n${value}`, LIMITS.fieldText),
    })),
  };
}

/**
 * A grey context line; each item is already-escaped mrkdwn. Empty items are dropped. Past Slack's ten
 * elements, the tenth holds the rest, one item a line (Slack would drop them silently).
 */
export function context(...items: string[]): ContextBlock {
  const lines = items.filter((t) => t.trim() !== '');
  // Slack drops a context block's elements past the tenth without a word: the last element holds the rest,
  // one line each, so a long list of notes (an A/B answer's templates, spellings and verdict) loses none.
  const last = LIMITS.contextElements - 1;
  const texts =
    lines.length > LIMITS.contextElements ? [...lines.slice(0, last), lines.slice(last).join('\n')] : lines;
  return {
    type: 'context',
    elements: texts.map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** A button; `value` is capped at Slack's 2,000 characters (ours are short command texts). */
export function button(spec: ButtonSpec): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(spec.text, LIMITS.buttonText), emoji: true },
    action_id: spec.actionId,
    value: spec.value.slice(0, 2000),
    ...(spec.style ? { style: spec.style } : {}),
  };
}

/**
 * An actions block. Slack requires action_ids to be unique within a message, so repeated ids get a
 * numeric suffix (`metrics_period#2`); listeners match them with a regular expression.
 */
export function actions(buttons: Button[], blockId?: string): ActionsBlock {
  const seen = new Map<string, number>();
  const elements = buttons.slice(0, LIMITS.actionsElements).map((b) => {
    const id = b.action_id ?? 'action';
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    return count === 1 ? b : { ...b, action_id: `${id}#${count}` };
  });
  return { type: 'actions', elements, ...(blockId ? { block_id: blockId } : {}) };
}

/** Longest label in a ranked table row. */
export const TABLE_LABEL_MAX = 60;

export interface TableRow {
  rank: number;
  /** Plain label (escaped here). */
  label: string;
  value: string;
  detail?: string;
  highlight?: boolean;
}

/**
 * A compact ranked table in one section: "1. Ana López — 42.0% (n=12)". The caller's own row is
 * bold. Kept in a single section so a top-10 table costs one block, not ten.
 */
export function rankedTable(rows: TableRow[], note?: string): SectionBlock {
  const lines = rows.map((r) => {
    // Labels are cut before escaping (never mid-entity) so a top-10 table always fits one section.
    const line = `${r.rank}. ${escapeName(truncate(r.label, TABLE_LABEL_MAX))} — ${r.value}${r.detail ? ` _${r.detail}_` : ''}`;
    return r.highlight ? `*${line}* ← you` : line;
  });
  if (note) lines.push(note);
  return section(lines.join('\n') || '_No rows._');
}

/** Drops the nulls/undefineds optional pieces leave behind, so builders can write `[a, maybe && b]`. */
export function compact(blocks: (KnownBlock | null | undefined | false)[]): KnownBlock[] {
  return blocks.filter((b): b is KnownBlock => Boolean(b));
}
