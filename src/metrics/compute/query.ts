import type { SQL } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';

/**
 * Runs one metric query: a single round trip. The session settings metric queries want (JIT off, a bigger
 * `work_mem` so exact medians sort in memory, a statement timeout) belong to the connection they run on
 * (`Database.metricsDb`), not to per-query SET statements.
 */
export function runMetricQuery<T>(db: Db, query: SQL): Promise<T[]> {
  return queryRows<T>(db, query);
}
