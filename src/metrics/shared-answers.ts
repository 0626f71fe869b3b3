import { withQuerySignal } from '../db/cancel.js';
import { asBackgroundQueries } from '../db/query-priority.js';
import { beforeDeadline, busyError, isBusyError, outsideInteractiveAsk } from './interactive.js';
import type { MetricDeps, MetricQuery, MetricResult } from './types.js';

/**
 * Identical questions share one computation. A morning stand-up where a whole floor asks
 * `/metrics winrate team` at once is one query, not forty:
 * - single-flight: while an answer for (metric, scope, period, split, options, data version) is being
 *   computed, identical asks wait for it instead of starting their own;
 * - one round trip for a new question while the data is quiet: it starts under the latest data
 *   version read, beside its own version read, and stands only if that read returns the same version; when
 *   it does not, the early computation is cancelled and the question computed under the new version (see
 *   `answer`);
 * - a small cache of finished answers under the same key, for `ttlMs` (default 5 s). The data version
 *   moves with every write (see `readDataVersion`), so a cached answer is never served for data that
 *   changed after it was computed; the TTL only bounds how old its "now" may be (a running period's pace,
 *   "waiting within SLA");
 * - a concurrency limit on computations (default 6; the app passes the metrics pool's size,
 *   `Database.metricsConcurrency`): past it, asks queue; an
 *   interactive ask (`shed`) that cannot start within `maxWaitMs` (default 2.5 s) fails fast with
 *   MetricsError('busy') instead of timing out after 10 s. Digests and alerts wait their turn.
 * - org-wide computations are heavy: at most `maxHeavy` run at once (default: all slots but two), and a
 *   queued team or rep question starts before them, so a burst of org-wide questions cannot make the
 *   everyday team and rep answers wait behind it (the burst is told "busy" first). Their statements run
 *   as background queries (`asBackgroundQueries`): on the embedded database's one connection a team or
 *   rep answer's statements go before them.
 */
export interface MetricAnswers {
  /**
   * Answers `query` through the cache and limiter; `compute` does the actual work, given a data version it
   * may cache under: the one read for this ask (a read that started after the ask arrived), or, for a
   * question started beside that read, the version read just before, kept only when this ask's read
   * returns the same version.
   */
  answer(
    deps: MetricDeps,
    query: MetricQuery,
    compute: (version: string) => Promise<MetricResult>,
    options?: { shed?: boolean; deadline?: number },
  ): Promise<MetricResult>;
  /**
   * Runs `work` (metric queries that are not a `MetricQuery`, e.g. the loss reasons of a win-rate answer)
   * under the same limiter: it takes a slot, queues, is refused "busy" at admission or at its deadline and
   * then cancelled on the server, exactly like a computation; never shared or cached. `heavy`: org-wide.
   */
  admit<T>(
    work: () => Promise<T>,
    options?: { shed?: boolean; deadline?: number; heavy?: boolean },
  ): Promise<T>;
  /** Counters since creation (for the load bench and logs). */
  stats(): {
    computed: number;
    shared: number;
    cached: number;
    /** Asks told "busy": refused at admission, in the queue or at their deadline, or before the queue. */
    shed: number;
    /** Running computations given up at their deadline and cancelled on the server. */
    cancelled: number;
    /** Computations started beside their data-version read, under the version read before. */
    early: number;
    /** Of those, the ones withdrawn because the read returned another version (computed again under it). */
    withdrawn: number;
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
  /** At most this many org-wide computations at once (default max(1, maxConcurrent − 2)). */
  maxHeavy?: number;
  maxWaitMs?: number;
  /** Injectable clock (ms) for tests; default Date.now. */
  clock?: () => number;
}

/**
 * How long a person waits at most for an answer to start arriving before being told "busy" (ms): the
 * deadline interactive asks get, so the busy message comes within 3 s of the command.
 */
export const INTERACTIVE_BUDGET_MS = 2_500;

/**
 * The longest a question whose metric is known to take longer than the budget may run (ms): below the
 * metrics pool's 8 s statement timeout and the 10 s after which an answer is given up.
 */
export const SLOW_METRIC_CAP_MS = 7_500;

/** Which slow-metric record a question belongs to: the metric, the scope's kind and the split. */
function shapeOf(query: MetricQuery): string {
  return `${query.metric}:${query.scope.kind}:${query.by ?? ''}`;
}

function keyOf(deps: MetricDeps, query: MetricQuery, version: string): string {
  return JSON.stringify([
    version,
    query.metric,
    query.scope,
    query.period,
    query.by ?? null,
    query.include ?? null,
    query.currency ?? null,
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

/** One computation and the asks waiting for it. */
interface Job {
  /** The latest deadline among the asks still waiting (Infinity: someone waits without one). */
  deadline: number;
  /** An org-wide computation (see `maxHeavy`). */
  heavy: boolean;
  asks: Set<Ask>;
  state: 'queued' | 'running' | 'done';
  start: () => void;
  abort: AbortController;
  /** Started early under a version that has since moved and left by its only ask: cancelled, never kept. */
  withdrawn: boolean;
}

interface Ask {
  deadline: number;
  resolve: (r: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout | null;
}

const busy = busyError;

/** Creates the process-wide sharing point (one per app, built in the composition root). */
export function createMetricAnswers(options: MetricAnswersOptions): MetricAnswers {
  const ttl = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 500;
  const maxConcurrent = options.maxConcurrent ?? 6;
  const maxHeavy = options.maxHeavy ?? Math.max(1, maxConcurrent - 2);
  const maxWait = options.maxWaitMs ?? INTERACTIVE_BUDGET_MS;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { at: number; result: MetricResult }>();
  const jobs = new Map<string, Job>();
  const queue: Job[] = [];
  const counts = { computed: 0, shared: 0, cached: 0, shed: 0, cancelled: 0, early: 0, withdrawn: 0 };
  let running = 0;
  let runningHeavy = 0;
  // Recent computation time per kind (ms, moving average): what a queued job expects to wait per round and to run.
  const typical = { light: 0, heavy: 0 };
  const typicalOf = (heavy: boolean) => (heavy ? typical.heavy : typical.light);
  // Computation time per question shape (ms) for shapes that took longer than the budget: a metric that
  // is slow on its own (not because of a queue) gets that long next time instead of "busy" forever.
  const slow = new Map<string, number>();
  const noteDuration = (shape: string, took: number, cancelled: boolean) => {
    const before = slow.get(shape);
    // A cancelled run only says "longer than this": double it, so the next ask gets enough time.
    const seen = cancelled
      ? Math.max(before ?? 0, 2 * took)
      : before === undefined
        ? took
        : 0.7 * before + 0.3 * took;
    if (seen > maxWait / 2) slow.set(shape, Math.min(seen, SLOW_METRIC_CAP_MS));
    else slow.delete(shape);
  };
  const canStart = (heavy: boolean) => running < maxConcurrent && (!heavy || runningHeavy < maxHeavy);
  // The next job to start: the oldest team or rep job, else the oldest org-wide one that may start.
  const nextStartable = (): number => {
    const light = queue.findIndex((j) => !j.heavy);
    if (light >= 0 && canStart(false)) return light;
    return canStart(true) ? queue.findIndex((j) => j.heavy) : -1;
  };

  const settle = (key: string, job: Job, outcome: { result: unknown } | { error: unknown }) => {
    job.state = 'done';
    if (jobs.get(key) === job) jobs.delete(key);
    for (const ask of job.asks) {
      if (ask.timer) clearTimeout(ask.timer);
      if ('result' in outcome) ask.resolve(outcome.result);
      else ask.reject(outcome.error);
    }
    job.asks.clear();
  };
  // Everyone waiting has been told "busy": drop a queued job, cancel a running one on the server.
  const giveUp = (key: string, job: Job) => {
    if (jobs.get(key) === job) jobs.delete(key);
    if (job.state === 'queued') {
      const i = queue.indexOf(job);
      if (i >= 0) queue.splice(i, 1);
      job.state = 'done';
    } else if (job.state === 'running') {
      counts.cancelled++;
      job.abort.abort(busy());
    }
  };
  const refuse = (key: string, job: Job, ask: Ask) => {
    counts.shed++;
    job.asks.delete(ask);
    ask.reject(busy());
    if (job.asks.size === 0) giveUp(key, job);
    else job.deadline = Math.max(...[...job.asks].map((a) => a.deadline));
  };
  const startNext = () => {
    for (let i = nextStartable(); i >= 0; i = nextStartable()) {
      const [job] = queue.splice(i, 1) as [Job];
      // A queued job that can no longer finish before its deadline is refused now, not started.
      if (clock() + typicalOf(job.heavy) > job.deadline) {
        for (const ask of [...job.asks]) {
          if (ask.timer) clearTimeout(ask.timer);
          counts.shed++;
          ask.reject(busy());
        }
        job.asks.clear();
        for (const [k, j] of jobs) if (j === job) jobs.delete(k);
        job.state = 'done';
        continue;
      }
      job.start();
    }
  };

  // Data-version reads, coalesced: an ask joins the next read that starts after it arrived (never one already
  // under way, which could predate a write it must see), so a burst of asks costs two reads, not one each.
  let reading: Promise<string> | null = null;
  let next: Promise<string> | null = null;
  // The version the latest read returned (reads are coalesced one after another, so it only moves forward),
  // and that version again when the read before it returned it too: the data is quiet, and a team or rep
  // computation may start under it before its own read returns (see `answer`). While writes keep coming
  // (an ingest feed), consecutive reads differ and nothing starts early, so no computation is wasted.
  let lastVersion: string | null = null;
  let quietVersion: string | null = null;
  const freshVersion = (): Promise<string> => {
    if (!reading) {
      const read = options
        .dataVersion()
        .then((v) => {
          quietVersion = v === lastVersion ? v : null;
          lastVersion = v;
          return v;
        })
        .finally(() => {
          reading = null;
        });
      reading = read;
      return read;
    }
    if (!next) {
      const after = reading
        .catch(() => undefined)
        .then(() => {
          next = null;
          return freshVersion();
        });
      next = after;
    }
    return next;
  };

  let admitted = 0;
  /**
   * Queues `compute` as the job `key` (or joins the job already under that key) for one ask with `deadline`;
   * `keep` turns its raw result into what every asker gets. Admission, deadline and cancellation as above.
   */
  const submit = <T>(
    key: string,
    heavy: boolean,
    deadline: number,
    compute: () => Promise<T>,
    keep: (raw: T) => T,
    shape?: string,
    onAsk?: (withdraw: () => void) => void,
  ): Promise<T> => {
    let job = jobs.get(key);
    if (job) counts.shared++;
    else {
      // Admission: with every slot it may use taken, an ask that could not be answered before its deadline
      // (its turn in the queue, then a typical computation) is told "busy" at once instead of waiting to fail.
      // Team and rep jobs queue only behind each other; org-wide ones behind every org-wide one.
      const typicalMs = typicalOf(heavy);
      if (!canStart(heavy) && typicalMs > 0) {
        const ahead = queue.filter((j) => j.heavy === heavy).length;
        const rounds = Math.ceil((ahead + 1) / (heavy ? maxHeavy : maxConcurrent));
        if (clock() + (rounds + 1) * typicalMs > deadline) {
          counts.shed++;
          return Promise.reject(busy());
        }
      }
      const created: Job = {
        deadline,
        heavy,
        asks: new Set(),
        state: 'queued',
        abort: new AbortController(),
        withdrawn: false,
        start: () => {
          created.state = 'running';
          running++;
          if (heavy) runningHeavy++;
          counts.computed++;
          const began = clock();
          // An org-wide computation's statements give way to team and rep ones on the embedded database.
          const work = heavy ? () => asBackgroundQueries(compute) : compute;
          withQuerySignal(created.abort.signal, () => outsideInteractiveAsk(work))
            .then(
              // A withdrawn computation that finished before its cancellation took is not cached: nobody
              // can ask under its version any more, and it would push out answers that can still be asked.
              (raw) => settle(key, created, { result: created.withdrawn ? raw : keep(raw) }),
              (error: unknown) =>
                settle(key, created, { error: created.abort.signal.aborted ? busy() : error }),
            )
            .finally(() => {
              const took = clock() - began;
              // A withdrawn computation's time says nothing about how long the question takes.
              if (!created.withdrawn) {
                if (shape !== undefined) noteDuration(shape, took, created.abort.signal.aborted);
                const kind = heavy ? 'heavy' : 'light';
                typical[kind] = typical[kind] === 0 ? took : 0.8 * typical[kind] + 0.2 * took;
              }
              running--;
              if (heavy) runningHeavy--;
              startNext();
            });
        },
      };
      job = created;
      jobs.set(key, job);
      queue.push(job);
    }
    const current = job;
    return new Promise<T>((resolve, reject) => {
      const ask: Ask = { deadline, resolve: resolve as (r: unknown) => void, reject, timer: null };
      current.asks.add(ask);
      current.deadline = Math.max(current.deadline, deadline);
      if (Number.isFinite(deadline))
        ask.timer = setTimeout(() => refuse(key, current, ask), Math.max(0, deadline - clock()));
      // Withdrawn (a computation started early under a version that has since moved): this ask no longer
      // waits and is not counted as shed. With nobody else waiting, the computation is dropped from the queue
      // or cancelled on the server, freeing its slot: no later read returns its version, so nobody could
      // ever be given its answer.
      onAsk?.(() => {
        if (!current.asks.delete(ask)) return;
        if (ask.timer) clearTimeout(ask.timer);
        if (current.asks.size > 0) return;
        if (current.state === 'queued') giveUp(key, current);
        else if (current.state === 'running') {
          current.withdrawn = true;
          if (jobs.get(key) === current) jobs.delete(key);
          current.abort.abort(busy());
        }
      });
      startNext();
    });
  };

  return {
    async answer(deps, query, compute, opts = {}) {
      const deadline = opts.deadline ?? (opts.shed ? clock() + maxWait : Number.POSITIVE_INFINITY);
      const heavy = query.scope.kind === 'org';
      // A question known to take longer than the budget by itself may take that long (capped), from now.
      const needs = slow.get(shapeOf(query));
      const until = needs === undefined ? deadline : Math.max(deadline, clock() + needs * 1.5);
      const jobDeadline = Math.min(until, Math.max(deadline, clock() + SLOW_METRIC_CAP_MS));
      const run = (key: string, version: string, onAsk?: (withdraw: () => void) => void) =>
        submit(
          key,
          heavy,
          jobDeadline,
          () => compute(version),
          (raw) => {
            // Every asker gets this very object: freeze it so no caller can change what the others see.
            const result = freezeShared(raw);
            cache.delete(key);
            cache.set(key, { at: clock(), result });
            while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
            return result;
          },
          shapeOf(query),
          onAsk,
        );
      // While the data is quiet (the last two reads returned the same version), a question nobody is
      // computing or has cached under that version starts now, under it, beside its own read, when a slot it
      // may use is free: its answer costs one round trip, not two. It stands only if the read returns that same
      // version: nothing was written since that version was read, so what it computed is what a computation
      // started after the read would have computed (the same bound as a computation started after it: see
      // answerContextAt). Otherwise it is withdrawn (cancelled) and the question is computed under the new
      // version. An org-wide question too (it waited for its read until 6 Dec 2026: the read's round trip is
      // ~0.3 of the ~9 ms of the org's year by rep on the bench data); a withdrawn one is cancelled on the
      // server at once, freeing its org-wide slot.
      const guess = quietVersion;
      let early: { result: Promise<MetricResult>; withdraw: () => void } | null = null;
      if (guess !== null) {
        const guessKey = keyOf(deps, query, guess);
        const cached = cache.get(guessKey);
        const fresh = cached !== undefined && clock() - cached.at <= ttl;
        if (!fresh && !jobs.has(guessKey) && queue.length === 0 && canStart(heavy)) {
          let withdraw = () => {};
          const result = run(guessKey, guess, (w) => {
            withdraw = w;
          });
          // Its outcome is this ask's only if the version held; otherwise nobody reads it.
          result.catch(() => {});
          counts.early++;
          early = { result, withdraw };
        }
      }
      // The version read runs on the main pool, outside the slots: a person waits for it no longer than
      // for the answer itself. Beside a question started early it is sent after the question's statements
      // (next turn of the event loop): the early question is what the person waits for, and a read sent first
      // delayed its statements by the read's own send (a rep's quarter of calls, bench data, interleaved:
      // 1.12 → 0.83 ms median). It still starts after the ask arrived, which is all the check below needs.
      const readVersion = () => freshVersion();
      const versionRead = beforeDeadline(
        early ? new Promise<void>((next) => setImmediate(next)).then(readVersion) : readVersion(),
        deadline,
        clock,
      ).catch((error: unknown) => {
        // Told "busy" before reaching the queue (the read outlasted the deadline): shed all the same.
        if (isBusyError(error)) counts.shed++;
        throw error;
      });
      let version: string;
      try {
        version = await versionRead;
      } catch (error) {
        early?.withdraw();
        throw error;
      }
      if (early && version === guess) return early.result;
      if (early) {
        early.withdraw();
        counts.withdrawn++;
      }
      const key = keyOf(deps, query, version);
      const hit = cache.get(key);
      if (hit && clock() - hit.at <= ttl) {
        counts.cached++;
        return hit.result;
      }
      return run(key, version);
    },
    admit(work, opts = {}) {
      const deadline = opts.deadline ?? (opts.shed ? clock() + maxWait : Number.POSITIVE_INFINITY);
      // Never shared: each admitted piece of work is a job of its own.
      return submit(`admit:${++admitted}`, opts.heavy ?? false, deadline, work, (raw) => raw);
    },
    stats: () => ({ ...counts, running, queued: queue.length }),
  };
}
