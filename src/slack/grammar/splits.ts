import { suggestWord } from '../../edit-distance.js';
import type { Dimension, MetricDefinition } from '../../metrics/types.js';
import { DIMENSIONS } from './words.js';

/** The splits (`by rep`, `by template`) named back when one is refused or misspelt. Pure. */

/** Every split the grammar reads, for an answer to `by` with no split or an unknown one when no metric is named. */
export const SPLITS =
  'Splits: `by rep`, `by team`, `by product`, `by source`, `by reason` (lost deals) or `by template` (emails).';

/** The words that name one of `dims` (`rep`, `reps`, `people`, …), for "did you mean `by rep`". */
export function splitWords(dims: readonly Dimension[]): string[] {
  return [...DIMENSIONS].filter(([, d]) => dims.includes(d)).map(([w]) => w);
}

/** The split word among `candidates` that `typed` misspells (`templte`) or starts (`temp`, 3+ letters). */
export function guessSplit(typed: string, candidates: string[]): string | undefined {
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
export function ownSplits(metric: MetricDefinition): string {
  return metric.dimensions.length === 0
    ? `${metric.label} cannot be split: it is one number for the scope.`
    : `${metric.label} can be split by ${splitList(metric.dimensions)}.`;
}

/**
 * The refusal of a split a metric does not have, naming the ones it has: "Win rate cannot be split by
 * template; it can be split by rep, team, product or source."
 */
export function cannotSplit(metric: MetricDefinition, dim: Dimension | undefined): string {
  return metric.dimensions.length === 0 || dim === undefined
    ? ownSplits(metric)
    : `${metric.label} cannot be split by ${dim}; it can be split by ${splitList(metric.dimensions)}.`;
}
