import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client.js';
import { isDatabaseOutage } from '../db/failures.js';
import type { Delivery, DeliveryKind } from '../db/schema/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { findPostedByKey } from './find-posted.js';
import { DATABASE_UNREACHABLE, type Outbox, type SendResult } from './outbox.js';
import {
  type ClaimedDelivery,
  claimNext,
  recordDmChannel,
  renewLeases,
  type Settlement,
  settleDelivery,
} from './store.js';

/** This process, as written into `claimed_by`. */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** Default lease of a claim; renewed every quarter of it while the send is in progress. */
export const LEASE_MS = 60_000;
/** Backoff before attempt n+1 of a transient failure: 30 s, 2 min, 8 min, … */
const backoffMs = (attempt: number) => 30_000 * 4 ** Math.max(0, attempt - 1);
/** A lost token is tried again after this long (the outbox probes auth.test). */
const AUTH_RETRY_MS = 30_000;
/** A send that met a database outage (nothing posted) is tried again after this long, attempts unspent. */
const DATABASE_RETRY_MS = 5_000;
/** Settlement writes survive a database outage of up to this long (then the lease and Slack check take over). */
const SETTLE_RETRY_MS = 10 * 60_000;
/** Upper bound of rows one drain sends, so a run always ends. */
const MAX_PER_DRAIN = 10_000;

const TRANSIENT =
  /^(http_5\d\d|http_error|ratelimited|internal_error|fatal_error|service_unavailable|request_timeout|request_error|internal)$/;

/** What a feature does when one of its rows settles. */
export interface DeliveryHandler {
  /** Runs right after the settlement is written (e.g. mark the digest run posted, the nudges sent). */
  settled(db: Db, row: Delivery): Promise<void>;
}
export type DeliveryHandlers = Partial<Record<DeliveryKind, DeliveryHandler>>;

export interface DrainOptions {
  outbox: Outbox;
  handlers: DeliveryHandlers;
  /** Only rows of these kinds (default: every kind a handler is given for). */
  kinds?: readonly DeliveryKind[];
  instanceId?: string;
  leaseMs?: number;
  /** Parallel senders (the pacer keeps the pace; default 1). */
  concurrency?: number;
  /** For the check on Slack's side when re-taking an expired claim (conversations.history). */
  slack?: WebClient | null;
  sleep?: (ms: number) => Promise<void>;
}

export interface Drained {
  row: Delivery;
  /** False when this instance lost the row meanwhile (someone else settled it). */
  mine: boolean;
}

interface Ctx {
  db: Db;
  logger: Logger;
  options: DrainOptions;
  instance: string;
  leaseMs: number;
  held: Set<number>;
}

/**
 * Sends every ready row (`due` and time come, or `claimed` with an expired lease), one claim at a time,
 * each claimed just before it is sent, until none is left. Safe to run on every instance at once.
 * Returns the rows this call settled (final states and retries). Database errors end the drain (logged,
 * with their cause); a lost token ends it too (the rows stay `due`). Throws only a database outage met
 * before any row settled (isDatabaseOutage), so the caller's run fails as an outage; nothing is lost.
 */
export async function drainDeliveries(
  deps: { db: Db; logger: Logger },
  options: DrainOptions,
): Promise<Drained[]> {
  const ctx: Ctx = {
    db: deps.db,
    logger: deps.logger,
    options,
    instance: options.instanceId ?? INSTANCE_ID,
    leaseMs: options.leaseMs ?? LEASE_MS,
    held: new Set(),
  };
  const kinds = options.kinds ?? (Object.keys(options.handlers) as DeliveryKind[]);
  const out: Drained[] = [];
  let stop = false;
  let outage: unknown = null;
  const heartbeat = setInterval(() => {
    renewLeases(ctx.db, [...ctx.held], ctx.instance, ctx.leaseMs)
      .then(({ takenOver }) => {
        for (const id of takenOver)
          ctx.logger.warn(
            { deliveryId: id },
            'delivery lease ran out and another instance took the row over',
          );
      })
      .catch((err) => ctx.logger.warn({ err: describeError(err) }, 'delivery lease renewal failed'));
  }, ctx.leaseMs / 4);
  heartbeat.unref();
  const worker = async () => {
    while (!stop && out.length < MAX_PER_DRAIN) {
      let row: ClaimedDelivery | null;
      try {
        row = await claimNext(ctx.db, ctx.instance, ctx.leaseMs, kinds);
      } catch (err) {
        stop = true;
        // A database outage is the scheduler's to log, once (src/app/outage-log.ts): rethrown below.
        if (isDatabaseOutage(err)) outage ??= err;
        else
          ctx.logger.error({ err: describeError(err) }, 'delivery claim failed; the next tick tries again');
        return;
      }
      if (!row) return;
      const claimedAt = performance.now();
      ctx.held.add(row.id);
      logState(ctx, row, 'claimed', { attempt: row.attempts, retaken: row.previousState === 'claimed' });
      try {
        const settlement = await sendOne(ctx, row, claimedAt);
        const settled = await settleWithRetry(ctx, row, settlement);
        if (settlement.state === 'due' && !settlement.countAttempt) stop = true; // lost token: stop all sends
        out.push(settled ? { row: settled, mine: true } : { row, mine: false });
      } finally {
        ctx.held.delete(row.id);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  } finally {
    clearInterval(heartbeat);
  }
  // Nothing could even be claimed because the database is down: the run failed, and says so, so the
  // scheduler logs one outage rather than a "database reachable again" after every tick (fresh tester).
  if (outage && out.length === 0) throw outage;
  return out;
}

function logState(ctx: Ctx, row: Delivery, state: string, extra: Record<string, unknown> = {}): void {
  const fields = { key: row.key, kind: row.kind, state, ...extra };
  if (state === 'failed') ctx.logger.warn(fields, 'delivery state');
  else ctx.logger.info(fields, 'delivery state');
}

/** Checks Slack for an earlier post of a re-taken row, then sends; never throws. */
async function sendOne(ctx: Ctx, row: ClaimedDelivery, claimedAt: number): Promise<Settlement> {
  const { outbox } = ctx.options;
  const message = row.message as { text: string; blocks: KnownBlock[] };
  const base = (row.metadata ?? { event_type: 'tally_delivery', event_payload: {} }) as {
    event_type: string;
    event_payload: Record<string, unknown>;
  };
  const metadata = {
    event_type: base.event_type,
    event_payload: { ...base.event_payload, delivery_key: row.key },
  };
  let channel = row.channel ?? row.dmChannel;
  if ((row.previousState === 'claimed' || row.attempts > 1) && channel && ctx.options.slack) {
    // A re-taken claim (its sender died) or a retry (the last attempt may have reached Slack before it
    // failed, e.g. a timeout): the message may be there already. Look first.
    const found = await findPostedByKey(ctx.options.slack, channel, row.key, row.createdAt);
    if (found.kind === 'found') return { state: 'sent', channel, ts: found.ts };
    if (found.kind === 'unknown') {
      const limited = found.retryAfterSeconds !== undefined;
      ctx.logger.warn(
        {
          key: row.key,
          channel,
          method: 'conversations.history',
          error: found.error,
          ...(limited ? { retryAfterSeconds: found.retryAfterSeconds } : {}),
        },
        `${limited ? 'slack rate limited: ' : ''}cannot check Slack for an earlier post of a re-taken delivery; sending (Slack may show it twice)`,
      );
    }
  }
  let result: SendResult;
  try {
    if (!channel && row.userId && outbox.openDm) {
      const dm = await outbox.openDm(row.userId);
      if ('fail' in dm) return settlementFor(row, dm.fail);
      channel = dm.channel;
      await recordDmChannel(ctx.db, row.id, channel);
    }
    // Right before the call to Slack: is the claim still ours (renewing it)? A sender that lost its lease
    // (database outage, long pause) must not post what another instance may be posting.
    // Within the first half of the lease (measured here since the claim) it cannot have run out: no query.
    const guard = async () =>
      performance.now() - claimedAt < ctx.leaseMs / 2 ||
      (await renewLeases(ctx.db, [row.id], ctx.instance, ctx.leaseMs)).renewed.length === 1;
    result = channel
      ? await outbox.send({ channel, ...message, metadata: metadata as never, guard })
      : await outbox.sendDm(row.userId as string, { ...message, metadata: metadata as never, guard });
  } catch (err) {
    // recordDmChannel failed (database gone): nothing was posted; the row goes back to due.
    ctx.logger.error({ key: row.key, err: describeError(err) }, 'delivery could not start');
    return { state: 'due', reason: 'database_error', delayMs: AUTH_RETRY_MS, countAttempt: false };
  }
  return settlementFor(row, result);
}

/** The delivery policy for one send result. */
function settlementFor(row: Delivery, result: SendResult): Settlement {
  if (result.ok) return { state: 'sent', channel: result.channel, ts: result.ts };
  if (result.reason === 'unreachable') return { state: 'skipped', reason: `unreachable:${result.error}` };
  if (result.error === DATABASE_UNREACHABLE)
    return { state: 'due', reason: 'database_error', delayMs: DATABASE_RETRY_MS, countAttempt: false };
  if (result.error === 'not_mine')
    return { state: 'due', reason: 'lease_lost', delayMs: 0, countAttempt: false };
  if (result.reason === 'auth_lost')
    return { state: 'due', reason: `auth_lost:${result.error}`, delayMs: AUTH_RETRY_MS, countAttempt: false };
  if (TRANSIENT.test(result.error) && row.attempts < row.maxAttempts)
    return { state: 'due', reason: result.error, delayMs: backoffMs(row.attempts), countAttempt: true };
  return { state: 'failed', reason: result.error };
}

/** Writes the settlement (and the feature's own ledger) in one transaction, retrying through a database outage. */
async function settleWithRetry(ctx: Ctx, row: Delivery, s: Settlement): Promise<Delivery | null> {
  const deadline = Date.now() + SETTLE_RETRY_MS;
  const handler = ctx.options.handlers[row.kind];
  for (let wait = 500; ; wait = Math.min(wait * 2, 10_000)) {
    try {
      const settled = await ctx.db.transaction(async (tx) => {
        const r = await settleDelivery(tx as unknown as Db, row.id, ctx.instance, s);
        if (r && handler) await handler.settled(tx as unknown as Db, r);
        return r;
      });
      if (!settled) {
        ctx.logger.warn({ key: row.key }, 'delivery was taken over by another instance before it settled');
        return null;
      }
      logState(ctx, settled, s.state, {
        ...('reason' in s ? { reason: s.reason } : {}),
        ...(s.state === 'sent' ? { channel: s.channel, ts: s.ts } : {}),
        ...(s.state === 'due' ? { retryInMs: s.delayMs } : {}),
      });
      return settled;
    } catch (err) {
      if (Date.now() > deadline) {
        ctx.logger.error(
          { key: row.key, err: describeError(err) },
          'delivery outcome could not be written; the lease will expire and the row be re-taken',
        );
        return null;
      }
      ctx.logger.warn(
        { key: row.key, err: describeError(err) },
        'writing a delivery outcome failed; retrying',
      );
      await (ctx.options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(wait);
    }
  }
}
