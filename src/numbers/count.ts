/**
 * Counts for people, with thousands separators: "1,204" for whole counts, "3.4" (one decimal) otherwise.
 * The one number formatter for counts in notes, answers and digests (metrics notes use it too, so it
 * lives outside the Slack layer).
 */
export function formatCount(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}
