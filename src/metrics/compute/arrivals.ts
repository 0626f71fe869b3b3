import { type Db, sql } from '../../db/client.js';
import type { DataArrival, MetricId } from '../types.js';
import { runMetricQuery } from './query.js';

/**
 * When the data a metric reads last arrived: `data_arrivals` (the import CLI, the ingest API, Slack buttons,
 * per source and entity); generated data (demo, seed, bench) arrives at its `seed_runs.data_now`.
 */

/** The tables each metric reads, so an answer is judged by the arrivals that feed it. */
const METRIC_ENTITIES: Record<MetricId, string[]> = {
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

/** The newest arrival of data `metric` reads, from any source; null when none was ever recorded. */
export async function lastArrivalFor(db: Db, metric: MetricId): Promise<DataArrival | null> {
  const entities = METRIC_ENTITIES[metric];
  const [row] = await runMetricQuery<{ source: string; at: string | Date }>(
    db,
    sql`select source, at from (
        select a.source, a.last_at as at from data_arrivals a
        where a.entity in (${sql.join(
          entities.map((e) => sql`${e}`),
          sql`, `,
        )})
        union all
        select 'demo', s.data_now from seed_runs s where s.completed_at is not null
      ) x order by at desc limit 1`,
  );
  return row ? { source: row.source, at: new Date(row.at) } : null;
}
