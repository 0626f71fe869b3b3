/**
 * A 0..1 ratio as a percentage with `digits` decimals: "27.3%". A ratio that is not exactly 1 or 0 is never
 * rounded to it: 5,329 won of 5,330 closed is "99.9%", not "100.0%", and a tiny share is "under 0.1%"
 * ("under 1%" with 0 digits; words, since a bare "<" would need escaping in mrkdwn).
 */
export function formatPercent(ratio: number, digits = 1): string {
  const shown = (ratio * 100).toFixed(digits);
  const step = 10 ** -digits;
  if (ratio < 1 && ratio > 0 && Number(shown) >= 100) return `${(100 - step).toFixed(digits)}%`;
  if (ratio > 0 && ratio < 1 && Number(shown) === 0) return `under ${step.toFixed(digits)}%`;
  return `${shown}%`;
}
