import type { Database } from '../db/client.js';
import type { BenchDataResult } from './types.js';

/**
 * Makes sure the database holds the benchmark data set (at least 500 reps, 1M leads, 10M activities,
 * 1M opportunities over 730 days). Reuses a complete earlier bench seed instead of reseeding.
 */
export async function ensureBenchData(
  _database: Database,
  _options: { now: Date; progress?: (line: string) => void },
): Promise<BenchDataResult> {
  throw new Error('ensureBenchData: not implemented yet');
}
