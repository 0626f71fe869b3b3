import { findMetric } from '../../metrics/definitions.js';
import type { GrammarContext } from './ask.js';
import { readDateRange } from './date-ranges.js';
import { dayBeforeMonth, matchPeriod, twoWayPeriod } from './period-match.js';
import { readAgo } from './period-words.js';
import { DIMENSIONS, SCOPE_WORDS, SHARE_WORDS } from './words.js';

/**
 * Questions in plain words that name no metric, or set two asks side by side: `what is my ?`, `winrate vs
 * team`. Read before the ask itself (src/slack/grammar/parse.ts), which reads the rest of a question
 * (`what's my winrate`). Pure.
 */

/**
 * How a question opens before its metric (`what's my winrate`, `show me winrate`), as one or two words.
 * A curly apostrophe as Slack's mobile keyboards type it is read as a straight one.
 */
const QUESTION_OPENERS: readonly string[][] = [
  ["what's"],
  ['whats'],
  ['what', 'is'],
  ['what', 'are'],
  ["how's"],
  ['hows'],
  ['how', 'is'],
  ['how', 'are'],
  ['how', 'am'],
  ['how', 'did'],
  ['show', 'me'],
  ['tell', 'me'],
  ['give', 'me'],
  ['show'],
];

/** How many words of `lower` (lower-cased, apostrophes straight) open a question (QUESTION_OPENERS); 0 if none. */
export function openerLength(lower: string[]): number {
  return QUESTION_OPENERS.find((o) => o.every((w, i) => lower[i] === w))?.length ?? 0;
}

/** Words as a question is read: lower case, curly apostrophes straight (`What’s` is `what's`). Pure. */
export function questionWords(tokens: string[]): string[] {
  return tokens.map((t) => t.toLowerCase().replace(/\u2019/g, "'"));
}

/** Last words of a question that add nothing to the ask (`how is my team doing`). */
const QUESTION_TAILS = new Set(['doing', 'like', 'looking']);

/** Words that begin a period after a question's tail word (`how is my team doing this month`). */
const PERIOD_OPENERS = new Set([
  'this',
  'last',
  'next',
  'today',
  'yesterday',
  'so',
  'since',
  'ytd',
  'mtd',
  'qtd',
]);

/** Whether a period the grammar reads (period-match.ts, its ranges and `… ago`) begins at `lower[i]`. */
function isPeriodAt(lower: string[], i: number, ctx: GrammarContext): boolean {
  if (PERIOD_OPENERS.has(lower[i] ?? '')) return true;
  return (
    matchPeriod(lower, i, ctx) !== null ||
    dayBeforeMonth(lower, i, ctx) !== null ||
    twoWayPeriod(lower, i, ctx) !== null ||
    readDateRange(lower, i, ctx) !== null ||
    readAgo(lower, i) !== null
  );
}

/**
 * How many words from `lower[i]` end a question's words with its tail word (see tailWordAt): 0 when nothing
 * follows or a period does (isPeriodAt), `vs last <unit>`, a split (`by rep`) or `share`; 1 or 2 for an `in` or `in the` before a period (`how did R&D do in
 * october`), which go with the tail word; -1 when other words follow.
 */
function endAt(lower: string[], i: number, ctx: GrammarContext): number {
  if (i >= lower.length || isPeriodAt(lower, i, ctx) || versusLastAt(lower, i) > 0) return 0;
  // `how is my team doing by rep`, `… doing share`: a split or `share` after it (fresh tester helper-503, MED:
  // "Did you mean `winrate team doing by rep`?", which failed when typed).
  if ((lower[i] === 'by' && DIMENSIONS.has(lower[i + 1] ?? '')) || SHARE_WORDS.has(lower[i]!)) return 0;
  if (lower[i] !== 'in') return -1;
  if (isPeriodAt(lower, i + 1, ctx)) return 1;
  return lower[i + 1] === 'the' && isPeriodAt(lower, i + 2, ctx) ? 2 : -1;
}

/**
 * Where a question's tail word is (QUESTION_TAILS; `do` after a `how did` opener) in `lower` after the
 * opener, and how many words to drop there (it, and an `in` or `in the` after it): the last word, or one
 * followed by a period the grammar reads (`how is my team doing this month`, `how did R&D do q3`, `how did
 * R&D do in the last quarter`); null when none. A tail word followed by other words stays (a team "Like
 * Minds" is never cut).
 */
export function tailWordAt(
  lower: string[],
  opener: number,
  ctx: GrammarContext,
): { at: number; length: number } | null {
  const did = lower[opener - 1] === 'did';
  for (let i = opener + 1; i < lower.length; i++) {
    if (!QUESTION_TAILS.has(lower[i]!) && !(did && lower[i] === 'do')) continue;
    const links = endAt(lower, i + 1, ctx);
    if (links >= 0) return { at: i, length: 1 + links };
  }
  return null;
}

/** `we` and `us` right after a question's opener: the caller's team (`how are we doing`). */
const WE = new Set(['we', 'us']);

/**
 * Whether `lower` (lower-cased, apostrophes straight) is a question about `we` or `us`, read as the caller's
 * team: the word right after the opener, followed by nothing, a tail word or a period (`how are we doing this
 * month`, `how did we do last quarter`). Outside a question, and before other words (a team "We Sell"),
 * `we` and `us` are names as typed (`winrate Us vs Them`).
 */
export function weAsTeamAt(lower: string[], ctx: GrammarContext): boolean {
  const opener = openerLength(lower);
  if (opener === 0 || !WE.has(lower[opener] ?? '')) return false;
  return tailWordAt(lower, opener, ctx)?.at === opener + 1 || endAt(lower, opener + 1, ctx) === 0;
}

/**
 * The `we` or `us` of a question read as the caller's team (weAsTeamAt), as typed and as a team's name, so
 * a team called "We" or "Us" is asked back (see OrTeam); null when there is none.
 */
export function weTyped(tokens: string[], ctx: GrammarContext): { typed: string; name: string } | null {
  const lower = questionWords(tokens);
  if (!weAsTeamAt(lower, ctx)) return null;
  const word = tokens[openerLength(lower)]!;
  return { typed: word, name: word };
}

/**
 * `the team` or `the org` (or `the company`, …) right after a question's opener (`how is the team doing`,
 * `how did the org do last week`), which the question reads as the caller's team or the org, the `the`
 * dropped: as typed, and the scope it is read as, so a team "The Team" or "The Org" is asked back (see
 * OrTeam) as it is outside a question (`calls the team`); null when there is none.
 */
export function theScopeTyped(tokens: string[]): { typed: string; kind: 'my_team' | 'org' } | null {
  const lower = questionWords(tokens);
  const opener = openerLength(lower);
  const kind = SCOPE_WORDS.get(lower[opener + 1] ?? '')?.kind;
  if (opener === 0 || lower[opener] !== 'the' || (kind !== 'my_team' && kind !== 'org')) return null;
  return { typed: `${tokens[opener]} ${tokens[opener + 1]}`, kind };
}

/** Whether `tokens` open a question and name no metric (`what is my ?`, `what's my`): only opener words. */
export function isBareQuestion(tokens: string[]): boolean {
  const lower = questionWords(tokens);
  const opener = openerLength(lower);
  return opener > 0 && lower.length > opener && lower.slice(opener).every((w) => /^(?:my|the|\?)$/.test(w));
}

/** Words that set two asks side by side (`winrate vs team`). */
const VERSUS = new Set(['vs', 'vs.', 'versus']);

/** The words before a unit after `vs` that name the period before this one (`vs last quarter`). */
const BEFORE_WORDS = new Set(['last', 'previous', 'prior']);

/** The units `vs last …` may name: the period each answer already compares with. */
const VERSUS_UNITS = new Set(['week', 'month', 'quarter', 'year']);

/**
 * How many words at `lower[i]` say `vs last <unit>` (VERSUS, BEFORE_WORDS, VERSUS_UNITS), or `compared to` or
 * `compared with` in place of `vs` (`how is R&D doing compared to last month`); 0 when they do not.
 */
function versusLastAt(lower: string[], i: number): number {
  const compared = lower[i] === 'compared' && (lower[i + 1] === 'to' || lower[i + 1] === 'with');
  const words = compared ? 2 : VERSUS.has(lower[i] ?? '') ? 1 : 0;
  if (words === 0 || !BEFORE_WORDS.has(lower[i + words] ?? '')) return 0;
  return VERSUS_UNITS.has(lower[i + words + 1] ?? '') ? words + 2 : 0;
}

/**
 * `winrate R&D vs last quarter`: this period compared with the one before, which every answer does, so the
 * words read as `winrate R&D this quarter` (a `this quarter` typed before `vs` is kept, not said twice).
 * The words after the unit (a split, `share`) stay. Only when `read` finds an ask in the words so read;
 * `tokens` as they were otherwise, so `winrate R&D q3 vs last quarter` and names (`Us vs Them`) are untouched.
 */
export function withVersusLastAsThis(tokens: string[], read: (words: string[]) => Reading): string[] {
  const lower = tokens.map((t) => t.toLowerCase());
  const at = lower.findIndex((_, i) => i > 0 && versusLastAt(lower, i) > 0);
  if (at < 0) return tokens;
  const length = versusLastAt(lower, at);
  const unit = lower[at + length - 1]!;
  const before = tokens.slice(0, at);
  const typedThis = before.some((t, i) => t.toLowerCase() === 'this' && lower[i + 1] === unit);
  const words = [...before, ...(typedThis ? [] : ['this', unit]), ...tokens.slice(at + length)];
  return read(words).kind === 'ask' ? words : tokens;
}

/** What versusAsks looks at in a reading of some words (a ParsedCommand, src/slack/grammar/ask.ts). */
type Reading = { kind: string; scope?: { kind: string } };

/**
 * `winrate vs team`, `winrate team versus org last month`: two asks compared, answered with each to type
 * (the words after the second scope go with both), when each side, read by `read`, is an ask of a scope
 * that is no name, so a team "Us vs Them" stays a name. Null otherwise.
 */
export function versusAsks(
  tokens: string[],
  read: (words: string[]) => Reading,
): { kind: 'error'; message: string; suggestion: null } | null {
  const at = tokens.findIndex((t) => VERSUS.has(t.toLowerCase()));
  if (at < 1 || !findMetric(tokens[0] ?? '')) return null;
  const left = tokens.slice(1, at);
  const right = tokens.slice(at + 1);
  // The words after the right side's first one (a period, a split) go with both asks.
  const shared = right.slice(1);
  const asks = [
    [tokens[0]!, ...left, ...shared],
    [tokens[0]!, ...right],
  ];
  const readings = asks.map(read);
  if (right.length === 0 || readings.some((r) => r.kind !== 'ask' || r.scope?.kind === 'named')) return null;
  return {
    kind: 'error',
    message: `Tally answers one scope at a time, each compared with the period before: ask ${asks.map((w) => `\`${w.join(' ')}\``).join(' and ')} one after the other.`,
    suggestion: null,
  };
}
