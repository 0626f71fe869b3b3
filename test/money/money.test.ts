import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currencyConflict,
  decimalMarkOf,
  formatMoney,
  formatMoneyColumn,
  minorDigits,
  parseMoney,
  readAmount,
  settleAmount,
  toMinorUnits,
} from '../../src/money/index.js';

describe('ISO 4217 minor units', () => {
  it('takes the digits from the ISO table (ICU)', () => {
    expect([minorDigits('JPY'), minorDigits('KRW'), minorDigits('USD'), minorDigits('EUR')]).toEqual([
      0, 0, 2, 2,
    ]);
    expect([minorDigits('KWD'), minorDigits('BHD'), minorDigits('jpy')]).toEqual([3, 3, 0]);
  });

  it('stores a JPY deal of 1054 as 1054 and shows it as ¥1,054 (not ×100)', () => {
    expect(parseMoney('1054', 'JPY')).toBe(1054);
    expect(formatMoney(1054, 'JPY')).toBe('¥1,054');
    expect(parseMoney('1054', 'USD')).toBe(105400);
    expect(formatMoney(105400, 'USD')).toBe('$1,054');
    expect(parseMoney('1.054', 'KWD', '.')).toBe(1054);
    expect(formatMoney(1054, 'KWD')).toBe('1.054 KWD');
    expect(formatMoney(995, 'EUR')).toBe('€9.95');
  });

  it('refuses more decimals than the currency has', () => {
    expect(() => parseMoney('1054.5', 'JPY')).toThrow('"1054.5" has decimals, but JPY has no minor unit');
    expect(() => parseMoney('10.123', 'USD', '.')).toThrow('"10.123" has more than 2 decimals for USD');
    expect(parseMoney('10.120', 'USD', '.')).toBe(1012);
  });
});

describe('formatMoneyColumn', () => {
  // Second fresh tester (LOW): a revenue split showed "€1,235" (for €1,234.50) beside "€101.50".
  it('shows a column at one precision: whole from 1,000 up or when all are whole, else minor digits', () => {
    expect(formatMoneyColumn([123450, 10150], 'EUR')).toEqual(['€1,235', '€102']);
    expect(formatMoneyColumn([99950, 10150, 10000], 'EUR')).toEqual(['€999.50', '€101.50', '€100.00']);
    expect(formatMoneyColumn([10000, 20000], null)).toEqual(['$100', '$200']);
    expect(formatMoneyColumn([-1050, 1054], 'KWD')).toEqual(['−1.050 KWD', '1.054 KWD']);
    expect(formatMoneyColumn([], 'EUR')).toEqual([]);
  });

  // Second fresh tester (LOW): €0.40 beside €1,500 read "€0", as if the rep had sold nothing.
  it('never shows a non-zero amount as zero', () => {
    expect(formatMoneyColumn([150000, 40], 'EUR')).toEqual(['€1,500', '€0.40']);
    expect(formatMoneyColumn([150000, -40, 0], 'EUR')).toEqual(['€1,500', '−€0.40', '€0']);
    expect(formatMoneyColumn([150000, 0.3], 'USD')).toEqual(['$1,500', '<$0.01']);
    expect(formatMoney(-0.3, 'USD')).toBe('−<$0.01');
    expect(formatMoney(0.4, 'JPY')).toBe('<¥1');
    expect(formatMoney(0.4, 'KWD')).toBe('<0.001 KWD');
  });
});

describe('readAmount', () => {
  const exact = (text: string, decimal?: '.' | ',') => {
    const r = readAmount(text, decimal);
    if (r.kind !== 'exact') throw new Error(`${text} is ambiguous`);
    return toMinorUnits(r.value, 'USD');
  };

  it('reads symbols, codes, spaces, apostrophes and accounting negatives', () => {
    expect(exact('$1,200.50')).toBe(120050);
    expect(exact('1.234,56 €')).toBe(123456);
    expect(exact('1 234,56')).toBe(123456);
    expect(exact("CHF 1'234.50")).toBe(123450);
    expect(exact('(500.00)')).toBe(-50000);
    expect(exact('-1.234,57 €')).toBe(-123457);
    expect(exact('USD 12')).toBe(1200);
    expect(exact('1,234,567')).toBe(123456700);
    expect(exact('12,34,567.50')).toBe(123456750);
    expect(readAmount('€ 99').currency).toBe('EUR');
    expect(readAmount('$ 99').currency).toBe(null);
  });

  it('calls "4.200" and "1,500" ambiguous, and settles them only with a known decimal mark', () => {
    const a = readAmount('4.200');
    expect(a.kind).toBe('ambiguous');
    expect(() => settleAmount(a, null)).toThrow(
      '"4.200" could be 4.2 or 4200; say how the file writes numbers with --locale (e.g. --locale de-DE or --locale en-US) or --decimal',
    );
    expect(toMinorUnits(settleAmount(a, ','), 'USD')).toBe(420000);
    expect(toMinorUnits(settleAmount(a, '.'), 'USD')).toBe(420);
    expect(toMinorUnits(settleAmount(readAmount('1,500'), '.'), 'USD')).toBe(150000);
    // A leading zero or a long integer part cannot be a thousands group.
    expect(exact('0.500')).toBe(50);
    expect(exact('1234.500')).toBe(123450);
  });

  it('with a forced decimal mark reads the locale and refuses the other style', () => {
    expect(exact('4.200', ',')).toBe(420000);
    expect(exact('1.234,56', ',')).toBe(123456);
    expect(exact('4.200', '.')).toBe(420);
    expect(() => readAmount('12.50', ',')).toThrow(
      '"12.50" does not read as a number with "," as decimal mark (check --locale / --decimal)',
    );
    // Fresh tester (LOW): under en-US "1.234,56 EUR" was only "not an amount", with no word of the mark.
    expect(() => readAmount('1.234,56 EUR', '.')).toThrow(
      '"1.234,56 EUR" does not read as a number with "." as decimal mark (check --locale / --decimal)',
    );
    expect(() => readAmount('1,234.56', ',')).toThrow('does not read as a number with "," as decimal mark');
    expect(decimalMarkOf('de-DE')).toBe(',');
    expect(decimalMarkOf('en-US')).toBe('.');
    // A well-formed tag Intl has no numbers for would read as en-US: "1.500" as 1.5. Refused instead.
    for (const unknown of ['xx', 'zz-ZZ', 'german', 'klingon'])
      expect(() => decimalMarkOf(unknown)).toThrow(
        `"${unknown}" is not a locale Tally knows how numbers are written in; use a tag such as en-US or de-DE`,
      );
    // `de_DE`, as POSIX writes it, names the tag it means.
    expect(() => decimalMarkOf('de_DE')).toThrow('"de_DE" is not a locale tag; did you mean de-DE?');
    expect(() => decimalMarkOf('a_b_c_d')).toThrow('"a_b_c_d" is not a locale such as en-US or de-DE');
    expect(decimalMarkOf('de-CH')).toBe('.');
    expect(decimalMarkOf('fr')).toBe(',');
    expect(() => readAmount('12abc')).toThrow('is not an amount');
    expect(() => readAmount('1.2.3,4,5')).toThrow('is not an amount');
  });
});

describe('currencyConflict', () => {
  const conflict = (text: string, currency: string) => currencyConflict(readAmount(text), currency);

  it('refuses a sign several currencies share on a row in none of them, naming the sign and the currency', () => {
    // "$" is no single currency, but it is never the euro.
    expect(conflict('$1,200.00', 'EUR')).toBe(
      '"$1,200.00" is in a currency written $ (USD, AUD, CAD, … 30 in all) but the row\'s currency is EUR',
    );
    expect(conflict('1 200,00 kr', 'EUR')).toBe(
      '"1 200,00 kr" is in DKK, ISK, NOK or SEK but the row\'s currency is EUR',
    );
    expect(conflict('€ 99', 'USD')).toBe('"€ 99" is in EUR but the row\'s currency is USD');
    // A code and a sign: the code names EUR, and "$" is not a sign of EUR.
    expect(conflict('$ 99 EUR', 'EUR')).toContain('is in a currency written $');
  });

  it('accepts a shared sign on a row in one of its currencies, a named one, and plain amounts', () => {
    for (const [text, currency] of [
      ['$1,200.00', 'USD'],
      ['$1,200.00', 'CAD'],
      ['$ 1.200,00', 'MXN'],
      ['1 200,00 kr', 'SEK'],
      ['1.200 kr.', 'ISK'],
      ['€ 99', 'EUR'],
      ['¥1,200.50', 'CNY'],
      ['1200.50', 'EUR'],
      ['1 200,00 лв', 'BGN'],
    ] as const) {
      expect(conflict(text, currency), `${text} ${currency}`).toBeNull();
    }
  });

  it('never refuses what Intl writes for a currency, in any of the locales people export from', () => {
    const codes = Intl.supportedValuesOf('currency');
    for (const locale of [...LOCALES, 'en-CA', 'fr-CA', 'es-MX', 'en-AU', 'is-IS', 'da-DK', 'nb-NO'])
      for (const currency of codes) {
        const text = new Intl.NumberFormat(locale, { style: 'currency', currency }).format(1234.5);
        let reading: ReturnType<typeof readAmount>;
        try {
          reading = readAmount(text, decimalMarkOf(locale));
        } catch {
          continue; // not read as an amount at all (e.g. "1.234,50 ден."): nothing to compare
        }
        expect(currencyConflict(reading, currency), `${locale} ${currency}: ${text}`).toBeNull();
      }
  });
});

const LOCALES = [
  'en-US',
  'en-GB',
  'en-IN',
  'de-DE',
  'de-CH',
  'fr-FR',
  'nl-NL',
  'es-ES',
  'it-IT',
  'pt-BR',
  'sv-SE',
  'pl-PL',
  'ja-JP',
  'ko-KR',
];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'KRW', 'CHF', 'INR', 'KWD', 'BHD', 'SEK', 'BRL'];

describe('round trip through every supported locale and currency (property)', () => {
  it('parses back what Intl formats, to the same minor units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -9_000_000_000_000, max: 9_000_000_000_000 }),
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...CURRENCIES),
        fc.boolean(),
        (minor, locale, currency, grouping) => {
          const digits = minorDigits(currency);
          const text = new Intl.NumberFormat(locale, {
            style: 'currency',
            currency,
            useGrouping: grouping,
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          }).format(minor / 10 ** digits);
          expect(parseMoney(text, currency, decimalMarkOf(locale))).toBe(minor);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
