import { parseBoolean, parseInstant, ValueError } from '../ingest/index.js';
import {
  AmountError,
  currencyConflict,
  type DecimalMark,
  minorDigits,
  readAmount,
  settleAmount,
  toMinorUnits,
} from '../money/index.js';

/**
 * Subscription snapshots: one row per customer as of a date (the IBM Telco churn shape: a churn flag,
 * tenure in months and a monthly charge). Each row becomes an account (customer since as-of − tenure
 * months; churned at as-of when the flag says so) and one contract (1 licence × the monthly charge × 12
 * a year, from the customer date to as-of when churned, else to one month after as-of: paid through
 * the next bill). Retention, ARR and CLV then read them like any accounts and contracts.
 */
export const SUBSCRIPTION_FIELDS = [
  'external_id',
  'name',
  'tenure_months',
  'monthly_charge',
  'churned',
  'currency',
];

/** IBM Telco column names (customerID, tenure, MonthlyCharges, Churn), read with no --map. */
export const TELCO_HEADERS: Record<string, string> = {
  customerID: 'external_id',
  tenure: 'tenure_months',
  MonthlyCharges: 'monthly_charge',
  Churn: 'churned',
};

export interface Expanded {
  accounts: { index: number; item: Record<string, string> }[];
  contracts: { index: number; item: Record<string, string> }[];
  errors: { index: number; field: string; message: string }[];
}

/** "2026-11-01" shifted by `months` calendar months (the day clamped to the month's length). */
export function shiftMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * Turns subscription rows (canonical subscription fields, raw text) into raw accounts and contracts
 * items, with per-row errors (index = position in `rows`). `asOf` is an ISO date read in `timezone`.
 * A contract's `revenue_per_license` (the yearly charge) is computed text with "." as its decimal mark
 * ("358.20", "1.200" KWD): read it with "." whatever the file's mark (importCsv does), never as evidence
 * of that mark. `decimal`: the file's forced decimal mark (--locale / --decimal); the monthly charge is read
 * with it, and without it a charge that reads two ways ("1.500": 1.5 or 1500) is refused on its row, naming
 * --locale, never guessed. Throws ValueError for an `asOf` that is no date.
 */
export function expandSubscriptions(
  rows: Record<string, string>[],
  asOf: string,
  timezone: string,
  decimal?: DecimalMark,
): Expanded {
  const out: Expanded = { accounts: [], contracts: [], errors: [] };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new ValueError(`--as-of ${asOf}: give a date as YYYY-MM-DD`);
  parseInstant(asOf, timezone);
  for (const [index, row] of rows.entries()) {
    const fail = (field: string, message: string): void => {
      out.errors.push({ index, field, message });
    };
    const id = (row.external_id ?? '').trim();
    if (id === '') {
      fail('external_id', 'is required');
      continue;
    }
    const tenure = Number((row.tenure_months ?? '').trim());
    if (!/^\d+$/.test((row.tenure_months ?? '').trim()) || tenure > 1200) {
      fail('tenure_months', `"${row.tenure_months ?? ''}" is not a whole number of months`);
      continue;
    }
    let churned: boolean;
    try {
      churned = parseBoolean(row.churned ?? '');
    } catch (err) {
      fail('churned', err instanceof ValueError ? err.message : 'is not yes or no');
      continue;
    }
    if (churned && tenure === 0) {
      fail('tenure_months', 'is 0 for a churned customer (no time as a customer)');
      continue;
    }
    let currency = (row.currency ?? '').trim().toUpperCase();
    let annual: string;
    try {
      const reading = readAmount(row.monthly_charge ?? '', decimal);
      // As for deals: a charge written in one currency ("€ 70") sets an empty currency, and one written
      // in another than the row's ("$70" on a EUR row) is refused.
      currency ||= reading.currency ?? 'USD';
      const conflict = currencyConflict(reading, currency);
      if (conflict) {
        fail('monthly_charge', conflict);
        continue;
      }
      const monthly = toMinorUnits(settleAmount(reading, decimal ?? null), currency);
      const digits = minorDigits(currency);
      const minor = monthly * 12;
      annual = digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
    } catch (err) {
      fail('monthly_charge', err instanceof AmountError ? err.message : 'is not an amount');
      continue;
    }
    const since = shiftMonths(asOf, -tenure);
    const name = (row.name ?? '').trim() || id;
    out.accounts.push({
      index,
      item: { external_id: id, name, became_customer_at: since, churned_at: churned ? asOf : '' },
    });
    out.contracts.push({
      index,
      item: {
        external_id: `${id}/subscription`,
        account: id,
        starts_at: since,
        ends_at: churned ? asOf : shiftMonths(asOf, 1),
        licenses: '1',
        revenue_per_license: annual,
        currency,
      },
    });
  }
  return out;
}
