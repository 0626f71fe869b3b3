import { suggestNames, unknownNameHint } from '../access/people.js';
import { nameChecker, resolveScopeAsk } from '../access/scope.js';
import { fold } from '../core/fold.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { beforeDeadline, resolveScope } from '../metrics/index.js';
import type { MetricAsk, ParsedCommand } from '../slack/grammar/ask.js';
import { splitMetricSlip } from '../slack/grammar/metric-words.js';
import {
  type PeriodProblem,
  periodTypo,
  periodTypoHint,
  trailingPeriodTypo,
  typoSentence,
  zonedHint,
} from '../slack/grammar/period-words.js';
import { clipQuoted, clipTyped, SCOPE_WORDS } from '../slack/grammar/words.js';
import { neutraliseMarkers } from '../slack/mrkdwn.js';
import type { FiscalCalendar } from '../time/fiscal.js';

/**
 * Period hints that need the database: the dates of `since oct` and `30 days ago` in the zone the answer
 * would use, and a mistyped period after a known name (`EMEA lst week`). Shared by questions, `lost` and
 * `coach`, so each says the same.
 */

type GrammarError = Extract<ParsedCommand, { kind: 'error' }>;

/**
 * A grammar error's message and suggestion, with a ZonedHint (`since oct`, `30 days ago`) worded again in
 * the zone of the scope it was asked about: a team's own zone, a rep's current team's, else the default
 * (as the answer cuts its periods). Other errors, and hints whose scope does not resolve, are unchanged.
 */
export async function wordInScopeZone(
  deps: Deps,
  caller: Caller,
  error: GrammarError,
  now: Date,
  fiscal?: FiscalCalendar,
): Promise<PeriodProblem> {
  const asParsed = { message: error.message, suggestion: error.suggestion };
  if (!error.zoned) return asParsed;
  const resolved = await beforeDeadline(resolveScopeAsk(deps.db, caller, error.zoned.scope, now));
  if (!resolved.ok) return asParsed;
  const { timezone } = await beforeDeadline(
    resolveScope({ db: deps.db, defaultTimezone: deps.config.defaultTimezone }, resolved.scope),
  );
  return zonedHint(error.zoned.hint, { now, timezone, ...(fiscal ? { fiscal } : {}) });
}

/** The words that ask for a person by name (`person Kim`), said alone. */
const PERSON_WORDS = new Set(['person', 'rep', 'people', 'reps']);
/** Scope words that cannot be part of a name's end in a question (`team EMEA org`): `org`, `me` and kin. */
const ENDING_SCOPES = [...SCOPE_WORDS].filter(([, s]) => s.kind !== 'my_team').map(([w]) => w);
/**
 * A metric's name split and mistyped (`win rat team`: `win` is win rate's alias, so `rat team` was read as
 * the scope): the metric `typed` plus the name's first word near another metric word, and the command to
 * type instead (`winrate team`); null otherwise.
 */
function splitMetricTypo(ask: Pick<MetricAsk, 'metric' | 'period'>, words: string[]): string | null {
  const meant = ask.metric && words.length > 0 ? splitMetricSlip(ask.metric, words[0]!) : null;
  return meant ? [meant.id, ...words.slice(1), ...(ask.period ? [ask.period] : [])].join(' ') : null;
}

type NamedScope = Extract<MetricAsk['scope'], { kind: 'named' }>;
/** Whether `name` names a team or person (of `kind`'s kind when given), as nameChecker finds them. */
type IsName = (name: string, kind?: { teamOnly: boolean; personOnly?: true }) => Promise<boolean>;

/** Longest name repeated whole in a command to type; a longer one is not repeated (see commandToType). */
const TYPE_BACK_MAX = 200;

/**
 * `person Zoë *Star*` as the exact text to type back (docs/usage.md, "Names shown back"), for a sentence
 * escaped as a whole later: in a code span Slack shows `* _ ~` as written, so the name goes in as it is
 * (no zero-width joiners, which would be copied with it) and is never cut. A name with a backtick cannot
 * sit in a code span: it is given in curly double quotes, which the grammar reads as a quoted name, with
 * its markers neutralised (the joiners are dropped again when a command is read, src/slack/inbound.ts). A
 * name too long to repeat is not: the sentence says which word to put before it.
 */
function commandToType(word: string, name: string, quoted: boolean): string {
  if (name.length > TYPE_BACK_MAX) return `\`${word}\` followed by the name`;
  if (name.includes('`')) return `${word} “${neutraliseMarkers(name)}”`;
  return `\`${word} ${quoted ? `"${name}"` : name}\``;
}

/**
 * Words the user typed, repeated in a code span (`That names \`X\` twice`): as typed, since Slack shows
 * `* _ ~` in a code span as written (no zero-width joiners, which would be copied with them), cut by
 * clipTyped; words with a backtick, which no code span can hold, in curly double quotes with their markers
 * neutralised instead.
 */
function typedInCode(text: string): string {
  return text.includes('`') ? `“${neutraliseMarkers(clipQuoted(text))}”` : `\`${clipTyped(text)}\``;
}

/** `rep EMEA`, `team isabel`: the name is the other kind's (never a guess among the asked kind's names). */
async function otherKindText(scope: NamedScope, isName: IsName): Promise<string | null> {
  if (!scope.teamOnly && !scope.personOnly) return null;
  const other = scope.teamOnly ? { teamOnly: false, personOnly: true as const } : { teamOnly: true };
  if (!(await isName(scope.name, other))) return null;
  // Cut only where it is shown, never in the text to type.
  const name = neutraliseMarkers(clipQuoted(scope.name));
  const ask = commandToType(scope.teamOnly ? 'person' : 'team', scope.name, scope.quoted === true);
  return scope.teamOnly
    ? `"${name}" is a person, not a team: ask ${ask}.`
    : `"${name}" is a team, not a person: ask ${ask}.`;
}

/**
 * Words around an unquoted name that are no part of it: `person` alone, a known name with `org` or `me`
 * after it (two scopes), a known name said twice, a metric's name split with a slip (`win rat team`).
 */
async function wordsAroundNameText(
  ask: Pick<MetricAsk, 'period' | 'metric'>,
  scope: NamedScope,
  failure: { message: string; candidates: string[] },
  isName: IsName,
): Promise<string | null> {
  if (scope.quoted) return null;
  const words = scope.name.split(' ');
  const last = words.at(-1)!.toLowerCase();
  if (words.length === 1 && PERSON_WORDS.has(last))
    return `Whose? \`${clipTyped(scope.name)}\` needs a name after it (\`${last} "Ana Lopez"\`) or a mention (\`@ana\`).`;
  if (words.length > 1 && ENDING_SCOPES.includes(last)) {
    const rest = words.slice(0, -1).join(' ');
    const typed = `${scope.teamOnly ? 'team ' : scope.atTyped ? '@' : scope.personOnly ? 'person ' : ''}${rest}`;
    if (await isName(rest))
      return `That names more than one scope: ${typedInCode(typed)} and \`${words.at(-1)}\`; ask for one at a time.`;
  }
  // `EMEA EMEA`: a known name said twice.
  const half = words.slice(0, words.length / 2).join(' ');
  if (
    words.length % 2 === 0 &&
    fold(half) === fold(words.slice(words.length / 2).join(' ')) &&
    (await isName(half))
  )
    return `That names ${typedInCode(half)} twice; say it once.`;
  const meant = splitMetricTypo(ask, words);
  return meant && suggestNames(scope.name, failure.candidates).length === 0
    ? `${failure.message} Did you mean \`${meant}\`?`
    : null;
}

/**
 * What to say when the scope asked about names no team or person (`message`, plain text): a known name
 * followed by a mistyped period (`EMEA lst week`) is about the period ("I don't know the period `lst
 * week`. Did you mean `last week`?"), never "I don't know … EMEA lst week"; so is a name that is only a
 * mistyped period (`nxt month`) and near no team's or person's name. `person` or `rep` alone asks for a
 * name; a known name followed by `org` or `me` (`team EMEA org`) is two scopes; a metric name split and
 * mistyped (`win rat team`) gets the command to type. Otherwise the resolver's `failure` with
 * unknownNameHint's suggestion. `timezone` is the zone period words are checked in.
 */
export async function unknownScopeText(
  deps: Deps,
  caller: Caller,
  ask: Pick<MetricAsk, 'scope' | 'period' | 'metric'>,
  failure: { message: string; candidates: string[] },
  context: { now: Date; timezone: string },
): Promise<string> {
  const { scope } = ask;
  if (scope.kind === 'named') {
    // Teams and people are listed once for all the checks below (nameChecker).
    const check = nameChecker(deps.db);
    const isName = (name: string, kind: { teamOnly: boolean; personOnly?: true } = scope) =>
      beforeDeadline(
        check({ teamOnly: kind.teamOnly, ...(kind.personOnly ? { personOnly: true } : {}), name }, false),
      );
    const said =
      (await otherKindText(scope, isName)) ?? (await wordsAroundNameText(ask, scope, failure, isName));
    if (said) return said;
  }
  if (scope.kind === 'named' && !scope.quoted && ask.period === null) {
    const typo = trailingPeriodTypo(scope.name, context);
    const known = typo
      ? await beforeDeadline(resolveScopeAsk(deps.db, caller, { ...scope, name: typo.name }, context.now))
      : null;
    if (typo && known?.ok)
      return `I don't know the period \`${clipTyped(typo.typed)}\`. ${typoSentence(typo)}`;
    // `calls nxt month`: two words that misspell a period, and no name near them, are a period.
    const whole = periodTypo(scope.name, context);
    if (whole?.kind === 'period' && suggestNames(scope.name, failure.candidates).length === 0)
      return `I don't know the period \`${clipTyped(scope.name)}\`. ${typoSentence(whole)}`;
  }
  const hint = unknownNameHint(ask, failure.candidates, {
    periodTypoHint: (name) => periodTypoHint(name, context),
    showName: neutraliseMarkers,
  });
  if (hint) return `${failure.message} ${hint}`;
  // `/metrics frobnicate`: a lone unknown word where a metric could stand may have been meant as one.
  const lone =
    ask.metric === null &&
    scope.kind === 'named' &&
    !scope.quoted &&
    !scope.teamOnly &&
    !scope.personOnly &&
    !/\s/.test(scope.name.trim());
  return lone
    ? `I don't know a metric, team or person called "${neutraliseMarkers(clipQuoted(scope.name))}". \`/metrics help\` lists the metrics.`
    : failure.message;
}
