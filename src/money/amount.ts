import {
  currenciesWrittenAs,
  currencyOfSymbol,
  isCurrencyCode,
  minorDigits,
  YEN_SIGNS,
} from './currencies.js';

/** An amount that cannot be read, with a reason fit for a row error. */
export class AmountError extends Error {
  override name = 'AmountError';
}

export type DecimalMark = '.' | ',';

/**
 * An exact decimal in major units: sign, integer digits and fraction digits, as text (no floats).
 * `rounded`: a JSON number past 2^53 that JSON.parse had already rounded; its digits are not what was
 * sent, so toMinorUnits refuses it by its bound ("a number beyond 9007199254740991 is too large …").
 */
export interface Decimal {
  negative: boolean;
  whole: string;
  fraction: string;
  rounded?: true;
  /**
   * Read from a JSON number (a double): digits past the 15th may not be what was sent (90071992547409.91
   * arrives as 90071992547409.9), so toMinorUnits refuses one whose whole and minor digits pass 15.
   */
  fromNumber?: true;
}

/**
 * What a cell says. `exact`: one reading; `mark` is the decimal mark the text proved (from "12.50" or
 * "1.234,56"), which tells how the rest of the file writes numbers. `ambiguous`: "4.200" or "1,500",
 * which read differently in en-US and de-DE; the caller settles it with the file's mark or refuses it.
 * `currency` is the ISO code a symbol or code in the cell named ("€", "EUR"), when it names one;
 * `sign` the symbol or word it carried that several currencies share ("$", "kr"), if any.
 */
export type AmountReading =
  | {
      kind: 'exact';
      value: Decimal;
      mark: DecimalMark | null;
      currency: string | null;
      sign?: string;
      text: string;
    }
  | {
      kind: 'ambiguous';
      separator: DecimalMark;
      asDecimal: Decimal;
      asGroup: Decimal;
      currency: string | null;
      sign?: string;
      text: string;
    };

const SPACES = /[\s\u00a0\u202f\u2009]/g;
const APOSTROPHES = /['\u2019]/g;
const MINUS = /^[-\u2212]/;
const PLAIN = /^(\d+)(?:\.(\d+))?$/;

/**
 * The decimal mark of a BCP 47 locale ("de-DE" → ",", "en-US" → "."), from Intl. Throws AmountError
 * for a tag Intl cannot parse ("de_DE", which names "de-DE" as meant) and for a well-formed tag it has no number format for ("xx",
 * "german"): Intl would quietly format those as en-US, reading "1.500" as 1.5 where a German meant 1,500.
 */
export function decimalMarkOf(locale: string): DecimalMark {
  let mark: string | undefined;
  try {
    if (Intl.NumberFormat.supportedLocalesOf([locale]).length === 0)
      throw new AmountError(
        `"${locale}" is not a locale Tally knows how numbers are written in; use a tag such as en-US or de-DE`,
      );
    mark = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value;
  } catch (err) {
    if (err instanceof AmountError) throw err;
    // `de_DE`, as POSIX and Java write it: BCP 47 joins with a hyphen.
    const hyphened = locale.replace(/_/g, '-');
    const meant = hyphened !== locale && isKnownLocale(hyphened);
    throw new AmountError(
      meant
        ? `"${locale}" is not a locale tag; did you mean ${hyphened}?`
        : `"${locale}" is not a locale such as en-US or de-DE`,
    );
  }
  if (mark === ',' || mark === '٫') return ',';
  return '.';
}

/** Whether Intl has a number format for `tag`; false for a tag it cannot parse. */
function isKnownLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/**
 * How an amount error tells the reader to say which decimal mark the input uses: the CLI options of
 * a file import, or the fields of an ingest request.
 */
export interface NumberHint {
  /** What the numbers came in: a file (import) or a request (ingest API). */
  input: 'file' | 'request';
  /** Ends the message for an amount that reads two ways. */
  ambiguous: string;
  /** In parentheses after an amount that does not fit the forced mark. */
  forced: string;
  /**
   * Ends the message for an amount of an input that writes numbers both ways: one style said, or, for
   * rows really written in both (a EUR row "1.200,50 €" beside a USD row "$1,200.50"), each style apart.
   */
  mixed: string;
}

export const FILE_NUMBER_HINT: NumberHint = {
  input: 'file',
  ambiguous:
    'say how the file writes numbers with --locale (e.g. --locale de-DE or --locale en-US) or --decimal',
  forced: 'check --locale / --decimal',
  mixed:
    'if one style is meant, say which with --locale or --decimal (rows in the other style are then refused); if the rows really use both (e.g. "1.200,50 €" beside "$1,200.50"), split the file by style and import each part with its own --decimal',
};

export const REQUEST_NUMBER_HINT: NumberHint = {
  input: 'request',
  ambiguous:
    'say how the request writes numbers with its "locale" field (e.g. "locale": "de-DE" or "locale": "en-US") or its "decimal" field ("," or ".")',
  forced: 'check the request\'s "locale" / "decimal" field',
  mixed:
    'if one style is meant, say which with the request\'s "locale" or "decimal" field (items in the other style are then refused); if the items really use both (e.g. "1.200,50 €" beside "$1,200.50"), send each style in a request of its own with its "decimal"',
};

/**
 * Reads an amount in major units as people and spreadsheets write it: "1054", "12.50", "1,234.56",
 * "1.234,56", "1 234,56", "CHF 1'234.50", "$1,200", "€ 99", "(500.00)" (accounting negative),
 * "-1.234,57 €", "USD 12". `decimal` forces the decimal mark (from --locale / --decimal); without it
 * a lone "." or "," followed by exactly three digits ("4.200") is `ambiguous`. JSON numbers are exact.
 * `hint` says, in an error, how to tell which decimal mark the input uses. Throws AmountError for
 * anything else.
 */
export function readAmount(
  value: string | number,
  decimal?: DecimalMark,
  hint: NumberHint = FILE_NUMBER_HINT,
): AmountReading {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new AmountError(`${value} is not an amount`);
    if (Math.abs(value) > MAX_MINOR_UNITS) {
      // JSON.parse has already rounded it (or, past ±1.8e308, made it ±Infinity): say so rather than show
      // a number nobody sent. Too large in every currency, but only the row's currency (known once the
      // item is settled) says by how much: toMinorUnits refuses it naming that currency.
      const whole = Number.isFinite(value)
        ? BigInt(Math.trunc(Math.abs(value))).toString()
        : String(BigInt(MAX_MINOR_UNITS) + 1n);
      return {
        kind: 'exact',
        value: { negative: value < 0, whole, fraction: '', rounded: true },
        mark: null,
        currency: null,
        text: roundedText(value < 0),
      };
    }
    const text = String(value);
    if (/e/i.test(text)) throw new AmountError(`${text} is not an amount (too large or too small)`);
    const [w, f = ''] = text.replace('-', '').split('.');
    return {
      kind: 'exact',
      value: { negative: value < 0, whole: w!, fraction: f, fromNumber: true },
      mark: null,
      currency: null,
      text,
    };
  }
  const text = value;
  // Fast path for the common plain cell ("1054", "1234.56"), read exactly as the general path below
  // reads it; anything else (signs, symbols, groups, "4.200", a forced mark) goes the long way.
  const plain = PLAIN.exec(value.trim());
  if (plain) {
    const [, whole, fraction] = plain as unknown as [string, string, string | undefined];
    if (fraction === undefined) {
      return {
        kind: 'exact',
        value: { negative: false, whole, fraction: '' },
        mark: null,
        currency: null,
        text,
      };
    }
    if (!decimal && (fraction.length !== 3 || whole.length > 3 || /^0+$/.test(whole))) {
      return { kind: 'exact', value: { negative: false, whole, fraction }, mark: '.', currency: null, text };
    }
  }
  const bad = () =>
    new AmountError(
      `"${text}" is not an amount (write digits with one decimal mark, e.g. 1234.56 or 1.234,56)`,
    );
  let s = value.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  let currency: string | null = null;
  let sign: string | undefined;
  const takeCurrency = (token: string) => {
    if (!isCurrencyToken(token)) throw bad();
    const c = currencyOfSymbol(token);
    if (c && currency && c !== currency) throw new AmountError(`"${text}" names two currencies`);
    currency = c ?? currency;
    if (!c) sign = token;
  };
  // Sign and currency may come in either order before the number, and a currency after it.
  for (let i = 0; i < 3; i += 1) {
    const sign = MINUS.exec(s) ?? /^\+/.exec(s);
    if (sign) {
      if (negative && sign[0] !== '+') throw bad();
      negative = negative || sign[0] !== '+';
      s = s.slice(1).trim();
      continue;
    }
    const lead = /^([\p{L}\p{Sc}][\p{L}\p{Sc}$]*\.?)/u.exec(s);
    if (lead) {
      takeCurrency(lead[1]!);
      s = s.slice(lead[1]!.length).trim();
      continue;
    }
    break;
  }
  const trail = /([\p{L}\p{Sc}][\p{L}\p{Sc}$]*\.?)$/u.exec(s);
  if (trail) {
    takeCurrency(trail[1]!);
    s = s.slice(0, -trail[1]!.length).trim();
  }
  if (!/^\d/.test(s) && !/^[.,]\d/.test(s)) throw bad();
  // Spaces and apostrophes are only ever digit groups.
  const spaced = /[\s\u00a0\u202f\u2009'\u2019]/.test(s);
  s = s.replace(SPACES, ' ').replace(APOSTROPHES, ' ');
  if (!/^[\d., ]+$/.test(s)) throw bad();
  const result = (whole: string, fraction: string, mark: DecimalMark | null): AmountReading => ({
    kind: 'exact',
    value: { negative, whole: whole === '' ? '0' : whole, fraction },
    mark,
    currency,
    ...(sign === undefined ? {} : { sign }),
    text,
  });
  if (decimal) {
    const group = decimal === '.' ? ',' : '.';
    const [intPart, frac, extra] = s.split(decimal);
    // "1.234,56" under a "." locale: the marks are there, in the other order; say which mark was expected.
    const forced = () =>
      new AmountError(
        `"${text}" does not read as a number with "${decimal}" as decimal mark (${hint.forced})`,
      );
    if (extra !== undefined || (frac !== undefined && !/^\d+$/.test(frac))) throw forced();
    const whole = ungroup(intPart!, [group, ' ']);
    if (whole === null) throw forced();
    return result(whole, frac ?? '', null);
  }
  const dots = count(s, '.');
  const commas = count(s, ',');
  if (dots > 0 && commas > 0) {
    const mark: DecimalMark = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    if (count(s, mark) > 1) throw bad();
    return readWith(s, mark, result, bad);
  }
  if (dots === 0 && commas === 0) {
    const whole = ungroup(s, [' ']);
    if (whole === null) throw bad();
    return result(whole, '', null);
  }
  const sep: DecimalMark = dots > 0 ? '.' : ',';
  if (count(s, sep) > 1) {
    // "1,234,567" / "1.234.567": the separator groups digits, so the other one is the decimal mark.
    const whole = ungroup(s, [sep, ' ']);
    if (whole === null) throw bad();
    return result(whole, '', sep === '.' ? ',' : '.');
  }
  const [left, right] = s.split(sep) as [string, string];
  const leftDigits = left.replace(/ /g, '');
  if (right.length !== 3 || spaced || leftDigits === '' || /^0+$/.test(leftDigits) || leftDigits.length > 3) {
    return readWith(s, sep, result, bad);
  }
  const asGroup = ungroup(s, [sep]);
  if (asGroup === null) throw bad();
  // A zero-decimal currency named in the cell ("¥200,000", "₩1.500") has no decimal part: the
  // separator groups thousands.
  if (currency !== null && minorDigits(currency) === 0) return result(asGroup, '', null);
  return {
    kind: 'ambiguous',
    separator: sep,
    asDecimal: { negative, whole: leftDigits, fraction: right },
    asGroup: { negative, whole: asGroup, fraction: '' },
    currency,
    ...(sign === undefined ? {} : { sign }),
    text,
  };
}

function readWith(
  s: string,
  mark: DecimalMark,
  result: (w: string, f: string, m: DecimalMark | null) => AmountReading,
  bad: () => AmountError,
): AmountReading {
  const [intPart, frac = ''] = s.split(mark) as [string, string | undefined];
  if (!/^\d*$/.test(frac)) throw bad();
  const whole = ungroup(intPart, [mark === '.' ? ',' : '.', ' ']);
  if (whole === null) throw bad();
  return result(whole, frac, mark);
}

/**
 * Removes digit-group separators, checking the groups: the first has 1–3 digits, the last 3, the
 * ones between 2 or 3 (Indian lakh grouping "12,34,567" included). null when the grouping is wrong.
 */
function ungroup(s: string, separators: string[]): string | null {
  if (s === '') return '';
  const parts = s.split(new RegExp(`[${separators.map((c) => `\\${c}`).join('')}]`));
  if (parts.length === 1) return /^\d+$/.test(s) ? s : null;
  if (!parts.every((p) => /^\d+$/.test(p))) return null;
  const [first, ...rest] = parts as [string, ...string[]];
  const last = rest[rest.length - 1]!;
  if (first.length > 3 || last.length !== 3) return null;
  if (!rest.slice(0, -1).every((p) => p.length === 2 || p.length === 3)) return null;
  return parts.join('');
}

/** Local currency words Intl writes after amounts (sv-SE "kr", pl-PL "zł", cs-CZ "Kč", hu-HU "Ft"). */
const CURRENCY_WORDS = new Set([
  'kr',
  'kr.',
  'zł',
  'kč',
  'ft',
  'fr',
  'fr.',
  'lei',
  'лв',
  'лв.',
  'руб',
  'руб.',
  'din',
  'din.',
]);

/** A symbol ("€", "US$"), an ISO code ("EUR") or a local currency word; not any word ("12abc"). */
function isCurrencyToken(token: string): boolean {
  return /\p{Sc}/u.test(token) || isCurrencyCode(token) || CURRENCY_WORDS.has(token.toLowerCase());
}

/**
 * Why an amount cannot be stored in `currency` (the row's) given what its cell wrote, or null when it
 * can: no symbol or code; the currency named ("€ 99" → EUR); a bare yen sign ("¥", read as JPY) on a
 * CNY row, since yuan amounts are written with it too; a sign several currencies share ("$", "kr") on
 * a row in one of them (currenciesWrittenAs; a sign ICU knows no currency for says nothing). E.g.
 * `"€ 99" is in EUR but the row's currency is USD`, `"kr 100" is in DKK, ISK, NOK or SEK but the
 * row's currency is USD`, `"$1,200.00" is in a currency written $ (USD, AUD, CAD, … 30 in all) but the
 * row's currency is EUR`.
 */
export function currencyConflict(reading: AmountReading, currency: string): string | null {
  const named = reading.currency;
  if (named !== null && named !== currency && !yuanWithYenSign(reading, currency)) {
    return `"${reading.text}" is in ${named} but the row's currency is ${currency}`;
  }
  const family = reading.sign === undefined ? null : currenciesWrittenAs(reading.sign);
  if (!family || family.includes(currency)) return null;
  const which =
    family.length <= 4
      ? `${family.slice(0, -1).join(', ')}${family.length > 1 ? ' or ' : ''}${family[family.length - 1]}`
      : `a currency written ${reading.sign} (${family.slice(0, 3).join(', ')}, … ${family.length} in all)`;
  return `"${reading.text}" is in ${which} but the row's currency is ${currency}`;
}

/** A bare yen sign ("¥1,200.50", not "JP¥"/"JPY") on a CNY row: yuan are written with it too. */
function yuanWithYenSign(reading: AmountReading, currency: string): boolean {
  return (
    reading.currency === 'JPY' &&
    currency === 'CNY' &&
    YEN_SIGNS.some((y) => reading.text.includes(y)) &&
    !/JP¥|JPY/i.test(reading.text)
  );
}

function count(s: string, c: string): number {
  let n = 0;
  for (const ch of s) if (ch === c) n += 1;
  return n;
}

/**
 * Settles a reading with the decimal mark the file (or request) has shown, if any: "4.200" is 4.2
 * where "." is the decimal mark and 4200 where it groups thousands. With no mark known, throws an
 * AmountError that says how to decide (--locale / --decimal, or "locale" in the ingest request).
 * `both`: the file has shown both marks ("1,234.50" and "2,5"), so it has no single style; then an amount
 * written with a decimal mark is refused too, not read by its own look (is "2,5" two and a half, or a typo
 * for 2,500?), and an ambiguous one as with no mark known.
 */
export function settleAmount(
  reading: AmountReading,
  fileMark: DecimalMark | 'both' | null,
  hint: NumberHint = FILE_NUMBER_HINT,
): Decimal {
  if (reading.kind === 'exact') {
    if (fileMark === 'both' && reading.mark)
      throw new AmountError(
        `"${reading.text}" writes "${reading.mark}" as the decimal mark, but the ${hint.input} writes numbers both ways ("." and ","); ${hint.mixed}`,
      );
    return reading.value;
  }
  if (fileMark === null || fileMark === 'both') {
    const [d, g] = [reading.asDecimal, reading.asGroup];
    const both = fileMark === 'both' ? `, and the ${hint.input} writes numbers both ways ("." and ",")` : '';
    throw new AmountError(
      `"${reading.text}" could be ${d.whole}.${d.fraction.replace(/0+$/, '') || '0'} or ${g.whole}${both}; ${fileMark === 'both' ? hint.mixed : hint.ambiguous}`,
    );
  }
  return fileMark === reading.separator ? reading.asDecimal : reading.asGroup;
}

const DIGITS = /^\d*$/;

/**
 * An exact decimal in integer minor units of `currency` (ISO 4217 digits: 1054 JPY → 1054,
 * 10.54 USD → 1054, 1.054 KWD → 1054). More fraction digits than the currency has is an error unless
 * the extra digits are zeros; so is a value beyond 2^53.
 */
export function toMinorUnits(d: Decimal, currency: string, text?: string): number {
  const digits = minorDigits(currency);
  const significant = d.fraction.replace(/0+$/, '');
  const shown = text ?? `${d.negative ? '-' : ''}${d.whole}${d.fraction ? `.${d.fraction}` : ''}`;
  if (d.rounded) throw new AmountError(tooLarge(roundedText(d.negative), d.negative, digits, currency));
  // A double holds any decimal of up to 15 significant digits exactly: past that, a JSON number's cents
  // may already have been changed by JSON.parse, so it is refused, never stored one cent off.
  if (d.fromNumber && d.whole.replace(/^0+/, '').length + digits > MAX_EXACT_JSON_DIGITS) {
    const from = `1${'0'.repeat(MAX_EXACT_JSON_DIGITS - digits)}`;
    throw new AmountError(
      `a JSON number of ${BigInt(from).toLocaleString('en-US')} ${currency} or more cannot carry its ${digits === 0 ? 'last digits' : 'cents'} exactly; send the amount as text (in quotes) or in amount_minor`,
    );
  }
  if (significant.length > digits) {
    throw new AmountError(
      digits === 0
        ? `"${shown}" has decimals, but ${currency} has no minor unit`
        : `"${shown}" has more than ${digits} decimals for ${currency}`,
    );
  }
  // Up to 15 digits in all, the amount is below 10^15 minor units, which a double holds exactly: plain
  // number arithmetic gives what the exact (bigint) reading below gives, without its allocations.
  if (d.whole.length + digits <= 15 && DIGITS.test(d.whole)) {
    const n = Number(d.whole) * 10 ** digits + (digits > 0 ? Number(significant.padEnd(digits, '0')) : 0);
    return d.negative && n !== 0 ? -n : n;
  }
  const minor = BigInt(d.whole) * 10n ** BigInt(digits) + BigInt(significant.padEnd(digits, '0') || '0');
  if (minor > BigInt(MAX_MINOR_UNITS))
    throw new AmountError(tooLarge(`"${shown}"`, d.negative, digits, currency));
  const n = Number(minor);
  return d.negative && n !== 0 ? -n : n;
}

/** The significant digits any double holds exactly (DBL_DIG): a JSON amount with more may have been changed. */
const MAX_EXACT_JSON_DIGITS = 15;

/**
 * The largest amount in minor units, either way: the money columns (`amount_minor`,
 * `total_value_minor`, `revenue_per_license_minor`) are bigints read back as exact JS numbers
 * (`integerRange` in src/db/column-range.ts; a test keeps the two equal).
 */
export const MAX_MINOR_UNITS = Number.MAX_SAFE_INTEGER;

/** `MAX_MINOR_UNITS` in major units of a currency with `digits` minor digits: "90071992547409.91". */
export function largestAmount(digits: number): string {
  const all = String(MAX_MINOR_UNITS);
  return digits === 0 ? all : `${all.slice(0, -digits)}.${all.slice(-digits)}`;
}

/** How a JSON number JSON.parse had rounded (past 2^53) is shown: by its bound, not its rounded digits. */
function roundedText(negative: boolean): string {
  return negative ? `a number below -${MAX_MINOR_UNITS}` : `a number beyond ${MAX_MINOR_UNITS}`;
}

/** "… is too large (at most 90071992547409.91 USD)", for an amount past MAX_MINOR_UNITS. */
function tooLarge(shown: string, negative: boolean, digits: number, currency: string): string {
  return negative
    ? `${shown} is too large a negative amount (at least -${largestAmount(digits)} ${currency})`
    : `${shown} is too large (at most ${largestAmount(digits)} ${currency})`;
}

/**
 * One-call parse for callers that know the currency and the decimal mark (or that accept only
 * unambiguous text): reading, settling and conversion to minor units.
 */
export function parseMoney(value: string | number, currency: string, decimal?: DecimalMark): number {
  const reading = readAmount(value, decimal);
  return toMinorUnits(settleAmount(reading, decimal ?? null), currency, String(value));
}
