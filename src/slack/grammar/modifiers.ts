import { suggestWord } from '../../edit-distance.js';
import { monthOfWord } from '../../metrics/periods.js';
import type { Dimension, MetricDefinition } from '../../metrics/types.js';
import type { GrammarContext, MonthNameReading, ParsedCommand } from './ask.js';
import { halfRange, monthDayYear, readDateRange, readMonthRange } from './date-ranges.js';
import { knownWords, splitMetricSlip } from './metric-words.js';
import { dayBeforeMonth, isNameWord, matchPeriod, personWord, twoWayPeriod } from './period-match.js';
import {
  ambiguousMonthNumber,
  periodProblem,
  periodTypo,
  periodWrittenOtherwise,
  readAgo,
  typoSentence,
  weekdayOfWord,
  type ZonedHint,
  zonedHint,
} from './period-words.js';
import { cannotSplit, guessSplit, ownSplits, SPLITS, splitWords } from './splits.js';
import {
  badQuote,
  CHANNEL_LINK,
  CHANNEL_TEXT,
  clipTyped,
  DIMENSIONS,
  FILLER,
  HANDLE,
  MENTION,
  QUOTED,
  SCOPE_WORDS,
  type ScopeWord,
  SHARE_WORDS,
  unquoteName,
} from './words.js';

/**
 * The words after the metric (`[scope] [period] [by dimension] [share]`, in any order), read one by one into
 * an ask or a refusal, and the readings where month words are part of a name. Pure.
 */

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
export function parseModifiers(
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

export function isNamedAsk(parsed: ParsedCommand): parsed is MonthNameReading['ask'] {
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
  /**
   * Which of `leftovers` were typed after a dropped `the` (`calls the closers`), so the answer can prefer a
   * team whose full name has it ("The Closers") over one without ("Closers").
   */
  const theRuns = new Set<number>();
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
    // The word after the `the`s that follow `team` (`team the the closers`: a `the` typed twice is one; fresh
    // tester helper-404, LOW: it was the unknown team "the the closers").
    let afterThe = i + 1;
    while (tokens[afterThe]?.toLowerCase() === 'the') afterThe++;
    const nameAfterThe = !!tokens[afterThe] && isNameWord(tokens[afterThe]!, tokens, afterThe, pctx);
    // `team the`, `team the the week`: only `the` after `team`, no name: a team called "The" or "The The"
    // (fresh tester helper-305, HIGH: the `the` was dropped, and `target set calls 40 team the the week` set
    // the caller's own team's target).
    if (word === 'team' && second === 'the' && !nameAfterThe) {
      endRun();
      teamOnly = true;
      nameWordTyped = `${raw} `;
      while (tokens[i + 1]?.toLowerCase() === 'the') run.push(tokens[++i]!);
      continue;
    }
    const teamTeam = second === 'team' && tokens[i + 2] && isNameWord(tokens[i + 2]!, tokens, i + 2, pctx);
    if (word === 'team' && (teamTeam || (second === 'the' && nameAfterThe))) {
      endRun();
      teamOnly = true;
      nameWordTyped = `${raw} `;
      if (teamTeam) run.push(tokens[++i]!);
      else i = afterThe - 1;
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
    if (run.length === 0 && tokens[i - 1]?.toLowerCase() === 'the') theRuns.add(leftovers.length);
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
      ...(theRuns.has(0) ? { theTyped: true as const } : {}),
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
