import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DigestSubscription } from '../db/schema/digests.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import type { MetricId } from '../metrics/types.js';
import { type Outbox, outboxFor } from '../slack/outbox.js';
import { formatLocalTime } from '../time/format.js';
import { breakSubscription } from './broken.js';
import { buildDigest, type DigestBuilder } from './build.js';
import { findPostedRun } from './find-posted.js';
import {
  claimRun,
  listRunKeysSince,
  markFailed,
  markPosted,
  markSkipped,
  recordSkipped,
  renewClaims,
  retakeRuns,
  runKeyString,
} from './ledger.js';
import { type Recipient, RecipientResolver } from './recipients.js';
import { classifySlot, slotsBetween } from './slots.js';
import { listRunnableSubscriptions } from './store.js';

/** This process, as written into `claimed_by`. */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

const MINUTE = 60_000;
/** How far back missed slots are looked for (and recorded as skipped): a weekly digest plus a day. */
const LOOKBACK_MS = 8 * 24 * 60 * MINUTE;
/** A digest posted this long after its slot says so ("posted late: scheduled 08:30"). */
export const LATE_NOTE_AFTER_MS = 15 * MINUTE;
/** Attempts per run (re-takes of expired claims and transient failures included). */
const MAX_RUN_ATTEMPTS = 3;
/** Runs built and sent at once; the outbox paces the sends, this bounds the database work. */
const CONCURRENCY = 4;

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

  for (const run of await retakeRuns(db, now, options.leaseMs ?? 2 * MINUTE, instance, MAX_RUN_ATTEMPTS)) {
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

  // Keep our claims alive while they queue in the outbox, so a slow send is never mistaken for a crash.
  const inflight = new Set<number>();
  const leaseMs = options.leaseMs ?? 2 * MINUTE;
  const heartbeat = setInterval(() => {
    renewClaims(db, [...inflight], instance, deps.clock()).catch(() => {});
  }, leaseMs / 3);
  heartbeat.unref();

  const ctx = { deps, outbox, instance, now, build: options.build ?? buildDigest, report, inflight };
  try {
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const item = work[next++]!;
        await runOne(ctx, item).catch((err) => {
          report.failed++;
          logger.error({ subscriptionId: item.sub.id, err: describeError(err) }, 'digest run failed');
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    clearInterval(heartbeat);
  }
  return report;
}

interface Ctx {
  deps: Deps;
  outbox: Outbox;
  instance: string;
  now: Date;
  build: DigestBuilder;
  report: RunReport;
  inflight: Set<number>;
}

async function runOne(ctx: Ctx, item: Work): Promise<void> {
  const { deps, now, report } = ctx;
  const { sub, recipient, slot } = item;
  const retaken = item.runId !== null;
  const runId =
    item.runId ??
    (await claimRun(deps.db, { subscriptionId: sub.id, slot, recipient: recipient.key }, now, ctx.instance));
  if (runId === null) return; // another instance claimed it first
  ctx.inflight.add(runId);
  try {
    const late = now.getTime() - slot.getTime() >= LATE_NOTE_AFTER_MS;
    let message: Awaited<ReturnType<DigestBuilder>>;
    try {
      message = await ctx.build(
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
        },
        now,
      );
    } catch (err) {
      await markFailed(deps.db, runId, 'build_failed', now, false);
      report.failed++;
      deps.logger.error({ subscriptionId: sub.id, err: describeError(err) }, 'digest could not be built');
      return;
    }
    const metadata = {
      event_type: 'tally_digest',
      event_payload: { run_id: runId, subscription_id: sub.id, slot: slot.toISOString() },
    };
    if (retaken && recipient.channel && deps.slack) {
      // The first attempt may have posted and died before writing the ts: look for its message first.
      const ts = await findPostedRun(deps.slack, recipient.channel, runId, slot);
      if (ts) {
        await markPosted(deps.db, runId, recipient.channel, ts, now);
        report.posted++;
        return;
      }
    }
    const result = recipient.channel
      ? await ctx.outbox.send({ channel: recipient.channel, ...message, metadata })
      : await ctx.outbox.sendDm(recipient.slackUserId!, { ...message, metadata });
    if (result.ok) {
      await markPosted(deps.db, runId, result.channel, result.ts, now);
      report.posted++;
      return;
    }
    report.failed++;
    await markFailed(deps.db, runId, result.error, now, result.reason === 'unreachable');
    if (result.reason === 'unreachable' && recipient.channel) {
      await breakSubscription(deps, ctx.outbox, sub, result.error, now);
    } else {
      deps.logger.warn(
        { subscriptionId: sub.id, recipient: recipient.key, error: result.error },
        'digest not posted',
      );
    }
  } finally {
    ctx.inflight.delete(runId);
  }
}
