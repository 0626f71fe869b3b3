import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type DigestRun, digestRuns } from '../db/schema/digests.js';

/**
 * The digest run ledger: which (subscription, slot, recipient) was decided, by whom, and how it ended.
 * An instance builds a digest only after its insert of the row succeeded — the unique key is the claim —
 * then queues its delivery (`digest:<run id>`, src/delivery), which owns the send from there. A run
 * claimed but never queued (its builder died) is re-taken once its claim is older than the lease; a
 * failed run is tried again while attempts remain. Both with one atomic update, so only one instance
 * finishes it.
 */

export interface RunKey {
  subscriptionId: number;
  slot: Date;
  /** Channel id, or `rep:<id>` for a personal digest. */
  recipient: string;
}

/** A stable string for a run key, for sets. */
export function runKeyString(k: RunKey): string {
  return `${k.subscriptionId}|${k.slot.getTime()}|${k.recipient}`;
}

/** Keys of every run whose slot is at or after `since` (whatever its state), to skip work already decided. */
export async function listRunKeysSince(db: Db, since: Date): Promise<Set<string>> {
  const rows = await db
    .select({
      subscriptionId: digestRuns.subscriptionId,
      slot: digestRuns.slot,
      recipient: digestRuns.recipient,
    })
    .from(digestRuns)
    .where(gte(digestRuns.slot, since));
  return new Set(rows.map(runKeyString));
}

/** Claims a run: the new row's id when this caller won, null when someone already has it. */
export async function claimRun(db: Db, key: RunKey, now: Date, instance: string): Promise<number | null> {
  const rows = await db
    .insert(digestRuns)
    .values({ ...key, state: 'claimed', claimedAt: now, claimedBy: instance, attempts: 1, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: digestRuns.id });
  return rows[0]?.id ?? null;
}

/** Records a slot that was missed by more than the grace window; true when this call recorded it. */
export async function recordSkipped(db: Db, key: RunKey, now: Date, reason: string): Promise<boolean> {
  const rows = await db
    .insert(digestRuns)
    .values({ ...key, state: 'skipped', error: reason, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: digestRuns.id });
  return rows.length > 0;
}

/**
 * Re-takes runs whose claim expired (owner crashed between claim and post) and failed runs that may
 * try again (transient Slack trouble), for runnable subscriptions only. Atomic: with two instances, each
 * row goes to exactly one of them.
 */
export async function retakeRuns(
  db: Db,
  now: Date,
  leaseMs: number,
  instance: string,
  maxAttempts: number,
): Promise<DigestRun[]> {
  const expired = new Date(now.getTime() - leaseMs);
  return db
    .update(digestRuns)
    .set({
      state: 'claimed',
      claimedAt: now,
      claimedBy: instance,
      attempts: sql`${digestRuns.attempts} + 1`,
      updatedAt: now,
    })
    .where(
      and(
        lt(digestRuns.claimedAt, expired),
        sql`${digestRuns.postedTs} is null`,
        sql`(${digestRuns.state} = 'claimed' or (${digestRuns.state} = 'failed' and ${digestRuns.attempts} < ${maxAttempts} and ${digestRuns.error} not like 'unreachable:%'))`,
        sql`${digestRuns.subscriptionId} in (select id from digest_subscriptions where not paused and broken_at is null)`,
        // A run whose delivery is queued, in flight or sent belongs to the delivery layer (its own lease).
        sql`not exists (select 1 from deliveries d where d.key = 'digest:' || ${digestRuns.id} and d.state in ('due', 'claimed', 'sent'))`,
      ),
    )
    .returning();
}

/** Records the post (the Slack ts is the proof it went out; null when Slack's `ok` answer carried none). */
export async function markPosted(
  db: Db,
  id: number,
  channel: string,
  ts: string | null,
  now: Date,
): Promise<void> {
  await db
    .update(digestRuns)
    .set({
      state: 'posted',
      postedChannel: channel,
      postedTs: ts,
      postedAt: now,
      error: null,
      updatedAt: now,
    })
    .where(eq(digestRuns.id, id));
}

/**
 * Records a failed attempt. `unreachable` ones (the destination cannot receive messages) are stored as
 * `unreachable:<error>` and never retried; others are retried by `retakeRuns` while attempts remain.
 */
export async function markFailed(
  db: Db,
  id: number,
  error: string,
  now: Date,
  unreachable: boolean,
): Promise<void> {
  await db
    .update(digestRuns)
    .set({ state: 'failed', error: unreachable ? `unreachable:${error}` : error, updatedAt: now })
    .where(eq(digestRuns.id, id));
}

/** Marks a re-taken run skipped (its slot fell out of the grace window while it was stuck). */
export async function markSkipped(db: Db, id: number, reason: string, now: Date): Promise<void> {
  await db
    .update(digestRuns)
    .set({ state: 'skipped', error: reason, updatedAt: now })
    .where(eq(digestRuns.id, id));
}

/** The ledger rows of one subscription, newest slot first (for tests and `list`). */
export async function listRuns(db: Db, subscriptionId: number): Promise<DigestRun[]> {
  return db
    .select()
    .from(digestRuns)
    .where(eq(digestRuns.subscriptionId, subscriptionId))
    .orderBy(sql`${digestRuns.slot} desc, ${digestRuns.recipient}`);
}
