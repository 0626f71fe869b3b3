import { fold } from '../core/fold.js';
import type { Db } from '../db/client.js';
import { accounts } from '../db/schema/index.js';
import { ambiguousName, findByName, findByNameLocked } from './names.js';
import { type ItemOf, oneSpace } from './schemas.js';
import type { ItemError, NamedLikeStored, WriteResult } from './types.js';
import { findExistingIds, mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import { put } from './write-helpers.js';

export type AccountItem = ItemOf<'accounts'>;

/**
 * Writes one batch of accounts (callers own the transaction). An account needs external_id or name:
 * a missing external id is taken from the name (as given, its spaces kept), and a new account without a name
 * is named after its external id (customer lists often carry only an id); a name stored has each run of
 * spaces as one space (oneSpace). A stored name is never replaced by the id.
 * A new account named like a stored one under another external id is written, and returned in
 * `namedLikeStored` for the caller's warnings (see storedLookAlikes).
 */
export async function writeAccounts(db: Db, items: AccountItem[]): Promise<WriteResult> {
  const errors: ItemError[] = [];
  const rows: PendingRow[] = [];
  // Without an external id the name is a reference by name (src/ingest/names.ts): a stored account whose
  // name folds the same is updated (keyed by its external id); spellings of one new name make one account,
  // and a new name is looked up again under lockNameCreation, so concurrent writers make no twins.
  const byName = await findByNameLocked(
    db,
    'accounts',
    items.filter((i) => !i.external_id && i.name).map((i) => i.name!),
  );
  const firstSpelling = new Map<string, string>();
  items.forEach((item, index) => {
    // The name as given (its spaces kept: schemas.ts name({ asId })) keys an account without external_id,
    // as a deal's reference does; the name stored is single-spaced (oneSpace).
    let key = item.external_id ?? item.name;
    let name = typeof item.name === 'string' ? oneSpace(item.name) : item.name;
    if (!item.external_id && item.name) {
      const folded = fold(item.name);
      const matches = byName.get(folded) ?? [];
      if (matches.length > 1) {
        errors.push({
          index,
          field: 'name',
          message: ambiguousName(item.name, 'accounts', matches, 'give external_id'),
        });
        return;
      }
      if (!firstSpelling.has(folded)) firstSpelling.set(folded, matches[0]?.externalId ?? item.name);
      key = firstSpelling.get(folded)!;
      // A match by name keeps the stored spelling (or the first one in this batch).
      if (matches[0] || key !== item.name) name = undefined;
    }
    if (!key) {
      errors.push({ index, field: 'external_id', message: 'an account needs external_id or name' });
      return;
    }
    if (name === null) {
      errors.push({ index, field: 'name', message: 'cannot be emptied (leave the column out to keep it)' });
      return;
    }
    const values: Record<string, unknown> = {};
    put(values, 'name', name);
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
    if (!existing.has(row.key) && row.values.name === undefined) row.values.name = oneSpace(row.key);
  }
  const byId = new Set(items.flatMap((i) => (i.external_id ? [i.external_id] : [])));
  const namedLikeStored = await storedLookAlikes(db, merged, existing, byId);
  const counts = await upsertRows(db, accounts, 'externalId', merged, existing);
  const result = { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
  return namedLikeStored.length > 0 ? { ...result, namedLikeStored } : result;
}

/**
 * The new rows of a batch (external id not in `existing`) whose name folds like a stored account's, read
 * before the batch is written: one lookup for the batch (findByName). Stored accounts this batch writes by
 * external id (`inBatch`) are left out: the batch may rename them, and one it leaves alike is the in-file
 * look-alike check's (WarningLog). Not adopted: a stored account whose external id is its own name may have
 * been created by a deal's reference by name, or written by a source whose ids are names; nothing tells
 * which, so taking it over would be a guess.
 */
async function storedLookAlikes(
  db: Db,
  rows: PendingRow[],
  existing: Map<string, number>,
  inBatch: Set<string>,
): Promise<NamedLikeStored[]> {
  const fresh = rows.filter((r) => !existing.has(r.key) && typeof r.values.name === 'string');
  if (fresh.length === 0) return [];
  const found = await findByName(
    db,
    'accounts',
    fresh.map((r) => r.values.name as string),
  );
  if (found.size === 0) return [];
  const out: NamedLikeStored[] = [];
  for (const r of fresh) {
    const name = r.values.name as string;
    const stored = (found.get(fold(name)) ?? []).filter((m) => !inBatch.has(m.externalId!));
    if (stored.length === 0) continue;
    out.push({
      index: r.index,
      name,
      externalId: r.key,
      stored: stored.map((m) => ({ id: m.id, externalId: m.externalId! })),
    });
  }
  return out;
}
