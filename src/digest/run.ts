import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type Delivery, type DigestSubscription, digestSubscriptions } from '../db/schema/index.js';
import { type DeliveryHandlers, drainDeliveries, INSTANCE_ID } from '../delivery/deliver.js';
import { type Outbox, outboxFor } from '../delivery/outbox.js';
import { linkRepsByEmail } from '../delivery/slack-ids.js';
import { enqueueDeliveries, getDeliveries, requeueDelivery } from '../delivery/store.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import type { MetricId } from '../metrics/types.js';
import { formatLocalTime } from '../time/format.js';
import { breakSubscription } from './broken.js';
import { buildDigest, type DigestBuilder } from './build.js';
import { withDigestChart } from './chart.js';
import { findPostedRun } from './find-posted.js';
import {
  claimRun,
  listRunKeysSince,
  markFailed,
  markPosted,
  markSkipped,
  recordSkipped,
  retakeRuns,
  runKeyString,
} from './ledger.js';
import { type Recipient, RecipientResolver } from './recipients.js';
import { classifySlot, slotsBetween } from './slots.js';
import { listRunnableSubscriptions } from './store.js';

export { INSTANCE_ID };

const MINUTE = 60_000;
/** How far back missed slots are looked for (and recorded as skipped): a weekly digest plus a day. */
const LOOKBACK_MS = 8 * 24 * 60 * MINUTE;
/** A digest posted this long after its slot says so ("posted late: scheduled 08:30"). */
export const LATE_NOTE_AFTER_MS = 15 * MINUTE;
/** Attempts per run (re-takes of expired claims and transient failures included). */
const MAX_RUN_ATTEMPTS = 3;
/** Runs built at once; this bounds the database work. Sends are paced by the delivery layer. */
const CONCURRENCY = 4;
/** The delivery kinds a digest run drains (its own, and the broken-channel DM it may queue). */
export const DIGEST_DELIVERY_KINDS = ['channel_digest', 'dm_digest', 'broken_notice'] as const;

/** The delivery key of a run: also in the message metadata, for the check on Slack's side. */
export const digestDeliveryKey = (runId: number) => `digest:${runId}`;

export interface RunOptions {
  /** Who claims (default: this process). Tests run two "instances" side by side. */
  instanceId?: string;
  /** Default: the shared outbox of `deps.slack`. */
  outbox?: Outbox;
  /** Default: `buildDigest`. */
  build?: DigestBuilder;
  /** A `claimed` run older than this is taken to be crashed and is re-taken (default 2 minutes). */
  leaseMs?: number;
}

export interface RunReport {
  posted: number;
  skipped: number;
  failed: number;
  /** Runs re-taken from an expired claim or a transient failure. */
  retaken: number;
}

interface Work {
  sub: DigestSubscription;
  recipient: Recipient;
  slot: Date;
  /** Set when the run was re-taken (already claimed by us). */
  runId: number | null;
}

/**
 * Reps of personal-digest teams imported with an email but no Slack id are looked up in Slack by email
 * (src/delivery/slack-ids.ts) before the recipients are listed, so a rep Slack knows gets their digest
 * (linked now, in their own time zone) instead of being left out. A miss is remembered for hours, so
 * this costs no call on most ticks; a lookup Slack rate-limits is tried again on the next tick, and the
 * slot is still posted then, within the grace window.
 */
async function findPersonalRecipients(deps: Deps, subs: DigestSubscription[], now: Date): Promise<void> {
  const personal = subs.filter((s) => s.target === 'dm');
  if (personal.length === 0 || !deps.slack) return;
  const teamIds = personal.some((s) => s.teamId === null)
    ? null
    : [...new Set(personal.map((s) => s.teamId as number))];
  await linkRepsByEmail(deps, { membersOf: teamIds }, now);
}

/**
 * The scheduler job: posts every digest due at `now` exactly once across instances. Reads subscriptions
 * on every call (changes need no restart), records slots missed beyond the grace window as skipped,
 * claims each due (subscription, slot, recipient) in the ledger before posting, and finishes runs whose
 * claimer died. Never throws for Slack trouble; database errors propagate to the scheduler's log.
 */
export async function runDueDigests(deps: Deps, now: Date, options: RunOptions = {}): Promise<RunReport> {
  const report: RunReport = { posted: 0, skipped: 0, failed: 0, retaken: 0 };
  const outbox = options.outbox ?? outboxFor(deps);
  if (!outbox) return report;
  const instance = options.instanceId ?? INSTANCE_ID;
  const graceMinutes = deps.config.digestGraceMinutes;
  const { db, logger } = deps;

  const subs = await listRunnableSubscriptions(db);
  const byId = new Map(subs.map((s) => [s.id, s]));
  await findPersonalRecipients(deps, subs, now);
  const resolver = new RecipientResolver(db);
  const known = await listRunKeysSince(db, new Date(now.getTime() - LOOKBACK_MS));
  const work: Work[] = [];

  for (const sub of subs) {
    const from = new Date(Math.max(sub.activeSince.getTime(), now.getTime() - LOOKBACK_MS));
    for (const recipient of await resolver.recipientsOf(sub)) {
      for (const slot of slotsBetween(recipient.schedule, from, now)) {
        const key = { subscriptionId: sub.id, slot, recipient: recipient.key };
        if (known.has(runKeyString(key))) continue;
        if (classifySlot(slot, now, graceMinutes) === 'missed') {
          if (await recordSkipped(db, key, now, `missed by more than ${graceMinutes} min`)) {
            report.skipped++;
            logger.warn(
              { subscriptionId: sub.id, slot, recipient: recipient.key },
              'digest slot missed; skipped',
            );
          }
          continue;
        }
        work.push({ sub, recipient, slot, runId: null });
      }
    }
  }

  for (const run of await retakeRuns(
    db,
    now,
    options.leaseMs ?? 2 * deps.config.deliveryLeaseSeconds * 1000,
    instance,
    MAX_RUN_ATTEMPTS,
  )) {
    const sub = byId.get(run.subscriptionId);
    const recipient = sub && (await resolver.recipientsOf(sub)).find((r) => r.key === run.recipient);
    if (!sub || !recipient || classifySlot(run.slot, now, graceMinutes) === 'missed') {
      await markSkipped(
        db,
        run.id,
        recipient ? 'claim expired past the grace window' : 'recipient gone',
        now,
      );
      report.skipped++;
      continue;
    }
    report.retaken++;
    logger.info(
      { runId: run.id, attempts: run.attempts },
      'finishing a digest run another attempt left unfinished',
    );
    work.push({ sub, recipient, slot: run.slot, runId: run.id });
  }

  const ctx = { deps, outbox, instance, now, build: options.build ?? buildDigest, report };
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const item = work[next++]!;
      await prepareOne(ctx, item).catch((err) => {
        report.failed++;
        logger.error({ subscriptionId: item.sub.id, err: describeError(err) }, 'digest run failed');
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  // Send what is queued (ours, and anything another instance left behind), each claimed just before it leaves.
  const drained = await drainDeliveries(deps, {
    outbox,
    handlers: digestDeliveryHandlers(deps),
    kinds: DIGEST_DELIVERY_KINDS,
    instanceId: instance,
    slack: deps.slack,
    leaseMs: deps.config.deliveryLeaseSeconds * 1000,
    concurrency: Math.min(4, Math.ceil(deps.config.slackPostsPerSecond)),
  });
  for (const { row, mine } of drained) {
    if (!mine || row.kind === 'broken_notice') continue;
    if (row.state === 'sent') report.posted++;
    else if (row.state === 'failed' || row.state === 'skipped') report.failed++;
  }
  return report;
}

/**
 * What a settled digest delivery means for the run ledger: posted, failed (retried by a later tick within
 * the grace window) or failed for good (`unreachable:…`; a channel subscription is then marked broken).
 * Runs inside the transaction that settles the delivery.
 */
export function digestDeliveryHandlers(deps: Pick<Deps, 'logger'>): DeliveryHandlers {
  const settled = async (db: Db, row: Delivery) => {
    const runId = Number((row.ref as { runId?: number }).runId);
    const at = row.updatedAt;
    if (row.state === 'sent') {
      await markPosted(db, runId, row.sentChannel as string, row.sentTs as string | null, at);
      return;
    }
    if (row.state !== 'failed' && row.state !== 'skipped') return;
    const reason = row.reason ?? 'unknown_error';
    const unreachable = reason.startsWith('unreachable:');
    const error = unreachable ? reason.slice('unreachable:'.length) : reason;
    await markFailed(db, runId, error, at, unreachable);
    if (unreachable && row.kind === 'channel_digest') {
      const subscriptionId = Number((row.ref as { subscriptionId?: number }).subscriptionId);
      const [sub] = await db
        .select()
        .from(digestSubscriptions)
        .where(eq(digestSubscriptions.id, subscriptionId));
      if (sub) await breakSubscription({ db, logger: deps.logger }, sub, error, at);
    } else {
      deps.logger.warn({ key: row.key, error }, 'digest not posted');
    }
  };
  return { channel_digest: { settled }, dm_digest: { settled }, broken_notice: { settled: async () => {} } };
}

interface Ctx {
  deps: Deps;
  outbox: Outbox;
  instance: string;
  now: Date;
  build: DigestBuilder;
  report: RunReport;
}

/** Claims one run (or takes over a re-taken one), builds its message and queues its delivery. */
async function prepareOne(ctx: Ctx, item: Work): Promise<void> {
  const { deps, now, report } = ctx;
  const { sub, recipient, slot } = item;
  const retaken = item.runId !== null;
  // Stamped when the claim is made (not when the tick started), so a long tick never hands out stale claims.
  const claimedAt = new Date(Math.max(now.getTime(), deps.clock().getTime()));
  const runId =
    item.runId ??
    (await claimRun(
      deps.db,
      { subscriptionId: sub.id, slot, recipient: recipient.key },
      claimedAt,
      ctx.instance,
    ));
  if (runId === null) return; // another instance claimed it first
  const key = digestDeliveryKey(runId);
  if (retaken) {
    const [existing] = await getDeliveries(deps.db, [key]);
    // A failed delivery is tried again (the run's attempts bound it); anything else is the delivery layer's.
    if (existing) {
      if (await requeueDelivery(deps.db, key)) return;
      if (existing.state === 'sent') {
        await markPosted(
          deps.db,
          runId,
          existing.sentChannel as string,
          existing.sentTs as string | null,
          now,
        );
        report.posted++;
      }
      return;
    }
  }
  const late = now.getTime() - slot.getTime() >= LATE_NOTE_AFTER_MS;
  let built: Awaited<ReturnType<DigestBuilder>>;
  try {
    built = await ctx.build(
      deps,
      {
        subscriptionId: sub.id,
        scope: recipient.scope,
        scopeLabel: recipient.scopeLabel,
        metrics: sub.metrics as MetricId[],
        cadence: sub.cadence,
        timezone: recipient.schedule.timezone,
        slot,
        lateScheduledLocal: late ? formatLocalTime(slot, recipient.schedule.timezone) : null,
        personal: recipient.personal,
        chart: sub.chart,
      },
      now,
    );
  } catch (err) {
    await markFailed(deps.db, runId, 'build_failed', now, false);
    report.failed++;
    deps.logger.error({ subscriptionId: sub.id, err: describeError(err) }, 'digest could not be built');
    return;
  }
  if (retaken && recipient.channel && deps.slack) {
    // The first attempt may have posted and died before writing the ts: look for its message first.
    const ts = await findPostedRun(deps.slack, recipient.channel, runId, slot);
    if (ts) {
      await markPosted(deps.db, runId, recipient.channel, ts, now);
      report.posted++;
      return;
    }
  }
  // The chart is uploaded before the post is queued: retries of the post re-use its file; a re-taken run
  // uploads again (a private file nobody sees, harmless). Failure or timeout: the text goes out alone.
  const { chart, ...text } = built;
  const message = chart ? await withDigestChart(deps, text, chart, { subscriptionId: sub.id, runId }) : text;
  await enqueueDeliveries(deps.db, [
    {
      key,
      kind: recipient.channel ? 'channel_digest' : 'dm_digest',
      to: recipient.channel ? { channel: recipient.channel } : { userId: recipient.slackUserId! },
      message,
      metadata: {
        event_type: 'tally_digest',
        event_payload: { run_id: runId, subscription_id: sub.id, slot: slot.toISOString() },
      },
      ref: { runId, subscriptionId: sub.id },
      // Retries of a digest are the run's (a later tick, within the grace window, MAX_RUN_ATTEMPTS in all).
      maxAttempts: 1,
    },
  ]);
}
