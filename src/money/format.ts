import { DISPLAY_SYMBOLS, minorDigits } from './currencies.js';

/** Integer minor units → major units as a number (1054 JPY → 1054; 1054 USD → 10.54; 1054 KWD → 1.054). */
export function minorToMajor(minor: number, currency: string | null): number {
  return minor / 10 ** minorDigits(currency ?? 'USD');
}

/**
 * Minor units to "$12,400" (no fraction from 1,000 up, or when whole), "€9.95", "¥1,054", "1.054 KWD".
 * Below 1,000 a fractional amount shows the currency's own minor digits. `currency` null means USD.
 */
export function formatMoney(minor: number, currency: string | null): string {
  const code = (currency ?? 'USD').trim().toUpperCase();
  const major = minorToMajor(minor, code);
  return withSymbol(major, code, Math.abs(major) >= 1000 || Number.isInteger(major) ? 0 : minorDigits(code));
}

/**
 * A column of amounts (minor units, one currency; null means USD) at one precision, so "€1,235" never sits
 * beside "€101.50": whole units when any amount is 1,000 or more or every amount is whole (formatMoney's
 * rule for one amount), else the currency's minor digits for all.
 */
export function formatMoneyColumn(minors: number[], currency: string | null): string[] {
  const code = (currency ?? 'USD').trim().toUpperCase();
  const majors = minors.map((m) => minorToMajor(m, code));
  const whole = majors.some((m) => Math.abs(m) >= 1000) || majors.every((m) => Number.isInteger(m));
  return majors.map((m) => withSymbol(m, code, whole ? 0 : minorDigits(code)));
}

/**
 * A total and its parts (minor units, one currency; null means USD) shown so that the parts add up to the
 * total on screen, all at one precision: each as `formatMoney` shows it when every one then shows the same
 * digits and those roundings add up, else every one at the currency's minor digits. "€6,236" beside parts
 * "€2,001" and "€4,236" would not add up (both parts end in ,50 cents): they read "€6,236.00", "€2,000.50"
 * and "€4,235.50"; nor would "€5" beside "€1.40" read as one column: "€5.00". Returns `{ total, parts }`,
 * the parts in the order given. Pure.
 */
export function formatMoneyTotal(
  total: number,
  parts: number[],
  currency: string | null,
): { total: string; parts: string[] } {
  const code = (currency ?? 'USD').trim().toUpperCase();
  const minor = minorDigits(code);
  // The step formatMoney rounds an amount to, in minor units: a major unit, or one minor unit.
  const step = (m: number) => {
    const major = minorToMajor(m, code);
    return Math.abs(major) >= 1000 || Number.isInteger(major) ? 10 ** minor : 1;
  };
  const shown = (m: number) => Math.round(m / step(m)) * step(m);
  const steps = new Set([total, ...parts].map(step));
  const adds = parts.reduce((sum, m) => sum + shown(m), 0) === shown(total);
  if (adds && steps.size === 1)
    return { total: formatMoney(total, code), parts: parts.map((m) => formatMoney(m, code)) };
  return { total: formatMoneyExact(total, code), parts: parts.map((m) => formatMoneyExact(m, code)) };
}

/**
 * `major` with `digits` fraction digits, its sign and its currency's symbol (or code after it). A non-zero
 * amount is never shown as zero: one that rounds to 0 at `digits` gets the currency's minor digits
 * ("€0.40" in a whole-euro column), and one below a minor unit (a pro-rata fraction) reads "<€0.01"
 * ("−<€0.01" when negative).
 */
function withSymbol(major: number, code: string, digits: number): string {
  const sign = major < 0 ? '−' : '';
  const symbol = DISPLAY_SYMBOLS[code];
  const text = (amount: string, before = '') =>
    symbol ? `${sign}${before}${symbol}${amount}` : `${sign}${before}${amount} ${code}`;
  const minor = minorDigits(code);
  const roundsToZero = (d: number) => major !== 0 && Math.round(Math.abs(major) * 10 ** d) === 0;
  if (roundsToZero(digits) && digits < minor) digits = minor;
  if (roundsToZero(digits)) return text(fixed(1 / 10 ** minor, minor), '<');
  return text(fixed(Math.abs(major), digits));
}

/** A non-negative amount with exactly `digits` fraction digits and thousands separators ("1,234.50"). */
function fixed(amount: number, digits: number): string {
  return amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Minor units to the exact amount with the currency's own minor digits, for figures a reader recomputes
 * from ("How is this calculated?"): "$6,282,705.00", "¥1,054", "1.054 KWD". A fractional minor amount
 * (ARR pro rata) is rounded to the minor unit.
 */
export function formatMoneyExact(minor: number, currency: string | null): string {
  const code = (currency ?? 'USD').trim().toUpperCase();
  const digits = minorDigits(code);
  return withSymbol(Math.round(minor) / 10 ** digits, code, digits);
}

/**
 * Minor units as they were set, for a value a person typed (a target): whole amounts as formatMoney
 * shows them ("$1,200", "¥1,054"), others with the currency's minor digits ("$1,200.50", not formatMoney's
 * "$1,201" from 1,000 up), so a confirmation never shows a value other than the one stored.
 */
export function formatMoneyAsSet(minor: number, currency: string | null): string {
  const code = (currency ?? 'USD').trim().toUpperCase();
  return Number.isInteger(minorToMajor(minor, code))
    ? formatMoney(minor, code)
    : formatMoneyExact(minor, code);
}

/**
 * The step `formatMoney` rounds `minor` to, in minor units: 1 major unit from 1,000 up (or for a whole
 * amount), else one minor unit. For saying "rounded to whole USD".
 */
export function moneyDisplayStep(minor: number, currency: string | null): { minor: number; words: string } {
  const code = (currency ?? 'USD').trim().toUpperCase();
  const digits = minorDigits(code);
  const major = minorToMajor(minor, code);
  if (Math.abs(major) >= 1000 || digits === 0) return { minor: 10 ** digits, words: `whole ${code}` };
  return { minor: 1, words: `${(1 / 10 ** digits).toFixed(digits)} ${code}` };
}
