import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type DigestCadence, type DigestSubscription, digestSubscriptions } from '../db/schema/digests.js';
import { reps, teamMemberships, teams } from '../db/schema/org.js';

/** Digest subscriptions: plain queries `(db, params)` returning domain rows. No Slack here. */

export interface NewSubscription {
  /** Channel id, or `dm` for personal digests. */
  target: string;
  scope: { kind: 'org' } | { kind: 'team'; teamId: number };
  cadence: DigestCadence;
  weekday: number | null;
  localTime: string;
  timezone: string;
  metrics: string[];
  /** A trend chart of the headline metric in each digest (default on). */
  chart?: boolean;
  createdByRepId: number | null;
  createdBySlackUserId: string | null;
  now: Date;
}

/** Stores a new subscription; it runs from its first slot after `now`. */
export async function createSubscription(db: Db, input: NewSubscription): Promise<DigestSubscription> {
  const [row] = await db
    .insert(digestSubscriptions)
    .values({
      target: input.target,
      scopeKind: input.scope.kind,
      teamId: input.scope.kind === 'team' ? input.scope.teamId : null,
      cadence: input.cadence,
      weekday: input.weekday,
      localTime: input.localTime,
      timezone: input.timezone,
      metrics: input.metrics,
      chart: input.chart ?? true,
      createdByRepId: input.createdByRepId,
      createdBySlackUserId: input.createdBySlackUserId,
      activeSince: input.now,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning();
  return row!;
}

/** What addSubscription did: stored a new subscription, or found the same digest already there. */
export type AddSubscriptionOutcome =
  | { added: true; subscription: DigestSubscription }
  | { added: false; existing: DigestSubscription };

/** Serialises digest adds of every instance (transaction-level advisory lock), so a duplicate is always seen. */
const ADD_LOCK = sql`hashtextextended('tally:digest-add', 0)`;

/**
 * Stores a new subscription unless the same digest exists: same destination (channel or `dm`), scope,
 * schedule (cadence, weekday, local time, zone) and set of metrics (in any order; paused or broken ones
 * count too). Then nothing is stored and that subscription (the oldest such) comes back. The check and the
 * insert run in one transaction under an advisory lock, so two instances adding the same digest at once
 * store it once.
 */
export async function addSubscription(db: Db, input: NewSubscription): Promise<AddSubscriptionOutcome> {
  const d = digestSubscriptions;
  const metrics = sql`array[${sql.join(
    input.metrics.map((m) => sql`${m}`),
    sql`, `,
  )}]::text[]`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADD_LOCK})`);
    const [existing] = await tx
      .select()
      .from(d)
      .where(
        and(
          eq(d.target, input.target),
          eq(d.scopeKind, input.scope.kind),
          sql`${d.teamId} is not distinct from ${input.scope.kind === 'team' ? input.scope.teamId : null}::integer`,
          eq(d.cadence, input.cadence),
          sql`${d.weekday} is not distinct from ${input.weekday}::smallint`,
          eq(d.localTime, input.localTime),
          eq(d.timezone, input.timezone),
          sql`${d.metrics} @> ${metrics} and ${d.metrics} <@ ${metrics}`,
        ),
      )
      .orderBy(asc(d.id))
      .limit(1);
    if (existing) return { added: false, existing };
    return { added: true, subscription: await createSubscription(tx as unknown as Db, input) };
  });
}

/** Every subscription, oldest first (for `list`). */
export async function listSubscriptions(db: Db): Promise<DigestSubscription[]> {
  return db.select().from(digestSubscriptions).orderBy(asc(digestSubscriptions.id));
}

/** Subscriptions the scheduler should run: not paused, not broken. */
export async function listRunnableSubscriptions(db: Db): Promise<DigestSubscription[]> {
  return db
    .select()
    .from(digestSubscriptions)
    .where(and(eq(digestSubscriptions.paused, false), isNull(digestSubscriptions.brokenAt)))
    .orderBy(asc(digestSubscriptions.id));
}

export async function getSubscription(db: Db, id: number): Promise<DigestSubscription | null> {
  const [row] = await db.select().from(digestSubscriptions).where(eq(digestSubscriptions.id, id));
  return row ?? null;
}

/** Deletes a subscription and its ledger; true when it existed. */
export async function removeSubscription(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .delete(digestSubscriptions)
    .where(eq(digestSubscriptions.id, id))
    .returning({ id: digestSubscriptions.id });
  return rows.length > 0;
}

/** Pauses, or resumes (which also clears a broken mark and restarts from the next slot). */
/** Turns the headline chart of a subscription's digests on or off; null when there is no such subscription. */
export async function setChart(
  db: Db,
  id: number,
  chart: boolean,
  now: Date,
): Promise<DigestSubscription | null> {
  const [row] = await db
    .update(digestSubscriptions)
    .set({ chart, updatedAt: now })
    .where(eq(digestSubscriptions.id, id))
    .returning();
  return row ?? null;
}

export async function setPaused(
  db: Db,
  id: number,
  paused: boolean,
  now: Date,
): Promise<DigestSubscription | null> {
  const [row] = await db
    .update(digestSubscriptions)
    .set(
      paused
        ? { paused: true, updatedAt: now }
        : {
            paused: false,
            brokenReason: null,
            brokenAt: null,
            brokenNotifiedAt: null,
            activeSince: now,
            updatedAt: now,
          },
    )
    .where(eq(digestSubscriptions.id, id))
    .returning();
  return row ?? null;
}

/** Marks a subscription broken (it stops running). Returns the row when this call broke it, null if it already was. */
export async function markBroken(
  db: Db,
  id: number,
  reason: string,
  now: Date,
): Promise<DigestSubscription | null> {
  const [row] = await db
    .update(digestSubscriptions)
    .set({ brokenReason: reason, brokenAt: now, brokenNotifiedAt: null, updatedAt: now })
    .where(and(eq(digestSubscriptions.id, id), isNull(digestSubscriptions.brokenAt)))
    .returning();
  return row ?? null;
}

/** Takes the right to tell the creator about the breakage: true for exactly one caller per breakage. */
export async function claimBrokenNotice(db: Db, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(digestSubscriptions)
    .set({ brokenNotifiedAt: now })
    .where(
      and(
        eq(digestSubscriptions.id, id),
        sql`${digestSubscriptions.brokenAt} is not null`,
        isNull(digestSubscriptions.brokenNotifiedAt),
      ),
    )
    .returning({ id: digestSubscriptions.id });
  return rows.length > 0;
}

export interface DigestRecipientRep {
  repId: number;
  name: string;
  slackUserId: string;
  /** The rep's own zone from Slack, else the team's; null = use the subscription's. */
  timezone: string | null;
}

/**
 * Active reps who get a personal digest: current members of the team (or everyone, for org) with a
 * Slack user id. Reps without one cannot be DMed and are left out.
 */
export async function listDigestReps(db: Db, teamId: number | null): Promise<DigestRecipientRep[]> {
  const rows = await db
    .selectDistinctOn([reps.id], {
      repId: reps.id,
      name: reps.name,
      slackUserId: reps.slackUserId,
      repTz: reps.timezone,
      teamTz: teams.timezone,
    })
    .from(reps)
    .innerJoin(teamMemberships, and(eq(teamMemberships.repId, reps.id), isNull(teamMemberships.validTo)))
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .where(
      and(
        eq(reps.active, true),
        sql`${reps.slackUserId} is not null`,
        teamId === null ? undefined : eq(teamMemberships.teamId, teamId),
      ),
    )
    .orderBy(asc(reps.id), asc(teamMemberships.teamId));
  return rows.map((r) => ({
    repId: r.repId,
    name: r.name,
    slackUserId: r.slackUserId!,
    timezone: r.repTz ?? r.teamTz ?? null,
  }));
}

/** A team by id or case-insensitive name. */
export async function findTeam(
  db: Db,
  nameOrId: string | number,
): Promise<{ id: number; name: string; timezone: string | null } | null> {
  const where =
    typeof nameOrId === 'number' ? eq(teams.id, nameOrId) : sql`lower(${teams.name}) = lower(${nameOrId})`;
  const [row] = await db
    .select({ id: teams.id, name: teams.name, timezone: teams.timezone })
    .from(teams)
    .where(where);
  return row ?? null;
}
