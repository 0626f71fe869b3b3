import type { SQL } from 'drizzle-orm';
import { queryRows, sql } from '../db/client.js';
import { clipName } from '../names.js';
import { MetricsError } from './errors.js';
import type { WeekStart } from './periods.js';
import type { MetricDeps, ResolvedScope, Scope } from './types.js';

export interface ScopeContext {
  scope: ResolvedScope;
  /** The zone period boundaries are computed in: the team's, the rep's current team's, else the default. */
  timezone: string;
  weekStartsOn: WeekStart;
}

/** A scope's name, zone and week start as `scopeRowQuery` reads them. */
export interface ZoneRow {
  name: string;
  timezone: string | null;
  week_starts_on: number | null;
  /** A team with an active rep of the same name, or a rep with a team's name (case aside). */
  namesake?: boolean | null;
}

/**
 * The row naming a team or rep scope (name, zone, week start: `ZoneRow`, one row or none); null for the
 * org, which needs no lookup. A rep's zone is that of their current team.
 */
export function scopeRowQuery(scope: Scope): SQL | null {
  switch (scope.kind) {
    case 'org':
      return null;
    case 'team':
      return sql`select name, timezone, week_starts_on::int as week_starts_on,
            exists (select 1 from reps x where x.active and lower(x.name) = lower(teams.name)) as namesake
            from teams where id = ${scope.teamId}`;
    case 'rep':
      return sql`select r.name, t.timezone, t.week_starts_on::int as week_starts_on,
            exists (select 1 from teams x where lower(x.name) = lower(r.name)) as namesake
            from reps r ${REP_CURRENT_TEAM}
            where r.id = ${scope.repId}`;
  }
}

/**
 * Joins to the rep `r` of a query its current team `t`: the team of its open membership (the latest, should
 * there be two); `t`'s columns are null for a rep on no team.
 */
const REP_CURRENT_TEAM = sql`left join lateral (
    select team_id from team_memberships
    where rep_id = r.id and valid_to is null order by valid_from desc limit 1
  ) m on true
  left join teams t on t.id = m.team_id`;

/**
 * The scope context from the row `scopeRowQuery` found (undefined: none). Throws `MetricsError`
 * ('unknown_team' / 'unknown_rep') when a team or rep has no row.
 */
export function scopeContextFrom(
  deps: Pick<MetricDeps, 'defaultTimezone'>,
  scope: Scope,
  row: ZoneRow | undefined,
): ScopeContext {
  const fallback = {
    timezone: row?.timezone ?? deps.defaultTimezone,
    weekStartsOn: (row?.week_starts_on ?? 1) as WeekStart,
  };
  switch (scope.kind) {
    case 'org':
      return { scope: { kind: 'org', label: 'Whole org' }, timezone: deps.defaultTimezone, weekStartsOn: 1 };
    case 'team':
      if (!row) throw new MetricsError('unknown_team', `No team with id ${scope.teamId}.`);
      return { scope: { ...scope, label: labelOf(row, 'team') }, ...fallback };
    case 'rep':
      if (!row) throw new MetricsError('unknown_rep', `No rep with id ${scope.repId}.`);
      return { scope: { ...scope, label: labelOf(row, 'rep') }, ...fallback };
  }
}

/**
 * A team's or rep's name for answers; when a team and a person share it (`R&D Team`), which one it is:
 * "R&D Team (team)", "R&D Team (rep)", so an answer or a shared message cannot be read as the other.
 */
const labelOf = (row: ZoneRow, kind: 'team' | 'rep') =>
  row.namesake ? `${clipName(row.name)} (${kind})` : clipName(row.name);

/**
 * Names the scope and finds its time zone and week start. A team uses its own zone; a rep the zone of
 * their current team; the org (and anyone without a zone) `deps.defaultTimezone`.
 * Throws `MetricsError` ('unknown_team' / 'unknown_rep') for ids that do not exist.
 */
export async function resolveScope(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  scope: Scope,
): Promise<ScopeContext> {
  const query = scopeRowQuery(scope);
  const rows = query ? await queryRows<ZoneRow>(deps.db, query) : [];
  return scopeContextFrom(deps, scope, rows[0]);
}

/**
 * Which teams (`by` 'team') or reps (`by` 'rep': by their current team) have an own zone that is not
 * `timezone` (a team without a zone, or a rep on no team, has `deps.defaultTimezone`). A split cuts every row
 * in the asked scope's zone, while a team or rep asked about on its own is cut in its own zone, so the two
 * figures can differ near the period's edges. One statement that needs no rows of the split, so it runs
 * beside the split's own query instead of after it (teams are few; reps one index probe each).
 */
export async function idsInOtherZones(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  by: 'team' | 'rep',
  timezone: string,
): Promise<Set<number>> {
  const rows = await queryRows<{ id: number }>(
    deps.db,
    by === 'team'
      ? sql`select id from teams where coalesce(timezone, ${deps.defaultTimezone}) <> ${timezone}`
      : sql`select r.id from reps r ${REP_CURRENT_TEAM}
            where coalesce(t.timezone, ${deps.defaultTimezone}) <> ${timezone}`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * The caveat under a split by team or rep when `count` of its rows have a zone of their own other than
 * `timezone`, the zone the rows are cut in; null when none. Plain text, no names (they would need escaping
 * for each surface).
 */
export function splitZoneNote(by: 'team' | 'rep', count: number, timezone: string): string | null {
  if (count === 0) return null;
  const one = count === 1;
  const who =
    by === 'team'
      ? `${one ? '1 team has' : `${count} teams have`} a zone of ${one ? 'its' : 'their'} own`
      : `${one ? '1 rep is on a team' : `${count} reps are on teams`} with a zone of ${one ? 'its' : 'their'} own`;
  return `Each ${by}'s row counts the period in ${timezone}; ${who}, which ${one ? 'its' : 'their'} own answers use, so near the period's edges those figures can differ.`;
}
