import type { Caller } from '../core/types.js';
import type { Db } from '../db/client.js';
import {
  currentTeamIds,
  findRepByEmail,
  findRepBySlackId,
  isDeactivatedRep,
  linkRepToSlack,
  managedTeamIds,
  type RepRecord,
} from './queries.js';

/**
 * The team `team` means for `caller`: the first they belong to, else the first they manage; undefined for a
 * caller on no team (an admin, a manager of none).
 */
export function ownTeamId(caller: Pick<Caller, 'teamIds' | 'managedTeamIds'>): number | undefined {
  return caller.teamIds[0] ?? caller.managedTeamIds[0];
}

/** What Slack's users.info tells us about a user (the Slack layer does the call). */
export interface SlackProfile {
  email: string | null;
  timezone: string | null;
}

/**
 * A Slack user whose rep is deactivated (`active` false, docs/data-in.md): no caller, as one Tally does not
 * know, but told that their profile is deactivated rather than to get added.
 */
export interface DeactivatedCaller {
  deactivated: true;
}

/** Whether a lookup found a deactivated rep rather than a caller. */
export function isDeactivated(found: Caller | DeactivatedCaller): found is DeactivatedCaller {
  return 'deactivated' in found;
}

/**
 * Finds who is asking: the active rep linked to this Slack user id, else the active rep whose email
 * matches the Slack profile's (and then links them, so the next lookup is direct). null = Tally doesn't
 * know them; DeactivatedCaller = no active rep is them, but a deactivated one is (by Slack id or that email).
 * `lookupProfile` is only called when the id is not linked to an active rep.
 */
export async function resolveCaller(
  db: Db,
  slackUserId: string,
  now: Date,
  lookupProfile: (slackUserId: string) => Promise<SlackProfile | null>,
): Promise<Caller | DeactivatedCaller | null> {
  const linked = await findRepBySlackId(db, slackUserId);
  if (linked) return buildCaller(db, linked, slackUserId, now);
  const profile = await lookupProfile(slackUserId);
  const byEmail = profile?.email ? await findRepByEmail(db, profile.email) : null;
  if (!byEmail)
    return (await isDeactivatedRep(db, slackUserId, profile?.email ?? null)) ? { deactivated: true } : null;
  const timezone = profile?.timezone ?? null;
  await linkRepToSlack(db, byEmail.id, slackUserId, timezone);
  return buildCaller(
    db,
    { ...byEmail, slackUserId, timezone: byEmail.timezone ?? timezone },
    slackUserId,
    now,
  );
}

/** The caller for a rep found by email (the local console's `as <email>`). */
export async function resolveCallerByEmail(db: Db, email: string, now: Date): Promise<Caller | null> {
  const rep = await findRepByEmail(db, email);
  return rep ? buildCaller(db, rep, rep.slackUserId ?? `console:${rep.id}`, now) : null;
}

/** The caller for a known rep record. */
export async function buildCaller(db: Db, rep: RepRecord, slackUserId: string, now: Date): Promise<Caller> {
  const [teamIds, managed] = await Promise.all([currentTeamIds(db, rep.id, now), managedTeamIds(db, rep.id)]);
  return {
    slackUserId,
    repId: rep.id,
    name: rep.name,
    email: rep.email,
    role: rep.role,
    teamIds,
    managedTeamIds: managed,
    timezone: rep.timezone,
  };
}
