import { and, asc, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { type RepRole, reps, teamManagers, teamMemberships, teams } from '../db/schema/index.js';

/** A rep as the access layer needs it. */
export interface RepRecord {
  id: number;
  name: string;
  email: string | null;
  slackUserId: string | null;
  role: RepRole;
  timezone: string | null;
}

export interface TeamRecord {
  id: number;
  name: string;
  timezone: string | null;
}

const repColumns = {
  id: reps.id,
  name: reps.name,
  email: reps.email,
  slackUserId: reps.slackUserId,
  role: reps.role,
  timezone: reps.timezone,
};

/** The active rep linked to a Slack user id. */
export async function findRepBySlackId(db: Db, slackUserId: string): Promise<RepRecord | null> {
  const rows = await db
    .select(repColumns)
    .from(reps)
    .where(and(eq(reps.slackUserId, slackUserId), eq(reps.active, true)))
    .limit(1);
  return rows[0] ?? null;
}

/** The active rep with this email (case-insensitive). */
export async function findRepByEmail(db: Db, email: string): Promise<RepRecord | null> {
  const rows = await db
    .select(repColumns)
    .from(reps)
    .where(and(sql`lower(${reps.email}) = ${email.trim().toLowerCase()}`, eq(reps.active, true)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * A rep no longer active (`active` false) linked to this Slack user id, else (with `email`, from their
 * Slack profile) one with that email (case-insensitive) and no other Slack user linked: for a mention of
 * someone who has left, answered as asking for them by full name is. The newest such record first.
 */
export async function findFormerRepForSlackUser(
  db: Db,
  slackUserId: string,
  email: string | null,
): Promise<RepRecord | null> {
  const [linked] = await db
    .select(repColumns)
    .from(reps)
    .where(and(eq(reps.slackUserId, slackUserId), eq(reps.active, false)))
    .orderBy(desc(reps.id))
    .limit(1);
  if (linked || email === null) return linked ?? null;
  const [byEmail] = await db
    .select(repColumns)
    .from(reps)
    .where(
      and(
        sql`lower(${reps.email}) = ${email.trim().toLowerCase()}`,
        eq(reps.active, false),
        or(isNull(reps.slackUserId), eq(reps.slackUserId, slackUserId)),
      ),
    )
    .orderBy(desc(reps.id))
    .limit(1);
  return byEmail ?? null;
}

/**
 * Whether a deactivated rep (`active` false) is this Slack user: linked to the id, or with the email of
 * their Slack profile (case-insensitive). Such a person is no caller, and is told why.
 */
export async function isDeactivatedRep(db: Db, slackUserId: string, email: string | null): Promise<boolean> {
  const rows = await db
    .select({ id: reps.id })
    .from(reps)
    .where(
      and(
        eq(reps.active, false),
        email === null
          ? eq(reps.slackUserId, slackUserId)
          : or(eq(reps.slackUserId, slackUserId), sql`lower(${reps.email}) = ${email.trim().toLowerCase()}`),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/**
 * Remembers the Slack user id (and time zone) found through users.info, so the next lookup is direct.
 * The rep's time zone is part of a rep answer's context, cached by data version: like every other write,
 * a link that changed a row moves the version again after it commits (src/db/data-version.ts).
 */
export async function linkRepToSlack(
  db: Db,
  repId: number,
  slackUserId: string,
  timezone: string | null,
): Promise<void> {
  const linked = await db
    .update(reps)
    .set({
      slackUserId,
      ...(timezone ? { timezone } : {}),
      slackLookupMissedAt: null,
      slackLookupMissedEmail: null,
    })
    .where(and(eq(reps.id, repId), isNull(reps.slackUserId)))
    .returning({ id: reps.id });
  if (linked.length > 0) await bumpDataVersion(db);
}

/** Whose Slack ids to look for by email: every rep any of these names (each optional; none named: nobody). */
export interface LookupCandidates {
  /** These reps. */
  repIds?: number[];
  /** The managers of these teams. */
  managersOf?: number[];
  /** The current members of these teams; null: of every team. */
  membersOf?: number[] | null;
}

/** A rep Slack should be asked about by email (users.lookupByEmail). */
export interface RepToLookUp {
  id: number;
  email: string;
  /** The teams of `LookupCandidates.managersOf` this rep manages, ascending; empty when none. */
  managerOf: number[];
}

/**
 * Of the reps `candidates` names, those Slack should be asked about by email (users.lookupByEmail): active,
 * with an email, no Slack user id, and no lookup of that same email (case-insensitive) that found nobody
 * after `missedSince`. One statement (none when `candidates` names nobody). Ordered by id. Only the email
 * leaves this function; callers log rep ids, never emails.
 */
export async function listRepsToLookUpByEmail(
  db: Db,
  candidates: LookupCandidates,
  missedSince: Date,
): Promise<RepToLookUp[]> {
  const { repIds = [], managersOf = [], membersOf } = candidates;
  const named = [
    repIds.length > 0 ? inArray(reps.id, [...new Set(repIds)]) : undefined,
    managersOf.length > 0
      ? inArray(
          reps.id,
          db
            .select({ id: teamManagers.repId })
            .from(teamManagers)
            .where(inArray(teamManagers.teamId, managersOf)),
        )
      : undefined,
    membersOf === null || (membersOf && membersOf.length > 0)
      ? inArray(
          reps.id,
          db
            .select({ id: teamMemberships.repId })
            .from(teamMemberships)
            .where(
              and(
                isNull(teamMemberships.validTo),
                membersOf ? inArray(teamMemberships.teamId, membersOf) : undefined,
              ),
            ),
        )
      : undefined,
  ].filter((c) => c !== undefined);
  if (named.length === 0) return [];
  const managerOf =
    managersOf.length > 0
      ? sql<number[]>`array(select ${teamManagers.teamId} from ${teamManagers}
          where ${teamManagers.repId} = ${reps.id} and ${inArray(teamManagers.teamId, managersOf)} order by 1)`
      : sql<number[]>`'{}'::int[]`;
  const rows = await db
    .select({ id: reps.id, email: reps.email, managerOf })
    .from(reps)
    .where(
      and(
        or(...named),
        eq(reps.active, true),
        isNull(reps.slackUserId),
        sql`${reps.email} is not null and ${reps.email} <> ''`,
        sql`not (${reps.slackLookupMissedAt} is not null and ${reps.slackLookupMissedAt} > ${missedSince.toISOString()}
                 and ${reps.slackLookupMissedEmail} = lower(${reps.email}))`,
      ),
    )
    .orderBy(asc(reps.id));
  return rows.map((r) => ({ id: r.id, email: r.email as string, managerOf: r.managerOf.map(Number) }));
}

/**
 * Remembers that Slack has no usable user for `email` (the rep's email when it was looked up), so the
 * lookup is not repeated before the miss is old; a later change of the rep's email clears it in effect.
 */
export async function recordSlackLookupMiss(db: Db, repId: number, email: string, at: Date): Promise<void> {
  await db
    .update(reps)
    .set({ slackLookupMissedAt: at, slackLookupMissedEmail: email.toLowerCase() })
    .where(eq(reps.id, repId));
}

/** The rep (active or not) that holds `slackUserId`, or null. */
export async function findRepIdHoldingSlackId(db: Db, slackUserId: string): Promise<number | null> {
  const rows = await db.select({ id: reps.id }).from(reps).where(eq(reps.slackUserId, slackUserId)).limit(1);
  return rows[0]?.id ?? null;
}

/** Every active rep (id, name, email, …), ordered by id, for name matching in src/access/people.ts. */
export async function listActiveRepNames(db: Db): Promise<RepRecord[]> {
  return db.select(repColumns).from(reps).where(eq(reps.active, true)).orderBy(asc(reps.id));
}

/**
 * Reps no longer active (left the company, or deactivated by a reps import), by id: their records stay, and
 * so does their history in splits and leaderboards, so a name asked for is looked up among them too.
 */
export async function listFormerRepNames(db: Db): Promise<RepRecord[]> {
  return db.select(repColumns).from(reps).where(eq(reps.active, false)).orderBy(asc(reps.id));
}

/** A team membership row in force at `now`: started by then, not ended by then. */
const membershipAt = (now: Date) =>
  and(
    sql`${teamMemberships.validFrom} <= ${now.toISOString()}`,
    or(isNull(teamMemberships.validTo), gt(teamMemberships.validTo, now)),
  );

/** Team ids the rep belongs to at `now` (membership history). */
export async function currentTeamIds(db: Db, repId: number, now: Date): Promise<number[]> {
  const rows = await db
    .selectDistinct({ teamId: teamMemberships.teamId })
    .from(teamMemberships)
    .where(and(eq(teamMemberships.repId, repId), membershipAt(now)));
  return rows.map((r) => r.teamId).sort((a, b) => a - b);
}

/** Ids of the reps who belong to team `teamId` at `now` (membership history). */
export async function currentMemberIds(db: Db, teamId: number, now: Date): Promise<Set<number>> {
  const rows = await db
    .selectDistinct({ repId: teamMemberships.repId })
    .from(teamMemberships)
    .where(and(eq(teamMemberships.teamId, teamId), membershipAt(now)));
  return new Set(rows.map((r) => r.repId));
}

/** Team ids the rep manages. */
export async function managedTeamIds(db: Db, repId: number): Promise<number[]> {
  const rows = await db
    .select({ teamId: teamManagers.teamId })
    .from(teamManagers)
    .where(eq(teamManagers.repId, repId));
  return rows.map((r) => r.teamId).sort((a, b) => a - b);
}

/** Every team, by name, for name lookups and "did you mean". */
export async function listTeams(db: Db): Promise<TeamRecord[]> {
  return db
    .select({ id: teams.id, name: teams.name, timezone: teams.timezone })
    .from(teams)
    .orderBy(asc(teams.name));
}

/** Teams by id (labels). */
export async function getTeams(db: Db, ids: number[]): Promise<TeamRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: teams.id, name: teams.name, timezone: teams.timezone })
    .from(teams)
    .where(inArray(teams.id, ids))
    .orderBy(asc(teams.name));
}

/** The first admin, else the first manager (the console's default identity on demo data). */
export async function findDefaultConsoleRep(db: Db): Promise<RepRecord | null> {
  const rows = await db
    .select(repColumns)
    .from(reps)
    .where(and(eq(reps.active, true), inArray(reps.role, ['admin', 'manager'])))
    .orderBy(sql`case when ${reps.role} = 'admin' then 0 else 1 end`, asc(reps.id))
    .limit(1);
  return rows[0] ?? null;
}

/** The active rep with a current team membership and the lowest id (a member whose `team` and `me` answer). */
export async function findFirstTeamMember(db: Db, now: Date): Promise<RepRecord | null> {
  const rows = await db
    .select(repColumns)
    .from(reps)
    .innerJoin(teamMemberships, eq(teamMemberships.repId, reps.id))
    .where(
      and(
        eq(reps.active, true),
        sql`${teamMemberships.validFrom} <= ${now.toISOString()}`,
        or(isNull(teamMemberships.validTo), gt(teamMemberships.validTo, now)),
      ),
    )
    .orderBy(asc(reps.id))
    .limit(1);
  return rows[0] ?? null;
}

/** Rep names by id (labels for targets and tables). */
export async function getRepNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: reps.id, name: reps.name }).from(reps).where(inArray(reps.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** A rep's stay on a team: the team and when it began and ended (null: still on it). */
export interface MembershipSpell {
  teamId: number;
  teamName: string;
  validFrom: Date;
  validTo: Date | null;
}

/**
 * The rep's team memberships, newest first, with their teams' names: why a manager may no longer see
 * a rep who was on her team (the rep moved on), and where the rep is now.
 */
export async function listMembershipSpells(db: Db, repId: number): Promise<MembershipSpell[]> {
  return db
    .select({
      teamId: teamMemberships.teamId,
      teamName: teams.name,
      validFrom: teamMemberships.validFrom,
      validTo: teamMemberships.validTo,
    })
    .from(teamMemberships)
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .where(eq(teamMemberships.repId, repId))
    .orderBy(desc(teamMemberships.validFrom));
}
