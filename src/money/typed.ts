import { currencyOfSymbol, isCurrencyCode, minorDigits } from './currencies.js';

/** An amount a person typed in Slack ("$2m", "€12,400", "¥1.5m", "12k EUR"), read. */
export type TypedMoney =
  | { ok: true; amount: number; currency: string | null }
  | { ok: false; reason: 'not_money' | 'two_currencies' };

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/**
 * Reads a money amount typed in a command: an optional symbol or ISO 4217 code before the number
 * (`$`, `€`, `¥`, `US$`, `EUR`), commas as thousands separators, an optional `k` / `m` multiplier and an
 * optional code or symbol after it (`12kEUR`, `2m€`, or `12k EUR` when `next` is that code written in
 * capitals). `$` is USD, the currency Tally
 * writes as `$`. Returns the major amount (12400 for "$12,400") and the currency, or null when none is
 * written; `two_currencies` when the text names two different ones. Does not scale to minor units: see
 * `typedMoneyToMinor`.
 */
export function readTypedMoney(text: string, next?: string): TypedMoney & { usedNext?: boolean } {
  const compact = withoutGroupCommas(text.trim());
  if (compact === null) return { ok: false, reason: 'not_money' };
  const m = /^([^\d.]*?)\s*(\d+(?:\.\d+)?)([kKmM]?)\s*([^\d\s.,]+)?$/.exec(compact);
  if (!m) return { ok: false, reason: 'not_money' };
  const [, prefix = '', digits = '', multiplier = '', suffix] = m;
  const symbol = (s: string) => (s === '$' ? 'USD' : currencyOfSymbol(s));
  const before = prefix === '' ? null : symbol(prefix.trim());
  if (prefix !== '' && before === null) return { ok: false, reason: 'not_money' };
  // After the amount: a code ("12kEUR") or a symbol ("2m€", as many European exports write it).
  const after = suffix === undefined ? null : symbol(suffix);
  if (suffix !== undefined && after === null) return { ok: false, reason: 'not_money' };
  let currency = before;
  if (after !== null) {
    if (currency !== null && currency !== after) return { ok: false, reason: 'two_currencies' };
    currency = after;
  }
  let usedNext = false;
  // A separate word is a currency only in capitals: "2m EUR", but "2m top" is not Tongan paʻanga.
  if (next !== undefined && /^[A-Z]{3}$/.test(next) && isCurrencyCode(next)) {
    const code = next;
    if (currency !== null && currency !== code) return { ok: false, reason: 'two_currencies' };
    currency = code;
    usedNext = true;
  }
  const amount = Number(digits) * MULTIPLIERS[multiplier.toLowerCase()]!;
  return { ok: true, amount, currency, usedNext };
}

/**
 * `text` without its thousands commas ("$12,400" → "$12400"), or null when a comma is not one: every comma
 * must follow 1–3 digits (the first) or a group and precede exactly three digits. "2,5m" and "1,5" are
 * null, never 25 million or 15: a decimal comma is refused, not read as a separator.
 */
export function withoutGroupCommas(text: string): string | null {
  if (!text.includes(',')) return text;
  return /^[^\d,]*\d{1,3}(?:,\d{3})+(?:\.\d+)?[^\d,]*$/.test(text) ? text.replace(/,/g, '') : null;
}

/**
 * A major amount in `currency` as integer minor units (ISO 4217 digits: 12.5 USD → 1250, 1500 JPY → 1500),
 * or null when it has more decimals than the currency has (¥99.5).
 */
export function typedMoneyToMinor(amount: number, currency: string): number | null {
  const scaled = amount * 10 ** minorDigits(currency);
  const minor = Math.round(scaled);
  return Math.abs(scaled - minor) < 1e-6 ? minor : null;
}
