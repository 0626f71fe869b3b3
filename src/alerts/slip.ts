import { TZDate } from '@date-fns/tz';
import type { Job } from '../core/types.js';
import type { Db } from '../db/client.js';
import type { Delivery } from '../db/schema/index.js';
import { type DeliveryHandlers, drainDeliveries } from '../delivery/deliver.js';
import { outboxFor } from '../delivery/outbox.js';
import { linkRepsByEmail } from '../delivery/slack-ids.js';
import { type DeliveryRequest, enqueueDeliveries } from '../delivery/store.js';
import type { Deps } from '../deps.js';
import { metricDepsFor } from '../deps.js';
import { describeError } from '../errors.js';
import { getMetric, previousPeriod } from '../metrics/index.js';
import type { MetricResult } from '../metrics/types.js';
import { formatLocalDate } from '../time/format.js';
import { isBusinessTime } from './business-time.js';
import { getTeamManagers } from './nudge-queries.js';
import { type AlertSettings, listAlertSettings } from './settings.js';
import { buildSlipAlert, buildSlipRollup, type SlipReason } from './slack/slip-blocks.js';
import { claimSlipAlerts, getRepContacts, listSlippedReps, settleSlipAlert } from './slip-queries.js';

/** A rep has slipped when their median worsened by more than this share against the 7 days before. */
export const SLIP_WORSEN_SHARE = 0.25;
/** Medians over fewer answered leads than this are noise; no alert. */
export const SLIP_MIN_LEADS = 3;
/** Slip alerts go out from this local hour (team zone), inside business hours. */
export const SLIP_LOCAL_HOUR = 9;

export interface Slip {
  repId: number;
  reason: SlipReason;
  medianSeconds: number;
  previousMedianSeconds: number | null;
}

const medianByRep = (result: MetricResult): Map<number, { median: number; n: number }> =>
  new Map(
    (result.segments?.rows ?? []).flatMap((row) =>
      row.repId !== undefined && row.value.kind === 'value'
        ? [[row.repId, { median: row.value.value, n: row.sampleSize }] as const]
        : [],
    ),
  );

/**
 * Reps of the team whose 7-day median response time is over the SLA, or worse by more than
 * SLIP_WORSEN_SHARE than the 7 days before. Uses the metrics module (`/metrics response team 7d by rep`),
 * so the numbers in the DM are the ones the rep sees when they ask. Also returns the team's median.
 */
export async function findSlips(
  deps: Pick<Deps, 'db' | 'config'>,
  settings: AlertSettings,
  now: Date,
): Promise<{ slips: Slip[]; teamMedianSeconds: number | null }> {
  const metricDeps = metricDepsFor(deps, now);
  const scope = { kind: 'team' as const, teamId: settings.teamId };
  const include = { target: false, trend: false, series: false };
  const current = await getMetric(metricDeps, {
    metric: 'response',
    scope,
    period: '7d',
    by: 'rep',
    include,
  });
  const previous = await getMetric(metricDeps, {
    metric: 'response',
    scope,
    period: previousPeriod(current.period, now),
    by: 'rep',
    include,
  });
  const before = medianByRep(previous);
  const slips: Slip[] = [];
  for (const [repId, { median, n }] of medianByRep(current)) {
    if (n < SLIP_MIN_LEADS) continue;
    const prev = before.get(repId);
    const previousMedianSeconds = prev && prev.n >= SLIP_MIN_LEADS ? prev.median : null;
    const worsened =
      previousMedianSeconds !== null && median > previousMedianSeconds * (1 + SLIP_WORSEN_SHARE);
    if (median > settings.slaSeconds)
      slips.push({ repId, reason: 'over_sla', medianSeconds: median, previousMedianSeconds });
    else if (worsened)
      slips.push({ repId, reason: 'worsened', medianSeconds: median, previousMedianSeconds });
  }
  const teamMedianSeconds = current.value.kind === 'value' ? current.value.value : null;
  return { slips, teamMedianSeconds };
}

function shiftDay(day: string, days: number): string {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

export interface SlipRunSummary {
  repAlerts: number;
  rollups: number;
}

/**
 * Slip alerts at `now`: for each team with slip alerts on, once it is past SLIP_LOCAL_HOUR and inside
 * business hours, DM each slipped rep (at most once per local day, ledger) and, on Mondays, each manager a
 * roll-up of last week's slips (at most once per week). Claims and queued deliveries are written in one
 * transaction, then sent through the delivery layer (src/delivery).
 */
export async function runSlipAlerts(deps: Deps, now: Date): Promise<SlipRunSummary> {
  const summary: SlipRunSummary = { repAlerts: 0, rollups: 0 };
  const outbox = outboxFor(deps);
  if (!outbox) return summary;
  for (const settings of await listAlertSettings(deps.db, deps.config.defaultTimezone)) {
    const local = new TZDate(now.getTime(), settings.timezone);
    if (!settings.slipEnabled || local.getHours() < SLIP_LOCAL_HOUR || !isBusinessTime(now, settings.hours))
      continue;
    try {
      await queueSlippedReps(deps, settings, now);
      if (local.getDay() === 1) await queueRollups(deps, settings, now);
    } catch (err) {
      deps.logger.error({ err: describeError(err), teamId: settings.teamId }, 'slip alerts failed for team');
    }
  }
  const drained = await drainDeliveries(deps, {
    outbox,
    handlers: slipDeliveryHandlers(),
    kinds: ['slip_alert', 'slip_rollup'],
    slack: deps.slack,
    leaseMs: deps.config.deliveryLeaseSeconds * 1000,
  });
  for (const { row, mine } of drained) {
    if (!mine || row.state !== 'sent') continue;
    if (row.kind === 'slip_alert') summary.repAlerts++;
    else summary.rollups++;
  }
  return summary;
}

/** Slip deliveries settle their ledger row (sent, or skipped when unreachable, or failed). */
export function slipDeliveryHandlers(): DeliveryHandlers {
  const settled = async (db: Db, row: Delivery) => {
    if (row.state !== 'sent' && row.state !== 'failed' && row.state !== 'skipped') return;
    const key = row.ref as { kind: 'rep' | 'rollup'; repId: number; day: string };
    await settleSlipAlert(db, key, row.state);
  };
  return { slip_alert: { settled }, slip_rollup: { settled } };
}

async function queueSlippedReps(deps: Deps, settings: AlertSettings, now: Date): Promise<void> {
  const day = formatLocalDate(now, settings.timezone);
  const found = await findSlips(deps, settings, now);
  const { teamMedianSeconds } = found;
  // A rep known only by email is looked up first; one Slack could not be asked yet waits for the next tick.
  const lookup = await linkRepsByEmail(deps, { repIds: found.slips.map((s) => s.repId) }, now);
  const slips = found.slips.filter((s) => !lookup.deferred.has(s.repId));
  await deps.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const claimed = new Set(
      await claimSlipAlerts(
        db,
        'rep',
        day,
        slips.map((s) => ({
          repId: s.repId,
          teamId: settings.teamId,
          medianSeconds: Math.round(s.medianSeconds),
        })),
        now,
      ),
    );
    const contacts = await getRepContacts(db, [...claimed]);
    const requests: DeliveryRequest[] = [];
    for (const slip of slips.filter((s) => claimed.has(s.repId))) {
      const contact = contacts.get(slip.repId);
      const key = { kind: 'rep' as const, repId: slip.repId, day };
      if (!contact?.slackUserId) {
        await settleSlipAlert(db, key, 'skipped');
        continue;
      }
      const message = buildSlipAlert({
        repName: contact.name,
        reason: slip.reason,
        medianSeconds: slip.medianSeconds,
        previousMedianSeconds: slip.previousMedianSeconds,
        teamMedianSeconds,
        teamName: settings.teamName,
        slaSeconds: settings.slaSeconds,
        tipIndex: Math.floor(now.getTime() / 86_400_000) + slip.repId,
      });
      requests.push({
        key: `slip:rep:${slip.repId}:${day}`,
        kind: 'slip_alert',
        to: { userId: contact.slackUserId },
        message,
        ref: key,
      });
    }
    await enqueueDeliveries(db, requests);
  });
}

async function queueRollups(deps: Deps, settings: AlertSettings, now: Date): Promise<void> {
  const monday = formatLocalDate(now, settings.timezone);
  const rows = await listSlippedReps(deps.db, settings.teamId, shiftDay(monday, -7), monday);
  if (rows.length === 0) return;
  // A manager known only by email is looked up first (one statement lists who needs it).
  await linkRepsByEmail(deps, { managersOf: [settings.teamId] }, now);
  const managers = await getTeamManagers(deps.db, [settings.teamId]);
  await deps.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const claimed = new Set(
      await claimSlipAlerts(
        db,
        'rollup',
        monday,
        managers.map((m) => ({ repId: m.repId, teamId: settings.teamId, medianSeconds: null })),
        now,
      ),
    );
    await enqueueDeliveries(
      db,
      managers
        .filter((m) => claimed.has(m.repId))
        .map((manager) => ({
          key: `slip:rollup:${manager.repId}:${monday}`,
          kind: 'slip_rollup' as const,
          to: { userId: manager.slackUserId },
          message: buildSlipRollup(settings.teamName, rows),
          ref: { kind: 'rollup', repId: manager.repId, day: monday },
        })),
    );
  });
}

/** The scheduler entry: every 15 minutes; the ledger keeps it to once a day per rep. */
export const slipAlertsJob: Job = {
  name: 'slip-alerts',
  cron: '*/15 * * * *',
  run: async (deps, now) => {
    const summary = await runSlipAlerts(deps, now);
    if (summary.repAlerts + summary.rollups > 0) deps.logger.info({ ...summary }, 'slip alerts sent');
  },
};
