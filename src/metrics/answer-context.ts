import { sql } from '../db/client.js';
import { readDataVersion } from '../db/data-version.js';
import type { FiscalCalendar } from '../time/fiscal.js';
import { arrivalFrom, lastArrivalQuery } from './compute/arrivals.js';
import { runMetricQuery } from './compute/query.js';
import { type FiscalRow, fiscalCalendarFromRow } from './fiscal-settings.js';
import { type ScopeContext, scopeContextFrom, scopeRowQuery, type ZoneRow } from './scope.js';
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
    sql`select s.found, s.name, s.timezone, s.week_starts_on,
        o.id is not null as has_fiscal, o.fiscal_year_start as "fiscalYearStart", o.fiscal_weeks as "fiscalWeeks",
        o.fiscal_year_end_weekday as "fiscalYearEndWeekday", o.fiscal_year_end_rule as "fiscalYearEndRule",
        a.source, a.at
      from (select 1) one
      left join lateral (${
        scopeRow
          ? sql`select true as found, z.* from (${scopeRow}) z`
          : sql`select null::boolean as found, null::text as name, null::text as timezone, null::int as week_starts_on`
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

/** Contexts kept per data version: the newest few versions, each a map from `contextKey` to its context. */
interface ContextCache {
  versions: Map<string, Map<string, AnswerContext>>;
}

// Versions kept at once: the current one and the one before it (answers still computing under it).
const KEPT_VERSIONS = 2;
// Contexts kept per version (scope × metric); past it the oldest goes.
const KEPT_PER_VERSION = 2_000;
const caches = new WeakMap<object, ContextCache>();

function cacheOf(db: object): ContextCache {
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

function contextKey(deps: Pick<MetricDeps, 'defaultTimezone'>, scope: Scope, metric: MetricId): string {
  return JSON.stringify([scope, metric, deps.defaultTimezone]);
}

/**
 * The answer context under data version `version`: cached when an earlier answer read it under the same
 * version, else read (`readAnswerContext`) and kept. `version` must have been read (`readDataVersion`)
 * before this call: a context read after the version read reflects every write whose version move came
 * before it (writes move the version by statement trigger and, after they commit, again by
 * `bumpDataVersion`), so while the version stays `version` the context cannot be stale. Errors as
 * `readAnswerContext` (unknown scopes are never cached).
 */
export async function answerContextAt(
  deps: Pick<MetricDeps, 'db' | 'defaultTimezone'>,
  scope: Scope,
  metric: MetricId,
  version: string,
): Promise<AnswerContext> {
  const cache = cacheOf(deps.db);
  const key = contextKey(deps, scope, metric);
  const hit = cache.versions.get(version)?.get(key);
  if (hit) return hit;
  const context = freezeContext(await readAnswerContext(deps, scope, metric));
  let entries = cache.versions.get(version);
  if (!entries) {
    // An answer still computing under an older version must not push out a newer one (the sequence's
    // value leads the version text: `123`, or `123-` before its first use).
    const newest = [...cache.versions.keys()].at(-1);
    if (newest !== undefined && Number.parseInt(version, 10) < Number.parseInt(newest, 10)) return context;
    entries = new Map();
    cache.versions.set(version, entries);
    while (cache.versions.size > KEPT_VERSIONS) cache.versions.delete(cache.versions.keys().next().value!);
  }
  entries.set(key, context);
  if (entries.size > KEPT_PER_VERSION) entries.delete(entries.keys().next().value!);
  return context;
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
