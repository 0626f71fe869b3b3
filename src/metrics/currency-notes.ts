import { isOtherCurrenciesNote } from './compute/aggregate.js';
import type { MetricResult } from './types.js';

/**
 * The notes saying that an answer's headline left records out for being in other currencies than its own
 * (no exchange rates): "2 won deals in other currencies left out (no exchange rates); figures are in USD.".
 * Only a money headline (or pipeline coverage, money ÷ money) leaves records out: a count (opportunities created, deals lost) counts them all, and
 * its currency note is about a figure beside it (pipeline value, amount lost). A scorecard or a digest, which
 * shows the headline alone, shows these notes; a full answer shows all of its notes.
 */
export function headlineCurrencyNotes(r: Pick<MetricResult, 'metric' | 'notes' | 'value'>): string[] {
  // A metric that looks ahead with no figure (pipeline coverage of a period that has ended) left nothing out
  // of a figure: "No data: coverage looks ahead…" beside "2 deals in other currencies left out" (fresh tester
  // helper-206).
  if (r.metric.looksAhead && r.value.kind === 'no_data') return [];
  // Pipeline coverage (a multiple) divides money by money, so its headline leaves records out as money does:
  // a scorecard's coverage row in EUR left the USD pipeline out without a footnote (fresh tester helper-174).
  return r.metric.unit === 'money' || r.metric.unit === 'multiple'
    ? r.notes.filter(isOtherCurrenciesNote)
    : [];
}

/**
 * Every note of an answer saying records were left out for their currency, about its headline or a figure
 * beside it ("Lost amount: 1 deal in another currency left out (no exchange rates).").
 */
export function otherCurrencyNotes(r: Pick<MetricResult, 'notes'>): string[] {
  return r.notes.filter(isOtherCurrenciesNote);
}

/**
 * A currency note cut to what a plain-text fallback needs beside its figure (which carries its currency
 * symbol): the records left out, without the figure's name before it or the reason after it.
 * "Lost amount: 1 deal in another currency left out (no exchange rates)." → "1 deal in another currency
 * left out"; "2 won deals in other currencies left out (no exchange rates); figures are in USD." → "2 won
 * deals in other currencies left out". A note of another shape is returned whole.
 */
export function shortCurrencyNote(note: string): string {
  const m = /^(?:[^:]*: )?(.*? in (?:another currency|other currencies) left out)\b/.exec(note);
  return m ? m[1]! : note;
}

/**
 * How many records a currency note says were left out ("797 won deals in other currencies left out …" →
 * 797; "1 deal in another currency left out" → 1), summed over `notes`; 0 when none says so.
 */
export function recordsLeftOut(notes: readonly string[]): number {
  let n = 0;
  for (const note of notes) {
    const m = /^(?:[^:]*: )?([\d,]+) [^:]*? in (?:another currency|other currencies) left out\b/.exec(note);
    if (m) n += Number(m[1]!.replace(/,/g, ''));
  }
  return n;
}
