import { suggestNames, unknownNameHint } from '../access/people.js';
import { resolveScopeAsk } from '../access/scope.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { beforeDeadline, resolveScope } from '../metrics/index.js';
import type { MetricAsk, ParsedCommand } from '../slack/grammar/parse.js';
import {
  type PeriodProblem,
  periodTypo,
  periodTypoHint,
  trailingPeriodTypo,
  typoSentence,
  zonedHint,
} from '../slack/grammar/period-words.js';
import { clipTyped } from '../slack/grammar/words.js';
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

/**
 * What to say when the scope asked about names no team or person (`message`, plain text): a known name
 * followed by a mistyped period (`EMEA lst week`) is about the period ("I don't know the period `lst
 * week`. Did you mean `last week`?"), never "I don't know … EMEA lst week"; so is a name that is only a
 * mistyped period (`nxt month`) and near no team's or person's name; otherwise the resolver's `failure`
 * with unknownNameHint's suggestion. `timezone` is the zone period words are checked in.
 */
export async function unknownScopeText(
  deps: Deps,
  caller: Caller,
  ask: Pick<MetricAsk, 'scope' | 'period'>,
  failure: { message: string; candidates: string[] },
  context: { now: Date; timezone: string },
): Promise<string> {
  const { scope } = ask;
  if (scope.kind === 'named' && !scope.quoted && ask.period === null) {
    const typo = trailingPeriodTypo(scope.name, context);
    const known = typo
      ? await beforeDeadline(resolveScopeAsk(deps.db, caller, { ...scope, name: typo.name }, context.now))
      : null;
    if (typo && known?.ok) return `I don't know the period \`${typo.typed}\`. ${typoSentence(typo)}`;
    // `calls nxt month`: two words that misspell a period, and no name near them, are a period.
    const whole = periodTypo(scope.name, context);
    if (whole?.kind === 'period' && suggestNames(scope.name, failure.candidates).length === 0)
      return `I don't know the period \`${clipTyped(scope.name)}\`. ${typoSentence(whole)}`;
  }
  const hint = unknownNameHint(ask, failure.candidates, {
    periodTypoHint: (name) => periodTypoHint(name, context),
    showName: neutraliseMarkers,
  });
  return hint ? `${failure.message} ${hint}` : failure.message;
}
