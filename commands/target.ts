import { ownTeamId } from '../src/access/caller.js';
import { unknownNameHint } from '../src/access/people.js';
import { type AccessTarget, checkAnyTargetAccess, checkTargetAccess } from '../src/access/permissions.js';
import { getRepNames, listTeams } from '../src/access/queries.js';
import { nameChecker, resolveScopeAsk } from '../src/access/scope.js';
import { linkMentionedRep, resolveScopeWords } from '../src/answers/scope-words.js';
import { metricDepsFor } from '../src/deps.js';
import { headlineCurrencyNotes, recordsLeftOut } from '../src/metrics/currency-notes.js';
import {
  COVERAGE_TARGET_RANGE,
  DURATION_TARGET_RANGE,
  defaultTargetPeriod,
  findMetric,
  findTargets,
  fiscalCalendarFor,
  getMetric,
  isBusyError,
  listTargets,
  MetricsError,
  removeTarget,
  setTarget,
  targetPeriodProblem,
  throwIfPastDeadline,
} from '../src/metrics/index.js';
import type { MetricDefinition, MetricId, Scope, TargetPeriodKind, Unit } from '../src/metrics/types.js';
import {
  currencyOfSymbol,
  formatMoneyAsSet,
  readTypedMoney,
  typedMoneyToMinor,
  withoutGroupCommas,
} from '../src/money/index.js';
import { clipName } from '../src/names.js';
import { buildGrammarErrorMessage, buildNoticeMessage } from '../src/slack/blocks/notice.js';
import { header, section } from '../src/slack/blocks/pieces.js';
import { formatNumber } from '../src/slack/format.js';
import type { ParsedCommand } from '../src/slack/grammar/ask.js';
import { joinMetricWords, twoWayMetric } from '../src/slack/grammar/metric-words.js';
import { chooseMonthReading } from '../src/slack/grammar/modifiers.js';
import { parseCommand } from '../src/slack/grammar/parse.js';
import { periodTypoHint } from '../src/slack/grammar/period-words.js';
import { enforceLimits } from '../src/slack/limits.js';
import { escapeMrkdwn, escapeName, neutraliseMarkers } from '../src/slack/mrkdwn.js';
import type { Reply } from '../src/slack/reply.js';
import { fiscalTeamAsk, orTeamTargetAsk } from './target-ask-back.js';
import type { CommandInput, Subcommand } from './types.js';

/**
 * `/metrics target set winrate 30% team EMEA month` and `/metrics target list [scope]`.
 * Managers set targets for the teams they manage (and their reps), admins anywhere.
 */
export const targetCommand: Subcommand = {
  name: 'target',
  aliases: ['targets', 'goal', 'goals'],
  summary: 'See targets, or set one (managers for their teams, admins for anyone).',
  usage: [
    '/metrics target list',
    '/metrics target set winrate 30% team EMEA quarter',
    '/metrics target set calls 400 team week',
    '/metrics target set response 5m org month',
    '/metrics target set revenue €2m team EMEA quarter',
    '/metrics target remove calls team week',
  ],
  changes: ([verb]) => verb?.toLowerCase() === 'set' || REMOVE_WORDS.includes(verb?.toLowerCase() ?? ''),
  run: async (deps, input) => {
    const [verb, ...rest] = input.tokens;
    const action =
      verb?.toLowerCase() === 'set'
        ? 'set'
        : REMOVE_WORDS.includes(verb?.toLowerCase() ?? '')
          ? 'remove'
          : null;
    // Who may change no target hears that first, not advice on a command they could not run.
    const anywhere = action ? checkAnyTargetAccess(input.caller, action) : null;
    if (anywhere && !anywhere.allowed) return reply(buildNoticeMessage(anywhere.reason));
    if (action === 'set') return runSet(deps, input, rest);
    if (action === 'remove') return runRemove(deps, input, rest);
    if (verb === undefined || verb.toLowerCase() === 'list') return runList(deps, input);
    return reply(buildGrammarErrorMessage(`\`target ${verb}\` is not something I know.`, null));
  },
};

const REMOVE_WORDS = ['remove', 'delete', 'clear', 'unset'];

const PERIOD_WORDS: Record<string, TargetPeriodKind> = {
  day: 'day',
  daily: 'day',
  week: 'week',
  weekly: 'week',
  month: 'month',
  monthly: 'month',
  quarter: 'quarter',
  quarterly: 'quarter',
};

/**
 * Period words a target does not take, with the period to set instead and how many of it make one: a
 * yearly target is set per quarter (a quarter of the year's figure for a count or an amount), a
 * fortnightly one per week.
 */
/** A target command's words before its scope, as typed, and what they were read as (see whoseTarget). */
interface TypedTarget {
  metric: MetricDefinition;
  before: string[];
  /** The value set (major units for money). */
  value?: number;
  /** A money value's currency, when typed with it. */
  currency?: string | null;
}

/**
 * A period a target is not set per (`year`, `fortnight`, `6 months`): its name, the period to set instead and
 * how many of those it holds (a year, 4 quarters; 6 months, 6 months).
 */
interface OtherPeriod {
  unit: string;
  instead: TargetPeriodKind;
  times: number;
}

const OTHER_PERIOD_WORDS: Record<string, OtherPeriod> = {
  year: { unit: 'year', instead: 'quarter', times: 4 },
  years: { unit: 'year', instead: 'quarter', times: 4 },
  yearly: { unit: 'year', instead: 'quarter', times: 4 },
  annual: { unit: 'year', instead: 'quarter', times: 4 },
  annually: { unit: 'year', instead: 'quarter', times: 4 },
  fortnight: { unit: 'fortnight', instead: 'week', times: 2 },
  fortnightly: { unit: 'fortnight', instead: 'week', times: 2 },
  biweekly: { unit: 'fortnight', instead: 'week', times: 2 },
};

/** Counts written as words before a unit (`two weeks`, `a month`). */
const COUNT_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, twelve: 12 };
/** Units a counted period is written in (also glued to the count: `2w`, `7d`, `3mo`), singular. */
const COUNTED_UNITS: Record<string, string> = {
  d: 'day',
  day: 'day',
  days: 'day',
  w: 'week',
  wk: 'week',
  wks: 'week',
  week: 'week',
  weeks: 'week',
  mo: 'month',
  mos: 'month',
  month: 'month',
  months: 'month',
  q: 'quarter',
  quarter: 'quarter',
  quarters: 'quarter',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  year: 'year',
  years: 'year',
};
/** A count glued to a period unit (`2w`, `7d`, `3mo`, `1yr`); `m` alone is left out (minutes or months?). */
const GLUED_PERIOD = /^(\d{1,3})(d|days?|w|wks?|weeks?|mos?|months?|q|y|yrs?|years?)$/;

/** A table's entry for a word, any case; undefined for others (`constructor` finds no Object.prototype member). */
function entryOf<T>(table: Record<string, T>, word: string): T | undefined {
  const w = word.toLowerCase();
  return Object.hasOwn(table, w) ? table[w] : undefined;
}

/** The refusal of one particular period (`this month`, `Q1 FY2027`), with the period word(s) to write. */
function particularPeriod(typed: string, write: string, usage: string): Reply {
  return reply(
    buildNoticeMessage(
      `A target is per day, week, month or quarter, not for one particular period ("${typed}"): write ${write}. A target applies from when it is set; periods that ended before keep the one they had.`,
      usage,
    ),
  );
}

/** A word naming a period a target is set per, or one it is not (`year`, `fortnight`). */
function isPeriodWord(word: string): boolean {
  const w = word.toLowerCase();
  return (
    Object.hasOwn(PERIOD_WORDS, w) || Object.hasOwn(OTHER_PERIOD_WORDS, w) || Object.hasOwn(COUNTED_UNITS, w)
  );
}

/** A counted period that is one of the words a target command reads: `2 weeks` is a fortnight. */
const COUNTED_AS: Record<string, string> = {
  '2 week': 'fortnight',
  '7 day': 'week',
  '3 month': 'quarter',
  '12 month': 'year',
  '52 week': 'year',
  '4 quarter': 'year',
};

/**
 * A target command's words after the value with a counted period (`2 weeks`, `three months`) read as the one
 * word it is (`fortnight`, `quarter`; `a week` is `week`), so it is answered as that word is; a count no period
 * word names (`6 months`) as `other`, answered as `year` is (otherPeriodMessage), or, in days, the reply. Helper-173: `… team NA East 2 weeks` said "I couldn't tell whose
 * target that is."
 */
function readCountedPeriod(
  given: string[],
  usage: string,
): { words: string[]; other?: OtherPeriod } | { reply: Reply } {
  // `fiscal quarter`, `fiscal year`: a target's quarters are the fiscal calendar's already (helper-174: Tally
  // offered `… team fiscal quarter`, then answered it with "I don't know a team called "fiscal"").
  let rest = given.filter(
    (w, i) => !(w.toLowerCase() === 'fiscal' && i + 1 < given.length && isPeriodWord(given[i + 1]!)),
  );
  // `2w`, `2wks`, `7d`, `3mo`, `1y`: a count glued to its unit, as two words.
  rest = rest.flatMap((w) => {
    const m = GLUED_PERIOD.exec(w.toLowerCase());
    return m ? [m[1]!, m[2]!] : [w];
  });
  // `this month`, `last quarter`, `next week`: one particular period, not what a target is set per.
  for (let i = 0; i + 1 < rest.length; i++) {
    const lead = rest[i]!.toLowerCase();
    const unit = entryOf(COUNTED_UNITS, rest[i + 1]!);
    if ((lead === 'this' || lead === 'last' || lead === 'next') && unit !== undefined)
      return {
        reply: particularPeriod(
          `${rest[i]} ${rest[i + 1]}`,
          `"${unit === 'year' ? 'quarter' : unit}"`,
          usage,
        ),
      };
  }
  for (let i = 0; i + 1 < rest.length; i++) {
    const count = /^\d{1,3}$/.test(rest[i]!) ? Number(rest[i]) : entryOf(COUNT_WORDS, rest[i]!);
    const unit = entryOf(COUNTED_UNITS, rest[i + 1]!);
    if (count === undefined || unit === undefined || count < 1) continue;
    const word = count === 1 ? unit : entryOf(COUNTED_AS, `${count} ${unit}`);
    const words = [...rest.slice(0, i), ...rest.slice(i + 2)];
    // `10 days`: a daily target counts working days, so no share of a calendar count is offered.
    if (word === undefined && unit === 'day')
      return {
        reply: reply(
          buildNoticeMessage(
            `Targets are per day, week, month or quarter, not per ${count} days: set one per day (a daily target counts working days) or per week.`,
            usage,
          ),
        ),
      };
    // `6 months`: answered as `year` is, with the share per month to set (÷ 6).
    if (word === undefined) {
      const instead = (unit === 'year' ? 'quarter' : unit) as TargetPeriodKind;
      return {
        words,
        other: { unit: `${count} ${unit}s`, instead, times: unit === 'year' ? 4 * count : count },
      };
    }
    return { words: [...rest.slice(0, i), word, ...rest.slice(i + 2)] };
  }
  return { words: rest };
}

/**
 * The metric a target command's word names: a metric's name or alias, or `lost`, the lost deals that
 * `/metrics lost` breaks down (`lostdeals`); undefined for any other word.
 */
function targetMetric(word: string | undefined): MetricDefinition | undefined {
  if (word === undefined) return undefined;
  return findMetric(word.toLowerCase() === 'lost' ? 'lostdeals' : word);
}

const SET_USAGE =
  'Usage: `/metrics target set <metric> <value> [team <name>|@person|org] [day|week|month|quarter]`';

/** `A calls target`, `An emails target`: the metric's label, lower-case, with its article. */
function aTarget(metric: MetricDefinition): string {
  const label = metric.label.toLowerCase();
  return `${/^[aeiou]/.test(label) ? 'An' : 'A'} ${label} target`;
}

/**
 * The metric a target command names first, its name written as one word or several (`win rate`, `new
 * pipeline`, as questions read them): the words with that name joined, or the reply asking which metric a
 * word that names two (`pipeline`) means, with the command's forms to type.
 */
function metricWords(given: string[], verb: 'set' | 'remove'): { words: string[] } | { reply: Reply } {
  const words = joinMetricWords(given);
  const twoWay = twoWayMetric(words[0] ?? '', words.slice(1), ['/metrics target', verb]);
  return twoWay ? { reply: reply(buildNoticeMessage(twoWay)) } : { words };
}

async function runSet(
  deps: Parameters<Subcommand['run']>[0],
  input: CommandInput,
  given: string[],
): Promise<Reply> {
  const named = metricWords(given, 'set');
  if ('reply' in named) return named.reply;
  let words = named.words;
  const metric = targetMetric(words[0]);
  if (!metric) return unknownMetric(words[0], SET_USAGE);
  // A currency written as its own word before the amount ("€ 2m", "EUR 2m") belongs to the amount.
  if (
    metric.unit === 'money' &&
    words[2] !== undefined &&
    isCurrencyWord(words[1] ?? '') &&
    /^\d/.test(words[2])
  )
    words = [words[0]!, `${words[1]}${words[2]}`, ...words.slice(3)];
  if (/^[-−]|^\D{1,3}[-−]\d/.test(words[1] ?? ''))
    return reply(buildNoticeMessage(`A target cannot be negative: "${words[1]}".`, SET_USAGE));
  if (metric.unit === 'ratio' && /^\d+(\.\d+)?%$/.test(words[1] ?? '') && Number.parseFloat(words[1]!) > 100)
    return reply(
      buildNoticeMessage(`${aTarget(metric)} is between 0% and 100%: "${words[1]}" is not.`, SET_USAGE),
    );
  // A bare 1 reads two ways for a rate (a share of 1 is 100%, a number over 1 is a percentage): asked, not guessed.
  if (metric.unit === 'ratio' && isBareOne(words[1] ?? ''))
    return reply(buildNoticeMessage('Is that 100% or 1%? Write `100%` or `1%`.', SET_USAGE));
  const value = parseTargetValue(words[1] ?? '', metric.unit);
  const money = metric.unit === 'money' && value !== null ? readTypedMoney(words[1]!, words[2]) : null;
  if (money && !money.ok)
    return reply(
      buildNoticeMessage(`"${words.slice(1, 3).join(' ')}" names two currencies; write one.`, SET_USAGE),
    );
  const valueWords = money?.usedNext ? 3 : 2;
  if (value === null && metric.unit === 'count' && parseTargetValue(words[1] ?? '', 'days') !== null)
    return reply(
      buildNoticeMessage(
        `${aTarget(metric)} is a whole number: "${words[1]}" is not. Try ${Math.max(1, Math.round(Number((words[1] ?? '').replace(/,/g, ''))))}.`,
        SET_USAGE,
      ),
    );
  if (value === null && (words[1] ?? '').includes(',') && withoutGroupCommas(words[1]!) === null)
    return reply(
      buildNoticeMessage(
        `"${words[1]}": write decimals with a point (${words[1]!.replace(',', '.')}); a comma only separates thousands (12,400).`,
        SET_USAGE,
      ),
    );
  if (value === null)
    return reply(
      buildNoticeMessage(`"${words[1] ?? ''}" is not a ${unitWord(metric.unit)} target.`, SET_USAGE),
    );
  // A duration below the unit's grain or beyond 10 years cannot be meant (`cycle 0.001`, 86 s), nor a
  // coverage of 0.0001×: refused like a rate over 100%, naming the range. A typed 0 keeps the answer below.
  const range = targetRange(metric.unit);
  if (range && (value < range.min || value > range.max) && /[1-9]/.test(words[1] ?? ''))
    return reply(
      buildNoticeMessage(`${aTarget(metric)} is between ${range.words}: "${words[1]}" is not.`, SET_USAGE),
    );
  if (value === 0)
    return reply(
      buildNoticeMessage(
        // A duration (response time, cycle) of 0 is never reached, not reached by doing nothing (helper-173).
        `${aTarget(metric)} of 0 ${metric.unit === 'seconds' || metric.unit === 'days' ? 'can never be met' : 'is met by doing nothing'}; set one above zero.`,
        SET_USAGE,
      ),
    );
  const whose = await whoseTarget(deps, input, words.slice(valueWords), SET_USAGE, 'set', {
    metric,
    before: words.slice(0, valueWords),
    value,
    currency: money?.ok ? money.currency : null,
  });
  if (!whose.ok) {
    // "2m eur": a lower-case code after the amount is not taken as a currency (it may be a scope word).
    const after = words[valueWords];
    if (money?.ok && after !== undefined && /^[a-z]{3}$/.test(after) && currencyOfSymbol(after) !== null)
      return reply(
        buildNoticeMessage(
          `Is "${after}" the currency? Write it in capitals (${words[1]} ${after.toUpperCase()}) or attached (${words[1]}${after.toUpperCase()}).`,
          SET_USAGE,
        ),
      );
    return whose.reply;
  }
  const resolved = whose;
  const periodKind = whose.periodKind ?? defaultTargetPeriod(metric);
  const periodProblem = targetPeriodProblem(metric, periodKind);
  if (periodProblem) return reply(buildNoticeMessage(periodProblem, SET_USAGE));
  let stored = value;
  let currency: string | null = null;
  // A currency written with the amount that is not the one the scope's figures are in: set as asked, and
  // said, since those answers will show it but not compare it (helper-173: no word until every answer).
  let figuresIn: string | null = null;
  if (money?.ok) {
    const figures = await figuresCurrency(deps, input, metric.id, resolved.scope);
    figuresIn = figures.currency;
    currency = money.currency ?? figures.currency;
    if (currency === null)
      return reply(
        buildNoticeMessage(
          `Which currency is "${words[1]}" in? There are no figures to take it from yet.`,
          CURRENCY_HINT,
        ),
      );
    // Figures in several currencies: the main one may have won on a tie, so it is not assumed (helper-174: a
    // team with one USD and one EUR win got a EUR target without a word).
    if (money.currency === null && figures.mixed)
      return reply(
        buildNoticeMessage(
          `Which currency is "${words[1]}" in? ${await scopeLabel(deps, resolved.scope).then((l) => `${l[0]!.toUpperCase()}${l.slice(1)}`)}'s ${metric.label.toLowerCase()} figures this year are in ${figures.currency} and other currencies, no one of them holding most of the records.`,
          CURRENCY_HINT,
        ),
      );
    const minor = typedMoneyToMinor(money.amount, currency);
    if (minor === null)
      return reply(
        buildNoticeMessage(
          `${currency} has no amounts smaller than ${formatNumber(1, 'money', currency)}: "${words[1]}".`,
          SET_USAGE,
        ),
      );
    stored = minor;
  }
  try {
    const existing = await findTargets(deps.db, metric.id, resolved.scope);
    // The scope's targets for the metric per other periods stay, and are said (helper-173: a monthly target
    // set beside a quarterly one went without a word; removing one then needs its period).
    const others = existing.filter((t) => t.periodKind !== periodKind);
    // Past capacity, told "busy" with nothing saved rather than confirmed seconds late.
    throwIfPastDeadline();
    const saved = await setTarget(deps.db, {
      metric: metric.id,
      scope: resolved.scope,
      periodKind,
      value: stored,
      currency,
      setByRepId: input.caller.repId,
      now: input.now,
    });
    const label = await scopeLabel(deps, saved.scope);
    // The value this set replaced, read as it was set (another set of the same target may have come between).
    const { replaced } = saved;
    const same = replaced && replaced.value === saved.value && replaced.currency === saved.currency;
    const was = !replaced
      ? ''
      : same
        ? ' It was already that.'
        : ` It replaces ${formatTargetValue(replaced.value, metric.unit, replaced.currency)}.`;
    const also =
      others.length === 0
        ? ''
        : ` The other ${metric.label.toLowerCase()} target${others.length === 1 ? '' : 's'} for ${label} ${others.length === 1 ? 'stays' : 'stay'}: ${others.map((t) => `${formatTargetValue(t.value, metric.unit, t.currency)} ${perPeriod(metric, t.periodKind)}`).join('; ')}.`;
    const apart =
      figuresIn !== null && saved.currency !== null && figuresIn !== saved.currency
        ? ` Note: ${label}'s ${metric.label.toLowerCase()} figures this year are in ${figuresIn}, so answers will show this ${saved.currency} target without comparing to it (Tally does not convert currencies).`
        : '';
    const text = `Target set: ${metric.label} ${formatTargetValue(saved.value, metric.unit, saved.currency)} ${perPeriod(metric, periodKind)} for ${label}.${was}${also}${apart}`;
    return reply(buildNoticeMessage(text, 'See all targets with `/metrics target list`.'));
  } catch (err) {
    if (err instanceof MetricsError && !isBusyError(err))
      return reply(buildNoticeMessage(err.message, SET_USAGE));
    throw err;
  }
}

/**
 * The scope (`team EMEA`, `@person`, `org`; default the caller's team) and optional period word of a
 * target command, checked against the caller's right to set targets there; or the reply that says why not.
 * `typed` is the command's words before `rest` (`before`: the metric, and the value when setting, as typed)
 * with the `metric` and the `value` read from them, for the example a period word a target does not take
 * (`year`) is answered with.
 */
async function whoseTarget(
  deps: Parameters<Subcommand['run']>[0],
  input: CommandInput,
  given: string[],
  usage: string,
  action: 'set' | 'remove',
  typed: TypedTarget,
): Promise<{ ok: true; scope: Scope; periodKind: TargetPeriodKind | null } | { ok: false; reply: Reply }> {
  const fiscalAt = given.findIndex(
    (w, i) => w.toLowerCase() === 'fiscal' && i + 1 < given.length && isPeriodWord(given[i + 1]!),
  );
  // Whether the caller could run the command with these words in place of `given` (for an ask-back).
  const runs = async (words: string[]) => (await whoseTarget(deps, input, words, usage, action, typed)).ok;
  if (fiscalAt >= 0) {
    const asked = await fiscalTeamAsk(deps, action, typed, given, fiscalAt, runs);
    if (asked) return { ok: false, reply: reply(buildNoticeMessage(asked, usage)) };
  }
  const counted = readCountedPeriod(given, usage);
  if ('reply' in counted) return { ok: false, reply: counted.reply };
  const rest = counted.words;
  const countedOther = counted.other;
  // Object.hasOwn: a word like `constructor` must not find Object.prototype's members.
  const periodIndex = rest.findIndex((w) => Object.hasOwn(PERIOD_WORDS, w.toLowerCase()));
  const periodKind = periodIndex >= 0 ? PERIOD_WORDS[rest[periodIndex]!.toLowerCase()]! : null;
  const scopeWords = rest.filter(
    (_, i) => i !== periodIndex && !['per', 'a', 'an'].includes(rest[i]!.toLowerCase()),
  );
  // With the org's fiscal calendar, as questions read periods: `q1` is the fiscal Q1 (helper-174: a target's
  // "not for one particular period" named the calendar quarter), `q1 2026` asked back.
  const fiscal = input.fiscal
    ? input.fiscal.calendar
    : await fiscalCalendarFor(deps.db, deps.config.fiscalDefault).catch(() => deps.config.fiscalDefault);
  /** The words as a question's scope and period (`team` when there are none). */
  const readWords = (words: string[], withFiscal: boolean) =>
    parseCommand(`summary ${words.length ? words.join(' ') : 'team'}`, {
      now: input.now,
      timezone: deps.config.defaultTimezone,
      subcommands: [],
      ...(fiscal && withFiscal ? { fiscal } : {}),
    });
  let asTyped = readWords(scopeWords, true);
  if (asTyped.kind === 'error' && asTyped.about === 'period') {
    // A target takes no particular period, so which quarter `q1 2026` means does not matter here: read without
    // the calendar, it is refused as one particular period, not asked back with two commands both refused.
    const plain = readWords(scopeWords, false);
    if (!(plain.kind === 'ask' && plain.period))
      return { ok: false, reply: reply(buildNoticeMessage(asTyped.message, usage)) };
    asTyped = plain;
  }
  // The same rule as questions: month words that spell a name with the words beside them are that name.
  const head = ['target', action, ...typed.before];
  const parsed = asTarget(
    await chooseMonthReading(asTyped, nameChecker(deps.db)),
    head,
    periodIndex >= 0 ? [rest[periodIndex]!] : [],
  );
  const orAsked = await orTeamTargetAsk(deps, parsed, head, ownTeamId(input.caller), action, runs);
  if (orAsked) return { ok: false, reply: reply(buildNoticeMessage(orAsked, usage)) };
  // A target is never for one month, so a month word here names a team or person (team October, May).
  const month =
    parsed.kind === 'ask' && (parsed.scope.kind === 'me' || parsed.scope.kind === 'my_team') && !parsed.by
      ? parsed.scope.monthOrName
      : undefined;
  if (month) {
    const teamOnly = parsed.kind === 'ask' && parsed.scope.kind === 'my_team';
    const named = { kind: 'named' as const, name: month.word, teamOnly };
    const resolved = await resolveScopeAsk(deps.db, input.caller, named, input.now);
    if (resolved.ok) {
      const refusal = await targetRefusal(deps, input, resolved.target, action);
      if (refusal) return { ok: false, reply: refusal };
      return { ok: true, scope: resolved.scope, periodKind };
    }
  }
  // `team year`: a period word a target does not take, not a team called "year". A team or person really
  // called so still resolves; this is said only where the words read as no scope (or as a period).
  const otherIndex =
    periodKind === null && !countedOther
      ? scopeWords.findIndex((w) => Object.hasOwn(OTHER_PERIOD_WORDS, w.toLowerCase()))
      : -1;
  const otherPeriod = async (): Promise<{ ok: false; reply: Reply }> => {
    const without = countedOther ? scopeWords : scopeWords.filter((_, i) => i !== otherIndex);
    // A scope the caller may not change targets for is refused first, not answered with a command to type
    // (a manager's `org year`).
    const scoped = readWords(without, false);
    if (scoped.kind === 'ask' && !scoped.period && !scoped.by) {
      const found = await resolveScopeWords(deps, input.caller, scoped.scope, input.now);
      // A scope that names no one is said first, not answered with a command that would be refused (an
      // admin on no team typing `team`: helper-177).
      if (!found.ok) return { ok: false, reply: reply(buildNoticeMessage(found.message, usage)) };
      const refusal = await targetRefusal(deps, input, found.target, action);
      if (refusal) return { ok: false, reply: refusal };
    }
    const other = countedOther ?? OTHER_PERIOD_WORDS[scopeWords[otherIndex]!.toLowerCase()]!;
    return {
      ok: false,
      reply: reply(buildNoticeMessage(otherPeriodMessage(other, action, typed, without), usage)),
    };
  };
  if (countedOther && periodKind === null) return otherPeriod();
  if (otherIndex >= 0 && (parsed.kind !== 'ask' || parsed.period || parsed.by)) return otherPeriod();
  if (parsed.kind === 'ask' && parsed.period && !parsed.by)
    return { ok: false, reply: particularPeriod(parsed.period, '"month" or "quarter"', usage) };
  if (parsed.kind !== 'ask' || parsed.period || parsed.by)
    return { ok: false, reply: reply(buildNoticeMessage(`I couldn't tell whose target that is.`, usage)) };
  const resolved = await resolveScopeWords(deps, input.caller, parsed.scope, input.now);
  if (!resolved.ok) {
    if (otherIndex >= 0) return otherPeriod();
    // `team Sales`: the same "did you mean" as questions (`Did you mean "Sales & Success"?`).
    const hint = unknownNameHint(parsed, resolved.candidates, {
      periodTypoHint: (name) =>
        periodTypoHint(name, { now: input.now, timezone: deps.config.defaultTimezone }),
      showName: neutraliseMarkers,
    });
    return {
      ok: false,
      reply: reply(buildNoticeMessage(hint ? `${resolved.message} ${hint}` : resolved.message, usage)),
    };
  }
  const refusal = await targetRefusal(deps, input, resolved.target, action);
  if (refusal) return { ok: false, reply: refusal };
  await linkMentionedRep(deps, resolved);
  return { ok: true, scope: resolved.scope, periodKind };
}

/**
 * `parsed` (the target's words read as `summary …`) with its ask-back commands (`orTeam`: `the team` when a
 * team is called "The Team") written as target commands: `head` (`target set calls 43`) in place of
 * `summary`, then `tail` (the period word). Fresh tester helper-403 (MED): `target set calls 43 the team
 * week` offered `summary team` and `summary team "the team"`, which ask for a scorecard. Others unchanged.
 */
function asTarget(parsed: ParsedCommand, head: string[], tail: string[]): ParsedCommand {
  if (parsed.kind !== 'ask' || !('orTeam' in parsed.scope) || !parsed.scope.orTeam) return parsed;
  const or = parsed.scope.orTeam;
  const swap = (command: string) => [...head, ...command.split(' ').slice(1), ...tail].join(' ');
  return {
    ...parsed,
    scope: { ...parsed.scope, orTeam: { ...or, own: swap(or.own), named: swap(or.named) } },
  };
}

/**
 * "Targets are per day, week, month or quarter, not per year: …" for a period word a target does not take,
 * with the command to type instead: `scopeWords` as typed without the period word, then the period to use.
 * A count or an amount set per that period is a share of the longer one's (÷ 4 from a year): the example
 * shows it divided when it divides into a whole count, else the whole counts on either side (1,001 a year:
 * 251 or 250 a quarter, for 1,004 or 1,000 a year).
 */
function otherPeriodMessage(
  other: OtherPeriod,
  action: 'set' | 'remove',
  typed: TypedTarget,
  scopeWords: string[],
): string {
  const head = `Targets are per day, week, month or quarter, not per ${other.unit}:`;
  // `a year`, `the year's figure`; `every 6 months`, `the 6 months' figure`.
  const counted = /^\d/.test(other.unit);
  const a = counted ? `every ${other.unit}` : `a ${other.unit}`;
  const ofThe = counted ? `the ${other.unit}'` : `the ${other.unit}'s`;
  const command = (before: string[]) =>
    `\`${['/metrics target', action, ...before, ...scopeWords, other.instead].join(' ')}\``;
  // Typed words with a backtick would end the example's code early: then it is not shown.
  const echoable = [...typed.before, ...scopeWords].every((w) => !w.includes('`'));
  if (action === 'remove' || !typed.metric.accumulates)
    return echoable
      ? `${head} write \`${other.instead}\`, as in ${command(typed.before)}.`
      : `${head} write \`${other.instead}\` at the end.`;
  const share = `set a ${other.instead}'s share of ${ofThe} figure (÷ ${other.times})`;
  const v = typed.value;
  // A money target: a whole share is offered as a command, in the currency typed (helper-177: none was).
  if (typed.metric.unit === 'money' && v !== undefined && echoable && Number.isInteger(v / other.times)) {
    const amount = [String(v / other.times), ...(typed.currency ? [typed.currency] : [])];
    const minor = typed.currency ? typedMoneyToMinor(v, typed.currency) : null;
    const total =
      typed.currency && minor !== null
        ? formatNumber(minor, 'money', typed.currency)
        : formatNumber(v, 'count');
    return `${head} ${share}, as in ${command([typed.before[0]!, ...amount])} for ${total} ${a}.`;
  }
  const count = typed.metric.unit === 'count' && v !== undefined;
  if (!echoable || !count) return `${head} ${share} with \`${other.instead}\` at the end.`;
  const as = (n: number) =>
    `${command([typed.before[0]!, String(n)])} for ${formatNumber(n * other.times, 'count')} ${a}`;
  if (v % other.times === 0) return `${head} ${share}, as in ${as(v / other.times)}.`;
  // A count target is whole: 1,001 a year is 250.25 a quarter, so offer the whole counts on either side.
  const low = Math.floor(v / other.times);
  const ways = low > 0 ? `${as(low + 1)} or ${as(low)}` : as(low + 1);
  return `${head} ${share}; ${formatNumber(v, 'count')} ${a} is ${(v / other.times).toLocaleString('en-US', { maximumFractionDigits: 2 })} a ${other.instead}, and a count target is whole, so ${ways}.`;
}

/** The reply refusing the caller this target (see checkTargetAccess), naming the teams a manager manages; null when allowed. */
async function targetRefusal(
  deps: Parameters<Subcommand['run']>[0],
  input: CommandInput,
  target: AccessTarget,
  action: 'set' | 'remove',
): Promise<Reply | null> {
  if (checkTargetAccess(input.caller, target, action).allowed) return null;
  const managed = new Set(input.caller.managedTeamIds);
  // Shown as written: the notice escapes `& < >`, and the names' `* _ ~` and backticks are no formatting.
  const names = (await listTeams(deps.db))
    .filter((t) => managed.has(t.id))
    .map((t) => neutraliseMarkers(clipName(t.name)));
  const access = checkTargetAccess(input.caller, target, action, names);
  return access.allowed ? null : reply(buildNoticeMessage(access.reason));
}

const REMOVE_USAGE =
  'Usage: `/metrics target remove <metric> [team <name>|@person|org] [day|week|month|quarter]`';

/**
 * `target remove calls team EMEA week`: removes one target, with the same rights as setting it. Without a
 * period word it removes the scope's only target for that metric, or asks which when there are several.
 */
async function runRemove(
  deps: Parameters<Subcommand['run']>[0],
  input: CommandInput,
  given: string[],
): Promise<Reply> {
  const named = metricWords(given, 'remove');
  if ('reply' in named) return named.reply;
  const words = named.words;
  const metric = targetMetric(words[0]);
  if (!metric) return unknownMetric(words[0], REMOVE_USAGE);
  const whose = await whoseTarget(deps, input, words.slice(1), REMOVE_USAGE, 'remove', {
    metric,
    before: [words[0]!],
  });
  if (!whose.ok) return whose.reply;
  const label = await scopeLabel(deps, whose.scope);
  const set = (await listTargets(deps.db, whose.scope)).filter((t) => t.metric === metric.id);
  const chosen = whose.periodKind ? set.filter((t) => t.periodKind === whose.periodKind) : set;
  const describe = (t: (typeof set)[number]) =>
    `${metric.label} ${formatTargetValue(t.value, metric.unit, t.currency)} ${perPeriod(metric, t.periodKind)}`;
  if (chosen.length === 0)
    return reply(
      buildNoticeMessage(
        `No ${metric.label.toLowerCase()} target${whose.periodKind ? ` per ${whose.periodKind}` : ''} is set for ${label}.`,
        'See all targets with `/metrics target list`.',
      ),
    );
  if (chosen.length > 1)
    return reply(
      buildNoticeMessage(
        `${label[0]!.toUpperCase()}${label.slice(1)} has ${chosen.length} ${metric.label.toLowerCase()} targets: ${chosen.map(describe).join('; ')}. Say which with day, week, month or quarter.`,
        REMOVE_USAGE,
      ),
    );
  const gone = chosen[0]!;
  await removeTarget(deps.db, { metric: metric.id, scope: whose.scope, periodKind: gone.periodKind });
  return reply(buildNoticeMessage(`Removed: ${describe(gone)} for ${label}.`));
}

async function runList(deps: Parameters<Subcommand['run']>[0], _input: CommandInput): Promise<Reply> {
  const all = await listTargets(deps.db);
  if (all.length === 0) {
    return reply(
      buildNoticeMessage(
        'No targets are set yet.',
        'Managers and admins: `/metrics target set winrate 30% team EMEA quarter`',
      ),
    );
  }
  const teams = new Map((await listTeams(deps.db)).map((t) => [t.id, t.name]));
  const repNames = await getRepNames(
    deps.db,
    all.flatMap((t) => (t.scope.kind === 'rep' ? [t.scope.repId] : [])),
  );
  const lines = all.map((t) => {
    const def = findMetric(t.metric);
    const who =
      t.scope.kind === 'org'
        ? 'Whole org'
        : t.scope.kind === 'team'
          ? `Team ${teams.get(t.scope.teamId) ?? t.scope.teamId}`
          : (repNames.get(t.scope.repId) ?? `rep ${t.scope.repId}`);
    const value = def ? formatTargetValue(t.value, def.unit, t.currency) : String(t.value);
    const by = t.setByName ? ` — set by ${escapeName(t.setByName)}` : '';
    return `• *${escapeMrkdwn(def?.label ?? t.metric)}* ${value} ${def ? perPeriod(def, t.periodKind) : `per ${t.periodKind}`} · ${escapeName(who)}${by}`;
  });
  // One section holds ~3,000 characters; split long lists over several sections.
  const chunks: string[] = [];
  for (const line of lines) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= 2900)
      chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(line);
  }
  return reply(
    enforceLimits({
      text: `Targets: ${all.length} set`,
      blocks: [header('Targets'), ...chunks.map((c) => section(c))],
    }),
  );
}

/**
 * A target value in the metric's unit: ratios as "30%" or "0.3" (a bare number over 1 is a percentage,
 * "1.5" is 1.5%; a bare 1 reads as 100% here, but `target set` refuses it as ambiguous first);
 * durations as "5m", "90s", "1h", "1h30m", "1.5m" or plain seconds (whole seconds); days as a number; money as its major amount ("$12,400" → 12400; `readMoneyTarget` adds the
 * currency and minor units); counts as whole numbers only ("1.5" calls is null); multiples as "3" or as
 * answers show them, "3×" or "3x".
 */
export function parseTargetValue(raw: string, unit: Unit): number | null {
  const text = withoutGroupCommas(raw.trim().toLowerCase());
  if (text === null || text === '') return null;
  if (unit === 'ratio') {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
    if (!m) return null;
    const n = Number(m[1]);
    const ratio = m[2] === '%' || n > 1 ? n / 100 : n;
    return ratio <= 1 ? ratio : null;
  }
  if (unit === 'seconds') {
    // `1.5m` and `0.5h` are meaningful (90 s, 30 min); the total is kept in whole seconds.
    const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+)s?)?$/.exec(text);
    if (!m || (!m[1] && !m[2] && !m[3])) return null;
    return Math.round(Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0));
  }
  if (unit === 'money') {
    // Money needs its currency: `readMoneyTarget`. Here only the amount's shape is checked.
    const read = readTypedMoney(raw);
    return read.ok ? read.amount : null;
  }
  // A multiple as answers show it (`3×`, `3x`) is 3.
  const m = (unit === 'multiple' ? /^(\d+(?:\.\d+)?) ?[×x]?$/ : /^(\d+(?:\.\d+)?)$/).exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  // Counts (calls, emails, meetings, opportunities…) happen one at a time: a target of 1.5 calls is a typo.
  return unit === 'count' && !Number.isInteger(n) ? null : n;
}

const CURRENCY_HINT = 'Write the currency with the amount: `$12,400`, `€12,400` or `12400 JPY`.';

/**
 * The currency `metric`'s figures for `scope` are in over this year (the currency with most records), or
 * null when there are none: what a money target typed without a currency ("2m") is taken to be in.
 */
async function figuresCurrency(
  deps: Parameters<Subcommand['run']>[0],
  input: CommandInput,
  metric: MetricId,
  scope: Scope,
): Promise<{ currency: string | null; mixed: boolean }> {
  const result = await getMetric(metricDepsFor(deps, input.now), {
    metric,
    scope,
    period: 'this year',
    include: { target: false, trend: false, series: false },
  });
  // `mixed`: the other currencies together have at least as many records as the main one, so it is no clear
  // majority (it may have won on a tie, by its ISO code).
  return {
    currency: result.currency,
    mixed: recordsLeftOut(headlineCurrencyNotes(result)) >= Math.max(1, result.sampleSize),
  };
}

/**
 * A target's value as it was set: money keeps its cents ("$1,200.50", where answers round to "$1,201"),
 * so a confirmation or a list never shows a value other than the one stored; other units as answers show them.
 */
function formatTargetValue(value: number, unit: Unit, currency: string | null): string {
  return unit === 'money' ? formatMoneyAsSet(value, currency) : formatNumber(value, unit, currency);
}

/**
 * "per week" for a count that adds up over the period; "(quarterly)" for a rate or an average, which is
 * not spread over the period ("5m 00s per month" read as a month's total of response time).
 */
function perPeriod(metric: MetricDefinition, kind: TargetPeriodKind): string {
  return metric.accumulates ? `per ${kind}` : `(${kind === 'day' ? 'daily' : `${kind}ly`})`;
}

/** `1`, `1.0`, `1.00` (no `%`): a rate target that is 100% as a share and 1% as a percentage. */
function isBareOne(raw: string): boolean {
  const text = raw.trim();
  return /^\d+(?:\.\d+)?$/.test(text) && Number(text) === 1;
}

/** "€", "$", "US$" or a currency code in any case ("EUR", "eur"): a currency written as a word of its own. */
function isCurrencyWord(word: string): boolean {
  return word === '$' || currencyOfSymbol(word) !== null;
}

/**
 * The range of a duration target (DURATION_TARGET_RANGE) or a coverage target (COVERAGE_TARGET_RANGE) and
 * how it reads; null for other units.
 */
function targetRange(unit: Unit): { min: number; max: number; words: string } | null {
  if (unit === 'seconds') return { ...DURATION_TARGET_RANGE.seconds, words: '1 second and 10 years' };
  if (unit === 'days')
    return {
      ...DURATION_TARGET_RANGE.days,
      words: `1 and ${formatNumber(DURATION_TARGET_RANGE.days.max, 'count')} days (10 years)`,
    };
  if (unit === 'multiple')
    return {
      ...COVERAGE_TARGET_RANGE,
      words: `${COVERAGE_TARGET_RANGE.min}× and ${COVERAGE_TARGET_RANGE.max}× of the revenue still needed (e.g. 3, the 3× rule of thumb)`,
    };
  return null;
}

function unitWord(unit: Unit): string {
  const words: Record<Unit, string> = {
    ratio: 'percentage (like 30%)',
    seconds: 'duration (like 5m)',
    days: 'number of days',
    money: 'money (like $12,400)',
    count: 'count',
    per_day: 'rate per day',
    multiple: 'multiple (like 3 or 3×)',
  };
  return words[unit];
}

/**
 * The scope as a notice names it (`team EMEA`, a rep's name, `the whole org`): names from data have their
 * `* _ ~ \`` neutralised (buildNoticeMessage escapes `& < >` of the whole sentence).
 */
async function scopeLabel(deps: Parameters<Subcommand['run']>[0], scope: Scope): Promise<string> {
  if (scope.kind === 'org') return 'the whole org';
  if (scope.kind === 'team') {
    const teams = await listTeams(deps.db);
    const name = teams.find((t) => t.id === scope.teamId)?.name;
    return `team ${name === undefined ? scope.teamId : neutraliseMarkers(clipName(name))}`;
  }
  const name = (await getRepNames(deps.db, [scope.repId])).get(scope.repId);
  return name === undefined ? 'that rep' : neutraliseMarkers(clipName(name));
}

/** The answer to a target command whose first word is not a metric (or is missing). */
function unknownMetric(word: string | undefined, usage: string): Reply {
  return reply(buildNoticeMessage(word ? `There is no metric called "${word}".` : 'Which metric?', usage));
}

function reply(message: Reply['message']): Reply {
  return { visibility: 'ephemeral', message };
}
