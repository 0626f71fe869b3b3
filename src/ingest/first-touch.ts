import { eq, type SQL } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { type ActivityKind, activities, leads } from '../db/schema/index.js';
import { type ArrivalSource, recordArrival } from './origin.js';

/**
 * Recomputes `leads.first_touch_at` (earliest OUTBOUND activity) for the given leads, or for every
 * lead with 'all', in ONE set-based UPDATE. Call it in the same transaction as any activity write, so
 * response-time metrics read one column instead of scanning activities. Only rows whose value really
 * changes are written; `updated_at` is left alone because the value is derived. Returns rows changed.
 */
export async function refreshFirstTouch(db: Db, leadIds: Iterable<number> | 'all'): Promise<number> {
  if (leadIds === 'all') {
    const rows = await queryRows<{ id: number }>(
      db,
      sql`update leads l set first_touch_at = t.first_touch_at
          from (select x.id, f.first_touch_at
                from leads x
                left join (select lead_id, min(occurred_at) as first_touch_at
                           from activities
                           where direction = 'outbound' and lead_id is not null
                           group by lead_id) f on f.lead_id = x.id) t
          where l.id = t.id and l.first_touch_at is distinct from t.first_touch_at
          returning l.id`,
    );
    return rows.length;
  }
  const ids = [...new Set(leadIds)].filter((id) => Number.isSafeInteger(id));
  if (ids.length === 0) return 0;
  return refreshFirstTouchOf(db, ids);
}

/**
 * refreshFirstTouch for lead ids given as a list or as an SQL query returning one `id` column (a
 * big import names its leads by a join with its staging table instead of shipping the ids).
 */
export async function refreshFirstTouchOf(db: Db, leadIds: number[] | SQL): Promise<number> {
  if (Array.isArray(leadIds)) {
    let changed = 0;
    // One int[] parameter rather than thousands of placeholders; the text form works on pg and PGlite alike.
    for (let i = 0; i < leadIds.length; i += 50_000)
      changed += await refreshFrom(db, sql`unnest(${`{${leadIds.slice(i, i + 50_000).join(',')}}`}::int[])`);
    return changed;
  }
  return refreshFrom(db, sql`(${leadIds})`);
}

async function refreshFrom(db: Db, source: SQL): Promise<number> {
  // Read first, write only what changed: an UPDATE statement fires the leads statement triggers (metric
  // rollups) even when it matches no row, and most refreshes change nothing.
  const changed = await queryRows<{ id: number; at: string | null }>(
    db,
    sql`select l.id, f.at::text as at
        from ${source} as x(id)
        join leads l on l.id = x.id
        cross join lateral (select min(a.occurred_at) as at from activities a
                            where a.lead_id = x.id and a.direction = 'outbound') f
        where l.first_touch_at is distinct from f.at`,
  );
  if (changed.length === 0) return 0;
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update leads l set first_touch_at = c.at
        from json_to_recordset(${JSON.stringify(changed)}::json) as c(id int, at timestamptz)
        where l.id = c.id and l.first_touch_at is distinct from c.at
        returning l.id`,
  );
  return rows.length;
}

export interface TouchInput {
  leadId: number;
  repId: number | null;
  kind: ActivityKind;
  at: Date;
  /** Makes the touch idempotent (a double-clicked button records once); defaults to one per lead and instant. */
  externalId?: string;
  /** Where the touch came from ('slack' for the alerts' buttons), recorded as a data arrival at `at`. */
  source?: ArrivalSource;
}

export class UnknownLeadError extends Error {
  override name = 'UnknownLeadError';
}

/**
 * Records an outbound touch on a lead (e.g. the alerts "Contacted" button) and refreshes its
 * first_touch_at in the same transaction, so nudges and metrics see it at once.
 * Throws `UnknownLeadError` when the lead does not exist.
 */
export async function recordTouch(
  db: Db,
  input: TouchInput,
): Promise<{ activityId: number | null; firstTouchAt: Date | null }> {
  const touched = await db.transaction(async (tx) => {
    const lead = await tx.select({ id: leads.id }).from(leads).where(eq(leads.id, input.leadId));
    if (lead.length === 0) throw new UnknownLeadError(`no lead with id ${input.leadId}`);
    const inserted = await tx
      .insert(activities)
      .values({
        externalId: input.externalId ?? `tally:touch:${input.leadId}:${input.at.toISOString()}`,
        repId: input.repId,
        leadId: input.leadId,
        kind: input.kind,
        direction: 'outbound',
        occurredAt: input.at,
      })
      .onConflictDoNothing({ target: activities.externalId })
      .returning({ id: activities.id });
    await refreshFirstTouch(tx as unknown as Db, [input.leadId]);
    if (input.source)
      await recordArrival(tx as unknown as Db, input.source, ['activities', 'leads'], input.at);
    const [row] = await tx.select({ at: leads.firstTouchAt }).from(leads).where(eq(leads.id, input.leadId));
    return { activityId: inserted[0]?.id ?? null, firstTouchAt: row?.at ?? null };
  });
  await bumpDataVersion(db);
  return touched;
}
