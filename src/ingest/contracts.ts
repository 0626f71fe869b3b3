import type { Db } from '../db/client.js';
import { contracts } from '../db/schema/index.js';
import { CurrencyGuard, type MoneyItem } from './currency-change.js';
import type { CreatedByReference } from './names.js';
import { createNewNames, findAccounts } from './resolve.js';
import type { ItemOf } from './schemas.js';
import type { ItemError, WriteResult } from './types.js';
import { findExistingIds, mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import {
  currencyFor,
  idOrNew,
  minorOf,
  put,
  requireForNew,
  storedCurrencyConflict,
} from './write-helpers.js';

export type ContractItem = ItemOf<'contracts'>;

/**
 * Writes one batch of contracts (callers own the transaction). The account is found by external id
 * or name and created when unknown (only for the rows that are written: a refused row creates nothing);
 * ends_at must be after starts_at.
 */
export async function writeContracts(
  db: Db,
  items: ContractItem[],
  created?: CreatedByReference,
): Promise<WriteResult> {
  const errors: ItemError[] = [];
  const accountRefs = await findAccounts(
    db,
    items.map((i) => i.account),
  );
  const moneyItems = items.map(
    (i): MoneyItem => ({
      key: i.external_id!,
      currency: i.currency,
      money: { total_value: i.total_value, revenue_per_license: i.revenue_per_license },
    }),
  );
  const guard = await CurrencyGuard.load(db, 'contracts', moneyItems);
  const rows: PendingRow[] = [];
  items.forEach((item, index) => {
    const money = [item.total_value, item.revenue_per_license];
    const before = guard.currencyBefore(item.external_id!);
    const switched = storedCurrencyConflict(
      item.currency,
      [
        ['total_value', item.total_value],
        ['revenue_per_license', item.revenue_per_license],
      ],
      before,
      item.external_id!,
      index,
    );
    if (switched) {
      errors.push(switched);
      return;
    }
    const currency = currencyFor(item.currency, money, before);
    const itemErrors: ItemError[] = [];
    const total = minorOf(item.total_value, currency, index, 'total_value', itemErrors);
    const perLicense = minorOf(item.revenue_per_license, currency, index, 'revenue_per_license', itemErrors);
    // As for opportunities: the row's currency is the one its amounts were read in (see currencyFor);
    // undefined: left as stored.
    const named = money.find((m) => m?.reading.currency)?.reading.currency ?? undefined;
    const newCurrency = item.currency === undefined ? named : currency;
    const rescaled = guard.check(index, moneyItems[index]!, newCurrency);
    if (rescaled) itemErrors.push(rescaled);
    if (itemErrors.length > 0) {
      errors.push(...itemErrors);
      return;
    }
    if (item.starts_at && item.ends_at && item.ends_at <= item.starts_at) {
      errors.push({ index, field: 'ends_at', message: 'must be after starts_at' });
      return;
    }
    const values: Record<string, unknown> = {};
    const account = item.account ? accountRefs.resolve(item.account, index) : undefined;
    if (account && 'error' in account) {
      errors.push({ index, field: account.field, message: account.error });
      return;
    }
    guard.record(moneyItems[index]!, newCurrency);
    put(values, 'accountId', idOrNew(account));
    put(values, 'startsAt', item.starts_at);
    put(values, 'endsAt', item.ends_at);
    put(values, 'totalValueMinor', total);
    put(values, 'currency', newCurrency);
    put(values, 'contractYears', item.contract_years);
    put(values, 'licenses', item.licenses);
    put(values, 'revenuePerLicenseMinor', perLicense);
    put(values, 'product', item.product);
    rows.push({ index, key: item.external_id!, values });
  });
  const merged = mergeByExternalId(rows);
  const existing = await findExistingIds(
    db,
    contracts,
    'externalId',
    merged.map((r) => r.key),
  );
  const required = { accountId: 'account', startsAt: 'starts_at', endsAt: 'ends_at' };
  const checked = requireForNew(merged, existing, required, 'contract', errors);
  const valid = await createNewNames(db, checked, { accountId: accountRefs }, errors, created);
  const counts = await upsertRows(db, contracts, 'externalId', valid, existing);
  return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
}
