import { sql } from '../db/client.js';
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
