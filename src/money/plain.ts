import { AmountError, largestAmount, MAX_MINOR_UNITS } from './amount.js';

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Converts an amount in major units ("1054", "12.50", "-3.5", or a JSON number) to integer minor
 * units, exactly: the decimal text is split, never multiplied as a float. More than `decimals`
 * fractional digits is an error unless the extra digits are zeros ("100000.0" is fine).
 */
export function parseMinorUnits(value: string | number, decimals = 2): number {
  const text = typeof value === 'number' ? plainNumber(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m)
    throw new AmountError(
      `"${value}" is not an amount (use digits with an optional "." and up to ${decimals} decimals)`,
    );
  const [, sign, whole, fraction = ''] = m;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) throw new AmountError(`"${value}" has more than ${decimals} decimals`);
  const minor = BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(significant.padEnd(decimals, '0') || '0');
  if (minor > BigInt(MAX_MINOR_UNITS))
    throw new AmountError(`"${value}" is too large (at most ${largestAmount(decimals)})`);
  const n = Number(minor);
  return sign === '-' && n !== 0 ? -n : n;
}

function plainNumber(n: number): string {
  if (!Number.isFinite(n)) throw new AmountError(`${n} is not a number`);
  return String(n);
}
