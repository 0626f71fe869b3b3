import { minorDigits } from '../money/currencies.js';
import type { Entity, MoneyValue } from './schemas.js';
import type { RowCheckLog } from './warning-kinds.js';
import { atIn } from './warning-text.js';

/** The money fields that hold a whole deal's or contract's value (see checkReadAsDecimals). */
const TOTAL_FIELDS: Partial<Record<Entity, string[]>> = {
  opportunities: ['amount'],
  contracts: ['total_value'],
};

/**
 * Counts a deal's amount that is odd for its outcome (`outcome`: won, lost, open, or undefined when none is
 * known): a won deal's amount zero or below ('won amount not positive'), any deal's below zero ('amount
 * negative'), or a won deal's amount given empty ('won amount missing': an empty or blank cell, JSON null;
 * stored without an amount, it counts as a win but is left out of average deal size and adds nothing to
 * revenue). `line`: its line, or its item index in a request.
 */
export function checkDealAmount(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  outcome: string | undefined,
): void {
  const amount = item.amount as MoneyValue | null | undefined;
  const minor = item.amount_minor as number | null | undefined;
  if (outcome === 'won' && notPositive(amount, minor))
    log.add('won amount not positive', line, () => `a won deal with amount ${amountShown(amount, minor)}`);
  else if (negative(amount, minor)) {
    const deal = outcome === 'lost' ? 'a lost deal' : outcome === 'open' ? 'an open deal' : 'a deal';
    log.add('amount negative', line, () => `${deal} with amount ${amountShown(amount, minor)}`);
  } else if (outcome === 'won' && emptied(amount, minor))
    log.add(
      'won amount missing',
      line,
      () =>
        'a won deal with no amount (stored as given: it counts as a win, but is left out of average deal size and adds nothing to revenue); give its amount in the source',
    );
}

/**
 * An amount as a warning quotes it: as typed, and how it was read when its sign is not a leading minus
 * (fresh tester helper-404: "a won deal with amount (500,00)" did not say it was read as −500.00):
 * `"(500,00)", read as −500.00`. `minor`: the request's amount_minor when no amount was given.
 */
function amountShown(amount: MoneyValue | null | undefined, minor: number | null | undefined): string {
  const text = amount?.reading.text;
  if (text === undefined) return String(minor);
  const v = amount?.value;
  if (!v?.negative || /^\s*[-\u2212]/.test(text)) return text;
  return `"${text}", read as \u2212${v.whole}${v.fraction ? `.${v.fraction}` : ''}`;
}

/**
 * Counts an amount that reads two ways ("1.200": 1.2 or 1200) and was settled, by how the file's (or
 * request's) other amounts write numbers or by the row's own, as 1.2: three decimals, where its currency
 * has two or none. A deal of €1.20 is rarely meant; it is what a row from another locale ("1.200" for
 * a thousand two hundred, in a file whose "$1,200.50" shows "." as the decimal mark) reads as (helper-169).
 * Only a whole deal's or contract's value (TOTAL_FIELDS): a price per license of 4.20 is common. A currency
 * with three minor digits (KWD, BHD) is not counted; an amount read under --locale / --decimal or the
 * request's "locale" is exact, never ambiguous, so it is not counted either.
 */
export function checkReadAsDecimals(log: RowCheckLog, item: Record<string, unknown>, line: number): void {
  for (const field of TOTAL_FIELDS[log.entity] ?? []) {
    const m = item[field] as MoneyValue | null | undefined;
    const r = m?.reading;
    if (r?.kind !== 'ambiguous' || m?.value !== r.asDecimal) continue;
    const currency = r.currency ?? (typeof item.currency === 'string' ? item.currency : 'USD');
    if (minorDigits(currency) >= 3) continue;
    const fraction = r.asDecimal.fraction.replace(/0+$/, '') || '0';
    const [decimal, group] = [`${r.asDecimal.whole}.${fraction}`, r.asGroup.whole];
    log.add(
      'amount read as decimals',
      line,
      () =>
        `${log.fieldName(field)} "${r.text}" read as ${decimal} ${currency}, with "${r.separator}" as the decimal mark, as the ${log.audience}'s other amounts write it; if it means ${group}, the ${log.audience === 'file' ? 'row' : 'item'} writes numbers another way: give it as ${group}`,
    );
  }
}

/** The fields whose amounts a row's currency says the currency of. */
const AMOUNT_FIELDS: Partial<Record<Entity, string[]>> = {
  opportunities: ['amount'],
  contracts: ['total_value', 'revenue_per_license'],
};

/**
 * Counts a row whose currency cell is empty (JSON null) beside an amount that names no currency: its amount
 * is stored in USD, the currency an empty cell means ('currency empty'). Only suspect in a file (request)
 * whose other rows name another currency: `named` collects the currencies other than USD rows name (upper
 * case), and WarningLog keeps the kind only when it holds one (fresh tester helper-404: an empty cell in a
 * EUR file was stored in USD without a word). A row whose currency column is absent is not judged.
 */
export function checkEmptyCurrency(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  named: Set<string>,
): void {
  const fields = AMOUNT_FIELDS[log.entity];
  if (!fields) return;
  if (typeof item.currency === 'string') {
    if (item.currency !== 'USD') named.add(item.currency);
    return;
  }
  if (item.currency !== null) return;
  const amounts = fields.map((f) => item[f] as MoneyValue | null | undefined).filter((m) => m != null);
  if (amounts.length === 0 || amounts.some((m) => m.reading.currency)) return;
  log.add(
    'currency empty',
    line,
    () =>
      `its currency ${log.audience === 'file' ? 'cell' : 'field'} is empty, so its amount is stored in USD`,
  );
}

/**
 * Counts a contract whose ARR is nothing (stored NULL: counted among the active contracts, adding no
 * money): neither licenses × revenue_per_license nor a total_value, or a total_value over zero contract
 * years (no contract_years, and dates on the same contract day: tally_contract_years, migration 0043).
 * Read from the row as sent. A total_value left out of the row is not judged: an update that leaves it
 * out keeps the stored one (an empty cell or `null` is given as nothing, and judged).
 */
export function checkAddsToArr(log: RowCheckLog, item: Record<string, unknown>, line: number): void {
  if (item.licenses != null && item.revenue_per_license != null) return;
  if (!('total_value' in item) || item.total_value === undefined) return;
  if (item.total_value === null) {
    log.add(
      'adds nothing to ARR',
      line,
      () =>
        'no total_value, and no licenses with revenue_per_license: it counts as an active contract that adds nothing to ARR (stored as given); give total_value, or licenses and revenue_per_license',
    );
    return;
  }
  const starts = item.starts_at;
  const ends = item.ends_at;
  if (item.contract_years != null || !(starts instanceof Date) || !(ends instanceof Date)) return;
  if (contractDay(starts) !== contractDay(ends)) return;
  log.add(
    'adds nothing to ARR',
    line,
    () =>
      `starts_at ${atIn(starts, log.zone)} and ends_at ${atIn(ends, log.zone)} are on the same day, so its total_value runs over zero contract years: it counts as an active contract that adds nothing to ARR (stored as given); give contract_years, or the contract's real dates`,
  );
}

/**
 * A contract's day, as ARR's contract years read it (tally_contract_day, migration 0043): the instant in UTC
 * moved on 13 hours, then its date. Two instants on one such day are zero contract years apart.
 */
const contractDay = (d: Date) => new Date(d.getTime() + 13 * 3_600_000).toISOString().slice(0, 10);

/** An amount below zero (as written, or in minor units). */
function negative(amount: MoneyValue | null | undefined, minor: number | null | undefined): boolean {
  return Boolean(
    (amount?.value?.negative && !/^0*$/.test(amount.value.whole + amount.value.fraction)) ||
      (typeof minor === 'number' && minor < 0),
  );
}

/**
 * An amount given as nothing: `amount` or `amount_minor` empty (null) and neither with a value, as the writer
 * reads it (stored NULL). A row without either field says nothing (an update keeps the stored amount).
 */
function emptied(amount: MoneyValue | null | undefined, minor: number | null | undefined): boolean {
  return (amount === null || minor === null) && amount == null && minor == null;
}

/** A won deal's amount that is negative or zero (as written, or in minor units). */
function notPositive(amount: MoneyValue | null | undefined, minor: number | null | undefined): boolean {
  return Boolean(
    (amount?.value && (amount.value.negative || /^0*$/.test(amount.value.whole + amount.value.fraction))) ||
      (typeof minor === 'number' && minor <= 0),
  );
}
