import { isOtherCurrenciesNote } from './compute/aggregate.js';
import type { MetricResult } from './types.js';

/**
 * The notes saying that an answer's headline left records out for being in other currencies than its own
 * (no exchange rates): "2 won deals in other currencies left out (no exchange rates); figures are in USD.".
 * Only a money headline leaves records out: a count (opportunities created, deals lost) counts them all, and
 * its currency note is about a figure beside it (pipeline value, amount lost). A scorecard or a digest, which
 * shows the headline alone, shows these notes; a full answer shows all of its notes.
 */
export function headlineCurrencyNotes(r: Pick<MetricResult, 'metric' | 'notes'>): string[] {
  return r.metric.unit === 'money' ? r.notes.filter(isOtherCurrenciesNote) : [];
}
