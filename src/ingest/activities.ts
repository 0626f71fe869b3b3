import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { activities, leads, opportunities } from '../db/schema/index.js';
import { refreshFirstTouch } from './first-touch.js';
import type { CreatedByReference } from './names.js';
import { createNewNames, findReps } from './resolve.js';
import type { ItemOf } from './schemas.js';
import type { StagedUpsert } from './staging.js';
import type { ItemError, TouchBeforeLead, WriteResult } from './types.js';
import { anyText, findExistingIds, mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import { idOrNew, put, requireForNew, unknownRef } from './write-helpers.js';

export type ActivityItem = ItemOf<'activities'>;

/**
 * Writes one batch of parsed activities (callers own the transaction). The rep is found by rep_email /
 * rep_name (unknown names become reps, only for the rows that are written: a refused row creates nobody);
 * the lead and opportunity by external id and must exist.
 * Afterwards first_touch_at is recomputed, in one statement, for every lead the batch touched,
 * including a lead an activity was moved away from.
 */
export async function writeActivities(
  db: Db,
  items: ActivityItem[],
  stage?: StagedUpsert,
  created?: CreatedByReference,
): Promise<WriteResult> {
  await stage?.reserve(items.map((i) => i.external_id!));
  const errors: ItemError[] = [];
  const repOf = await findReps(
    db,
    items.map((i) => ({ email: i.rep_email, name: i.rep_name })),
    { email: 'rep_email', name: 'rep_name' },
  );
  const leadRows = await findLeads(db, present(items.map((i) => i.lead_external_id)));
  const leadIds = new Map([...leadRows].map(([key, lead]) => [key, lead.id]));
  const oppIds = await findExistingIds(
    db,
    opportunities,
    'externalId',
    present(items.map((i) => i.opportunity_external_id)),
  );
  const rows: PendingRow[] = [];
  items.forEach((item, index) => {
    // Errors go straight to `errors` (no list per row); the row is dropped when it added any.
    const before = errors.length;
    const rep = repOf.resolve({ email: item.rep_email, name: item.rep_name }, index);
    if (rep && 'error' in rep) errors.push({ index, field: rep.field, message: rep.error });
    const leadId = item.lead_external_id ? leadIds.get(item.lead_external_id) : item.lead_external_id;
    if (leadId === undefined && item.lead_external_id) {
      errors.push(unknownRef(index, 'lead_external_id', 'lead', item.lead_external_id));
    }
    const oppId = item.opportunity_external_id
      ? oppIds.get(item.opportunity_external_id)
      : item.opportunity_external_id;
    if (oppId === undefined && item.opportunity_external_id) {
      errors.push(unknownRef(index, 'opportunity_external_id', 'opportunity', item.opportunity_external_id));
    }
    if (errors.length > before) return;
    const values: Record<string, unknown> = {};
    put(values, 'repId', idOrNew(rep));
    put(values, 'leadId', leadId);
    put(values, 'opportunityId', oppId);
    put(values, 'kind', item.kind);
    put(values, 'direction', item.direction ?? (item.direction === null ? 'outbound' : undefined));
    put(values, 'occurredAt', item.occurred_at);
    put(values, 'durationSeconds', item.duration_seconds);
    put(values, 'connected', item.connected);
    put(values, 'emailOpenedAt', item.email_opened_at);
    put(values, 'emailRepliedAt', item.email_replied_at);
    put(values, 'emailTemplate', item.email_template);
    put(values, 'meetingBookedAt', item.meeting_booked_at);
    put(values, 'meetingHeldAt', item.meeting_held_at);
    rows.push({ index, key: item.external_id!, values });
  });
  const merged = mergeByExternalId(rows);
  const keys = merged.map((r) => r.key);
  // Leads the activities pointed at before this write: moving an activity changes the old lead's first touch.
  const before =
    keys.length === 0
      ? []
      : await db
          .select({ id: activities.id, key: activities.externalId, leadId: activities.leadId })
          .from(activities)
          .where(sql`${activities.externalId} = ${anyText(keys)}`);
  const existing = new Map(before.map((r) => [r.key, r.id]));
  const checked = requireForNew(
    merged,
    existing,
    { kind: 'kind', occurredAt: 'occurred_at' },
    'activity',
    errors,
  );
  const valid = await createNewNames(db, checked, { repId: repOf }, errors, created);
  const touchesBeforeLead = touchesBeforeTheirLead(valid, items, leadRows);
  // Such a row keeps no fingerprint, so a re-import that would skip it as unchanged still counts it.
  if (touchesBeforeLead.length > 0)
    stage?.forgetFingerprints(touchesBeforeLead.map((t) => valid[t.row]!.key));
  const early = touchesBeforeLead.map(({ row: _, ...t }) => t);
  const affected = new Set<number>();
  for (const r of before) if (r.leadId !== null) affected.add(r.leadId);
  for (const r of valid) if (typeof r.values.leadId === 'number') affected.add(r.values.leadId);
  if (stage) {
    // first_touch_at is refreshed once the staged rows are written.
    const counts = await stage.add(valid, existing);
    stage.touchLeads(affected);
    return { ...counts, errors, ...(early.length > 0 ? { touchesBeforeLead: early } : {}) };
  }
  const counts = await upsertRows(db, activities, 'externalId', valid, existing);
  await refreshFirstTouch(db, affected);
  return {
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    errors,
    ...(early.length > 0 ? { touchesBeforeLead: early } : {}),
  };
}

/** Leads by external id: id and created_at (one query). */
async function findLeads(db: Db, keys: string[]): Promise<Map<string, { id: number; createdAt: Date }>> {
  const found = new Map<string, { id: number; createdAt: Date }>();
  if (keys.length === 0) return found;
  const rows = await db
    .select({ id: leads.id, key: leads.externalId, createdAt: leads.createdAt })
    .from(leads)
    .where(sql`${leads.externalId} = ${anyText([...new Set(keys)])}`);
  for (const r of rows) if (r.key !== null) found.set(r.key, { id: r.id, createdAt: r.createdAt });
  return found;
}

/**
 * The rows to be written (merged: one per external id, the later item's index) that are outbound touches
 * (a direction not given reads as the column's default, outbound) whose item names a lead and gives an
 * occurred_at before that lead's created_at; `row` is the position in `rows`.
 */
function touchesBeforeTheirLead(
  rows: PendingRow[],
  items: ActivityItem[],
  leadRows: Map<string, { id: number; createdAt: Date }>,
): (TouchBeforeLead & { row: number })[] {
  const out: (TouchBeforeLead & { row: number })[] = [];
  rows.forEach((row, k) => {
    const { occurredAt, direction } = row.values;
    const lead = items[row.index]?.lead_external_id;
    if (!(occurredAt instanceof Date) || direction === 'inbound' || typeof lead !== 'string') return;
    const createdAt = leadRows.get(lead)?.createdAt;
    if (createdAt && occurredAt < createdAt)
      out.push({ row: k, index: row.index, occurredAt, lead, leadCreatedAt: createdAt });
  });
  return out;
}

function present(values: (string | null | undefined)[]): string[] {
  return values.filter((v): v is string => typeof v === 'string');
}
