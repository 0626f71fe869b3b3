/**
 * Edit distance for "did you mean `winrate`?": optimal string alignment (Levenshtein plus swapped
 * neighbours, the commonest typing slip). Pure and small; our candidate lists have a few dozen words.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      let best = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to `word` (case-insensitive) when it is close enough to be a typo:
 * one edit for words up to 4 letters, two beyond, never more than a third of the word.
 */
export function suggestWord(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length < 2) return undefined;
  const allowed = Math.min(w.length <= 4 ? 1 : 2, Math.max(1, Math.floor(w.length / 3)));
  let best: { word: string; distance: number } | undefined;
  for (const c of candidates) {
    // The distance is at least the difference in length: a long paste is compared with nothing.
    const lower = c.toLowerCase();
    if (Math.abs(lower.length - w.length) > allowed) continue;
    const distance = editDistance(w, lower);
    if (distance === 0) return c;
    if (distance <= allowed && (!best || distance < best.distance)) best = { word: c, distance };
  }
  return best?.word;
}
