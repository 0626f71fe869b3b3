import fc from 'fast-check';
import { expect, it } from 'vitest';
import { AmountError, type Decimal, minorDigits, toMinorUnits } from '../../src/money/index.js';

/**
 * The exact reading, in bigints, as toMinorUnits computed every amount before its number fast path:
 * the reference the fast path must equal (value, sign, and the same error where one is due).
 */
function reference(d: Decimal, currency: string): number | string {
  const digits = minorDigits(currency);
  const significant = d.fraction.replace(/0+$/, '');
  if (significant.length > digits) return 'decimals';
  const minor = BigInt(d.whole) * 10n ** BigInt(digits) + BigInt(significant.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return 'too large';
  const n = Number(minor);
  return d.negative && n !== 0 ? -n : n;
}

function actual(d: Decimal, currency: string): number | string {
  try {
    return toMinorUnits(d, currency, 'x');
  } catch (err) {
    if (!(err instanceof AmountError)) throw err;
    return /decimals/.test(err.message)
      ? 'decimals'
      : /too large/.test(err.message)
        ? 'too large'
        : err.message;
  }
}

const digitString = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });

it('gives the exact bigint reading for every amount: 0 to 20 whole digits, leading zeros, 0 to 5 decimals, 0/2/3/4-digit currencies', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      digitString(20),
      digitString(5),
      fc.constantFrom('JPY', 'KRW', 'USD', 'EUR', 'KWD', 'BHD', 'CLF'),
      (negative, whole, fraction, currency) => {
        const d = { negative, whole, fraction };
        expect(actual(d, currency)).toBe(reference(d, currency));
      },
    ),
    { numRuns: 20_000 },
  );
});

it('keeps exact values at the edges of the number fast path (15 digits) and of 2^53', () => {
  const cases: [string, string, string][] = [
    ['999999999999999', '', 'JPY'],
    ['9999999999999', '99', 'USD'],
    ['99999999999999', '99', 'USD'],
    ['90071992547409', '91', 'USD'],
    ['90071992547409', '92', 'USD'],
    ['9007199254740991', '', 'JPY'],
    ['9007199254740992', '', 'JPY'],
    ['000000000000000001', '5', 'USD'],
    ['', '5', 'USD'],
    ['0', '', 'USD'],
  ];
  for (const [whole, fraction, currency] of cases)
    for (const negative of [false, true]) {
      const d = { negative, whole, fraction };
      expect([whole, fraction, currency, negative, actual(d, currency)]).toEqual([
        whole,
        fraction,
        currency,
        negative,
        reference(d, currency),
      ]);
    }
});
