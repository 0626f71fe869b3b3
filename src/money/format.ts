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
  const digits = Math.abs(major) >= 1000 || Number.isInteger(major) ? 0 : minorDigits(code);
  const amount = Math.abs(major).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const sign = major < 0 ? '−' : '';
  const symbol = DISPLAY_SYMBOLS[code];
  return symbol ? `${sign}${symbol}${amount}` : `${sign}${amount} ${code}`;
}
