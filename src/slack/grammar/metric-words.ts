import { editDistance } from '../../edit-distance.js';
import { findMetric, METRICS } from '../../metrics/definitions.js';
import type { MetricDefinition } from '../../metrics/types.js';
import type { GrammarContext } from './ask.js';
import { SCOPE_WORDS, SUMMARY_WORDS } from './words.js';

/** The words that name a metric: every id and alias, metric names typed as two words, slips between them. Pure. */

/** Every metric id and alias: the words that name a metric (typo guesses, `win rat` slips). */
export const METRIC_WORDS = METRICS.flatMap((m) => [m.id, ...m.aliases]);

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
export function knownWords(ctx: GrammarContext): string[] {
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
