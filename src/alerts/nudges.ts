import type { Job } from '../core/types.js';
import type { NudgeStage } from '../db/schema/index.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { type Outbox, outboxFor, type SendResult } from '../slack/outbox.js';
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

/**
 * One pass of lead nudges at `now`: finds waiting leads, claims the due (lead, stage) pairs in the ledger,
 * then sends one grouped DM per owner, one per manager, and one channel post per lead. Teams outside their
 * business hours are left alone (their SLA clock is paused anyway). Safe to run from several instances.
 */
export async function runLeadNudges(deps: Deps, now: Date): Promise<NudgeRunSummary> {
  const summary: NudgeRunSummary = { claimed: 0, sent: 0, skipped: 0, failed: 0 };
  const outbox = outboxFor(deps);
  if (!outbox) return summary; // Local console: nobody to DM.
  const settingsByTeam = new Map(
    (await listAlertSettings(deps.db, deps.config.defaultTimezone)).map((s) => [s.teamId, s]),
  );
  const due: Due[] = [];
  for (const lead of await findWaitingLeads(deps.db, now, NUDGE_LOOKBACK_DAYS)) {
    const settings = settingsByTeam.get(lead.teamId);
    if (!settings || !isBusinessTime(now, settings.hours)) continue;
    const waitingSeconds = businessSecondsBetween(lead.createdAt, now, settings.hours);
    const stage = dueStage(lead, settings, waitingSeconds);
    if (stage) due.push({ ...lead, stage, waitingSeconds, settings });
  }
  if (due.length === 0) return summary;

  const claimed = await claimNudges(
    deps.db,
    due.map((d) => ({
      leadId: d.leadId,
      stage: d.stage,
      recipientRepId: d.stage === 'owner' ? d.ownerRepId : null,
    })),
    now,
  );
  summary.claimed = claimed.length;
  const claimIds = new Map(claimed.map((c) => [`${c.leadId}:${c.stage}`, c.id]));
  const mine = due.filter((d) => claimIds.has(`${d.leadId}:${d.stage}`));
  const idOf = (d: Due) => claimIds.get(`${d.leadId}:${d.stage}`) as number;
  const settle = async (items: Due[], result: SendResult | { skipped: string }) => {
    const ids = items.map(idOf);
    if ('skipped' in result) {
      summary.skipped += ids.length;
      await settleNudges(deps.db, ids, { status: 'skipped', at: now, error: result.skipped });
    } else if (result.ok) {
      summary.sent += ids.length;
      await settleNudges(deps.db, ids, { status: 'sent', at: now, channel: result.channel, ts: result.ts });
    } else {
      // Unreachable people (deactivated, bots) are skipped for good; the ledger stops any retry.
      const status = result.reason === 'unreachable' ? 'skipped' : 'failed';
      summary[status] += ids.length;
      deps.logger.warn(
        { leads: items.map((i) => i.leadId), error: result.error },
        'lead nudge not delivered',
      );
      await settleNudges(deps.db, ids, { status, at: now, error: result.error });
    }
  };

  try {
    await sendOwnerNudges(
      outbox,
      mine.filter((d) => d.stage === 'owner'),
      settle,
    );
    await sendManagerNudges(
      deps,
      outbox,
      mine.filter((d) => d.stage === 'manager'),
      settle,
    );
    for (const d of mine.filter((x) => x.stage === 'channel')) {
      await settle(
        [d],
        await outbox.send({
          channel: d.settings.channelId as string,
          ...buildChannelPost(toCard(d), d.settings.slaSeconds),
        }),
      );
    }
  } catch (err) {
    // A database error mid-run leaves rows 'claimed': never resent (at most once), visible in the ledger.
    deps.logger.error({ err: describeError(err) }, 'lead nudges failed');
  }
  return summary;
}

type Settle = (items: Due[], result: SendResult | { skipped: string }) => Promise<void>;

function toCard(d: Due): LeadCard {
  return {
    leadId: d.leadId,
    name: d.name,
    company: d.company,
    source: d.source,
    crmUrl: d.crmUrl,
    waitingSeconds: d.waitingSeconds,
    ownerName: d.ownerName,
    // Owners without a Slack id (or inactive) were skipped at the SLA, so the manager must not read "nudged".
    ownerNudged: d.ownerSlackUserId !== null && d.ownerActive,
  };
}

function groupBy<K, T>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

async function sendOwnerNudges(outbox: Outbox, items: Due[], settle: Settle): Promise<void> {
  for (const group of groupBy(items, (d) => d.ownerRepId).values()) {
    const first = group[0] as Due;
    if (!first.ownerSlackUserId || !first.ownerActive) {
      await settle(group, { skipped: first.ownerSlackUserId ? 'owner_inactive' : 'owner_not_in_slack' });
      continue;
    }
    // Longest-waiting first, so the lead most at risk is on top.
    group.sort((a, b) => b.waitingSeconds - a.waitingSeconds);
    await settle(
      group,
      await outbox.sendDm(
        first.ownerSlackUserId,
        buildOwnerNudge(group.map(toCard), first.settings.slaSeconds),
      ),
    );
  }
}

async function sendManagerNudges(deps: Deps, outbox: Outbox, items: Due[], settle: Settle): Promise<void> {
  if (items.length === 0) return;
  const managers = await getTeamManagers(deps.db, [...new Set(items.map((d) => d.teamId))]);
  const noManager = items.filter((d) => !managers.some((m) => m.teamId === d.teamId));
  if (noManager.length > 0) await settle(noManager, { skipped: 'no_manager' });
  // One DM per manager and team; a lead counts as sent when at least one of its managers got it.
  const delivered = new Map<number, SendResult>();
  for (const manager of managers) {
    const leads = items.filter((d) => d.teamId === manager.teamId && d.ownerRepId !== manager.repId);
    if (leads.length === 0) continue;
    leads.sort((a, b) => b.waitingSeconds - a.waitingSeconds);
    const first = leads[0] as Due;
    const result = await outbox.sendDm(
      manager.slackUserId,
      buildManagerNudge(leads.map(toCard), first.settings.teamName, first.settings.slaSeconds),
    );
    for (const lead of leads) if (!delivered.get(lead.leadId)?.ok) delivered.set(lead.leadId, result);
  }
  for (const lead of items) {
    if (noManager.includes(lead)) continue;
    await settle([lead], delivered.get(lead.leadId) ?? { skipped: 'owner_is_only_manager' });
  }
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
