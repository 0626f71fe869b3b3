import { type Db, queryRows, sql } from '../db/client.js';
import type { Delivery, DeliveryKind } from '../db/schema/index.js';
import type { SlackMessage } from '../slack/limits.js';

/**
 * The delivery ledger's SQL. Every timestamp that decides who may send (claim, lease, next attempt)
 * comes from the database clock (`clock_timestamp()`), never from an instance's clock or a tick's start,
 * so instances with skewed clocks and long ticks agree on whether a lease has run out.
 */

/** What a feature asks to have sent. `key` is unique forever (until retention removes the row). */
export interface DeliveryRequest {
  key: string;
  kind: DeliveryKind;
  /** A channel id, or a Slack user id for a DM. */
  to: { channel: string } | { userId: string };
  message: SlackMessage;
  /** Slack message metadata; the key is added to `event_payload.delivery_key`. */
  metadata?: { event_type: string; event_payload: Record<string, string | number | boolean> };
  /** What the feature needs to settle its own ledger. */
  ref?: Record<string, unknown>;
  /** Attempts in all before the row is `failed` (default 3). */
  maxAttempts?: number;
}

/** A claimed row and the state it was taken from (`claimed` = re-taken from an expired lease). */
export type ClaimedDelivery = Delivery & { previousState: 'due' | 'claimed' };

/** Inserts `due` rows; keys that exist already are left alone. Returns the keys this call inserted. */
export async function enqueueDeliveries(db: Db, requests: DeliveryRequest[]): Promise<string[]> {
  if (requests.length === 0) return [];
  const rows = await queryRows<{ key: string }>(
    db,
    sql`insert into deliveries (key, kind, channel, user_id, message, metadata, ref, max_attempts, next_attempt_at, created_at, updated_at)
        select r.key, r.kind, r.channel, r.user_id, r.message, r.metadata, r.ref, r.max_attempts, clock_timestamp(), clock_timestamp(), clock_timestamp()
        from jsonb_to_recordset(${JSON.stringify(
          requests.map((r) => ({
            key: r.key,
            kind: r.kind,
            channel: 'channel' in r.to ? r.to.channel : null,
            user_id: 'userId' in r.to ? r.to.userId : null,
            message: r.message,
            metadata: r.metadata ?? null,
            ref: r.ref ?? {},
            max_attempts: r.maxAttempts ?? 3,
          })),
        )}::jsonb) as r(key text, kind text, channel text, user_id text, message jsonb, metadata jsonb, ref jsonb, max_attempts int)
        on conflict (key) do nothing
        returning key`,
  );
  return rows.map((r) => r.key);
}

/**
 * Claims the next row to send, just before sending it: a `due` row whose time has come, or a `claimed`
 * row whose lease ran out (its sender died or lost the database). Atomic across instances
 * (`for update skip locked`): each row goes to exactly one caller. Null when nothing is ready.
 */
export async function claimNext(
  db: Db,
  instance: string,
  leaseMs: number,
  kinds: readonly DeliveryKind[] | null,
): Promise<ClaimedDelivery | null> {
  const kindFilter = kinds ? sql`and kind = any(${`{${kinds.join(',')}}`}::text[])` : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    update deliveries d
       set state = 'claimed', claimed_by = ${instance}, claimed_at = clock_timestamp(),
           lease_until = clock_timestamp() + make_interval(secs => ${leaseMs}::float8 / 1000),
           attempts = d.attempts + 1, updated_at = clock_timestamp()
      from (
        select id, state as previous_state from deliveries
         where ((state = 'due' and next_attempt_at <= clock_timestamp())
             or (state = 'claimed' and lease_until < clock_timestamp()))
           ${kindFilter}
         order by next_attempt_at, id
         limit 1
         for update skip locked
      ) c
     where d.id = c.id
    returning d.*, c.previous_state`,
  );
  const row = rows[0];
  return row ? toDelivery(row) : null;
}

/**
 * Pushes the leases of rows this instance still holds. `renewed`: ids whose lease was pushed (still ours);
 * `takenOver`: ids another instance claimed meanwhile (our lease had run out).
 */
export async function renewLeases(
  db: Db,
  ids: number[],
  instance: string,
  leaseMs: number,
): Promise<{ renewed: number[]; takenOver: number[] }> {
  if (ids.length === 0) return { renewed: [], takenOver: [] };
  const list = `{${ids.join(',')}}`;
  const renewed = await queryRows<{ id: number }>(
    db,
    sql`update deliveries set lease_until = clock_timestamp() + make_interval(secs => ${leaseMs}::float8 / 1000)
         where id = any(${list}::bigint[]) and state = 'claimed' and claimed_by = ${instance}
         returning id`,
  );
  const taken = await queryRows<{ id: number }>(
    db,
    sql`select id from deliveries where id = any(${list}::bigint[]) and claimed_by <> ${instance}`,
  );
  return { renewed: renewed.map((r) => Number(r.id)), takenOver: taken.map((r) => Number(r.id)) };
}

/** Remembers a DM's IM channel before the post, so a re-take can look in its history. */
export async function recordDmChannel(db: Db, id: number, channel: string): Promise<void> {
  await db.execute(sql`update deliveries set dm_channel = ${channel} where id = ${id}`);
}

/** How a claimed row ends (or goes back to `due` for another attempt). */
export type Settlement =
  | { state: 'sent'; channel: string; ts: string | null }
  | { state: 'failed' | 'skipped'; reason: string }
  | { state: 'due'; reason: string; delayMs: number; countAttempt: boolean };

/**
 * Writes the settlement of a row this instance claimed. Guarded by `claimed_by`: when the lease was lost
 * and someone else took the row, nothing is written and false is returned.
 */
export async function settleDelivery(
  db: Db,
  id: number,
  instance: string,
  s: Settlement,
): Promise<Delivery | null> {
  const set =
    s.state === 'sent'
      ? sql`state = 'sent', sent_channel = ${s.channel}, sent_ts = ${s.ts}, sent_at = clock_timestamp(), reason = null`
      : s.state === 'due'
        ? sql`state = 'due', reason = ${s.reason}, next_attempt_at = clock_timestamp() + make_interval(secs => ${s.delayMs}::float8 / 1000),
              attempts = attempts - ${s.countAttempt ? 0 : 1}`
        : sql`state = ${s.state}, reason = ${s.reason}`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`update deliveries set ${set}, lease_until = null, updated_at = clock_timestamp()
         where id = ${id} and state = 'claimed' and claimed_by = ${instance}
         returning *`,
  );
  return rows[0] ? toDelivery(rows[0]) : null;
}

/** Puts a finished row back to `due` (a feature's own retry, e.g. a digest within its grace window). */
export async function requeueDelivery(db: Db, key: string): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update deliveries set state = 'due', next_attempt_at = clock_timestamp(), reason = null, updated_at = clock_timestamp()
         where key = ${key} and state in ('failed', 'skipped') returning id`,
  );
  return rows.length > 0;
}

/** The rows with these keys (any state). */
export async function getDeliveries(db: Db, keys: string[]): Promise<Delivery[]> {
  if (keys.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select * from deliveries where key = any(${`{${keys.map((k) => `"${k}"`).join(',')}}`}::text[]) order by id`,
  );
  return rows.map(toDelivery);
}

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** Raw row (snake_case, from `returning *`) to the drizzle shape. */
function toDelivery(r: Record<string, unknown>): ClaimedDelivery {
  return {
    id: Number(r.id),
    key: String(r.key),
    kind: r.kind as DeliveryKind,
    channel: (r.channel as string | null) ?? null,
    userId: (r.user_id as string | null) ?? null,
    dmChannel: (r.dm_channel as string | null) ?? null,
    message: r.message,
    metadata: r.metadata ?? null,
    ref: r.ref ?? {},
    state: r.state as Delivery['state'],
    reason: (r.reason as string | null) ?? null,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    nextAttemptAt: toDate(r.next_attempt_at) as Date,
    claimedBy: (r.claimed_by as string | null) ?? null,
    claimedAt: toDate(r.claimed_at),
    leaseUntil: toDate(r.lease_until),
    sentChannel: (r.sent_channel as string | null) ?? null,
    sentTs: (r.sent_ts as string | null) ?? null,
    sentAt: toDate(r.sent_at),
    createdAt: toDate(r.created_at) as Date,
    updatedAt: toDate(r.updated_at) as Date,
    previousState: (r.previous_state as 'due' | 'claimed' | undefined) ?? 'due',
  };
}
