import type { SQL } from 'drizzle-orm';
import { currentQuerySignal } from '../../db/cancel.js';
import { type Db, queryRows, queryRowsPrepared } from '../../db/client.js';

/**
 * Runs one metric query: a single round trip. The session settings metric queries want (JIT off, a bigger
 * `work_mem` so exact medians sort in memory, a statement timeout) belong to the connection they run on
 * (`Database.metricsDb`), not to per-query SET statements. Inside a computation that has been given up
 * (`withQuerySignal`, see shared-answers.ts) it starts nothing and rejects with the signal's reason; on
 * Postgres a query already running is cancelled on the server by the metrics pool. `prepared`: run it as a
 * named prepared statement (`queryRowsPrepared`), for small statements of a fixed text.
 */
export async function runMetricQuery<T>(db: Db, query: SQL, opts: { prepared?: boolean } = {}): Promise<T[]> {
  const signal = currentQuerySignal();
  signal?.throwIfAborted();
  try {
    return await (opts.prepared ? queryRowsPrepared<T>(db, query) : queryRows<T>(db, query));
  } catch (err) {
    // The driver wraps the cancellation; report it as what it is (the reason the work was given up).
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}
