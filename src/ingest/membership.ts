import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { teamMemberships, teams } from '../db/schema/index.js';
import { formatLocalDate, formatLocalTime } from '../time/format.js';

/** valid_from of a first membership imported without team_since: "since always", so all history counts. */
export const SINCE_ALWAYS = new Date('1970-01-01T00:00:00Z');

export class MembershipError extends Error {
  override name = 'MembershipError';
}

/**
 * Puts a rep in `teamId` from `since` on (or takes them out of every team when teamId is null).
 * A change closes the open membership row at `since` and opens a new one, so results before the move
 * stay with the old team. Re-applying a fact that is already recorded (same team, same start) changes
 * nothing, which keeps replays of older files harmless. The current team with a `since` before the current
 * membership's start corrects that start (moves it earlier) when the rep was in no team in between, else
 * throws MembershipError (it would overlap the previous membership). A rep in no team who joins one again starts at
 * `since`, else now (a first membership ever without `since` starts SINCE_ALWAYS). Returns whether anything
 * was written. Throws MembershipError when `since` is after `now` (a future date is refused: once stored it
 * would refuse every earlier correction), when the start is not after the current membership's start or is
 * before the last one's end: memberships of a rep never overlap (the database refuses it too).
 */
export async function applyMembership(
  db: Db,
  repId: number,
  teamId: number | null,
  since: Date | null | undefined,
  now: Date,
): Promise<boolean> {
  if (since && since > now) {
    // A date in the future is a typo far more often than a planned move, and once stored it would refuse
    // every correction dated before it (a later start is required): refuse it instead.
    throw new MembershipError(
      `${formatLocalDate(since, 'UTC')} is in the future (today is ${formatLocalDate(now, 'UTC')} UTC): record a team move once it has happened, with the date it took effect`,
    );
  }
  const [open] = await db
    .select()
    .from(teamMemberships)
    .where(and(eq(teamMemberships.repId, repId), isNull(teamMemberships.validTo)))
    .orderBy(desc(teamMemberships.validFrom))
    .limit(1);
  if (open && open.teamId === teamId && (!since || since >= open.validFrom)) return false;
  if (teamId !== null && since) {
    const recorded = await db
      .select({ id: teamMemberships.id })
      .from(teamMemberships)
      .where(
        and(
          eq(teamMemberships.repId, repId),
          eq(teamMemberships.teamId, teamId),
          eq(teamMemberships.validFrom, since),
        ),
      );
    if (recorded.length > 0) return false;
  }
  // The current team dated before its recorded start (and not an earlier stint's replay): a correction.
  if (open && open.teamId === teamId && since) return moveStartEarlier(db, repId, open, since);
  if (!open) {
    if (teamId === null) return false;
    // A rep who left every team and joins one again: the new membership starts after the last one ended
    // (the database refuses overlapping ranges, migration 0033); without a date, from now.
    const [last] = await db
      .select({ validTo: teamMemberships.validTo })
      .from(teamMemberships)
      .where(eq(teamMemberships.repId, repId))
      .orderBy(desc(teamMemberships.validTo))
      .limit(1);
    const from = since ?? (last ? now : SINCE_ALWAYS);
    if (last?.validTo && from < last.validTo) {
      throw new MembershipError(
        `${day(from)} is before the end of the last team membership (${day(last.validTo)})`,
      );
    }
    await db.insert(teamMemberships).values({ repId, teamId, validFrom: from });
    return true;
  }
  const start = since ?? now;
  if (start <= open.validFrom) {
    throw new MembershipError(
      `${day(start)} is not after the start of the current team membership (${day(open.validFrom)})`,
    );
  }
  await db.update(teamMemberships).set({ validTo: start }).where(eq(teamMemberships.id, open.id));
  if (teamId !== null) await db.insert(teamMemberships).values({ repId, teamId, validFrom: start });
  return true;
}

/**
 * A membership bound as the refusals show it (people read them in import results): its UTC date, with the
 * time when it is not midnight (a move without team_since starts at the instant of the import).
 */
function day(at: Date): string {
  const date = formatLocalDate(at, 'UTC');
  return at.getTime() % 86_400_000 === 0 ? date : `${date} ${formatLocalTime(at, 'UTC')} UTC`;
}

/**
 * Corrects the start of the rep's open membership `open` to the earlier `since` (the same team, dated
 * earlier: its start was recorded late). Allowed when `since` is not before the end of the rep's previous
 * membership (a rep is in one team at a time); the rollup triggers rebuild the rep's rows. Returns true;
 * throws MembershipError naming the previous membership and the earliest start allowed otherwise.
 */
async function moveStartEarlier(
  db: Db,
  repId: number,
  open: typeof teamMemberships.$inferSelect,
  since: Date,
): Promise<boolean> {
  const [previous] = await db
    .select({ validFrom: teamMemberships.validFrom, validTo: teamMemberships.validTo, team: teams.name })
    .from(teamMemberships)
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .where(and(eq(teamMemberships.repId, repId), lt(teamMemberships.validFrom, open.validFrom)))
    .orderBy(desc(teamMemberships.validFrom))
    .limit(1);
  if (previous?.validTo && since < previous.validTo) {
    throw new MembershipError(
      `${day(since)} is before the start of the current team membership (${day(open.validFrom)}) and inside the previous one (${previous.team}, ${day(previous.validFrom)} to ${day(previous.validTo)}): a rep is in one team at a time. To move the start earlier, give a team_since on or after ${day(previous.validTo)}; to keep it, give ${day(open.validFrom)}`,
    );
  }
  await db.update(teamMemberships).set({ validFrom: since }).where(eq(teamMemberships.id, open.id));
  return true;
}
