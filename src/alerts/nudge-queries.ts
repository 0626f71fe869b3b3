import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { leadNudges, leadSnoozes, type NudgeStage, type NudgeStatus, reps } from '../db/schema/index.js';

/** A lead that still waits for its first outbound touch, with what has been sent about it so far. */
export interface WaitingLead {
  leadId: number;
  /** `leads.external_id`, the lead's id in the CRM. */
  externalId: string;
  name: string | null;
  company: string | null;
  source: string | null;
  crmUrl: string | null;
  createdAt: Date;
  ownerRepId: number;
  ownerName: string;
  ownerSlackUserId: string | null;
  ownerActive: boolean;
  teamId: number;
  /**
   * Stages that are over (sent, skipped or failed: each happens once). A stage still `claimed` (its
   * delivery is queued or in flight) is not done, so the next stage waits for it.
   */
  done: NudgeStage[];
  /** The owner stage ended without reaching the owner (skipped or failed): the manager is told so. */
  ownerUnreached: boolean;
}

interface CandidateRow {
  lead_id: number;
  external_id: string;
  name: string | null;
  company: string | null;
  source: string | null;
  crm_url: string | null;
  created_at: Date | string;
  owner_rep_id: number;
  owner_name: string;
  owner_slack_user_id: string | null;
  owner_active: boolean;
  team_id: number;
  done: string[] | null;
  owner_unreached: boolean | null;
}

/**
 * Leads that may be due a nudge at `now`, in one set-based query: no outbound touch yet, still open,
 * created within the look-back window (so an import of old data floods nobody), waiting at least the
 * team's SLA in wall-clock time (business time is never more, so this only narrows), not snoozed, and
 * with a stage still to go. The owner's team is their membership at `now`. The caller applies business time.
 */
export async function findWaitingLeads(db: Db, now: Date, lookbackDays: number): Promise<WaitingLead[]> {
  const since = new Date(now.getTime() - lookbackDays * 86_400_000);
  const rows = await queryRows<CandidateRow>(
    db,
    sql`
    select l.id as lead_id, l.external_id, l.name, l.company, l.source, l.crm_url, l.created_at,
           l.owner_rep_id, r.name as owner_name, r.slack_user_id as owner_slack_user_id, r.active as owner_active,
           m.team_id, d.done, d.owner_unreached
    from leads l
    join reps r on r.id = l.owner_rep_id
    join lateral (
      select tm.team_id from team_memberships tm
      where tm.rep_id = l.owner_rep_id and tm.valid_from <= ${now} and (tm.valid_to is null or tm.valid_to > ${now})
      order by tm.valid_from desc, tm.team_id limit 1
    ) m on true
    join teams t on t.id = m.team_id
    left join alert_settings a on a.team_id = m.team_id
    left join lead_snoozes s on s.lead_id = l.id
    left join lateral (
      select array_agg(n.stage order by n.stage) filter (where n.status <> 'claimed') as done,
             bool_or(n.stage = 'owner' and n.status in ('skipped', 'failed')) as owner_unreached,
             count(*)::int as ledgered
      from lead_nudges n where n.lead_id = l.id
    ) d on true
    where l.first_touch_at is null and l.disqualified_at is null and l.converted_at is null
      and l.created_at >= ${since}
      and l.created_at <= ${now}::timestamptz - make_interval(secs => t.response_sla_seconds)
      and (s.until is null or s.until <= ${now})
      and d.ledgered < case when a.channel_id is null then 2 else 3 end
    order by l.created_at, l.id`,
  );
  return rows.map((r) => ({
    leadId: r.lead_id,
    externalId: r.external_id,
    name: r.name,
    company: r.company,
    source: r.source,
    crmUrl: r.crm_url,
    createdAt: new Date(r.created_at),
    ownerRepId: r.owner_rep_id,
    ownerName: r.owner_name,
    ownerSlackUserId: r.owner_slack_user_id,
    ownerActive: r.owner_active,
    teamId: r.team_id,
    done: (r.done ?? []) as NudgeStage[],
    ownerUnreached: r.owner_unreached === true,
  }));
}

/**
 * Claims ledger rows before anything is sent: inserts (lead, stage) pairs and returns only those this
 * caller inserted. A pair another instance (or an earlier run) holds is skipped, so each nudge goes out once.
 */
export async function claimNudges(
  db: Db,
  claims: { leadId: number; stage: NudgeStage; recipientRepId: number | null }[],
  now: Date,
): Promise<{ id: number; leadId: number; stage: NudgeStage }[]> {
  if (claims.length === 0) return [];
  return db
    .insert(leadNudges)
    .values(claims.map((c) => ({ ...c, status: 'claimed' as const, claimedAt: now })))
    .onConflictDoNothing({ target: [leadNudges.leadId, leadNudges.stage] })
    .returning({ id: leadNudges.id, leadId: leadNudges.leadId, stage: leadNudges.stage });
}

/**
 * Records how a claimed nudge ended. `onlyClaimed`: leave rows that already ended alone (a lead told to
 * two managers counts as sent when either DM arrived).
 */
export async function settleNudges(
  db: Db,
  ids: number[],
  outcome: { status: NudgeStatus; at: Date; channel?: string; ts?: string; error?: string },
  onlyClaimed = false,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(leadNudges)
    .set({
      status: outcome.status,
      sentAt: outcome.status === 'sent' ? outcome.at : null,
      slackChannel: outcome.channel ?? null,
      slackTs: outcome.ts ?? null,
      error: outcome.error ?? null,
    })
    .where(
      sql`${leadNudges.id} in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )}) ${onlyClaimed ? sql`and ${leadNudges.status} = 'claimed'` : sql``}`,
    );
}

/** Managers (with a Slack id) of each of `teamIds`, from `team_managers`. */
export async function getTeamManagers(
  db: Db,
  teamIds: number[],
): Promise<{ teamId: number; repId: number; name: string; slackUserId: string }[]> {
  if (teamIds.length === 0) return [];
  return queryRows(
    db,
    sql`select tm.team_id as "teamId", r.id as "repId", r.name, r.slack_user_id as "slackUserId"
        from team_managers tm join reps r on r.id = tm.rep_id
        where tm.team_id in (${sql.join(
          teamIds.map((id) => sql`${id}`),
          sql`, `,
        )}) and r.slack_user_id is not null and r.active
        order by tm.team_id, r.id`,
  );
}

/**
 * The rep behind a Slack user id, active or not (`active` false: deactivated on the reps row), or null
 * when Tally does not know them.
 */
export async function findRepBySlackUser(
  db: Db,
  slackUserId: string,
): Promise<{ id: number; name: string; active: boolean } | null> {
  const rows = await db
    .select({ id: reps.id, name: reps.name, active: reps.active })
    .from(reps)
    .where(eq(reps.slackUserId, slackUserId))
    .limit(1);
  return rows[0] ?? null;
}

/** Snoozes a lead: no further nudges for it before `until`. A later snooze replaces an earlier one. */
export async function snoozeLead(
  db: Db,
  params: { leadId: number; until: Date; byRepId: number | null; at: Date },
): Promise<void> {
  await db
    .insert(leadSnoozes)
    .values(params)
    .onConflictDoUpdate({
      target: leadSnoozes.leadId,
      set: { until: params.until, byRepId: params.byRepId, at: params.at },
    });
}

/**
 * "Claim" on a channel post: the first clicker wins (a conditional update, so two people clicking at
 * once cannot both win). Returns who holds the lead now and whether it was this caller.
 */
export async function pickChannelLead(
  db: Db,
  params: { leadId: number; repId: number; at: Date },
): Promise<{ won: boolean; pickedByRepId: number | null; pickedByName: string | null }> {
  const won = await db
    .update(leadNudges)
    .set({ pickedByRepId: params.repId, pickedAt: params.at })
    .where(
      and(
        eq(leadNudges.leadId, params.leadId),
        eq(leadNudges.stage, 'channel'),
        isNull(leadNudges.pickedByRepId),
      ),
    )
    .returning({ id: leadNudges.id });
  const rows = await queryRows<{ picked_by_rep_id: number | null; name: string | null }>(
    db,
    sql`select n.picked_by_rep_id, r.name from lead_nudges n left join reps r on r.id = n.picked_by_rep_id
        where n.lead_id = ${params.leadId} and n.stage = 'channel'`,
  );
  return {
    won: won.length > 0,
    pickedByRepId: rows[0]?.picked_by_rep_id ?? null,
    pickedByName: rows[0]?.name ?? null,
  };
}

/** The external id prefix of the touch "Contacted" records: one per lead (`tally:alerts:contacted:<lead id>`). */
export const CONTACTED_TOUCH_PREFIX = 'tally:alerts:contacted:';

/** Who did something to a lead from Slack: their Slack id when Tally has one, else their name. */
export interface LeadActor {
  slackUserId: string | null;
  repName: string | null;
}

/** What the owner's DM shows for one lead, as stored: its "Contacted" touch and its active snooze. */
export interface LeadButtonState {
  /** What names the lead now (its fallback text lists the leads still waiting by these). */
  lead: { crmId: string; name: string | null; company: string | null };
  /** The touch the "Contacted" button recorded (one per lead), or null. */
  contacted: (LeadActor & { at: Date }) | null;
  /** A snooze still running at `now`, or null (an expired snooze gives the buttons back). */
  snoozed: (LeadActor & { until: Date }) | null;
}

/**
 * The stored button state of each of `leadIds` at `now`, keyed by lead id; a lead that no longer exists
 * is absent. "Contacted" is the activity the button records (CONTACTED_TOUCH_PREFIX + lead id, see
 * `markLeadContacted`); a snooze counts while `until` is after `now`.
 */
export async function getLeadButtonStates(
  db: Db,
  leadIds: number[],
  now: Date,
): Promise<Map<number, LeadButtonState>> {
  const ids = [...new Set(leadIds)].filter((id) => Number.isSafeInteger(id) && id > 0);
  const states = new Map<number, LeadButtonState>();
  if (ids.length === 0) return states;
  const rows = await queryRows<{
    lead_id: number;
    external_id: string;
    name: string | null;
    company: string | null;
    contacted_at: Date | string | null;
    contacted_slack: string | null;
    contacted_name: string | null;
    snoozed_until: Date | string | null;
    snoozed_slack: string | null;
    snoozed_name: string | null;
  }>(
    db,
    sql`select l.id as lead_id, l.external_id, l.name, l.company,
               a.occurred_at as contacted_at, ra.slack_user_id as contacted_slack, ra.name as contacted_name,
               s.until as snoozed_until, rs.slack_user_id as snoozed_slack, rs.name as snoozed_name
        from leads l
        left join activities a on a.external_id = ${CONTACTED_TOUCH_PREFIX}::text || l.id::text
        left join reps ra on ra.id = a.rep_id
        left join lead_snoozes s on s.lead_id = l.id and s.until > ${now}
        left join reps rs on rs.id = s.by_rep_id
        where l.id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  for (const r of rows)
    states.set(r.lead_id, {
      lead: { crmId: r.external_id, name: r.name, company: r.company },
      contacted:
        r.contacted_at === null
          ? null
          : { at: new Date(r.contacted_at), slackUserId: r.contacted_slack, repName: r.contacted_name },
      snoozed:
        r.snoozed_until === null
          ? null
          : { until: new Date(r.snoozed_until), slackUserId: r.snoozed_slack, repName: r.snoozed_name },
    });
  return states;
}
