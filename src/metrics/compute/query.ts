import type { SQL } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../../db/client.js';

/**
 * Runs one metric query. Inside a transaction so that two session settings apply to it alone:
 * JIT off (Postgres would spend a second compiling a query that runs in milliseconds, because aggregate
 * plans over big tables look expensive) and a bigger work_mem, so exact medians sort in memory.
 */
export async function runMetricQuery<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    return queryRows<T>(tx as unknown as Db, query);
  });
}
