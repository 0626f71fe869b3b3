import { type Db, sql } from '../db/client.js';
import { readDataVersion } from '../db/data-version.js';
import type { FiscalCalendar } from '../time/fiscal.js';
import { firstRecordAt, type RecordKind } from './all-time.js';
import { arrivalFrom, lastArrivalQuery } from './compute/arrivals.js';
import { runMetricQuery } from './compute/query.js';
import { type FiscalRow, fiscalCalendarFromRow } from './fiscal-settings.js';
import {
  idsInOtherZones,
  type ScopeContext,
  scopeContextFrom,
  scopeRowQuery,
  type ZoneRow,
} from './scope.js';
import type { DataArrival, MetricDeps, MetricId, Scope } from './types.js';

/** What an answer reads before its metric queries: who the scope is, the org's calendar, the data's arrival. */
export interface AnswerContext {
  /** The scope's label, zone and week start (as `resolveScope` gives them). */
  scope: ScopeContext;
  /** The fiscal calendar an admin stored; null when none is (the env default then applies). */
  fiscal: FiscalCalendar | null;
  /** The newest arrival of the data the metric reads (as `lastArrivalFor` gives it); null when none. */
  lastArrival: DataArrival | null;
}

type ContextRow = Partial<ZoneRow> &
  Partial<FiscalRow> & {
    found: boolean | null;
    has_fiscal: boolean | null;
    source: string | null;
    at: Date | null;
  };

/**
 * The scope, the stored fiscal calendar and the metric's last data arrival in one statement: one round trip
 * where they were three queries (every answer pays them before its metric query can start, so they were most
 * of a small answer's fixed cost). Throws `MetricsError` ('unknown_team' / 'unknown_rep') for ids that do not
 * exist; database errors propagate.
 */
export async function readAnswerContext(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  scope: Scope,
  metric: MetricId,
): Promise<AnswerContext> {
  const scopeRow = scopeRowQuery(scope);
  const rows = await runMetricQuery<ContextRow>(
    deps.db,
    sql`select s.found, s.name, s.timezone, s.week_starts_on, s.namesake,
        o.id is not null as has_fiscal, o.fiscal_year_start as "fiscalYearStart", o.fiscal_weeks as "fiscalWeeks",
        o.fiscal_year_end_weekday as "fiscalYearEndWeekday", o.fiscal_year_end_rule as "fiscalYearEndRule",
        a.source, a.at
      from (select 1) one
      left join lateral (${
        scopeRow
          ? sql`select true as found, z.* from (${scopeRow}) z`
          : sql`select null::boolean as found, null::text as name, null::text as timezone, null::int as week_starts_on,
              null::boolean as namesake`
      }) s on true
      left join org_settings o on o.id = 1
      left join lateral (${lastArrivalQuery(metric)}) a on true`,
    // Its text depends only on the scope's kind and the metric: planned once per connection, not per answer.
    { prepared: true },
  );
  const row = rows[0];
  const zone = row?.found ? (row as ZoneRow) : undefined;
  return {
    scope: scopeContextFrom(deps, scope, zone),
    fiscal: row?.has_fiscal ? fiscalCalendarFromRow(row as FiscalRow) : null,
    lastArrival: arrivalFrom(row),
  };
}

/** Values kept per data version: the newest few versions, each a map from a key to its value. */
interface VersionCache {
  versions: Map<string, Map<string, unknown>>;
}

// Versions kept at once: the current one and the one before it (answers still computing under it).
const KEPT_VERSIONS = 2;
// Values kept per version (scope × metric contexts, split zone sets); past it the oldest goes.
const KEPT_PER_VERSION = 2_000;
const caches = new WeakMap<object, VersionCache>();

function cacheOf(db: object): VersionCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { versions: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

// A cached context is shared by every answer that uses it (its scope object ends up in each result).
function freezeContext(context: AnswerContext): AnswerContext {
  Object.freeze(context.scope.scope);
  Object.freeze(context.scope);
  if (context.fiscal) Object.freeze(context.fiscal);
  if (context.lastArrival) Object.freeze(context.lastArrival);
  return Object.freeze(context);
}

/**
 * The value under `key` read at data version `version`: cached when an earlier answer read it under the same
 * version, else `read()` and kept. `version` must have been read (`readDataVersion`) before this call: a
 * value read after the version read reflects every write whose version move came before it (writes move
 * the version by statement trigger and, after they commit, again by `bumpDataVersion`), so while the
 * version stays `version` the value cannot be stale. `read` must depend only on tables whose writes move
 * the version. Errors from `read` propagate and are never cached.
 */
async function keptAt<T>(db: object, version: string, key: string, read: () => Promise<T>): Promise<T> {
  const cache = cacheOf(db);
  const hit = cache.versions.get(version)?.get(key);
  if (hit !== undefined) return hit as T;
  const value = await read();
  let entries = cache.versions.get(version);
  if (!entries) {
    // An answer still computing under an older version must not push out a newer one (the sequence's
    // value leads the version text: `123`, or `123-` before its first use).
    const newest = [...cache.versions.keys()].at(-1);
    if (newest !== undefined && Number.parseInt(version, 10) < Number.parseInt(newest, 10)) return value;
    entries = new Map();
    cache.versions.set(version, entries);
    while (cache.versions.size > KEPT_VERSIONS) cache.versions.delete(cache.versions.keys().next().value!);
  }
  entries.set(key, value);
  if (entries.size > KEPT_PER_VERSION) entries.delete(entries.keys().next().value!);
  return value;
}

/**
 * The answer context under data version `version` (see `keptAt` for when it is cached and why it cannot be
 * stale). Errors as `readAnswerContext` (unknown scopes are never cached).
 */
export function answerContextAt(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  scope: Scope,
  metric: MetricId,
  version: string,
): Promise<AnswerContext> {
  const key = JSON.stringify(['context', scope, metric, deps.defaultTimezone]);
  return keptAt(deps.db, version, key, async () =>
    freezeContext(await readAnswerContext(deps, scope, metric)),
  );
}

/**
 * The ids of teams (or reps, by their current team) whose zone differs from `timezone`, under data version
 * `version` (`idsInOtherZones`, cached as `answerContextAt` caches contexts: teams, reps and memberships
 * all move the version). A split by team or rep of the whole org reads it on every answer; cached, it is
 * read once per data version. Database errors propagate.
 */
export function otherZonesAt(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  by: 'team' | 'rep',
  timezone: string,
  version: string,
): Promise<ReadonlySet<number>> {
  const key = JSON.stringify(['zones', by, timezone, deps.defaultTimezone]);
  return keptAt(deps.db, version, key, () => idsInOtherZones(deps, by, timezone));
}

/**
 * Rep (or team) names by id under data version `version`, cached as `answerContextAt` caches contexts (reps
 * and teams move the version): a split by rep or team labels its rows from it, read once per data version,
 * where a name lookup per row cost ~0.6 ms of the org's year by rep on the bench data (596 rows). Shape:
 * id → name. Database errors propagate.
 */
export function namesAt(db: Db, by: 'team' | 'rep', version: string): Promise<ReadonlyMap<number, string>> {
  return keptAt(db, version, JSON.stringify(['names', by]), async () => {
    const rows = await runMetricQuery<{ id: number; name: string }>(
      db,
      by === 'team' ? sql`select id, name from teams` : sql`select id, name from reps`,
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  });
}

/**
 * `segments` with the label of every rep (or team) segment that `names` (a `namesAt` map) does not know read
 * from the database: a rep created, with records, after the map's data version was read but before the
 * split's statement ran is in the split, and without this would be labelled "No rep". Reads nothing when
 * every key is known (the usual case). Shapes: segment keys are ids as strings, null for "No rep". Database
 * errors propagate.
 */
export async function labelUnnamed<S extends { key: string | null; label: string }>(
  db: Db,
  by: 'team' | 'rep',
  segments: S[],
  names: ReadonlyMap<number, string>,
): Promise<S[]> {
  const unknown = segments
    .filter((s) => s.key !== null && !names.has(Number(s.key)))
    .map((s) => Number(s.key));
  if (unknown.length === 0) return segments;
  const ids = sql.join(
    unknown.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = await runMetricQuery<{ id: number; name: string }>(
    db,
    by === 'team'
      ? sql`select id, name from teams where id in (${ids})`
      : sql`select id, name from reps where id in (${ids})`,
  );
  const found = new Map(rows.map((r) => [r.id, r.name]));
  return segments.map((s) => {
    const name = s.key === null ? undefined : found.get(Number(s.key));
    return name === undefined ? s : { ...s, label: name };
  });
}

/**
 * The org's first record of the kinds `records` reads (`firstRecordAt` over the org: the first activity, lead,
 * opportunity or account state), or null when there is none, under data version `version`, cached as
 * `answerContextAt` caches contexts (every table it reads moves the version): read once per data version
 * and kinds, not per answer. Database errors propagate.
 */
export function dataStartAt(db: Db, records: readonly RecordKind[], version: string): Promise<Date | null> {
  return keptAt(db, version, JSON.stringify(['start', records]), () =>
    firstRecordAt(db, { kind: 'org' }, records),
  );
}

/**
 * The answer context as of now, for a caller that needs a scope's zone or the org's calendar before it asks
 * (a digest picks its month with them): reads the data version (`readDataVersion`, one cheap statement) and
 * returns the context cached under it (`answerContextAt`), so the scope and calendar are read once per data
 * version rather than once per caller. Pass the metric the caller computes first: its answer then finds the
 * context already cached. Errors as `readAnswerContext` (MetricsError 'unknown_team' / 'unknown_rep').
 */
export async function currentAnswerContext(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  scope: Scope,
  metric: MetricId,
): Promise<AnswerContext> {
  return answerContextAt(deps, scope, metric, await readDataVersion(deps.db));
}
