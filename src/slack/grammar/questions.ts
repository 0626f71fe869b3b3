import { findMetric } from '../../metrics/definitions.js';
import { SCOPE_WORDS } from './words.js';

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

/** Whether `lower[i]` ends a question's words: nothing after it, or a period (PERIOD_OPENERS). */
function endsAt(lower: string[], i: number): boolean {
  return i >= lower.length || PERIOD_OPENERS.has(lower[i]!);
}

/**
 * Where a question's tail word is (QUESTION_TAILS; `do` after a `how did` opener) in `lower` after the
 * opener: the last word, or one followed by a period (`how is my team doing this month`, `how did R&D do
 * last quarter`); -1 when none. A tail word followed by other words stays (a team "Like Minds" is never cut).
 */
export function tailWordAt(lower: string[], opener: number): number {
  const did = lower[opener - 1] === 'did';
  for (let i = opener + 1; i < lower.length; i++)
    if ((QUESTION_TAILS.has(lower[i]!) || (did && lower[i] === 'do')) && endsAt(lower, i + 1)) return i;
  return -1;
}

/** `we` and `us` right after a question's opener: the caller's team (`how are we doing`). */
const WE = new Set(['we', 'us']);

/**
 * Whether `lower` (lower-cased, apostrophes straight) is a question about `we` or `us`, read as the caller's
 * team: the word right after the opener, followed by nothing, a tail word or a period (`how are we doing this
 * month`, `how did we do last quarter`). Outside a question, and before other words (a team "We Sell"),
 * `we` and `us` are names as typed (`winrate Us vs Them`).
 */
export function weAsTeamAt(lower: string[]): boolean {
  const opener = openerLength(lower);
  if (opener === 0 || !WE.has(lower[opener] ?? '')) return false;
  const tail = tailWordAt(lower, opener);
  return endsAt(lower, tail === opener + 1 ? opener + 2 : opener + 1);
}

/**
 * The `we` or `us` of a question read as the caller's team (weAsTeamAt), as typed and as a team's name, so
 * a team called "We" or "Us" is asked back (see OrTeam); null when there is none.
 */
export function weTyped(tokens: string[]): { typed: string; name: string } | null {
  const lower = tokens.map((t) => t.toLowerCase().replace(/\u2019/g, "'"));
  if (!weAsTeamAt(lower)) return null;
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
  const lower = tokens.map((t) => t.toLowerCase().replace(/\u2019/g, "'"));
  const opener = openerLength(lower);
  const kind = SCOPE_WORDS.get(lower[opener + 1] ?? '')?.kind;
  if (opener === 0 || lower[opener] !== 'the' || (kind !== 'my_team' && kind !== 'org')) return null;
  return { typed: `${tokens[opener]} ${tokens[opener + 1]}`, kind };
}

/** Whether `tokens` open a question and name no metric (`what is my ?`, `what's my`): only opener words. */
export function isBareQuestion(tokens: string[]): boolean {
  const lower = tokens.map((t) => t.toLowerCase().replace(/\u2019/g, "'"));
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
 * `winrate R&D vs last quarter`: this period compared with the one before, which every answer does, so the
 * words read as `winrate R&D this quarter` (a `this quarter` typed before `vs` is kept, not said twice).
 * The words after the unit (a split, `share`) stay. Only when `read` finds an ask in the words so read;
 * `tokens` as they were otherwise, so `winrate R&D q3 vs last quarter` and names (`Us vs Them`) are untouched.
 */
export function withVersusLastAsThis(tokens: string[], read: (words: string[]) => Reading): string[] {
  const lower = tokens.map((t) => t.toLowerCase());
  const at = lower.findIndex(
    (w, i) =>
      i > 0 && VERSUS.has(w) && BEFORE_WORDS.has(lower[i + 1] ?? '') && VERSUS_UNITS.has(lower[i + 2] ?? ''),
  );
  if (at < 0) return tokens;
  const unit = lower[at + 2]!;
  const before = tokens.slice(0, at);
  const typedThis = before.some((t, i) => t.toLowerCase() === 'this' && lower[i + 1] === unit);
  const words = [...before, ...(typedThis ? [] : ['this', unit]), ...tokens.slice(at + 3)];
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
