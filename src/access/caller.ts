import type { Caller } from '../core/types.js';
import type { Db } from '../db/client.js';
import {
  currentTeamIds,
  findRepByEmail,
  findRepBySlackId,
  linkRepToSlack,
  managedTeamIds,
  type RepRecord,
} from './queries.js';

/** What Slack's users.info tells us about a user (the Slack layer does the call). */
export interface SlackProfile {
  email: string | null;
  timezone: string | null;
}

/**
 * Finds who is asking: the rep linked to this Slack user id, else the rep whose email matches the
 * Slack profile's (and then links them, so the next lookup is direct). null = Tally doesn't know them.
 * `lookupProfile` is only called when the id is not linked yet.
 */
export async function resolveCaller(
  db: Db,
  slackUserId: string,
  now: Date,
  lookupProfile: (slackUserId: string) => Promise<SlackProfile | null>,
): Promise<Caller | null> {
  const linked = await findRepBySlackId(db, slackUserId);
  if (linked) return buildCaller(db, linked, slackUserId, now);
  const profile = await lookupProfile(slackUserId);
  if (!profile?.email) return null;
  const byEmail = await findRepByEmail(db, profile.email);
  if (!byEmail) return null;
  await linkRepToSlack(db, byEmail.id, slackUserId, profile.timezone);
  return buildCaller(
    db,
    { ...byEmail, slackUserId, timezone: byEmail.timezone ?? profile.timezone },
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
