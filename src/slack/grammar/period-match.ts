import { monthOfWord, type ParsePeriodResult, parsePeriod } from '../../metrics/periods.js';
import type { GrammarContext } from './ask.js';
import { readDateRange } from './date-ranges.js';
import { readAgo } from './period-words.js';
import {
  CHANNEL_LINK,
  DIMENSIONS,
  FILLER,
  HANDLE,
  MAILTO,
  MENTION,
  SCOPE_WORDS,
  type ScopeWord,
  SHARE_WORDS,
} from './words.js';

/**
 * What one word (or a few) after the metric is, as the modifier loop (src/slack/grammar/modifiers.ts) asks
 * it: a period phrase, a person, or a word that can start a name. Pure.
 */

/** The grammar's context while reading modifiers: `isNamedMonth(i)` when the month word at i is a name. */
export type ModifierContext = GrammarContext & { isNamedMonth?: (index: number) => boolean };

/** A word that can start a name: not a keyword, period, mention or filler. */
export function isNameWord(raw: string, tokens: string[], index: number, ctx: ModifierContext): boolean {
  const w = raw.toLowerCase();
  if (w === 'by' || SHARE_WORDS.has(w) || SCOPE_WORDS.has(w) || FILLER.has(w)) return false;
  if (personWord(raw) || CHANNEL_LINK.test(raw)) return false;
  // `team since oct`, `team 30 days ago`: the caller's team, asked with a period written another way.
  if ((w === 'since' && index + 1 < tokens.length) || readAgo(tokens, index)) return false;
  // `team 2026` with a fiscal calendar: a period that reads two ways, asked back, not a team "2026".
  if (twoWayPeriod(tokens, index, ctx) !== null) return false;
  // `team from 2026-03-01 to 2026-03-10`: the caller's team over that range.
  return matchPeriod(tokens, index, ctx) === null && readDateRange(tokens, index, ctx) === null;
}

/** The longest period phrase (up to 4 words) starting at `index`, e.g. "last 30 days", "this week". */
export function matchPeriod(
  tokens: string[],
  index: number,
  ctx: ModifierContext,
): { spec: string; length: number } | null {
  for (let length = Math.min(4, tokens.length - index); length >= 1; length--) {
    const words = tokens.slice(index, index + length);
    if (ctx.isNamedMonth && words.some((w, k) => monthOfWord(w) !== null && ctx.isNamedMonth!(index + k)))
      continue;
    const phrase = words.join(' ');
    if (length === 1 && (SCOPE_WORDS.has(phrase.toLowerCase()) || DIMENSIONS.has(phrase.toLowerCase())))
      continue;
    const parsed = safeParsePeriod(phrase, ctx);
    if (parsed) return { spec: parsed, length };
  }
  return null;
}

/**
 * The question a phrase of one to three words at `tokens[index]` asks when it names two periods (`q1 2026`
 * with a fiscal calendar: see ParsePeriodResult's `twoWays`), or null.
 */
export function twoWayPeriod(tokens: string[], index: number, ctx: GrammarContext): string | null {
  // Three words: `nov to oct`.
  for (const length of [3, 2, 1]) {
    if (index + length > tokens.length) continue;
    // As typed (parsePeriod reads any case), so the question quotes the user's words.
    const r = readPhrase(tokens.slice(index, index + length).join(' '), ctx);
    // The longest phrase that reads as one period wins: `2026 october` is October, not the year 2026.
    if (r.ok) return null;
    if (r.twoWays) return r.error;
  }
  return null;
}

/** A phrase read as a period in the grammar's zone, clock and fiscal calendar (parsePeriod never throws). */
function readPhrase(phrase: string, ctx: GrammarContext): ParsePeriodResult {
  return parsePeriod(phrase, {
    now: ctx.now,
    timezone: ctx.timezone,
    ...(ctx.fiscal ? { fiscal: ctx.fiscal } : {}),
  });
}

export function safeParsePeriod(phrase: string, ctx: GrammarContext): string | null {
  const r = readPhrase(phrase.toLowerCase(), ctx);
  return r.ok ? r.period.spec : null;
}

/**
 * `26 oct` at `tokens[index]`, a day before its month, as the day's spec (`2026-10-26`) and its length in
 * words; null for other words or a day the month does not have.
 */
export function dayBeforeMonth(
  tokens: string[],
  index: number,
  ctx: ModifierContext,
): { spec: string; length: number } | null {
  const word = tokens[index];
  if (word === undefined || !/^\d{1,2}$/.test(word) || monthOfWord(tokens[index + 1] ?? '') === null)
    return null;
  const month = matchPeriod(tokens, index + 1, ctx);
  if (!month || !/^\d{4}-\d{2}$/.test(month.spec)) return null;
  const spec = `${month.spec}-${word.padStart(2, '0')}`;
  return safeParsePeriod(spec, ctx) ? { spec, length: 1 + month.length } : null;
}

/** A person named by a mention, an email or a plain `@handle`; null for any other word. */
export function personWord(raw: string): ScopeWord | null {
  const mention = MENTION.exec(raw);
  if (mention) return { kind: 'user', slackUserId: mention[1]!, name: mention[2] || null };
  const mail = MAILTO.exec(raw);
  if (mail) return { kind: 'email', email: mail[1]!.trim().toLowerCase() };
  if (/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(raw)) return { kind: 'email', email: raw.toLowerCase() };
  const handle = HANDLE.exec(raw);
  if (handle) return { kind: 'handle', handle: handle[1]!.toLowerCase() };
  return null;
}
