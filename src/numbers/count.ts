const ONE_DECIMAL = { minimumFractionDigits: 1, maximumFractionDigits: 1 } as const;

/**
 * A fractional number for people, with thousands separators and one decimal ("3.4", "1,204.0"), except a
 * non-zero value that one decimal would show as 0.0: that one keeps its first significant digit ("0.04",
 * "0.003"), so a small rate never reads as zero. No `<` ("<0.1" would be a link bracket in Slack mrkdwn).
 */
export function formatDecimal(n: number): string {
  const tiny = n !== 0 && Math.abs(n) < 0.05;
  return n.toLocaleString('en-US', tiny ? { maximumSignificantDigits: 1 } : ONE_DECIMAL);
}

/** `n` with one decimal always ("0.0" for 0.04): for changes, where what rounds to nothing is flat. */
export function formatFixedDecimal(n: number): string {
  return n.toLocaleString('en-US', ONE_DECIMAL);
}

/**
 * Counts for people, with thousands separators: "1,204" for whole counts, "3.4" (one decimal) otherwise
 * (see formatDecimal: "0.04", never "0.0", for a small non-zero value).
 * The one number formatter for counts in notes, answers and digests (metrics notes use it too, so it
 * lives outside the Slack layer).
 */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : formatDecimal(n);
}

/**
 * A count with its noun, singular for exactly one: `counted(1, ['row', 'rows'])` → "1 row",
 * `counted(1204, ['row', 'rows'])` → "1,204 rows" (formatCount's separators). `nouns` is the singular and
 * the plural, which may be whole phrases ("row with a close date whose stage reads as open").
 */
export function counted(n: number, nouns: readonly [one: string, many: string]): string {
  return `${formatCount(n)} ${n === 1 ? nouns[0] : nouns[1]}`;
}
