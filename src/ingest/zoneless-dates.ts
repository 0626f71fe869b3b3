import { type Db, queryRows, sql } from '../db/client.js';
import { counted } from '../numbers/count.js';
import { canonicalTimeZone } from '../time/zone.js';

/**
 * Dates and times without a zone (`2026-10-01`, `2026-10-01 14:05`) are read in one zone, the import's
 * (DEFAULT_TIMEZONE), while each team counts its periods in its own `timezone`. A bare date read at
 * midnight UTC is 17:00 the day before in Los Angeles, so a deal closed "2026-10-01" lands in Q3 for a
 * team there. That reading is what the docs promise, but an org with teams in several zones cannot see it:
 * after a write that read such values, the CSV summary and the ingest API say which teams count in
 * another zone.
 */
export interface ZonelessDates {
  /** Values read as wall-clock time in `zone` (DateContext.zoneless). */
  count: number;
  /** The zone they were read in. */
  zone: string;
  /** Stored teams whose timezone is another zone, by name. */
  teams: { name: string; timezone: string }[];
}

/**
 * Stored teams whose `timezone` is not `zone` (one statement; call it inside the writer's transaction,
 * after the write, so a teams file's own teams count). A team without a timezone counts in
 * DEFAULT_TIMEZONE, and spellings of one zone (`Etc/UTC` for `UTC`, `US/Pacific`) are the same zone.
 */
async function teamsInOtherZones(db: Db, zone: string): Promise<ZonelessDates['teams']> {
  const rows = await queryRows<{ name: string; timezone: string }>(
    db,
    sql`select name, timezone from teams where timezone is not null and timezone <> ${zone} order by name`,
  );
  const own = canonicalTimeZone(zone) ?? zone;
  return rows.filter((t) => (canonicalTimeZone(t.timezone) ?? t.timezone) !== own);
}

/**
 * What was read without a zone and where it counts elsewhere, or null when nothing was, or every team
 * counts in `zone`: the count and the zone when `count` > 0 and some team is in another zone.
 */
export async function zonelessDates(db: Db, count: number, zone: string): Promise<ZonelessDates | null> {
  if (count === 0) return null;
  const teams = await teamsInOtherZones(db, zone);
  return teams.length > 0 ? { count, zone, teams } : null;
}

/** Teams named in the note; past it, `and 3 more`. */
const LISTED_TEAMS = 5;

/**
 * The note, as the CSV details (`note: …`, audience 'file') and the ingest API's `summary_warnings`
 * ('request') give it: `2 dates without a zone were read in UTC (DEFAULT_TIMEZONE); team West
 * (America/Los_Angeles) counts its periods in its own zone, so a date near midnight may fall on the day
 * before or after there; if the file writes another zone's local times, import it again with
 * DEFAULT_TIMEZONE set to that zone`.
 */
export function zonelessDatesNote(z: ZonelessDates, audience: 'file' | 'request'): string {
  const shown = z.teams.slice(0, LISTED_TEAMS).map((t) => `${t.name} (${t.timezone})`);
  const more = z.teams.length - shown.length;
  if (more > 0) shown.push(`${more} more`);
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : shown[0];
  const one = z.teams.length === 1;
  const teams = one
    ? `team ${list} counts its periods in its own zone`
    : `teams ${list} count their periods in their own zones`;
  const fix =
    audience === 'file'
      ? "if the file writes another zone's local times, import it again with DEFAULT_TIMEZONE set to that zone"
      : "if the source writes another zone's local times, send them with their offset (2026-10-01T00:00:00-07:00) or Z";
  const read = z.count === 1 ? 'was read' : 'were read';
  return `${counted(z.count, ['date without a zone', 'dates without a zone'])} ${read} in ${z.zone} (DEFAULT_TIMEZONE); ${teams}, so a date near midnight may fall on the day before or after there; ${fix}`;
}
