import { editDistance } from '../edit-distance.js';

/**
 * ISO 4217 currency facts, taken from the runtime's ICU data (Intl), which tracks the standard:
 * JPY and KRW have 0 minor digits, USD and EUR 2, KWD, BHD and TND 3. The one list of codes Tally
 * accepts is `Intl.supportedValuesOf('currency')` (current codes; test codes such as XTS/XXX excluded).
 */

const digitsCache = new Map<string, number>();
let known: Set<string> | undefined;
const codes = () => {
  known ??= new Set(Intl.supportedValuesOf('currency'));
  return known;
};

/** True for a 3-letter code the ISO 4217 table (as shipped with ICU) knows, e.g. "EUR". */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Za-z]{3}$/.test(code) && codes().has(code.toUpperCase());
}

/**
 * The known codes one typing slip (a letter changed, added, dropped, or two neighbours swapped) away
 * from `code`, for "did you mean EUR?": "EUE" → [EUR], "USS" → [USD, UZS]. [] when none, or when more
 * than three are that close (no hint is better than a list of guesses).
 */
export function currenciesNear(code: string): string[] {
  const c = code.trim().toUpperCase();
  const near = [...codes()].filter((k) => editDistance(c, k) === 1);
  return near.length <= 3 ? near : [];
}

/**
 * Minor-unit digits of a currency (ISO 4217 "E"): JPY → 0, USD → 2, KWD → 3. A code ICU does not know
 * gets 2, the common case, so a display never fails. Amounts are stored as integers in these units.
 */
export function minorDigits(currency: string): number {
  // A code already trimmed and upper case (every stored or validated one) is found as it is.
  const known = digitsCache.get(currency);
  if (known !== undefined) return known;
  const code = currency.trim().toUpperCase();
  let d = digitsCache.get(code);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits as number;
    } catch {
      d = 2;
    }
    digitsCache.set(code, d);
  }
  return d;
}

/**
 * Symbols that name one currency. "$" names several and says nothing. A bare "¥" / "￥" is read as
 * JPY (a zero-decimal currency, so "¥200,000" is 200000, never 200.0); a row whose currency column says
 * CNY keeps CNY (see `YEN_SIGNS`).
 */
const UNIQUE_SYMBOLS: Record<string, string> = {
  '€': 'EUR',
  '¥': 'JPY',
  '￥': 'JPY',
  '£': 'GBP',
  '₩': 'KRW',
  '₹': 'INR',
  '₽': 'RUB',
  '₺': 'TRY',
  '₪': 'ILS',
  '₫': 'VND',
  '₱': 'PHP',
  '₴': 'UAH',
  zł: 'PLN',
  US$: 'USD',
  R$: 'BRL',
  A$: 'AUD',
  C$: 'CAD',
  CA$: 'CAD',
  AU$: 'AUD',
  'JP¥': 'JPY',
  'CN¥': 'CNY',
  $US: 'USD',
  Kč: 'CZK',
  Fr: 'CHF',
};

/** The bare yen signs, which Chinese yuan amounts use too ("¥1,200.50" on a CNY row). */
export const YEN_SIGNS = ['¥', '￥'];

/** The currency a written symbol or code names ("€" → EUR, "usd" → USD), or null when it is not unique. */
export function currencyOfSymbol(token: string): string | null {
  const t = token.trim().replace(/\.$/, '');
  if (UNIQUE_SYMBOLS[t]) return UNIQUE_SYMBOLS[t]!;
  if (/^[A-Za-z]{3}$/.test(t) && isCurrencyCode(t)) return t.toUpperCase();
  return null;
}

/** Sign or word (lower case) → the currencies written with it, from ICU; made on first use. */
let signs: Map<string, string[]> | undefined;

function signTable(): Map<string, string[]> {
  if (signs) return signs;
  signs = new Map();
  for (const code of codes()) {
    for (const currencyDisplay of ['narrowSymbol', 'symbol'] as const) {
      const sign = new Intl.NumberFormat('en', { style: 'currency', currency: code, currencyDisplay })
        .formatToParts(1)
        .find((p) => p.type === 'currency')?.value;
      if (!sign || sign === code) continue;
      const key = sign.toLowerCase();
      const list = signs.get(key) ?? [];
      if (!list.includes(code)) list.push(code);
      signs.set(key, list);
    }
  }
  return signs;
}

/**
 * The currencies an amount written with `token` can be in: the one it names ("€" → [EUR], "usd" →
 * [USD]; see currencyOfSymbol), or every currency whose symbol or narrow symbol in the runtime's ICU
 * data it is ("$" → USD, CAD, AUD, MXN and the other dollars and pesos, 30 in all; "kr" → DKK, ISK,
 * NOK, SEK), in the order Tally shows currencies first (USD, EUR, GBP, JPY, AUD, CAD), then by code.
 * null when ICU knows no currency written so ("лв", "din"): nothing can be said about it.
 */
export function currenciesWrittenAs(token: string): string[] | null {
  const unique = currencyOfSymbol(token);
  if (unique) return [unique];
  const list = signTable().get(token.trim().replace(/\.$/, '').toLowerCase());
  if (!list) return null;
  const shown = Object.keys(DISPLAY_SYMBOLS);
  const rank = (c: string) => (shown.includes(c) ? shown.indexOf(c) : shown.length);
  return [...list].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

/** Display symbols Tally uses in Slack ("$12,400"); other currencies show their code ("12,400 SEK"). */
export const DISPLAY_SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  AUD: 'A$',
  CAD: 'C$',
};
