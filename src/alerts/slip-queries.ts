import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type NudgeStatus, reps, type SlipAlertKind, slipAlerts } from '../db/schema/index.js';

/**
 * Claims slip-alert ledger rows (kind, rep, local day) before sending; returns the rep ids this caller
 * claimed. A row that exists already (sent earlier today, or by another instance) is skipped.
 */
export async function claimSlipAlerts(
  db: Db,
  kind: SlipAlertKind,
  day: string,
  rows: { repId: number; teamId: number; medianSeconds: number | null }[],
  now: Date,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const claimed = await db
    .insert(slipAlerts)
    .values(rows.map((r) => ({ ...r, kind, day, claimedAt: now, status: 'claimed' as const })))
    .onConflictDoNothing()
    .returning({ repId: slipAlerts.repId });
  return claimed.map((c) => c.repId);
}

/** Records how a claimed slip alert ended. */
export async function settleSlipAlert(
  db: Db,
  key: { kind: SlipAlertKind; repId: number; day: string },
  status: NudgeStatus,
): Promise<void> {
  await db
    .update(slipAlerts)
    .set({ status })
    .where(and(eq(slipAlerts.kind, key.kind), eq(slipAlerts.repId, key.repId), eq(slipAlerts.day, key.day)));
}

/** Slack ids and names of reps (active ones only). */
export async function getRepContacts(
  db: Db,
  repIds: number[],
): Promise<Map<number, { name: string; slackUserId: string | null }>> {
  if (repIds.length === 0) return new Map();
  const rows = await db
    .select({ id: reps.id, name: reps.name, slackUserId: reps.slackUserId })
    .from(reps)
    .where(and(inArray(reps.id, repIds), eq(reps.active, true)));
  return new Map(rows.map((r) => [r.id, { name: r.name, slackUserId: r.slackUserId }]));
}

/**
 * Reps of `teamId` alerted for a slip on local days in [fromDay, toDay), with how many days and their
 * latest median, for the managers' weekly roll-up.
 */
export async function listSlippedReps(
  db: Db,
  teamId: number,
  fromDay: string,
  toDay: string,
): Promise<{ repId: number; name: string; days: number; latestMedianSeconds: number | null }[]> {
  const rows = await db
    .select({
      repId: slipAlerts.repId,
      name: reps.name,
      days: sql<number>`count(*)::int`,
      latestMedianSeconds: sql<
        number | null
      >`(array_agg(${slipAlerts.medianSeconds} order by ${slipAlerts.day} desc))[1]`,
    })
    .from(slipAlerts)
    .innerJoin(reps, eq(reps.id, slipAlerts.repId))
    .where(
      and(
        eq(slipAlerts.kind, 'rep'),
        eq(slipAlerts.teamId, teamId),
        gte(slipAlerts.day, fromDay),
        lt(slipAlerts.day, toDay),
      ),
    )
    .groupBy(slipAlerts.repId, reps.name)
    .orderBy(reps.name);
  return rows;
}
