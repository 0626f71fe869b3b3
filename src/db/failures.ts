import pRetry from 'p-retry';

/** The SQLSTATE (or Node error code) of a driver error, looking through drizzle's wrapper. */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Serialization failure or deadlock: the transaction lost a race and may simply be run again. */
export function isRetryableConflict(err: unknown): boolean {
  const code = errorCode(err);
  return code === '40001' || code === '40P01';
}

/** lock_not_available (55P03): a lock was not granted within the transaction's `lock_timeout`. */
export function isLockTimeout(err: unknown): boolean {
  return errorCode(err) === '55P03';
}

const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  // admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped
  '57P01',
  '57P02',
  '57P03',
  '57P04',
  // invalid_catalog_name: the database is gone (dropped under the running app) or not there yet
  '3D000',
  '53300',
]);

/**
 * The database cannot be reached, is gone, or is shutting down / out of connections (SQLSTATE class 08,
 * 57P01-57P04, 3D000, 53300, or a refused/reset socket): worth a 503 and a retry later, not a 500.
 */
export function isDatabaseOutage(err: unknown): boolean {
  const code = errorCode(err);
  if (code && (OUTAGE_CODES.has(code) || code.startsWith('08'))) return true;
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth += 1) {
    if (
      /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|connect ENOENT|Cannot use a pool after calling end|embedded database/i.test(
        e.message,
      )
    )
      return true;
    e = e.cause;
  }
  return false;
}

/**
 * Runs `fn` (one whole transaction) again when it failed on a serialization failure or deadlock:
 * at most `retries` more times, 20–200 ms apart with jitter (p-retry). Other errors pass through at once.
 * `onRetry` is told the number of the attempt about to start (2 for the first retry), e.g. to say so.
 */
export function retryConflicts<T>(
  fn: () => Promise<T>,
  retries = 4,
  onRetry?: (attempt: number) => void,
): Promise<T> {
  return pRetry(fn, {
    retries,
    minTimeout: 20,
    maxTimeout: 200,
    randomize: true,
    shouldRetry: ({ error }) => isRetryableConflict(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && isRetryableConflict(error)) onRetry?.(attemptNumber + 1);
    },
  });
}
