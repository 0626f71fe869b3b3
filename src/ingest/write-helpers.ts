import { AmountError, currencyConflict, toMinorUnits } from '../money/index.js';
import { NewName, type Resolved } from './resolve.js';
import type { MoneyValue } from './schemas.js';
import type { ItemError } from './types.js';
import type { PendingRow } from './upsert-core.js';

/** Sets `values[key]` only when the input carried the field (undefined = absent = leave stored value). */
export function put(values: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) values[key] = value;
}

/**
 * Keeps rows that either exist already or carry every required column; reports the others as
 * "<field> is required for a new <noun>". `required` maps drizzle keys to canonical field names.
 */
export function requireForNew(
  rows: PendingRow[],
  existing: Map<string, number>,
  required: Record<string, string>,
  noun: string,
  errors: ItemError[],
): PendingRow[] {
  const fields = Object.keys(required);
  return rows.filter((row) => {
    if (existing.has(row.key)) return true;
    // Most new rows carry every required column: no list is built for them.
    if (carriesAll(row.values, fields)) return true;
    const missing = fields.filter((k) => row.values[k] === undefined || row.values[k] === null);
    for (const k of missing) {
      errors.push({
        index: row.index,
        field: required[k]!,
        message: `is required for a new ${noun} (${row.key} is not stored yet)`,
      });
    }
    return missing.length === 0;
  });
}

function carriesAll(values: Record<string, unknown>, fields: string[]): boolean {
  for (const k of fields) if (values[k] === undefined || values[k] === null) return false;
  return true;
}

/** Error for a reference that names nothing stored: `matches no lead: L-404` (read after the field, like `owner_email matches no rep: …`). */
export function unknownRef(index: number, field: string, what: string, value: string): ItemError {
  return { index, field, message: `matches no ${what}: ${value}` };
}

/**
 * An item's amount in integer minor units of `currency` (ISO 4217 digits: JPY 0, USD 2, KWD 3).
 * undefined/null pass through (absent / cleared). A cell written in another currency ("€ 99" on a
 * USD row, "$1,200.00" on a EUR row: see currencyConflict), or more decimals than the currency has,
 * becomes an ItemError for `field`.
 */
export function minorOf(
  m: MoneyValue | null | undefined,
  currency: string,
  index: number,
  field: string,
  errors: ItemError[],
): number | null | undefined {
  if (m === undefined || m === null) return m;
  const conflict = currencyConflict(m.reading, currency);
  if (conflict) {
    errors.push({ index, field, message: conflict });
    return undefined;
  }
  try {
    return toMinorUnits(m.value!, currency, m.reading.text);
  } catch (err) {
    if (!(err instanceof AmountError)) throw err;
    errors.push({ index, field, message: err.message });
    return undefined;
  }
}

/**
 * The currency an amount is in, which is also the row's currency once written: the item's own, else one
 * its amount cells named ("€ 99"), else USD (the column default) when the item clears its currency (an
 * empty cell), else the stored row's (a partial update that leaves the currency alone), else USD.
 */
export function currencyFor(
  given: string | null | undefined,
  amounts: (MoneyValue | null | undefined)[],
  stored: string | undefined,
): string {
  if (given) return given;
  for (const a of amounts) if (a?.reading.currency) return a.reading.currency;
  if (given === null) return 'USD';
  return stored?.trim() ?? 'USD';
}

/**
 * On an item without a currency field, an amount cell whose symbol or code names one currency ("€100")
 * other than the one its record is stored in (`stored`, undefined: not stored): two readings, the record
 * switching currency or a slip of the symbol, so the row is refused on `field`, e.g. `"€100" is in EUR but
 * D1 is stored in USD: add a currency column to change its currency`. A sign several currencies share
 * ("$") names none and is left to currencyConflict. null when the item is fine.
 */
export function storedCurrencyConflict(
  given: string | null | undefined,
  amounts: [field: string, value: MoneyValue | null | undefined][],
  stored: string | undefined,
  key: string,
  index: number,
): ItemError | null {
  if (given !== undefined || stored === undefined) return null;
  for (const [field, m] of amounts) {
    const named = m?.reading.currency;
    if (!m || !named || named === stored || currencyConflict(m.reading, stored) === null) continue;
    return {
      index,
      field,
      message: `"${m.reading.text}" is in ${named} but ${key} is stored in ${stored}: add a currency column to change its currency`,
    };
  }
  return null;
}

/**
 * The value a row stores for a resolved reference: its id (null: cleared), or the NewName itself, which
 * createNewNames replaces by the id once the row is sure to be written. undefined: absent (or an error,
 * which the caller reported and refused the row for).
 */
export function idOrNew<R>(ref: Resolved | NewName<R> | undefined): number | null | NewName<R> | undefined {
  if (ref === undefined || ref instanceof NewName) return ref;
  return 'id' in ref ? ref.id : undefined;
}
