import { editDistance, suggestWord } from '../../edit-distance.js';
import { findMetric, METRICS } from '../../metrics/definitions.js';
import { monthOfWord, type ParsePeriodResult, parsePeriod } from '../../metrics/periods.js';
import type { Dimension, MetricDefinition } from '../../metrics/types.js';
import type { FiscalCalendar } from '../../time/fiscal.js';
import { MAX_COMMAND_CHARS } from '../inbound.js';
import { halfRange, monthDayYear, readDateRange, readMonthRange } from './date-ranges.js';
import {
  ambiguousMonthNumber,
  periodProblem,
  periodTypo,
  periodWrittenOtherwise,
  readAgo,
  typoSentence,
  weekdayOfWord,
  withoutFiscalWord,
  withToDateWords,
  type ZonedHint,
  zonedHint,
} from './period-words.js';
import { isBareQuestion, openerLength, versusAsks } from './questions.js';
import {
  fiscalAfterTeam,
  isMyTeamAt,
  myTeamTyped,
  orTeam,
  scopeTeamAt,
  withMyTeamAsTeam,
} from './team-words.js';
import {
  badQuote,
  CHANNEL_LINK,
  CHANNEL_TEXT,
  clipTyped,
  DIMENSIONS,
  FILLER,
  HANDLE,
  HELP_WORDS,
  MAILTO,
  MENTION,
  type OrTeam,
  QUOTED,
  QUOTED_NAME,
  SCOPE_WORDS,
  type ScopeWord,
  SHARE_WORDS,
  SUMMARY_WORDS,
  unquoteName,
} from './words.js';

/**
 * The `/metrics` grammar: `[metric] [scope] [period] [by dimension] [share]`, words in any order after
 * the metric, case-insensitive. Pure and total: every input gives a ParsedCommand, never an exception.
 * Names (teams, people) are only collected here; the command layer resolves them against the database.
 */

export interface MetricAsk {
  kind: 'ask';
  /** null = the summary scorecard. */
  metric: MetricDefinition | null;
  scope: ScopeWord;
  /** Normalised period spec ("this month", "2026-Q3"); null = the metric's default. */
  period: string | null;
  by: Dimension | null;
  share: boolean;
  /** Readings where month words are part of a name; see MonthNameReading. Absent when there are none. */
  monthNames?: MonthNameReading[];
}

/**
 * Another reading of the same words, where some month words are part of the scope's name (`may fisher`
 * as May Fisher, `team March Madness`) instead of the period. The grammar cannot know the names, so the
 * command layer picks with chooseMonthReading. `team fiscal year` carries one too, the team "fiscal year"
 * (see fiscalAfterTeam), though its words are no month's. `match`: `exact` when the name must spell a team's name or
 * a person's full name exactly; `known` (a month beside another period: `team October this week`) when
 * the name need only find someone the usual way.
 */
export interface MonthNameReading {
  ask: MetricAsk & { scope: { kind: 'named'; name: string; teamOnly: boolean; personOnly?: true } };
  match: 'exact' | 'known';
}

export type ParsedCommand =
  /** `topic`: a subcommand word (`digest`, `target`) when the user asked `help <subcommand>`. */
  | { kind: 'help'; metric: MetricDefinition | null; topic?: string }
  | { kind: 'subcommand'; name: string; tokens: string[] }
  | MetricAsk
  /** `message` is plain text (the Slack layer escapes it); `suggestion` is a command fragment. */
  | {
      kind: 'error';
      message: string;
      suggestion: string | null;
      /** What the error is about, when it stands however the first word reads: a period, a split. */
      about?: 'period' | 'split';
      /** Readings with month words as names that may stand instead of this error; see MonthNameReading. */
      monthNames?: MonthNameReading[];
      /**
       * A period hint with dates (`since oct`, `30 days ago`), worded in the grammar's zone: the command
       * layer words it again in the zone of `scope`, the scope asked about (see ZonedHint).
       */
      zoned?: { hint: ZonedHint; scope: ScopeWord };
    };

export interface GrammarContext {
  now: Date;
  /** Zone used only to validate period words here; the answer recomputes boundaries in the scope's zone. */
  timezone: string;
  /** Subcommand words (and aliases) from the registry: `digest`, `alerts`, `target`, … */
  subcommands: readonly string[];
  /** The org's fiscal calendar, so `q3` and `FY2027` normalise to its quarters; default calendar year. */
  fiscal?: FiscalCalendar;
}

/** A Slack entity, a quoted name (QUOTED_NAME, an @ before it kept here) or a run of non-spaces. */
const WORD = new RegExp(String.raw`<(?:[@#!]|mailto:)[^<>]*>|@?["“”]${QUOTED_NAME}["“”]|\S+`, 'giu');

/**
 * Splits decoded command text (see src/slack/inbound.ts) into words, keeping Slack's entities whole:
 * mentions (`<@U1|ana maria>`), channels, `<mailto:…>` and specials like `<!channel>`; and a name in
 * straight or curly double quotes (`"Sales & Success"`, see QUOTED), quotes included, an @ before it dropped.
 */
export function tokenize(text: string): string[] {
  const words = text.trim().match(WORD) ?? [];
  // `@"R&D Team"`: an @ before a quoted name asks for that name (fresh tester: it was split at the space).
  return words.map((w) => (/^@["“”]/.test(w) && w.length > 2 ? w.slice(1) : w));
}

/**
 * Drops the comma written between a day or month and its year (`dec 28, 2025`, `28 dec, 2025`,
 * `december 28,2025`), as US dates are written: the period words read `dec 28 2025`. Only a day number
 * (1–31) or a month word followed by a four-digit year loses it; every other comma stays. Pure.
 */
function withoutDateCommas(tokens: string[]): string[] {
  const dated = (word: string) => /^(0?[1-9]|[12]\d|3[01])$/.test(word) || monthOfWord(word) !== null;
  return tokens.flatMap((t, i) => {
    const m = /^(.+),(\d{4})?$/.exec(t);
    if (!m || !dated(m[1]!)) return [t];
    if (m[2]) return [m[1]!, m[2]];
    return /^\d{4}$/.test(tokens[i + 1] ?? '') ? [m[1]!] : [t];
  });
}

/** The text without a leading Slack quote mark (`> winrate org`, as a line quoted from a thread is pasted). */
function withoutQuoteMark(text: string): string {
  return text.replace(/^\s*>\s+/, '');
}

/** Words of politeness that end an ask (`winrate team EMEA q4 please`), dropped. */
const POLITE_ENDINGS = new Set(['please', 'pls', 'plz', 'thanks', 'thx', 'ty']);

/**
 * The tokens without a trailing `please` or `thanks` (and `!` or `.` after it), and with `per` read as
 * `by` before a split word (`winrate per rep`), as a sales team says it; subcommands read them so too. Pure.
 */
function withPolitenessDropped(tokens: string[]): string[] {
  const kept = [...tokens];
  while (
    kept.length > 1 &&
    POLITE_ENDINGS.has(
      kept
        .at(-1)!
        .toLowerCase()
        .replace(/[!.]+$/, ''),
    )
  )
    kept.pop();
  return kept.map((t, i) =>
    t.toLowerCase() === 'per' && DIMENSIONS.has(kept[i + 1]?.toLowerCase() ?? '') ? 'by' : t,
  );
}

/**
 * Reads a word wholly in single backticks (`` winrate `org` ``, as Slack's code formatting writes it)
 * without them when the word inside is a keyword, a metric or a one-word period. A name may hold
 * backticks (a team "EMEA `ops"), so any other word keeps them and is matched as typed. Pure.
 */
function withoutCodeMarks(tokens: string[], ctx: GrammarContext): string[] {
  return tokens.map((t) => {
    const inner = /^`([^`\s]+)`$/.exec(t)?.[1];
    if (inner === undefined) return t;
    const w = inner.toLowerCase();
    const keyword =
      w === 'by' ||
      SCOPE_WORDS.has(w) ||
      DIMENSIONS.has(w) ||
      SHARE_WORDS.has(w) ||
      SUMMARY_WORDS.has(w) ||
      HELP_WORDS.has(w) ||
      findMetric(w) !== undefined ||
      ctx.subcommands.includes(w) ||
      safeParsePeriod(inner, ctx) !== null;
    return keyword ? inner : t;
  });
}

/**
 * Reads a comma typed between the parts of an ask as a separator (`winrate, org, q4`, as a list is written:
 * it was "I don't know `winrate,`" with a suggestion that kept the commas, so typing it back failed). A
 * comma is dropped from the word it ends when that word is the first and names a metric (`winrate,`), when
 * it ends the ask, or when the word after it is no name word (a scope keyword, a period, `by`, `share`, a
 * mention). A comma followed by a name word stays, so a name with a comma in it is read whole, as the
 * names are matched (the whole name, case and accents aside): `calls Lopez, Ana` is still "Lopez, Ana",
 * and a team "Org, Inc" is never read as `org`. Lone commas (`winrate , org`) are dropped. Pure.
 */
function withCommasAsSeparators(tokens: string[], ctx: GrammarContext): string[] {
  const kept = tokens.filter((t) => !/^,+$/.test(t));
  const bare = kept.map((t) => t.replace(/(?<=[^,]),+$/, ''));
  const mctx: ModifierContext = { ...ctx, isNamedMonth: () => false };
  return kept.map((t, i) => {
    if (bare[i] === t) return t;
    const separated =
      (i === 0 && findMetric(bare[i]!) !== undefined) ||
      i === kept.length - 1 ||
      !isNameWord(bare[i + 1]!, bare, i + 1, mctx);
    return separated ? bare[i]! : t;
  });
}

/** Every metric id and alias: the words that name a metric (typo guesses, `win rat` slips). */
const METRIC_WORDS = METRICS.flatMap((m) => [m.id, ...m.aliases]);

/**
 * Words that name more than one metric in a sales team's mouth, answered with the choice rather than a guess:
 * "pipeline" is the pipeline created in a period (`opps`) or the open pipeline against the target (`coverage`).
 */
const TWO_WAY_METRIC_WORDS: ReadonlyMap<string, readonly [string, string][]> = new Map([
  [
    'pipeline',
    [
      ['opps', 'pipeline created: opportunities created in the period and the value they carry'],
      [
        'coverage',
        'pipeline coverage: open pipeline expected to close in the period against the revenue target',
      ],
    ],
  ],
]);

/**
 * The refusal of a word that names more than one metric (`pipeline`, any case), naming each with the words
 * typed before it (`before`: `help`, `/metrics target set`) and after it (`rest`) so either can be copied:
 * plain text; null for any other word.
 */
export function twoWayMetric(word: string, rest: string[], before: string[] = []): string | null {
  const readings = TWO_WAY_METRIC_WORDS.get(word.toLowerCase());
  if (!readings) return null;
  const form = (id: string) => [...before, id, ...rest].join(' ');
  const options = readings.map(([id, meaning]) => `\`${form(id)}\` (${meaning})`).join(' or ');
  return `\`${word.toLowerCase()}\` can mean two metrics; ask for one: ${options}.`;
}

/** Every word a user might have meant, for "did you mean" (metric ids and aliases, keywords, subcommands). */
function knownWords(ctx: GrammarContext): string[] {
  return [
    ...METRIC_WORDS,
    ...SCOPE_WORDS.keys(),
    ...SUMMARY_WORDS,
    'help',
    'share',
    'by',
    'today',
    'yesterday',
    ...ctx.subcommands,
  ];
}

/**
 * Joins a metric name written as two or three words (`win rate`, `response time`, `deal size`,
 * `speed to lead`) into the one word the metric table knows (`winrate`), longest first; other tokens
 * are returned unchanged.
 */
export function joinMetricWords(tokens: string[]): string[] {
  for (const n of [3, 2]) {
    if (tokens.length < n) continue;
    const word = tokens.slice(0, n).join('');
    if (findMetric(word)) return [word, ...tokens.slice(n)];
  }
  return tokens;
}

/** Last words of a question that add nothing to the ask (`how is my team doing`). */
const QUESTION_TAILS = new Set(['doing', 'like', 'looking']);

/**
 * A question in plain words read as the ask it means: its opener (see openerLength) and a `the` after it
 * are dropped, and `my` before the metric is the caller, as `me` after it is (`what's my win rate this
 * quarter` is `winrate me this quarter`; `show me winrate` is `winrate`, whose scope is the caller anyway),
 * and `my team` before it is the caller's team (`what's my team winrate` is `winrate team`).
 * Only when a metric follows: other tokens are returned as joinMetricWords returns them, so a team's name
 * is never cut. Pure.
 */
function withQuestionRead(tokens: string[]): string[] {
  const lower = tokens.map((t) => t.toLowerCase().replace(/\u2019/g, "'"));
  const opener = openerLength(lower);
  // `how is my team doing`, `what's my winrate like`: the question's last word says nothing (fresh tester
  // helper-305: "I don't know a team called "doing"").
  if (opener > 0 && lower.length > opener + 1 && QUESTION_TAILS.has(lower.at(-1)!))
    return withQuestionRead(tokens.slice(0, -1));
  let at = opener;
  if (opener > 0 && lower[at] === 'the') at += 1;
  // `my team winrate`, `how is my team's winrate`: the caller's team, as `team` after the metric.
  const ours = isMyTeamAt(lower, at);
  const mine = !ours && lower[at] === 'my';
  if (ours) at += 2;
  else if (mine) at += 1;
  if (at === 0) return joinMetricWords(tokens);
  const rest = joinMetricWords(tokens.slice(at));
  // `what's my team` (this week): the team's scorecard, as `team` is (fresh tester helper-304: it was read as
  // a team called "what's team").
  if (!findMetric(rest[0] ?? '')) return ours && opener > 0 ? ['team', ...rest] : joinMetricWords(tokens);
  return ours || mine ? [rest[0]!, ours ? 'team' : 'me', ...rest.slice(1)] : rest;
}

/** Parses the text after `/metrics`. */
export function parseCommand(text: string, ctx: GrammarContext): ParsedCommand {
  const typed = withPolitenessDropped(
    withoutCodeMarks(withoutDateCommas(tokenize(withoutQuoteMark(text.slice(0, MAX_COMMAND_CHARS)))), ctx),
  );
  // A subcommand reads its own words, commas and all (its names are matched there).
  const subcommand = ctx.subcommands.includes(typed[0]?.toLowerCase() ?? '');
  const raw = withoutFiscalWord(withToDateWords(subcommand ? typed : withCommasAsSeparators(typed, ctx)));
  const head = raw[0]?.toLowerCase();
  if (head !== undefined && HELP_WORDS.has(head))
    return parseTokens([raw[0]!, ...joinMetricWords(raw.slice(1))], ctx);
  if (subcommand) return parseTokens(withQuestionRead(raw), ctx);
  // `what is my ?`: a question with no metric (it offered the month `may` for `my`; tester, LOW).
  if (isBareQuestion(raw))
    return {
      kind: 'error',
      message: 'Which metric? Ask as in `what’s my winrate`; `/metrics help` lists the metrics.',
      suggestion: null,
    };
  const tokens = withMyTeamAsTeam(withQuestionRead(raw));
  // `winrate vs team`: two scopes to compare, answered with the two asks to type (tester, LOW).
  const versus = versusAsks(tokens, (words) => parseTokens(words, ctx));
  if (versus) return versus;
  // `team fiscal year`: the caller's team this fiscal year, unless a team is called "Fiscal Year" (asked
  // back when one is called "Fiscal"); it was "I don't know a team called "fiscal year"" (tester, MED).
  const fiscal = fiscalAfterTeam(tokens);
  if (fiscal) {
    const asPeriod = parseTokens(fiscal.tokens, ctx);
    const asName = parseTokens(tokens, ctx);
    const unit = fiscal.tokens[fiscal.teamAt + 2]!.toLowerCase();
    const read = withOrTeam(
      asPeriod,
      orTeam(fiscal.tokens, fiscal.teamAt, {
        name: fiscal.word,
        typed: fiscal.typed,
        meaning: `your team's fiscal ${unit}`,
      }),
    );
    if (!isNamedAsk(asName) || !asName.scope.teamOnly || (read.kind !== 'ask' && read.kind !== 'error'))
      return read;
    const { monthNames: _, ...named } = asName;
    return { ...read, monthNames: [{ ask: named, match: 'exact' }, ...(read.monthNames ?? [])] };
  }
  // `my team winrate`: the caller's team, unless a team is called "My Team" (then asked back).
  const ours = myTeamTyped(raw);
  const parsed = withQuestionScopeNamed(parseTokens(tokens, ctx), raw, tokens, ctx);
  const teamAt = scopeTeamAt(tokens);
  return ours && teamAt >= 0
    ? withOrTeam(parsed, orTeam(tokens, teamAt, { ...ours, meaning: 'your own team' }))
    : parsed;
}

/**
 * `what's my winrate org`: the `my` of a question (read as `me`, see withQuestionRead) beside another scope
 * is named as typed, and the ask without it offered (it said "`me` and `org`", a word never typed, with
 * nothing to type; tester, LOW). Other results unchanged.
 */
function withQuestionScopeNamed(
  parsed: ParsedCommand,
  raw: string[],
  tokens: string[],
  ctx: GrammarContext,
): ParsedCommand {
  const mine = raw.find((t, i) => t.toLowerCase() === 'my' && !isMyTeamAt(raw, i));
  const prefix = 'That names more than one scope: `me` and ';
  if (parsed.kind !== 'error' || !mine || tokens[1] !== 'me' || !parsed.message.startsWith(prefix))
    return parsed;
  const without = [tokens[0]!, ...tokens.slice(2)];
  const other = parseTokens(without, ctx);
  return {
    ...parsed,
    message: `That names more than one scope: \`${mine}\` and ${parsed.message.slice(prefix.length)}`,
    suggestion: other.kind === 'ask' ? without.join(' ') : parsed.suggestion,
  };
}

/** `parsed` with `or` on its scope when it asks about the caller's team (see OrTeam); else unchanged. */
function withOrTeam(parsed: ParsedCommand, or: OrTeam): ParsedCommand {
  if (parsed.kind !== 'ask' || parsed.scope.kind !== 'my_team' || parsed.scope.unwritten) return parsed;
  return { ...parsed, scope: { ...parsed.scope, orTeam: or } };
}

/** Parses the words of a command once they are split and read (parseCommand). */
function parseTokens(tokens: string[], ctx: GrammarContext): ParsedCommand {
  const first = tokens[0]?.toLowerCase();
  if (first === undefined) return { kind: 'help', metric: null };
  if (HELP_WORDS.has(first)) return parseHelp(tokens.slice(1), ctx);
  if (ctx.subcommands.includes(first)) return { kind: 'subcommand', name: first, tokens: tokens.slice(1) };
  const twoWay = twoWayMetric(first, tokens.slice(1));
  if (twoWay) return { kind: 'error', message: twoWay, suggestion: null };
  const metric = findMetric(first);
  // `cycle … from lead` (or `from first contact`) anywhere after the metric: the lead-to-close cycle, a
  // metric of its own; `leadcycle … from lead` says it twice. With any other metric it is a mix-up, not
  // part of a team's name: say which form means it.
  const fromLead = metric ? withoutFromLead(tokens.slice(1)) : null;
  if (metric && fromLead) {
    if (metric.id === 'cycle' || metric.id === 'leadcycle')
      return parseModifiers(findMetric('leadcycle') ?? metric, fromLead, ctx);
    return {
      kind: 'error',
      message: `${metric.label} has no \`from\`: \`from lead\` goes with the sales cycle only (\`cycle … from lead\` is the lead-to-close cycle).`,
      suggestion: ['cycle', ...fromLead, 'from lead'].join(' '),
    };
  }
  if (metric) return parseModifiers(metric, tokens.slice(1), ctx);
  if (SUMMARY_WORDS.has(first)) return parseModifiers(null, tokens.slice(1), ctx);
  // No metric word: a scope/period alone means the summary, unless the first word looks like a typo.
  const asSummary = parseModifiers(null, tokens, ctx);
  // `respnse team by rep`: a first word one slip from a metric is that metric, not a scorecard to name a
  // metric for (it offered `winrate respnse team by rep`; fresh tester helper-188).
  const metricGuess =
    asSummary.kind === 'error' && asSummary.about === 'split' ? suggestWord(first, METRIC_WORDS) : undefined;
  if (metricGuess)
    return {
      kind: 'error',
      message: `I don't know \`${clipTyped(first)}\`.`,
      suggestion: [metricGuess, ...tokens.slice(1)].join(' '),
    };
  // `leads org`: a word in the metric's place before a scope word that ends no name (`org`, `me`) is a
  // metric we do not know, not a team called "leads org" (tester: it blamed the scope). Read from those two
  // words alone, so a split or period after them (`leads org by rep last month`, which a scorecard refuses
  // for its split: helper-218) does not hide it.
  if (METRIC_PLACE_SCOPES.has(tokens[1]?.toLowerCase() ?? '')) {
    const bare = parseModifiers(null, tokens.slice(0, 2), ctx);
    if (bare.kind === 'ask' && isNamedFrom(bare, tokens[0] ?? ''))
      return unknownMetric(tokens[0]!, tokens.slice(1));
  }
  if (asSummary.kind === 'error' && asSummary.about !== undefined) return asSummary;
  const firstIsModifier = asSummary.kind === 'ask' && !isNamedFrom(asSummary, tokens[0] ?? '');
  if (firstIsModifier) return asSummary;
  const guess = suggestWord(first, knownWords(ctx));
  // A known word that is no typo (`by` alone) is not offered back as its own correction.
  // A metric's slip keeps the rest of the ask (`winrat East` → `winrate East`, the command to type back).
  if (guess && guess.toLowerCase() !== first)
    return {
      kind: 'error',
      message: `I don't know \`${clipTyped(first)}\`.`,
      suggestion: METRIC_WORDS.includes(guess) ? [guess, ...tokens.slice(1)].join(' ') : guess,
    };
  return asSummary;
}

/** Scope words after which a name never goes on (`team` does: "Growth Team"; `all` does: "All Stars"). */
const METRIC_PLACE_SCOPES = new Set(['org', 'company', 'everyone', 'me', 'mine', 'myself']);

/** A word without a plural `s`, for "`leads` names the lead metrics". */
const stem = (word: string) => word.toLowerCase().replace(/(?<=..)s$/, '');

/**
 * The refusal of `word` as a metric, with the metrics it may mean, each written with the rest of the ask
 * to copy: a misspelt id or alias (`winrat`), or the metrics whose label has the word (`leads`: Lead
 * response time, Lead conversion rate, Lead-to-close cycle).
 */
function unknownMetric(word: string, rest: string[]): ParsedCommand {
  const typed = stem(word);
  const spelt = suggestWord(word, METRIC_WORDS);
  const byLabel = METRICS.filter(
    (m) =>
      [m.id, ...m.aliases].some((w) => stem(w) === typed) ||
      m.label.split(/[^a-z]+/i).some((w) => w.length > 0 && stem(w) === typed),
  );
  const metrics = spelt ? [findMetric(spelt)!] : byLabel;
  const form = (id: string) => [id, ...rest].join(' ');
  const message = `There is no metric called \`${clipTyped(word.toLowerCase())}\`.`;
  if (metrics.length === 1) return { kind: 'error', message, suggestion: form(metrics[0]!.id) };
  if (metrics.length === 0)
    return { kind: 'error', message: `${message} \`/metrics help\` lists the metrics.`, suggestion: null };
  const options = metrics.map((m) => `\`${form(m.id)}\` (${m.label})`);
  const list = `${options.slice(0, -1).join(', ')} or ${options.at(-1)}`;
  return { kind: 'error', message: `${message} Did you mean ${list}?`, suggestion: null };
}

/** The tokens without `from lead` / `from first contact` / `from first touch`, or null when absent. */
function withoutFromLead(tokens: string[]): string[] | null {
  const lower = tokens.map((t) => t.toLowerCase());
  const i = lower.indexOf('from');
  if (i < 0) return null;
  const next = lower.slice(i + 1, i + 3);
  const len =
    next[0] === 'lead' ? 1 : next[0] === 'first' && ['contact', 'touch'].includes(next[1] ?? '') ? 2 : 0;
  if (len === 0) return null;
  return [...tokens.slice(0, i), ...tokens.slice(i + 1 + len)];
}

function isNamedFrom(ask: MetricAsk, firstToken: string): boolean {
  return ask.scope.kind === 'named' && ask.scope.name.split(' ')[0] === firstToken;
}

function parseHelp(rest: string[], ctx: GrammarContext): ParsedCommand {
  const word = rest[0];
  if (word === undefined) return { kind: 'help', metric: null };
  const metric = findMetric(word);
  if (metric) return { kind: 'help', metric };
  const twoWay = twoWayMetric(word, [], ['help']);
  if (twoWay) return { kind: 'error', message: twoWay, suggestion: null };
  const lower = word.toLowerCase();
  if (ctx.subcommands.includes(lower)) return { kind: 'help', metric: null, topic: lower };
  const guess = suggestWord(word, [...METRIC_WORDS, ...ctx.subcommands]);
  return {
    kind: 'error',
    message: `There is no metric called \`${clipTyped(word.toLowerCase())}\`.`,
    suggestion: guess ?? null,
  };
}

/** Every split the grammar reads, for an answer to `by` with no split or an unknown one when no metric is named. */
const SPLITS =
  'Splits: `by rep`, `by team`, `by product`, `by source`, `by reason` (lost deals) or `by template` (emails).';

/** The words that name one of `dims` (`rep`, `reps`, `people`, …), for "did you mean `by rep`". */
function splitWords(dims: readonly Dimension[]): string[] {
  return [...DIMENSIONS].filter(([, d]) => dims.includes(d)).map(([w]) => w);
}

/** The split word among `candidates` that `typed` misspells (`templte`) or starts (`temp`, 3+ letters). */
function guessSplit(typed: string, candidates: string[]): string | undefined {
  const lower = typed.toLowerCase();
  return (
    suggestWord(typed, candidates) ??
    (lower.length >= 3 ? candidates.find((k) => k.startsWith(lower)) : undefined)
  );
}

/** `rep, team, product or source`: a metric's splits as a sentence's list. */
function splitList(dims: readonly Dimension[]): string {
  return dims.length <= 1 ? (dims[0] ?? '') : `${dims.slice(0, -1).join(', ')} or ${dims.at(-1)}`;
}

/** The splits a metric has, as a sentence: "Win rate can be split by rep, team, product or source." */
function ownSplits(metric: MetricDefinition): string {
  return metric.dimensions.length === 0
    ? `${metric.label} cannot be split: it is one number for the scope.`
    : `${metric.label} can be split by ${splitList(metric.dimensions)}.`;
}

/**
 * The refusal of a split a metric does not have, naming the ones it has: "Win rate cannot be split by
 * template; it can be split by rep, team, product or source."
 */
function cannotSplit(metric: MetricDefinition, dim: Dimension | undefined): string {
  return metric.dimensions.length === 0 || dim === undefined
    ? ownSplits(metric)
    : `${metric.label} cannot be split by ${dim}; it can be split by ${splitList(metric.dimensions)}.`;
}

/** "`a`, `b` and `c`": the pieces of a command named back to the user. */
const LIST = new Intl.ListFormat('en', { type: 'conjunction' });
const PERIOD_CONFLICT = conflict('period');
/** Month words beyond this many are periods only: the readings double with each one. */
const MAX_NAMED_MONTHS = 3;

/**
 * The words after the metric. A month word (`october`, `oct`) is read as a period; where it stands in the
 * scope's place (no scope word, or right after a bare `team`), the ask carries it as `monthOrName` for
 * the answer to check against the teams' and people's names. The readings where month words are part of
 * a name (`may fisher`, `team March Madness`, `team October this week`) ride along as `monthNames`, for
 * the command layer to pick from once it knows the names (chooseMonthReading).
 */
function parseModifiers(
  metric: MetricDefinition | null,
  tokens: string[],
  ctx: GrammarContext,
): ParsedCommand {
  const asPeriods = readModifiers(metric, tokens, ctx, () => false);
  const months = tokens.flatMap((t, i) => (monthOfWord(t) !== null ? [i] : []));
  if (months.length === 0) return asPeriods;
  const readings: MonthNameReading[] = [];
  if (months.length <= MAX_NAMED_MONTHS) {
    // Every non-empty set of month words as name words, fewest first (then in the order typed).
    const sets = Array.from({ length: 2 ** months.length - 1 }, (_, k) =>
      months.filter((_, j) => ((k + 1) >> j) & 1),
    ).sort((a, b) => a.length - b.length);
    for (const set of sets) {
      const named = new Set(set);
      const ask = readModifiers(metric, tokens, ctx, (i) => named.has(i));
      // A name of month words alone (team `October`) keeps the question the answer asks back.
      if (!isNamedAsk(ask) || ask.scope.name.split(' ').every((w) => monthOfWord(w) !== null)) continue;
      readings.push({ ask, match: 'exact' });
    }
  }
  // Beside another period a month word can only be a name (`team October this week`), if it is one.
  if (asPeriods.kind === 'error' && asPeriods.message === PERIOD_CONFLICT.message) {
    const asNames = readModifiers(metric, tokens, ctx, () => true);
    if (isNamedAsk(asNames)) readings.push({ ask: asNames, match: 'known' });
  }
  if (readings.length === 0 || (asPeriods.kind !== 'ask' && asPeriods.kind !== 'error')) return asPeriods;
  return { ...asPeriods, monthNames: readings };
}

function isNamedAsk(parsed: ParsedCommand): parsed is MonthNameReading['ask'] {
  return parsed.kind === 'ask' && parsed.scope.kind === 'named';
}

/**
 * Whether `name` names a team (or, unless `teamOnly`, a person; with `personOnly`, only a person): with `exact`, a team's name or a
 * person's full name exactly (case and accents folded); otherwise found the usual way (a first name too).
 */
export type NameCheck = (
  scope: { name: string; teamOnly: boolean; personOnly?: true },
  exact: boolean,
) => Promise<boolean>;

/**
 * The reading of a parsed command to answer: the first of its `monthNames` readings whose name is a real
 * team's or person's name (`exact` ones before `known` ones, see MonthNameReading), else the command as
 * parsed, month words as periods. The result carries no `monthNames`. Never throws beyond `isName`.
 */
export async function chooseMonthReading(parsed: ParsedCommand, isName: NameCheck): Promise<ParsedCommand> {
  if ((parsed.kind !== 'ask' && parsed.kind !== 'error') || !parsed.monthNames) return parsed;
  const { monthNames, ...asParsed } = parsed;
  for (const { ask, match } of monthNames) if (await isName(ask.scope, match === 'exact')) return ask;
  return asParsed;
}

function readModifiers(
  metric: MetricDefinition | null,
  tokens: string[],
  ctx: GrammarContext,
  isNamedMonth: (index: number) => boolean,
): ParsedCommand {
  const pctx = { ...ctx, isNamedMonth };
  let scope: ScopeWord | null = null;
  /** Where the scope word stood, and the month word read as the period (index, as typed, spec). */
  let scopeAt = -1;
  let month: { at: number; word: string; period: string } | null = null;
  let period: string | null = null;
  let by: Dimension | null = null;
  let share = false;
  /** The word that asked to share (`share`, `post` or `public`), for the refusal of a second one. */
  let shareWord = '';
  /** `since oct`, `30 days ago`: answered with the text to type once the scope is known. */
  let zoned: ZonedHint | null = null;
  /** Names typed in quotes: each is one whole name. */
  let quotedNames = 0;
  /** Which of `leftovers` are quoted names. */
  const quotedRuns = new Set<number>();
  /** Which of `leftovers` are full names typed after an `@` (`@Bob Ray`). */
  const atNames = new Set<number>();
  const leftovers: string[][] = [];
  let run: string[] = [];
  const endRun = () => {
    if (run.length > 0) leftovers.push(run);
    run = [];
  };
  let teamOnly = false;
  let personOnly = false;
  /** What asked for a team or person by name, as typed before it (`team `, `rep `, `person `, or `@`). */
  let nameWordTyped = '';
  /** The scope as typed (`me`, `<@U1|ada>`, `#emea`), to name it when a second one is asked. */
  let scopeTyped = '';

  /** An @handle as typed with the name words after it (`@June Smith`); the handle alone for other words. */
  const atFullName = (raw: string, at: number) => {
    if (!HANDLE.test(raw)) return raw;
    let end = at + 1;
    while (end < tokens.length && isNameWord(tokens[end]!, tokens, end, pctx)) end++;
    return tokens.slice(at, end).join(' ');
  };

  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!;
    const word = raw.toLowerCase();
    // `""`, `"Sales & Success 30d`: quotes with no name in them, or not closed (reading on would merge the
    // period into the name).
    const quoteProblem = badQuote(raw);
    if (quoteProblem) return { kind: 'error', message: quoteProblem, suggestion: null };
    // `"Sales & Success"`: a quoted name is a name, whatever its words.
    const quoted = QUOTED.exec(raw);
    if (quoted) {
      endRun();
      quotedRuns.add(leftovers.length);
      leftovers.push([unquoteName(raw)]);
      quotedNames++;
      continue;
    }
    const person = personWord(raw);
    // `@Bob Ray 2026`: an @ typed before a full name (Slack leaves it as text when no one is picked from the
    // menu) asks for that person, as `person Bob Ray` does (fresh tester helper-180: `Ray` was left unread).
    const next = tokens[i + 1];
    if (person?.kind === 'handle' && !scope && next && isNameWord(next, tokens, i + 1, pctx)) {
      endRun();
      atNames.add(leftovers.length);
      personOnly = true;
      nameWordTyped = '@';
      run.push(raw.slice(1));
      continue;
    }
    if (person) {
      endRun();
      // `me @June Smith`: the person named back in full, as typed (helper-182: it said `@June`).
      if (scope) return conflict(isPerson(scope) ? 'person' : 'scope', [scopeTyped, atFullName(raw, i)]);
      scope = person;
      scopeTyped = raw;
      continue;
    }
    const typedChannel = CHANNEL_TEXT.exec(raw);
    const channel = CHANNEL_LINK.exec(raw) ?? (typedChannel ? [raw, '', typedChannel[1]!] : null);
    if (channel) {
      endRun();
      if (scope) return conflict(scope.kind === 'named' ? 'team' : 'scope', [scopeTyped, raw]);
      // A team's channel stands for the team when it carries the team's name (#emea → EMEA).
      if (!channel[2])
        return { kind: 'error', message: 'Name the team instead of its channel.', suggestion: null };
      scope = { kind: 'named', name: channel[2], teamOnly: true };
      scopeTyped = raw;
      continue;
    }
    if (word === 'by') {
      endRun();
      const next = tokens[i + 1];
      const dim = DIMENSIONS.get(next?.toLowerCase() ?? '');
      // `winrate by template`: a split this metric does not have is refused with the ones it has (a metric
      // with none, whatever follows `by`).
      if (metric && (metric.dimensions.length === 0 || (dim && !metric.dimensions.includes(dim))))
        return { kind: 'error', message: cannotSplit(metric, dim), suggestion: null, about: 'split' };
      if (!dim) {
        // A slip (`templte`), or the start of a split's name (`temp`): guessed among the metric's own splits
        // only, so the guess is never one it would refuse.
        const own = metric ? splitWords(metric.dimensions) : [...DIMENSIONS.keys()];
        const guess = next === undefined ? undefined : guessSplit(next, own);
        if (metric && !guess) {
          // `winrate by templte`: a slip for a split the metric does not have.
          const other = next === undefined ? undefined : guessSplit(next, [...DIMENSIONS.keys()]);
          const otherDim = other === undefined ? undefined : DIMENSIONS.get(other);
          // The split as typed, the guess only asked about (tester: `by region` said "by reason").
          if (otherDim)
            return {
              kind: 'error',
              message: `I don't know the split \`${clipTyped(next!)}\`; did you mean \`by ${other}\`? ${cannotSplit(metric, otherDim)}`,
              suggestion: null,
              about: 'split',
            };
        }
        const splits = metric ? ownSplits(metric) : SPLITS;
        return {
          kind: 'error',
          message: `${guess ? `Did you mean \`by ${guess}\`? ` : next === undefined ? 'Split `by` what? ' : `I don't know the split \`${clipTyped(next)}\`. `}${splits}`,
          suggestion: null,
        };
      }
      // `by rep by rep` is refused like `by rep by team`: a split said twice is likelier a slip than meant.
      if (by)
        return {
          kind: 'error',
          message:
            by === dim
              ? `That asks \`by ${dim}\` twice; one split at a time.`
              : `One split at a time: \`by ${by}\` or \`by ${dim}\`.`,
          suggestion: null,
        };
      by = dim;
      i++;
      continue;
    }
    if (SHARE_WORDS.has(word)) {
      // `share share` is refused like `by rep by rep`: a word said twice is likelier a slip than meant.
      if (share)
        return {
          kind: 'error',
          message:
            shareWord === word
              ? `That asks \`${word}\` twice; say it once.`
              : `\`${shareWord}\` and \`${word}\` both ask to share; say it once.`,
          suggestion: null,
        };
      endRun();
      share = true;
      shareWord = word;
      continue;
    }
    // `30 days ago` is one day, `since oct` a range up to today: worded with dates once the scope is known.
    const ago = readAgo(tokens, i);
    const since =
      word === 'since' ? (dayBeforeMonth(tokens, i + 1, pctx) ?? matchPeriod(tokens, i + 1, pctx)) : null;
    // `since monday`: from this week's Monday (the last one on or before today) to today.
    const sinceDay = word === 'since' && !since ? weekdayOfWord(tokens[i + 1] ?? '') : null;
    if (ago || since || sinceDay !== null) {
      endRun();
      const length = ago ? ago.length : since ? 1 + since.length : 2;
      const typed = tokens.slice(i, i + length).join(' ');
      zoned ??=
        ago?.hint ??
        (since
          ? { kind: 'since', typed, from: since.spec }
          : { kind: 'since-weekday', typed, weekday: sinceDay! });
      i += length - 1;
      continue;
    }
    // `2026-03-01 – 2026-03-10`, `from 2026-03-01 to 2026-03-10`: the range; the wrong way round, or a
    // month and a day on each side (`mar 1 to mar 10`), answered with the range to type.
    const dates = readMonthRange(tokens, i, pctx) ?? readDateRange(tokens, i, pctx);
    if (dates?.kind === 'problem') return { kind: 'error', ...dates.problem, about: 'period' };
    if (dates) {
      endRun();
      if (period) return conflict('period');
      period = dates.spec;
      i += dates.length - 1;
      continue;
    }
    // `– 2026-03-10`, `to mar 10`, `2026-03-01 to`: a range begun or ended with one date.
    const half = halfRange(tokens, i, pctx);
    if (half) return { kind: 'error', ...half, about: 'period' };
    // `mar 1 2026`: the day to type (not `mar 1`, 1 March or March 2001, beside a year).
    const written = monthDayYear(tokens, i, pctx);
    if (written) return { kind: 'error', ...written, about: 'period' };
    // `q1 2026` with a fiscal calendar: the calendar quarter or the fiscal one? Both, to type, never a guess.
    const twoWays = twoWayPeriod(tokens, i, pctx);
    if (twoWays) return { kind: 'error', message: twoWays, suggestion: null, about: 'period' };
    const periodMatch = matchPeriod(tokens, i, pctx);
    // `oct 26`: 26 October or October 2026? Say how to write each rather than guess.
    const ambiguous = periodMatch?.length === 1 ? ambiguousMonthNumber(tokens, i, periodMatch.spec) : null;
    if (ambiguous) return { kind: 'error', message: ambiguous, suggestion: null, about: 'period' };
    if (periodMatch) {
      endRun();
      if (period) return conflict('period');
      period = periodMatch.spec;
      const monthAt = tokens.slice(i, i + periodMatch.length).findIndex((t) => monthOfWord(t) !== null);
      if (monthAt >= 0) month = { at: i + monthAt, word: tokens[i + monthAt]!, period: periodMatch.spec };
      i += periodMatch.length - 1;
      continue;
    }
    // `26 oct`: a day written before its month; say the exact text to type instead.
    const after = /^\d{1,2}$/.test(word) && i + 1 < tokens.length ? matchPeriod(tokens, i + 1, pctx) : null;
    const otherwise = after ? periodWrittenOtherwise(tokens, i, after, ctx) : null;
    if (otherwise)
      return { kind: 'error', message: otherwise.message, suggestion: otherwise.suggestion, about: 'period' };
    // `team Team Star`: a team whose name begins with "Team" (fresh tester helper-206: it answered "That names
    // more than one scope: `team` and `Team Star`"). `team the closers`: a team whose name begins with "The"
    // (the `the` is dropped, as before any name; the answer finds the team "The Closers" by "closers").
    const second = tokens[i + 1]?.toLowerCase();
    // `team the`, `team the the week`: only `the` after `team`, no name: a team called "The" or "The The"
    // (fresh tester helper-305, HIGH: the `the` was dropped, and `target set calls 40 team the the week` set
    // the caller's own team's target).
    if (
      word === 'team' &&
      second === 'the' &&
      !(tokens[i + 2] && isNameWord(tokens[i + 2]!, tokens, i + 2, pctx))
    ) {
      endRun();
      teamOnly = true;
      nameWordTyped = `${raw} `;
      while (tokens[i + 1]?.toLowerCase() === 'the') run.push(tokens[++i]!);
      continue;
    }
    if (
      word === 'team' &&
      (second === 'team' || second === 'the') &&
      tokens[i + 2] &&
      isNameWord(tokens[i + 2]!, tokens, i + 2, pctx)
    ) {
      endRun();
      teamOnly = true;
      nameWordTyped = `${raw} `;
      if (second === 'team') run.push(tokens[i + 1]!);
      i++;
      continue;
    }
    // "team EMEA" names a team; a bare "team" is the caller's own.
    if (word === 'team' && tokens[i + 1] && isNameWord(tokens[i + 1]!, tokens, i + 1, pctx)) {
      endRun();
      teamOnly = true;
      nameWordTyped = `${raw} `;
      continue;
    }
    // `rep "R&D Team"`, `person Kim`: a person's name, asked for when a team has the same name.
    if (
      (word === 'rep' || word === 'person') &&
      tokens[i + 1] &&
      isNameWord(tokens[i + 1]!, tokens, i + 1, pctx)
    ) {
      endRun();
      personOnly = true;
      nameWordTyped = `${raw} `;
      continue;
    }
    const scopeWord = SCOPE_WORDS.get(word);
    if (scopeWord && run.length === 0) {
      if (scope) return conflict('scope', [scopeTyped, raw]);
      scope = scopeWord;
      scopeAt = i;
      scopeTyped = raw;
      continue;
    }
    if (FILLER.has(word) && run.length === 0) continue;
    const problem = periodProblem(tokens, i, ctx);
    if (problem)
      return { kind: 'error', message: problem.message, suggestion: problem.suggestion, about: 'period' };
    run.push(raw);
  }
  endRun();

  // `"EMEA" "UK"`, `me "EMEA"`: each quoted name is whole, so two of them are two scopes; but the words
  // beside one quoted name may be a mistyped period (`"NA East" lst week`), as after an unquoted name.
  if (quotedNames > 0 && (leftovers.length > 1 || scope)) {
    const others = leftovers.filter((_, index) => !quotedRuns.has(index));
    const typed = others.length === 1 && quotedNames === 1 && !scope ? others[0]!.join(' ') : null;
    const typo = typed === null ? null : periodTypo(typed, ctx);
    if (typo)
      return {
        kind: 'error',
        message: `I don't know the period \`${clipTyped(typed!)}\`. ${typoSentence(typo)}`,
        suggestion: null,
        about: 'period',
      };
    const named = leftovers.map((words, index) =>
      quotedRuns.has(index) ? `"${words[0]}"` : words.join(' '),
    );
    return conflict('scope', scope ? [scopeTyped, ...named] : named);
  }
  // `team rep Kim`: a team's name and a person's name at once.
  if (teamOnly && personOnly)
    return { kind: 'error', message: 'Ask for a team or a person, not both at once.', suggestion: null };
  // `win rat team EMEA`: the word after the metric is a slip in its name, beside a scope.
  const slip =
    metric && leftovers[0]?.[0] === tokens[0] && !quotedRuns.has(0) && (leftovers.length > 1 || scope)
      ? splitMetricSlip(metric, tokens[0]!)
      : null;
  if (slip)
    return {
      kind: 'error',
      message: `I couldn't make sense of \`${clipTyped(tokens[0]!)}\`.`,
      suggestion: [slip.id, ...tokens.slice(1)].join(' '),
    };
  // `@Bob Ray @June Smith`: two people, named back as typed (helper-181: it said "Bob Ray Smith").
  if (leftovers.length > 1 && atNames.size > 0) {
    const named = leftovers.map((words, index) => `${atNames.has(index) ? '@' : ''}${words.join(' ')}`);
    return conflict(atNames.size === leftovers.length ? 'person' : 'scope', named);
  }
  if (leftovers.length > 1) return unknownWords(leftovers.flat(), ctx);
  if (leftovers.length === 1) {
    // `org team EMEA`: a scope word, then a team or person asked for by name.
    if (scope && (teamOnly || personOnly))
      return conflict('scope', [scopeTyped, `${nameWordTyped}${leftovers[0]!.join(' ')}`]);
    if (scope) return unknownWords(leftovers[0]!, ctx);
    scope = {
      kind: 'named',
      name: leftovers[0]!.join(' '),
      teamOnly,
      ...(personOnly ? { personOnly: true as const } : {}),
      ...(quotedNames > 0 ? { quoted: true as const } : {}),
      ...(atNames.size > 0 ? { atTyped: true as const } : {}),
    };
  }
  if (zoned) {
    const problem = zonedHint(zoned, ctx);
    return {
      kind: 'error',
      ...problem,
      about: 'period',
      zoned: { hint: zoned, scope: scope ?? { kind: 'me' } },
    };
  }
  // A split without a metric (`/metrics by rep`) would be dropped by the scorecard without a word.
  if (metric === null && by !== null)
    return {
      kind: 'error',
      message: `\`by ${by}\` splits one metric, and the scorecard shows several: name the metric first.`,
      suggestion: ['winrate', ...tokens].join(' '),
      about: 'split',
    };
  // `winrate by rep` with no scope: the caller's team split, as `team by rep` (a one-row leaderboard of
  // oneself is never what is meant).
  if (scope === null && metric !== null && (by === 'rep' || by === 'team'))
    scope = {
      kind: 'my_team',
      unwritten: { metric: metric.id, by },
      ...(month ? { monthOrName: { word: month.word, period: month.period } } : {}),
    };
  else if (month && scope === null)
    scope = { kind: 'me', monthOrName: { word: month.word, period: month.period } };
  // `team october`: the caller's team in October, or the team called October.
  else if (
    month &&
    scope?.kind === 'my_team' &&
    scopeAt === month.at - 1 &&
    tokens[scopeAt]!.toLowerCase() === 'team'
  )
    scope = { kind: 'my_team', monthOrName: { word: month.word, period: month.period } };
  return { kind: 'ask', metric, scope: scope ?? { kind: 'me' }, period, by, share };
}

/** The grammar's context while reading modifiers: `isNamedMonth(i)` when the month word at i is a name. */
type ModifierContext = GrammarContext & { isNamedMonth?: (index: number) => boolean };

/** A word that can start a name: not a keyword, period, mention or filler. */
function isNameWord(raw: string, tokens: string[], index: number, ctx: ModifierContext): boolean {
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
function matchPeriod(
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
function twoWayPeriod(tokens: string[], index: number, ctx: GrammarContext): string | null {
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

function safeParsePeriod(phrase: string, ctx: GrammarContext): string | null {
  const r = readPhrase(phrase.toLowerCase(), ctx);
  return r.ok ? r.period.spec : null;
}

/**
 * `26 oct` at `tokens[index]`, a day before its month, as the day's spec (`2026-10-26`) and its length in
 * words; null for other words or a day the month does not have.
 */
function dayBeforeMonth(
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
function personWord(raw: string): ScopeWord | null {
  const mention = MENTION.exec(raw);
  if (mention) return { kind: 'user', slackUserId: mention[1]!, name: mention[2] || null };
  const mail = MAILTO.exec(raw);
  if (mail) return { kind: 'email', email: mail[1]!.trim().toLowerCase() };
  if (/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(raw)) return { kind: 'email', email: raw.toLowerCase() };
  const handle = HANDLE.exec(raw);
  if (handle) return { kind: 'handle', handle: handle[1]!.toLowerCase() };
  return null;
}

/** A scope that names one person: a mention, an email or an @handle. */
const isPerson = (scope: ScopeWord) =>
  scope.kind === 'user' || scope.kind === 'email' || scope.kind === 'handle';

/**
 * The refusal of two scopes (or persons, or teams) in one command, naming each as typed (`typed`); a
 * mention or channel link as people see it (`<@U1|ana>` → `@ana`, `<#C1|emea>` → `#emea`).
 */
function conflict(what: string, typed: string[] = []): Extract<ParsedCommand, { kind: 'error' }> {
  const seen = (t: string) => {
    const link = MENTION.exec(t) ?? CHANNEL_LINK.exec(t);
    return link ? `${t[1]}${link[2] || link[1]}` : t;
  };
  // `org org`: one scope said twice, not two.
  if (typed.length > 1 && new Set(typed.map((t) => t.toLowerCase())).size === 1)
    return {
      kind: 'error',
      message: `That names \`${clipTyped(seen(typed[0]!))}\` twice; say it once.`,
      suggestion: null,
    };
  const named = typed.length > 1 ? `: ${LIST.format(typed.map((t) => `\`${clipTyped(seen(t))}\``))}` : '';
  return {
    kind: 'error',
    message: `That names more than one ${what}${named}; ask for one at a time.`,
    suggestion: null,
  };
}

/**
 * The metric meant when `metric`'s name (an id or alias, as `win` is win rate's) and the `next` word typed
 * after it are one slip from another metric word (`win rat` → win rate); null otherwise. One slip at most:
 * `win ratna` is a person's name after `win`.
 */
export function splitMetricSlip(metric: MetricDefinition, next: string): MetricDefinition | null {
  const typed = next.toLowerCase();
  for (const word of [metric.id, ...metric.aliases]) {
    const joined = `${word}${typed}`;
    // The guess goes on from the metric's word with (nearly) the next word, two letters or more: `win rat`
    // is `winrate`; `calls <` is no slip for `calls`, nor `win vs` for `wins` (tester, LOW: they offered
    // `calls` and `winrate team` back).
    const guess = METRIC_WORDS.find(
      (w) =>
        editDistance(joined, w) === 1 &&
        w.startsWith(word) &&
        w.length - word.length >= 2 &&
        editDistance(w.slice(word.length), typed) <= 1,
    );
    if (guess !== undefined) return findMetric(guess) ?? null;
  }
  return null;
}

function unknownWords(words: string[], ctx: GrammarContext): ParsedCommand {
  const text = words.join(' ');
  // `me nxt month`: a mistyped period is the likelier meaning of two such words.
  const period = words.length === 2 ? periodTypo(text, ctx) : null;
  const guess =
    period?.kind === 'period'
      ? period.period
      : words.map((w) => suggestWord(w, knownWords(ctx))).find((g) => g !== undefined);
  return {
    kind: 'error',
    message: `I couldn't make sense of \`${clipTyped(text)}\`.`,
    suggestion: guess ?? null,
  };
}
