import type { Job } from '../core/types.js';
import type { Db } from '../db/client.js';
import type { Delivery, NudgeStage } from '../db/schema/index.js';
import { type DeliveryHandlers, drainDeliveries } from '../delivery/deliver.js';
import { outboxFor } from '../delivery/outbox.js';
import { linkRepsByEmail } from '../delivery/slack-ids.js';
import { type DeliveryRequest, enqueueDeliveries } from '../delivery/store.js';
import type { Deps } from '../deps.js';
import { businessSecondsBetween, isBusinessTime } from './business-time.js';
import {
  claimNudges,
  findWaitingLeads,
  getTeamManagers,
  settleNudges,
  type WaitingLead,
} from './nudge-queries.js';
import { type AlertSettings, listAlertSettings } from './settings.js';
import { buildChannelPost, buildManagerNudge, buildOwnerNudge, type LeadCard } from './slack/nudge-blocks.js';
import { getRepContacts } from './slip-queries.js';

/** Only leads created this recently are nudged, so importing old data floods nobody. */
export const NUDGE_LOOKBACK_DAYS = 7;
/** The channel step comes at this many escalation periods of business time. */
export const CHANNEL_STEP_FACTOR = 2;

/** Which stages are due for a lead at `waitingSeconds` of business time (at most one new stage per run, in order). */
export function dueStage(
  lead: Pick<WaitingLead, 'done'>,
  settings: AlertSettings,
  waitingSeconds: number,
): NudgeStage | null {
  const done = new Set(lead.done);
  if (!done.has('owner')) return waitingSeconds >= settings.slaSeconds ? 'owner' : null;
  if (!done.has('manager')) return waitingSeconds >= settings.escalationSeconds ? 'manager' : null;
  if (!done.has('channel') && settings.channelId) {
    return waitingSeconds >= settings.escalationSeconds * CHANNEL_STEP_FACTOR ? 'channel' : null;
  }
  return null;
}

export interface NudgeRunSummary {
  claimed: number;
  sent: number;
  skipped: number;
  failed: number;
}

type Due = WaitingLead & { stage: NudgeStage; waitingSeconds: number; settings: AlertSettings };

/** The delivery kinds of lead nudges. */
export const NUDGE_DELIVERY_KINDS = ['nudge_owner', 'nudge_manager', 'nudge_channel'] as const;

/**
 * One pass of lead nudges at `now`: finds waiting leads, and in one transaction claims the due
 * (lead, stage) pairs in the nudge ledger and queues their deliveries (one grouped DM per owner, one per
 * manager, one channel post per lead). Then sends what is queued, each message claimed just before it
 * leaves (src/delivery), so a crash loses nothing: the next instance finishes the queue. A manager hears
 * about a lead only once the owner's nudge was delivered, or the owner could not be reached (then the
 * manager's DM says so). Teams outside their business hours are left alone. Safe on several instances.
 */
export async function runLeadNudges(deps: Deps, now: Date): Promise<NudgeRunSummary> {
  const summary: NudgeRunSummary = { claimed: 0, sent: 0, skipped: 0, failed: 0 };
  const outbox = outboxFor(deps);
  if (!outbox) return summary; // Local console: nobody to DM.
  const settingsByTeam = new Map(
    (await listAlertSettings(deps.db, deps.config.defaultTimezone)).map((s) => [s.teamId, s]),
  );
  let due: Due[] = [];
  for (const lead of await findWaitingLeads(deps.db, now, NUDGE_LOOKBACK_DAYS)) {
    const settings = settingsByTeam.get(lead.teamId);
    if (!settings || !isBusinessTime(now, settings.hours)) continue;
    const waitingSeconds = businessSecondsBetween(lead.createdAt, now, settings.hours);
    const stage = dueStage(lead, settings, waitingSeconds);
    if (stage) due.push({ ...lead, stage, waitingSeconds, settings });
  }
  let skips: Skip[] = [];
  if (due.length > 0) due = await findMissingSlackIds(deps, due, now);
  if (due.length > 0) {
    const managers = await getTeamManagers(deps.db, [
      ...new Set(due.filter((d) => d.stage === 'manager').map((d) => d.teamId)),
    ]);
    await deps.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const claimed = await claimNudges(
        db,
        due.map((d) => ({
          leadId: d.leadId,
          stage: d.stage,
          recipientRepId: d.stage === 'owner' ? d.ownerRepId : null,
        })),
        now,
      );
      summary.claimed = claimed.length;
      const ids = new Map(claimed.map((c) => [`${c.leadId}:${c.stage}`, c.id]));
      // Another instance may have linked an email-only owner after this run listed the waiting leads (and
      // before it listed whom to look up): read the claimed owners' Slack ids again, so their nudge is not
      // skipped as `owner_not_in_slack` (lost) while the rep is linked.
      const unlinked = due.filter((d) => d.stage === 'owner' && !d.ownerSlackUserId && d.ownerActive);
      const contacts = await getRepContacts(db, [...new Set(unlinked.map((d) => d.ownerRepId))]);
      const mine = due.flatMap((d) => {
        const id = ids.get(`${d.leadId}:${d.stage}`);
        if (id === undefined) return [];
        const ownerSlackUserId = d.ownerSlackUserId ?? contacts.get(d.ownerRepId)?.slackUserId ?? null;
        return [{ ...d, ownerSlackUserId, nudgeId: id }];
      });
      const plan = planNudges(mine, managers);
      for (const skip of plan.skips) {
        summary.skipped += skip.ids.length;
        await settleNudges(db, skip.ids, { status: 'skipped', at: now, error: skip.reason });
      }
      await enqueueDeliveries(db, plan.deliveries);
      skips = plan.skips;
    });
  }
  // Nudges that end before any message (nobody to DM): one line per reason and run, naming the reps
  // (internal ids, never emails) and leads, so "skipped: 1" in the summary can be traced.
  for (const [reason, group] of groupBy(skips, (s) => s.reason)) {
    const leadIds = group.flatMap((s) => s.leadIds);
    const repIds = [...new Set(group.flatMap((s) => (s.repId === undefined ? [] : [s.repId])))];
    deps.logger.warn(
      {
        reason,
        count: leadIds.length,
        ...(repIds.length > 0 ? { repIds: repIds.slice(0, 20) } : {}),
        ...(group[0]?.teamId !== undefined ? { teamIds: [...new Set(group.map((s) => s.teamId))] } : {}),
        leadIds: leadIds.slice(0, 20),
      },
      'lead nudges skipped',
    );
  }
  const drained = await drainDeliveries(deps, {
    outbox,
    handlers: nudgeDeliveryHandlers(),
    kinds: NUDGE_DELIVERY_KINDS,
    slack: deps.slack,
    leaseMs: deps.config.deliveryLeaseSeconds * 1000,
  });
  const counted = new Set<number>();
  // One log line per reason and run, not one per nudge: a morning with hundreds of owners who have no
  // Slack id would otherwise flood the log with the same line.
  const undelivered = new Map<string, { count: number; examples: string[] }>();
  for (const { row, mine } of drained) {
    if (!mine) continue;
    const fresh = ((row.ref as { nudgeIds?: number[] }).nudgeIds ?? []).filter((id) => !counted.has(id));
    for (const id of fresh) counted.add(id);
    if (row.state === 'sent') summary.sent += fresh.length;
    else if (row.state === 'skipped') summary.skipped += fresh.length;
    else if (row.state === 'failed') summary.failed += fresh.length;
    if (row.state === 'failed' || row.state === 'skipped') {
      const reason = row.reason ?? 'unknown';
      const seen = undelivered.get(reason) ?? { count: 0, examples: [] };
      seen.count += 1;
      if (seen.examples.length < 5) seen.examples.push(row.key);
      undelivered.set(reason, seen);
    }
  }
  for (const [error, { count, examples }] of undelivered)
    deps.logger.warn({ error, count, examples }, 'lead nudges not delivered');
  return summary;
}

/**
 * Owners and managers with an email but no Slack id (imported from a CRM, never used /metrics) are looked
 * up in Slack by email before their DMs are planned (src/delivery/slack-ids.ts): those found are linked
 * and DMed; those Slack does not know are skipped as before (`owner_not_in_slack`, the manager told the
 * owner was not reached). A lead whose owner, or a team whose manager, could not be looked up yet (Slack
 * rate-limited or down) is left out of this run, unclaimed, so its nudge waits instead of being skipped.
 */
async function findMissingSlackIds(deps: Deps, due: Due[], now: Date): Promise<Due[]> {
  const owners = due.filter((d) => d.stage === 'owner' && !d.ownerSlackUserId && d.ownerActive);
  const managerTeams = [...new Set(due.filter((d) => d.stage === 'manager').map((d) => d.teamId))];
  if (owners.length === 0 && managerTeams.length === 0) return due;
  // One statement lists the owners and managers of these teams that need a lookup.
  const found = await linkRepsByEmail(
    deps,
    { repIds: owners.map((d) => d.ownerRepId), managersOf: managerTeams },
    now,
  );
  return due.flatMap((d) => {
    if (d.stage === 'manager' && found.deferredTeams.has(d.teamId)) return [];
    if (d.stage !== 'owner' || d.ownerSlackUserId) return [d];
    if (found.deferred.has(d.ownerRepId)) return [];
    const slackUserId = found.linked.get(d.ownerRepId);
    return [slackUserId ? { ...d, ownerSlackUserId: slackUserId } : d];
  });
}

/** Nudge deliveries settle their ledger rows: sent, or skipped (unreachable) / failed for good. */
export function nudgeDeliveryHandlers(): DeliveryHandlers {
  const settled = async (db: Db, row: Delivery) => {
    const ids = (row.ref as { nudgeIds?: number[] }).nudgeIds ?? [];
    const at = row.updatedAt;
    if (row.state === 'sent') {
      await settleNudges(db, ids, {
        status: 'sent',
        at,
        channel: row.sentChannel ?? '',
        ts: row.sentTs ?? '',
      });
    } else if (row.state === 'failed' || row.state === 'skipped') {
      const error = (row.reason ?? 'unknown_error').replace(/^unreachable:/, '');
      // A lead told to several managers counts as sent when any of them got it.
      await settleNudges(db, ids, { status: row.state, at, error }, row.kind === 'nudge_manager');
    }
  };
  return { nudge_owner: { settled }, nudge_manager: { settled }, nudge_channel: { settled } };
}

type Claimed = Due & { nudgeId: number };
type Manager = { teamId: number; repId: number; slackUserId: string };
/** Claimed nudges that end at once, nobody to tell: the ledger ids, the leads, and whose DM it would have been. */
export type Skip = { ids: number[]; leadIds: number[]; reason: string; repId?: number; teamId?: number };

function toCard(d: Due): LeadCard {
  return {
    leadId: d.leadId,
    crmId: d.externalId,
    name: d.name,
    company: d.company,
    source: d.source,
    crmUrl: d.crmUrl,
    waitingSeconds: d.waitingSeconds,
    ownerName: d.ownerName,
    // False when the owner stage ended without reaching them (no Slack id, inactive, Slack refused).
    ownerNudged: !d.ownerUnreached,
  };
}

function groupBy<K, T>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

/** Longest-waiting first, so the lead most at risk is on top. */
const byWait = (a: Due, b: Due) => b.waitingSeconds - a.waitingSeconds;

/** What to send for the claimed pairs, and which pairs end at once (nobody to tell). Pure. */
export function planNudges(
  items: Claimed[],
  managers: Manager[],
): { deliveries: DeliveryRequest[]; skips: Skip[] } {
  const deliveries: DeliveryRequest[] = [];
  const skips: Skip[] = [];
  for (const group of groupBy(
    items.filter((d) => d.stage === 'owner'),
    (d) => d.ownerRepId,
  ).values()) {
    const first = group[0] as Claimed;
    if (!first.ownerSlackUserId || !first.ownerActive) {
      const reason = first.ownerSlackUserId ? 'owner_inactive' : 'owner_not_in_slack';
      skips.push({
        ids: group.map((d) => d.nudgeId),
        leadIds: group.map((d) => d.leadId),
        reason,
        repId: first.ownerRepId,
      });
      continue;
    }
    group.sort(byWait);
    const ids = group.map((d) => d.nudgeId);
    deliveries.push({
      key: `nudge:owner:${Math.min(...ids)}`,
      kind: 'nudge_owner',
      to: { userId: first.ownerSlackUserId },
      message: buildOwnerNudge(
        group.map(toCard),
        first.settings.slaSeconds,
        first.settings.hours.kind === 'hours',
      ),
      ref: { nudgeIds: ids },
    });
  }
  const managed = items.filter((d) => d.stage === 'manager');
  const told = new Set<number>();
  for (const manager of managers) {
    const leads = managed.filter((d) => d.teamId === manager.teamId && d.ownerRepId !== manager.repId);
    if (leads.length === 0) continue;
    leads.sort(byWait);
    const first = leads[0] as Claimed;
    const ids = leads.map((d) => d.nudgeId);
    for (const id of ids) told.add(id);
    deliveries.push({
      key: `nudge:manager:${manager.repId}:${Math.min(...ids)}`,
      kind: 'nudge_manager',
      to: { userId: manager.slackUserId },
      message: buildManagerNudge(leads.map(toCard), first.settings.teamName, first.settings.slaSeconds),
      ref: { nudgeIds: ids },
    });
  }
  const untold = managed.filter((d) => !told.has(d.nudgeId));
  const noManager = untold.filter((d) => !managers.some((m) => m.teamId === d.teamId));
  for (const [teamId, group] of groupBy(noManager, (d) => d.teamId))
    skips.push({
      ids: group.map((d) => d.nudgeId),
      leadIds: group.map((d) => d.leadId),
      reason: 'no_manager',
      teamId,
    });
  const onlyOwner = untold.filter((d) => !noManager.includes(d));
  for (const [repId, group] of groupBy(onlyOwner, (d) => d.ownerRepId))
    skips.push({
      ids: group.map((d) => d.nudgeId),
      leadIds: group.map((d) => d.leadId),
      reason: 'owner_is_only_manager',
      repId,
    });
  for (const d of items.filter((x) => x.stage === 'channel')) {
    deliveries.push({
      key: `nudge:channel:${d.nudgeId}`,
      kind: 'nudge_channel',
      to: { channel: d.settings.channelId as string },
      message: buildChannelPost(toCard(d), d.settings.slaSeconds),
      ref: { nudgeIds: [d.nudgeId] },
    });
  }
  return { deliveries, skips };
}

/** The scheduler entry: every minute. */
export const leadNudgesJob: Job = {
  name: 'lead-nudges',
  cron: '* * * * *',
  run: async (deps, now) => {
    const summary = await runLeadNudges(deps, now);
    if (summary.claimed > 0) deps.logger.info({ ...summary }, 'lead nudges sent');
  },
};
