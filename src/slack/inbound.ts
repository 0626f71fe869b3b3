/**
 * The one inbound text pipeline: what Slack sends as slash-command text becomes the text the grammar
 * reads. Slack sends text "with escaping on": the user's own `&`, `<`, `>` arrive as `&amp;`, `&lt;`,
 * `&gt;`, and every real `<…>` is an entity Slack made (a mention, a channel, an auto-linked email or
 * URL). So entities are recognised on the raw text first, and only then is the rest decoded.
 *
 * After decoding, the grammar's tokenizer keeps `<@U…|label>`, `<#C…|name>`, `<mailto:…|…>` and
 * `<!…>` whole. A user who literally types `<@U123>` produces the same token as a real mention; that
 * is harmless (access rules decide what anyone may see) and documented in docs/usage.md.
 */

import { formatCount } from '../numbers/count.js';
import { isCalendarDay, isoDay } from '../time/calendar-day.js';

export type InboundText = { ok: true; text: string } | { ok: false; message: string };

/** Longest command text we read (Slack allows 4,000 characters in a message; a paste can be longer). */
export const MAX_COMMAND_CHARS = 4_000;

const ENTITIES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
]);

/**
 * Control characters (NUL, escape, …) never belong in a command; tab, newline and carriage return
 * are ordinary white space. Postgres refuses NUL in text, so these must stop here.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Invisible marks that change nothing a user meant: bidi controls, zero-width spaces and joiners, BOM. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/**
 * Slack's raw slash-command text → the text the grammar reads (`&amp;` → `&`, entities kept whole,
 * URLs reduced to their label, invisible bidi and zero-width marks dropped, white space collapsed).
 * Refuses control characters with a polite sentence (plain text; the caller escapes it for mrkdwn).
 */
export function decodeSlackText(raw: string): InboundText {
  const refusal = refuseUnreadable(raw);
  if (refusal) return refusal;
  const decoded = raw.replace(/<([^<>]*)>|&(amp|lt|gt);/g, (_m, inner: string | undefined, ent?: string) =>
    inner !== undefined ? decodeEntity(inner) : (ENTITIES.get(ent ?? '') ?? ''),
  );
  return { ok: true, text: tidy(decoded) };
}

/**
 * The same checks for text that was never escaped by Slack (the local console): control characters
 * refused, invisible marks dropped.
 */
export function cleanPlainText(raw: string): InboundText {
  const refusal = refuseUnreadable(raw);
  return refusal ?? { ok: true, text: tidy(raw) };
}

/**
 * Text typed at the local console, read as the app reads the same text from Slack: `&amp;`, `&lt;` and
 * `&gt;` (how Slack sends `&`, `<`, `>`, and how a command copied from a Slack payload or log holds them)
 * are decoded once, so "Sales &amp; Success" finds the team "Sales & Success" as typing `&` does (tester:
 * the console answered "I don't know a team called …"). A `<…>` stays as typed: at a terminal a mention
 * (`<@U123>`) is typed raw, and a name with `<` in it (`A&B <Sales>`) is no Slack entity.
 */
export function decodeTypedEntities(typed: string): string {
  return decodeText(typed);
}

function refuseUnreadable(raw: string): InboundText | null {
  if (CONTROL.test(raw)) {
    return {
      ok: false,
      message:
        "That command contains a control character (such as a NUL byte) that I can't read. Please retype it.",
    };
  }
  if (raw.length > MAX_COMMAND_CHARS) {
    return {
      ok: false,
      message: `That command is ${formatCount(raw.length)} characters long; I read up to ${formatCount(MAX_COMMAND_CHARS)}. Ask for one thing at a time.`,
    };
  }
  return null;
}

/** Hyphens and dashes other than ASCII `-` that keyboards and autocorrect type: ‐ ‑ ‒ – — ― and minus −. */
const DASH = '[\u2010-\u2015\u2212]';
/**
 * Two ISO dates joined by a dash (`2026-10-01–2026-10-31`, `2026-10-01 - 2026-10-31`): a date range when
 * both are real days in order (see joinDays).
 */
const DATE_RANGE = new RegExp(
  `\\b(\\d{4}-\\d{1,2}-\\d{1,2}) ?(?:${DASH}|-) ?(\\d{4}-\\d{1,2}-\\d{1,2})\\b`,
  'g',
);
/** A dash inside a date (`2026–11`, `2026‐11‐05`): autocorrect's, read as `-`. */
const DASH_IN_DATE = new RegExp(`\\b(\\d{4})${DASH}(\\d{1,2})(?:${DASH}(\\d{1,2}))?\\b`, 'g');

/**
 * A whole command in code formatting, as copied from the docs or a colleague's message (`` `winrate East` ``,
 * or between triple backticks): read without it (fresh tester helper-221: it was "I don't know `ˋwinrate`").
 * Only a pair around the whole text; a backtick inside a command is left for the grammar to answer.
 */
const CODE_WRAPPED = /^(`{1,3})([^`]+)\1$/;

/**
 * Invisible marks dropped, white space collapsed, a command wrapped in code formatting unwrapped
 * (CODE_WRAPPED), a question's trailing `?` dropped (`winrate org q4?`: it was "can't read `q4?`"), and
 * dates read as typed on a phone or pasted from a
 * document: a typographic dash inside a date is `-` (`2026–11` → `2026-11`), and two real days in order
 * joined by a dash are a range (`2026-10-01 – 2026-10-31` → `2026-10-01..2026-10-31`). Days the wrong way
 * round or one that does not exist (`2026-02-30`) are left as typed, for the grammar to answer in the
 * user's words.
 */
function tidy(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(CODE_WRAPPED, (_m, _ticks: string, inner: string) => inner.trim())
    .replace(/\s*\?+$/, '')
    .replace(DASH_IN_DATE, (_m, y: string, mo: string, d?: string) => `${y}-${mo}${d ? `-${d}` : ''}`)
    .replace(DATE_RANGE, joinDays);
}

/** A DATE_RANGE match as `first..last` when both are real calendar days and `first` is not after `last`. */
function joinDays(typed: string, first: string, last: string): string {
  const [a, b] = [calendarDay(first), calendarDay(last)];
  return a !== null && b !== null && a <= b ? `${first}..${last}` : typed;
}

/** `2026-3-1` as `2026-03-01` when it is a real calendar day (not `2026-02-30`), else null. */
function calendarDay(text: string): string | null {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return isCalendarDay(y, m, d) ? isoDay(y, m, d) : null;
}

/** One `<…>` entity: mentions, channels, emails and specials stay tokens; links become their label. */
function decodeEntity(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? decodeText(inner.slice(bar + 1)).replace(/[<>|]/g, '') : null;
  if (/^[@#!]/.test(target) || /^mailto:/i.test(target)) {
    return label === null ? `<${target}>` : `<${target}|${label}>`;
  }
  // An auto-linked URL or bare word: what the user typed is the label, else the target itself.
  return label ?? decodeText(target);
}

function decodeText(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, ent: string) => ENTITIES.get(ent) ?? '');
}
