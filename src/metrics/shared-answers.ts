import { MetricsError } from './errors.js';
import type { MetricDeps, MetricQuery, MetricResult } from './types.js';

/**
 * Identical questions share one computation. A morning stand-up where a whole floor asks
 * `/metrics winrate team` at once is one query, not forty:
 * - single-flight: while an answer for (metric, scope, period, split, options, data version) is being
 *   computed, identical asks wait for it instead of starting their own;
 * - a small cache of finished answers under the same key, for `ttlMs` (default 5 s). The data version
 *   moves with every write (see `readDataVersion`), so a cached answer is never served for data that
 *   changed after it was computed; the TTL only bounds how old its "now" may be (a running period's pace,
 *   "waiting within SLA");
 * - a concurrency limit on computations (default 6, the metrics pool's size): past it, asks queue; an
 *   interactive ask (`shed`) that cannot start within `maxWaitMs` (default 2.5 s) fails fast with
 *   MetricsError('busy') instead of timing out after 10 s. Digests and alerts wait their turn.
 */
export interface MetricAnswers {
  /** Answers `query` through the cache and limiter; `compute` does the actual work. */
  answer(
    deps: MetricDeps,
    query: MetricQuery,
    compute: () => Promise<MetricResult>,
    options?: { shed?: boolean },
  ): Promise<MetricResult>;
  /** Counters since creation (for the load bench and logs). */
  stats(): {
    computed: number;
    shared: number;
    cached: number;
    shed: number;
    running: number;
    queued: number;
  };
}

export interface MetricAnswersOptions {
  /** The current data version (any string that changes when data does). */
  dataVersion: () => Promise<string>;
  ttlMs?: number;
  maxEntries?: number;
  maxConcurrent?: number;
  maxWaitMs?: number;
  /** Injectable clock (ms) for tests; default Date.now. */
  clock?: () => number;
}

/** The busy message: past capacity an interactive ask is told so within a few seconds. */
export const BUSY_MESSAGE = 'Tally is busy right now — try again in a few seconds.';

function keyOf(deps: MetricDeps, query: MetricQuery, version: string): string {
  return JSON.stringify([
    version,
    query.metric,
    query.scope,
    query.period,
    query.by ?? null,
    query.include ?? null,
    deps.defaultTimezone,
    deps.grossMargin ?? null,
    deps.useRollups ?? true,
  ]);
}

/**
 * Freezes a shared answer and its lists (notes, figures, series, segment rows): a caller that wants to
 * add a line builds a copy (`{ ...result, notes: [...result.notes, line] }`). The metric definition is a
 * module constant and stays as it is.
 */
function freezeShared(result: MetricResult): MetricResult {
  Object.freeze(result.notes);
  Object.freeze(result.figures);
  Object.freeze(result.series);
  if (result.segments) Object.freeze(Object.freeze(result.segments).rows);
  return Object.freeze(result);
}

/** Creates the process-wide sharing point (one per app, built in the composition root). */
export function createMetricAnswers(options: MetricAnswersOptions): MetricAnswers {
  const ttl = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 500;
  const maxConcurrent = options.maxConcurrent ?? 6;
  const maxWait = options.maxWaitMs ?? 2_500;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { at: number; result: MetricResult }>();
  const inFlight = new Map<string, Promise<MetricResult>>();
  const queue: { start: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout | null }[] = [];
  const counts = { computed: 0, shared: 0, cached: 0, shed: 0 };
  let running = 0;

  const release = () => {
    running--;
    const next = queue.shift();
    if (next) {
      if (next.timer) clearTimeout(next.timer);
      running++;
      next.start();
    }
  };
  const acquire = (shed: boolean): Promise<void> => {
    if (running < maxConcurrent) {
      running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = { start: resolve, reject, timer: null as NodeJS.Timeout | null };
      if (shed) {
        entry.timer = setTimeout(() => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          counts.shed++;
          reject(new MetricsError('busy', BUSY_MESSAGE));
        }, maxWait);
      }
      queue.push(entry);
    });
  };

  return {
    async answer(deps, query, compute, opts = {}) {
      const version = await options.dataVersion();
      const key = keyOf(deps, query, version);
      const hit = cache.get(key);
      if (hit && clock() - hit.at <= ttl) {
        counts.cached++;
        return hit.result;
      }
      const pending = inFlight.get(key);
      if (pending) {
        counts.shared++;
        return pending;
      }
      const run = (async () => {
        await acquire(opts.shed ?? false);
        try {
          counts.computed++;
          // Every asker gets this very object: freeze it so no caller can change what the others see.
          const result = freezeShared(await compute());
          cache.delete(key);
          cache.set(key, { at: clock(), result });
          while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
          return result;
        } finally {
          release();
        }
      })();
      inFlight.set(key, run);
      try {
        return await run;
      } finally {
        inFlight.delete(key);
      }
    },
    stats: () => ({ ...counts, running, queued: queue.length }),
  };
}
