import { suggestWord } from '../../edit-distance.js';
import { findMetric, METRICS } from '../../metrics/definitions.js';
import { monthOfWord } from '../../metrics/periods.js';
import { MAX_COMMAND_CHARS } from '../inbound.js';
import type { GrammarContext, MetricAsk, ParsedCommand } from './ask.js';
import { joinMetricWords, knownWords, METRIC_WORDS, twoWayMetric } from './metric-words.js';
import { isNamedAsk, parseModifiers } from './modifiers.js';
import { isNameWord, type ModifierContext, safeParsePeriod } from './period-match.js';
import { isFiscalAsThis, withoutFiscalWord, withToDateWords } from './period-words.js';
import {
  isBareQuestion,
  openerLength,
  questionWords,
  tailWordAt,
  theScopeTyped,
  versusAsks,
  weAsTeamAt,
  weTyped,
  withVersusLastAsThis,
} from './questions.js';
import {
  fiscalAfterTeam,
  isMyTeamAt,
  myTeamTyped,
  orTeam,
  scopeTeamAt,
  withMyTeamAsTeam,
} from './team-words.js';
import {
  clipTyped,
  DIMENSIONS,
  HELP_WORDS,
  type OrTeam,
  QUOTED_NAME,
  SCOPE_WORDS,
  SHARE_WORDS,
  SUMMARY_WORDS,
} from './words.js';

/**
 * The `/metrics` grammar: `[metric] [scope] [period] [by dimension] [share]`, words in any order after
 * the metric, case-insensitive. Pure and total: every input gives a ParsedCommand, never an exception.
 * Names (teams, people) are only collected here; the command layer resolves them against the database.
 */

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

/**
 * A question in plain words read as the ask it means: its opener (see openerLength) and a `the` after it
 * are dropped, and `my` before the metric is the caller, as `me` after it is (`what's my win rate this
 * quarter` is `winrate me this quarter`; `show me winrate` is `winrate`, whose scope is the caller anyway),
 * and `my team` before it is the caller's team (`what's my team winrate` is `winrate team`). With no
 * metric, `my team`, `the team`, `we` and `us` are the caller's team's scorecard (`how are we doing` is
 * `team`), `I` the caller's (`how did I do this week` is `me this week`), and after `how` a name is that
 * name's (`how did R&D do last quarter` is `R&D last quarter`).
 * Other tokens are returned as joinMetricWords returns them, so a team's name is never cut. Pure.
 */
function withQuestionRead(tokens: string[], ctx: GrammarContext): string[] {
  const lower = questionWords(tokens);
  const opener = openerLength(lower);
  // `how is my team doing`, `what's my winrate like`: the question's last word says nothing (fresh tester
  // helper-305: "I don't know a team called "doing"").
  // Fresh tester helper-403 (MED): also before a period (`how is my team doing this month`).
  // Fresh tester helper-503 (MED): before any period the grammar reads (`how did R&D do q3`), with an `in` or
  // `in the` before it (`how did R&D do in october`), not only `this`, `last`, … .
  const tail = opener > 0 ? tailWordAt(lower, opener, ctx) : null;
  if (tail)
    return withQuestionRead(
      tokens.filter((_, i) => i < tail.at || i >= tail.at + tail.length),
      ctx,
    );
  let at = opener;
  if (opener > 0 && lower[at] === 'the') at += 1;
  // `my team winrate`, `how is my team's winrate`: the caller's team, as `team` after the metric; in a
  // question, `the team` and `team` too (`how is the team doing`; fresh tester helper-403, MED).
  // `how are we doing`: `we` and `us` too (fresh tester helper-404, MED), and `I` is the caller (`how did I
  // do this week`).
  const teamWord = opener > 0 && (lower[at] === 'team' || weAsTeamAt(lower, ctx));
  const ours = teamWord || isMyTeamAt(lower, at);
  const self = opener > 0 && lower[at] === 'i';
  const mine = !ours && (self || lower[at] === 'my');
  if (teamWord) at += 1;
  else if (ours) at += 2;
  else if (mine) at += 1;
  if (at === 0) return joinMetricWords(tokens);
  const rest = joinMetricWords(tokens.slice(at));
  // `what's my team` (this week): the team's scorecard, as `team` is (fresh tester helper-304: it was read as
  // a team called "what's team").
  // `how is R&D doing this month`: how a named team or person is doing, as `R&D this month` (its
  // scorecard); `how is` is no part of the name (fresh tester helper-404: "I don't know a team or person
  // called "how is R&D""). Other openers keep their words (`what's up` is read as typed), and so does `my`.
  if (!findMetric(rest[0] ?? '')) {
    if (ours && opener > 0) return ['team', ...rest];
    if (self) return ['me', ...rest];
    const how = opener > 0 && /^how/.test(lower[0]!);
    return how && !mine && rest.length > 0 ? rest : joinMetricWords(tokens);
  }
  return ours || mine ? [rest[0]!, ours ? 'team' : 'me', ...rest.slice(1)] : rest;
}

/**
 * withQuestionRead, and a question about a name that is also a subcommand's word (`how is Fiscal doing`, a
 * team "Fiscal") read as that name's scorecard (`scorecard Fiscal`): a question names a scope, never a
 * subcommand (fresh tester helper-503, HIGH: it answered the fiscal calendar's help, and `how did Fiscal do
 * last month` "`fiscal last` is not something I know").
 */
function withQuestionNamed(raw: string[], ctx: GrammarContext): string[] {
  const read = withQuestionRead(raw, ctx);
  const question = openerLength(questionWords(raw)) > 0;
  const first = read[0]?.toLowerCase() ?? '';
  return question && ctx.subcommands.includes(first) && !findMetric(first) ? ['scorecard', ...read] : read;
}

/** Parses the text after `/metrics`. */
export function parseCommand(text: string, ctx: GrammarContext): ParsedCommand {
  const typed = withPolitenessDropped(
    withoutCodeMarks(withoutDateCommas(tokenize(withoutQuoteMark(text.slice(0, MAX_COMMAND_CHARS)))), ctx),
  );
  // A subcommand reads its own words, commas and all (its names are matched there).
  const subcommand = ctx.subcommands.includes(typed[0]?.toLowerCase() ?? '');
  const unfiscal = withToDateWords(subcommand ? typed : withCommasAsSeparators(typed, ctx));
  const raw = withoutFiscalWord(unfiscal);
  const head = raw[0]?.toLowerCase();
  if (head !== undefined && HELP_WORDS.has(head))
    return parseTokens([raw[0]!, ...joinMetricWords(raw.slice(1))], ctx);
  // A subcommand gets its `fiscal` as typed (`target set calls 46 fiscal quarter` is per quarter, read by the
  // target command; fresh tester helper-503, MED: as `this quarter` it was refused as one particular period);
  // those that read periods as questions do parse them again. Unless the subcommand's own word was so read
  // (`fiscal year` is this year's scorecard).
  if (subcommand) return parseTokens(withQuestionRead(raw[0] === unfiscal[0] ? unfiscal : raw, ctx), ctx);
  // `what is my ?`: a question with no metric (it offered the month `may` for `my`; tester, LOW).
  if (isBareQuestion(raw))
    return {
      kind: 'error',
      message: 'Which metric? Ask as in `what’s my winrate`; `/metrics help` lists the metrics.',
      suggestion: null,
    };
  // `winrate R&D vs last quarter`: this quarter, which the answer compares with the last (fresh tester
  // helper-404, MED: it was "I don't know a team or person called "R&D vs"").
  const tokens = withVersusLastAsThis(withMyTeamAsTeam(withQuestionNamed(raw, ctx)), (words) =>
    parseTokens(words, ctx),
  );
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
  const ours = myTeamTyped(raw) ?? weTyped(raw, ctx);
  const parsed = withQuestionScopeNamed(parseTokens(tokens, ctx), raw, tokens, ctx);
  const teamAt = scopeTeamAt(tokens);
  if (ours && teamAt >= 0)
    return withOrTeam(parsed, orTeam(tokens, teamAt, { ...ours, meaning: 'your own team' }));
  // `how is the team doing`, `how is the org doing`: asked back when a team is called "The Team" or "The
  // Org", as `calls the team` is (fresh tester helper-503, HIGH: answered for the caller's team or the org).
  const the = theScopeTyped(raw);
  if (the) return withQuestionTheScope(parsed, tokens, the);
  return withTheScopeOrTeam(withFiscalOrTeam(parsed, unfiscal, tokens), tokens);
}

/**
 * `winrate fiscal year` (no scope typed): the caller this fiscal year, unless a team is called "Fiscal", as
 * `team fiscal year` is read (fiscalAfterTeam): `parsed` with an OrTeam on its `me` scope, so the answer asks
 * back when that team exists (it answered for the caller without a word). `unfiscal`: the words before
 * withoutFiscalWord read `fiscal` as `this`; `tokens`: the words as read. Other results unchanged. Pure.
 */
function withFiscalOrTeam(parsed: ParsedCommand, unfiscal: string[], tokens: string[]): ParsedCommand {
  if (parsed.kind !== 'ask' || parsed.scope.kind !== 'me' || parsed.scope.monthOrName) return parsed;
  if (tokens.some((t) => SCOPE_WORDS.get(t.toLowerCase())?.kind === 'me')) return parsed;
  const at = unfiscal.findIndex((_, i) => isFiscalAsThis(unfiscal, i));
  if (at < 0) return parsed;
  const word = unfiscal[at]!;
  const unit = unfiscal[at + 1]!.toLowerCase();
  const isThis = (w: string[], i: number) => w[i] === 'this' && w[i + 1]?.toLowerCase() === unit;
  // `winrate the fiscal year`: the commands offered leave the `the` out (fresh tester helper-403: they read
  // `winrate the this year` and `winrate the team "fiscal" this year`).
  const words = tokens.filter((t, i) => !(t.toLowerCase() === 'the' && isThis(tokens, i + 1)));
  const thisAt = words.findIndex((_, i) => isThis(words, i));
  if (thisAt < 0) return parsed;
  const named = [...words.slice(0, thisAt), 'team', `"${word}"`, ...words.slice(thisAt)];
  const or: OrTeam = {
    name: word,
    typed: `${word} ${unfiscal[at + 1]}`,
    meaning: `your fiscal ${unit}`,
    own: words.join(' '),
    named: named.join(' '),
  };
  return { ...parsed, scope: { ...parsed.scope, orTeam: or } };
}

/**
 * `calls the team`, `winrate the org`: the caller's team or the org (the `the` dropped), unless a team is
 * called "The Team" or "The Org": `parsed` with an OrTeam on its scope, so the answer asks back when that
 * team exists instead of answering for the other one. Other results unchanged. Pure.
 */
function withTheScopeOrTeam(parsed: ParsedCommand, tokens: string[]): ParsedCommand {
  if (parsed.kind !== 'ask' || (parsed.scope.kind !== 'my_team' && parsed.scope.kind !== 'org'))
    return parsed;
  if (parsed.scope.kind === 'my_team' && (parsed.scope.unwritten || parsed.scope.orTeam)) return parsed;
  const kind = parsed.scope.kind;
  const at = tokens.findIndex(
    (t, i) =>
      i > 0 && tokens[i - 1]!.toLowerCase() === 'the' && SCOPE_WORDS.get(t.toLowerCase())?.kind === kind,
  );
  if (at < 0) return parsed;
  const typed = `${tokens[at - 1]} ${tokens[at]}`;
  const or: OrTeam = {
    name: typed,
    typed,
    meaning: kind === 'org' ? 'the whole org' : 'your own team',
    own: [...tokens.slice(0, at - 1), ...tokens.slice(at)].join(' '),
    named: [...tokens.slice(0, at - 1), 'team', `"${typed}"`, ...tokens.slice(at + 1)].join(' '),
  };
  return { ...parsed, scope: { ...parsed.scope, orTeam: or } };
}

/**
 * `how is the team doing`: the `the team` or `the org` of a question (`the`, see theScopeTyped), which
 * withQuestionRead dropped the `the` of, read as the caller's team or the org: `parsed` with an OrTeam on its
 * scope, as withTheScopeOrTeam gives outside a question. Other results unchanged. Pure.
 */
function withQuestionTheScope(
  parsed: ParsedCommand,
  tokens: string[],
  the: { typed: string; kind: 'my_team' | 'org' },
): ParsedCommand {
  if (parsed.kind !== 'ask' || parsed.scope.kind !== the.kind) return parsed;
  if (parsed.scope.kind === 'my_team' && (parsed.scope.unwritten || parsed.scope.orTeam)) return parsed;
  const at = tokens.findIndex(
    (t, i) => SCOPE_WORDS.get(t.toLowerCase())?.kind === the.kind && tokens[i - 1]?.toLowerCase() !== 'by',
  );
  if (at < 0) return parsed;
  const or: OrTeam = {
    name: the.typed,
    typed: the.typed,
    meaning: the.kind === 'org' ? 'the whole org' : 'your own team',
    own: tokens.join(' '),
    named: [...tokens.slice(0, at), 'team', `"${the.typed}"`, ...tokens.slice(at + 1)].join(' '),
  };
  return { ...parsed, scope: { ...parsed.scope, orTeam: or } };
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
