import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import type { DataArrival, MetricId } from '../types.js';

/**
 * When the data a metric reads last arrived: `data_arrivals` (the import CLI, the ingest API, Slack buttons,
 * per source and entity); generated data (demo, seed, bench) arrives at its `seed_runs.data_now`.
 */

/**
 * The tables each metric reads, so an answer is judged by the arrivals that feed it (and, in all-time.ts,
 * starts its data at their first record).
 */
export const METRIC_ENTITIES: Record<
  MetricId,
  ('leads' | 'activities' | 'opportunities' | 'accounts' | 'contracts')[]
> = {
  response: ['leads', 'activities'],
  conversion: ['leads'],
  leadcycle: ['leads', 'opportunities'],
  calls: ['activities'],
  emails: ['activities'],
  meetings: ['activities'],
  opps: ['opportunities'],
  cycle: ['opportunities'],
  winrate: ['opportunities'],
  dealsize: ['opportunities'],
  revenue: ['opportunities'],
  lostdeals: ['opportunities'],
  coverage: ['opportunities'],
  retention: ['accounts', 'opportunities'],
  clv: ['accounts', 'opportunities', 'contracts'],
  arr: ['contracts'],
  arpu: ['contracts'],
};

/** The newest arrival of data `metric` reads as one row (source, at), or none when none was recorded. */
export function lastArrivalQuery(metric: MetricId): SQL {
  const entities = METRIC_ENTITIES[metric];
  return sql`select source, at from (
        select a.source, a.last_at as at from data_arrivals a
        where a.entity in (${sql.join(
          entities.map((e) => sql`${e}`),
          sql`, `,
        )})
        union all
        select 'demo', s.data_now from seed_runs s where s.completed_at is not null
      ) x order by at desc limit 1`;
}

/** The arrival a `lastArrivalQuery` row names; null without one (no row, or a null source). */
export function arrivalFrom(
  row: { source: string | null; at: string | Date | null } | undefined,
): DataArrival | null {
  return row?.source != null && row.at != null ? { source: row.source, at: new Date(row.at) } : null;
}
