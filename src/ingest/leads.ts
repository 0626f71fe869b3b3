import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import { refreshFirstTouch } from './first-touch.js';
import type { CreatedByReference } from './names.js';
import { createNewNames, findReps } from './resolve.js';
import type { ItemOf } from './schemas.js';
import type { StagedUpsert } from './staging.js';
import type { ItemError, WriteResult } from './types.js';
import { findExistingIds, mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import { idOrNew, put, requireForNew } from './write-helpers.js';

export type LeadItem = ItemOf<'leads'>;

/**
 * Writes one batch of parsed lead items (no transaction of its own; callers wrap it). Owners are
 * resolved by owner_email / owner_name (unknown names become reps, only for the rows that are written:
 * a refused row creates nobody). first_touch_at is derived, never taken from input, and recomputed for
 * the written leads.
 */
export async function writeLeads(
  db: Db,
  items: LeadItem[],
  stage?: StagedUpsert,
  created?: CreatedByReference,
): Promise<WriteResult> {
  await stage?.reserve(items.map((i) => i.external_id!));
  const errors: ItemError[] = [];
  const owners = await findReps(
    db,
    items.map((i) => ({ email: i.owner_email, name: i.owner_name })),
    { email: 'owner_email', name: 'owner_name' },
  );
  const rows: PendingRow[] = [];
  items.forEach((item, index) => {
    const owner = owners.resolve({ email: item.owner_email, name: item.owner_name }, index);
    if (owner && 'error' in owner) {
      errors.push({ index, field: owner.field, message: owner.error });
      return;
    }
    const values: Record<string, unknown> = {};
    put(values, 'name', item.name);
    put(values, 'company', item.company);
    put(values, 'email', item.email);
    put(values, 'source', item.source);
    put(values, 'ownerRepId', idOrNew(owner));
    put(values, 'createdAt', item.created_at);
    put(values, 'qualifiedAt', item.qualified_at);
    put(values, 'convertedAt', item.converted_at);
    put(values, 'disqualifiedAt', item.disqualified_at);
    put(values, 'crmUrl', item.crm_url);
    rows.push({ index, key: item.external_id!, values });
  });
  const merged = mergeByExternalId(rows);
  const existing = await findExistingIds(
    db,
    leads,
    'externalId',
    merged.map((r) => r.key),
  );
  const checked = requireForNew(merged, existing, { createdAt: 'created_at' }, 'lead', errors);
  const valid = await createNewNames(db, checked, { ownerRepId: owners }, errors, created);
  if (stage) return { ...(await stage.add(valid, existing)), errors };
  const counts = await upsertRows(db, leads, 'externalId', valid, existing);
  await refreshFirstTouch(db, counts.ids.values());
  return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
}
