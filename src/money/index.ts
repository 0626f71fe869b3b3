/**
 * Money: the one module for amounts. Stored as integer minor units of the row's ISO 4217 currency
 * (JPY/KRW 0 digits, USD/EUR 2, KWD/BHD 3); read from text by `readAmount`/`settleAmount`/
 * `toMinorUnits` (locale-aware, exact, ambiguity refused); shown by `formatMoney`.
 */
export {
  AmountError,
  type AmountReading,
  currencyConflict,
  type Decimal,
  type DecimalMark,
  decimalMarkOf,
  MAX_MINOR_UNITS,
  type NumberHint,
  parseMoney,
  REQUEST_NUMBER_HINT,
  readAmount,
  settleAmount,
  toMinorUnits,
} from './amount.js';
export { currenciesNear, currencyOfSymbol, isCurrencyCode, minorDigits } from './currencies.js';
export {
  formatMoney,
  formatMoneyAsSet,
  formatMoneyColumn,
  formatMoneyExact,
  formatMoneyTotal,
  moneyDisplayStep,
} from './format.js';
export { parseMinorUnits } from './plain.js';
export { readTypedMoney, typedMoneyToMinor, withoutGroupCommas } from './typed.js';
