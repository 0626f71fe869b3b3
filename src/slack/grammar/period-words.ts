import { suggestWord } from '../../edit-distance.js';
import { parsePeriod } from '../../metrics/periods.js';
import type { FiscalCalendar } from '../../time/fiscal.js';

/**
 * Period words that did not parse: tells "a period, but a bad one" (`0d`, `2026-02-30`, a reversed
 * range, `last mnth`) apart from a team or person's name, so the user gets a period error with a
 * suggestion instead of "I don't know a team called …". The period syntax itself lives in
 * src/metrics/periods.ts; new forms (fiscal quarters, …) are added there and need nothing here.
 */

/** Words that start a relative period; after them a name is very unlikely. */
const LEADS = new Set(['last', 'this', 'past', 'previous', 'prev', 'next', 'current']);
/** What may follow a lead word, for "did you mean `last month`". */
const UNITS = ['week', 'month', 'quarter', 'year', 'days', 'time'];
/** Looks like a date, range, window, quarter or fiscal year, e.g. `2026-13`, `0d`, `-5d`, `q5`, `fy99999`, `a..b`. */
const SHAPED = /^(?:\d{4}-|-?\d+d$|q\d|fy'?\d|\d{4}$|.*\.\.)/i;

export interface PeriodProblem {
  /** Plain text; the Slack layer escapes it. */
  message: string;
  /** A whole period phrase that does parse, or null. */
  suggestion: string | null;
}

export interface PeriodWordContext {
  now: Date;
  timezone: string;
  /** The org's fiscal calendar: on a week-based one `P13` is a (bad) fiscal month, not a name. */
  fiscal?: FiscalCalendar;
}

const EXAMPLES =
  'Try `this month`, `last month`, `next month`, `last quarter`, `q3 2026`, `october`, `30d`, `2026-10`, `2026-10-01..2026-10-31` or `all time`.';

/**
 * A period error for the phrase starting at `tokens[index]`, or null when the words there are not
 * period-like (then they are a name). Pure.
 */
export function periodProblem(tokens: string[], index: number, ctx: PeriodWordContext): PeriodProblem | null {
  const word = tokens[index]!.toLowerCase();
  const lead = LEADS.has(word);
  const fiscalMonth = ctx.fiscal?.kind === 'weeks' && /^p\d{1,3}$/.test(word);
  if (!lead && !SHAPED.test(word) && !fiscalMonth) return null;
  for (let length = Math.min(4, tokens.length - index); length >= 1; length--) {
    const phrase = tokens
      .slice(index, index + length)
      .join(' ')
      .toLowerCase();
    const r = parsePeriod(phrase, ctx);
    if (!r.ok && r.shaped) {
      // `-5d`: the window counts back from today anyway, so `5d` is what was meant.
      const back = /^-(\d+d)$/.exec(phrase);
      const suggestion = back && parsePeriod(back[1]!, ctx).ok ? back[1]! : null;
      return { message: r.error, suggestion };
    }
  }
  if (!lead) {
    return { message: `I can't read \`${clip(word)}\` as a period. ${EXAMPLES}`, suggestion: null };
  }
  const next = tokens[index + 1]?.toLowerCase();
  if (next === undefined) return { message: `\`${word}\` what? ${EXAMPLES}`, suggestion: null };
  const unit = suggestWord(next, UNITS);
  const lead2 = word === 'past' || word === 'previous' || word === 'prev' ? 'last' : word;
  const candidate = unit ? `${lead2} ${unit === 'days' ? '30 days' : unit}` : null;
  const suggestion = candidate && parsePeriod(candidate, ctx).ok ? candidate : null;
  return {
    message: `I don't know the period \`${clip(`${word} ${next}`)}\`.${suggestion ? '' : ` ${EXAMPLES}`}`,
    suggestion,
  };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
