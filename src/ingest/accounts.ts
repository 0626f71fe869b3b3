import type { Db } from '../db/client.js';
import { accounts } from '../db/schema/index.js';
import type { ItemOf } from './schemas.js';
import type { ItemError, WriteResult } from './types.js';
import { findExistingIds, mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import { put } from './write-helpers.js';

export type AccountItem = ItemOf<'accounts'>;

/**
 * Writes one batch of accounts (callers own the transaction). An account needs external_id or name:
 * a missing external id is taken from the name, and a new account without a name is named after its
 * external id (customer lists often carry only an id). A stored name is never replaced by the id.
 */
export async function writeAccounts(db: Db, items: AccountItem[]): Promise<WriteResult> {
  const errors: ItemError[] = [];
  const rows: PendingRow[] = [];
  items.forEach((item, index) => {
    const key = item.external_id ?? item.name;
    if (!key) {
      errors.push({ index, field: 'external_id', message: 'an account needs external_id or name' });
      return;
    }
    if (item.name === null) {
      errors.push({ index, field: 'name', message: 'cannot be emptied (leave the column out to keep it)' });
      return;
    }
    const values: Record<string, unknown> = {};
    put(values, 'name', item.name);
    put(values, 'becameCustomerAt', item.became_customer_at);
    put(values, 'churnedAt', item.churned_at);
    rows.push({ index, key, values });
  });
  const merged = mergeByExternalId(rows);
  const existing = await findExistingIds(
    db,
    accounts,
    'externalId',
    merged.map((r) => r.key),
  );
  for (const row of merged) {
    if (!existing.has(row.key) && row.values.name === undefined) row.values.name = row.key;
  }
  const counts = await upsertRows(db, accounts, 'externalId', merged, existing);
  return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
}
