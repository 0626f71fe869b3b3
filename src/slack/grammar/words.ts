import type { Dimension } from '../../metrics/types.js';

/**
 * A month word read as the period where it could also have named the scope (`calls october`, `calls team
 * october`): `word` as typed, `period` the month's spec (`2026-10`). The answer checks that no team (nor,
 * for `me`, person) has that name before taking it as the month, and asks which was meant otherwise.
 */
export interface MonthOrName {
  word: string;
  period: string;
}

/**
 * Words read as the caller's own team (or the caller, or the org) that could also spell a team's name (`my
 * team` and a team "My Team", `team fiscal year` and a team "Fiscal", `the team` and a team "The Team"): `name` the name they spell, `typed` the words as typed, `meaning`
 * what they mean as read (`your own team`), `own` and `named` the commands to type for each reading. The
 * answer asks which was meant when a team of that name exists and is not the caller's own.
 */
export interface OrTeam {
  name: string;
  typed: string;
  meaning: string;
  own: string;
  named: string;
}

/** Who a question is about, as typed (resolved against the reps and teams later). */
export type ScopeWord =
  /** `orTeam`: words read as the caller that could spell a team's name (`winrate fiscal year`, a team "Fiscal"). */
  | { kind: 'me'; monthOrName?: MonthOrName; orTeam?: OrTeam }
  /**
   * `unwritten`: no scope was typed and the ask splits `by rep` or `by team` (a one-row leaderboard of
   * oneself is never what is meant), so the caller's team is asked for, as `team` would be; with the metric's
   * id and the split, for the hint to someone on no team.
   */
  | {
      kind: 'my_team';
      monthOrName?: MonthOrName;
      unwritten?: { metric: string; by: 'rep' | 'team' };
      orTeam?: OrTeam;
    }
  /** `orTeam`: words read as the org that could spell a team's name (`the org`, a team "The Org"). */
  | { kind: 'org'; orTeam?: OrTeam }
  /** A Slack mention as sent with escaping on: `<@U123|ana>` (or `<@U123>`). */
  | { kind: 'user'; slackUserId: string; name: string | null }
  /** An email Slack auto-linked (`<mailto:ana@example.com|…>`) or typed. */
  | { kind: 'email'; email: string }
  /** A plain `@ana` typed as text: matched against reps' email handles and names. */
  | { kind: 'handle'; handle: string }
  /**
   * A team or person by name, resolved later ("EMEA", "team EMEA Inbound", "ana"). `quoted`: typed in
   * quotes (`"Last Month"`), so it is a name whatever its words and is never offered back as a period.
   * `personOnly`: asked as `rep …` or `person …`, so only a person's name is looked for, not a team's;
   * `atTyped` too when asked as `@Bob Ray` (named back so). `theTyped`: typed after a `the` the grammar
   * dropped (`calls the closers`, `team the closers`), so a team "The Closers" is the name typed in full.
   */
  | {
      kind: 'named';
      name: string;
      teamOnly: boolean;
      personOnly?: true;
      quoted?: true;
      atTyped?: true;
      theTyped?: true;
    };

/** The grammar's keywords, in one place so the parser and "did you mean" agree. */

/**
 * Keyword tables are Maps, never plain objects: a user typing `constructor` or `__proto__` must not
 * find Object.prototype's members.
 */
export const SCOPE_WORDS: ReadonlyMap<string, ScopeWord> = new Map(
  Object.entries({
    me: { kind: 'me' },
    my: { kind: 'me' },
    mine: { kind: 'me' },
    myself: { kind: 'me' },
    team: { kind: 'my_team' },
    myteam: { kind: 'my_team' },
    org: { kind: 'org' },
    company: { kind: 'org' },
    everyone: { kind: 'org' },
    all: { kind: 'org' },
  } satisfies Record<string, ScopeWord>),
);
export const DIMENSIONS: ReadonlyMap<string, Dimension> = new Map(
  Object.entries({
    rep: 'rep',
    reps: 'rep',
    person: 'rep',
    people: 'rep',
    team: 'team',
    teams: 'team',
    product: 'product',
    products: 'product',
    source: 'source',
    sources: 'source',
    channel: 'source',
    reason: 'reason',
    reasons: 'reason',
    template: 'template',
    templates: 'template',
    sequence: 'template',
  } satisfies Record<string, Dimension>),
);
export const FILLER = new Set(['for', 'in', 'of', 'over', 'during', 'the', 'and']);
export const SHARE_WORDS = new Set(['share', 'post', 'public']);
export const SUMMARY_WORDS = new Set(['summary', 'scorecard', 'overview']);
export const HELP_WORDS = new Set(['help', '?', 'usage']);
export const MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$/;
/** A channel link as Slack sends it: `<#C123|sales>` (the label is absent on some clients). */
export const CHANNEL_LINK = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/;
/** A channel name typed as text (`#emea`: Slack leaves it unlinked when no such channel exists). */
export const CHANNEL_TEXT = /^#([\p{L}\p{N}][\p{L}\p{N}_.-]*)$/u;
/** An email Slack auto-linked: `<mailto:ana@example.com|ana@example.com>`. */
export const MAILTO = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i;
/** A plain `@handle` typed without picking from the menu (Slack leaves it as text). */
export const HANDLE = /^@([\p{L}\p{N}._-]{1,80})$/u;

/**
 * What a quoted name holds: no double quote, but inside a word (`"Sean O"Brien"`: a quote between two letters
 * or digits closes nothing, as for a name typed without quotes, see badQuote).
 */
export const QUOTED_NAME = String.raw`(?:[^"“”]|(?<=[\p{L}\p{N}])["“”](?=[\p{L}\p{N}]))+`;

/** A name in straight or curly double quotes (`"Sales & Success"`, `“Sales & Success”`), kept as one token. */
export const QUOTED = new RegExp(`^["“”](${QUOTED_NAME})["“”]$`, 'u');

/**
 * A typed name without the straight or curly double quotes around it (`"Sales & Success"` → `Sales &
 * Success`), read after Slack's escaping is undone (src/slack/inbound.ts); any other text unchanged.
 */
export function unquoteName(text: string): string {
  return QUOTED.exec(text.trim())?.[1]?.trim() ?? text;
}

/**
 * A user's words cut to 40 characters with "…", for echoing them back in a message, most often inside a
 * code span (`I don't know \`x\``). A backtick is shown as ˋ (U+02CB, which looks the same): Slack ends a
 * code span at the next backtick, so a typed one would close the span early and turn the rest of the
 * sentence into code (fresh tester helper-213). An echo is never a command to copy back; those are built
 * whole (src/answers/period-hint.ts, commandToType).
 */
export function clipTyped(text: string): string {
  return clipQuoted(text.replace(/`/g, '\u02CB'));
}

/**
 * A user's words cut as clipTyped cuts them, backticks kept: for words shown in quotes, not in a code span,
 * whose markers the caller neutralises (`neutraliseMarkers`) so they read as typed.
 */
export function clipQuoted(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * The answer to a name whose quotes are not closed (`"Sales & Success 30d` read as the word `"Sales`, or a
 * digest's `team "Sales & Success`) or hold no name (`""`, `" "`): `typed` is the word or name as typed,
 * quotes kept. Null when the quotes hold a name, or when, its quotes taken off (unquoteName), no straight
 * or curly double quote is left but inside a word (`O"Brien`, a name as an import stored it: a quote between
 * two letters or digits opens or closes nothing).
 */
export function badQuote(typed: string): string | null {
  if (/^["“”]\s*["“”]$/.test(typed.trim()))
    return `The quotes in \`${clipTyped(typed.trim())}\` are empty: put a team's or person's name between them, as in \`"Sales & Success"\`.`;
  const outsideWords = unquoteName(typed).replace(/(?<=[\p{L}\p{N}])["“”](?=[\p{L}\p{N}])/gu, '');
  if (!/["“”]/.test(outsideWords)) return null;
  return `The quote in \`${clipTyped(typed)}\` is not closed: put the whole name between two quotes, as in \`"Sales & Success"\`.`;
}
