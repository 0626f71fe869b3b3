import { AsyncLocalStorage } from 'node:async_hooks';
import { MetricsError } from './errors.js';

/**
 * The deadline of the interactive ask in progress: a person who typed a command or clicked a button must
 * get their answer, or the honest busy message, by then (epoch ms, `Date.now()` time). Set once where
 * Slack's request is answered (`answerSafely`, App Home); every step on that path reads it: the metric
 * computations (their admission control in shared-answers.ts) and the lookups around them (the caller,
 * the scope, access checks, the data version), which race it with `beforeDeadline`.
 */
const deadlines = new AsyncLocalStorage<number>();

/** The busy message: past capacity an interactive ask is told so within a few seconds. */
export const BUSY_MESSAGE = 'Tally is busy right now — try again in a few seconds.';

/** The error an ask past its deadline (or refused at admission) ends with; the Slack layer shows its message. */
export function busyError(): MetricsError {
  return new MetricsError('busy', BUSY_MESSAGE);
}

/** True for the busy error (from the limiter or a deadline). */
export function isBusyError(err: unknown): boolean {
  return err instanceof MetricsError && err.code === 'busy';
}

/**
 * Throws the busy error when the current interactive ask's deadline has passed (nothing outside one). For
 * the last step before a change is written: past capacity the asker is told "busy" with nothing saved,
 * rather than a confirmation seconds late (helper-179: `target set` confirmed after up to 4.2 s in a flood).
 */
export function throwIfPastDeadline(now: () => number = Date.now): void {
  const deadline = deadlines.getStore();
  if (deadline !== undefined && now() >= deadline) throw busyError();
}

/** Runs `fn` as an interactive ask that must be answered by `deadline` (epoch ms). */
export function withInteractiveDeadline<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  return deadlines.run(deadline, fn);
}

/**
 * Runs `fn` outside any interactive ask. A shared computation serves every ask that joins it, so it must
 * not inherit the deadline of whichever ask happened to start it (shared-answers.ts).
 */
export function outsideInteractiveAsk<T>(fn: () => Promise<T>): Promise<T> {
  return deadlines.exit(fn);
}

/** The current interactive ask's deadline (epoch ms), or undefined outside one (digests, alerts, the console). */
export function interactiveDeadline(): number | undefined {
  return deadlines.getStore();
}

/**
 * `work`, or the busy error once `deadline` (default: the current interactive ask's) has passed first.
 * Without a deadline it is `work` itself. For steps that do not run inside the limiter (a lookup on the
 * main pool, a Slack call): the person is told "busy" on time; the step itself finishes in the background
 * and its result (or error) is dropped. `now`: the clock `deadline` is read against (epoch ms).
 */
export function beforeDeadline<T>(
  work: Promise<T>,
  deadline = interactiveDeadline(),
  now: () => number = Date.now,
): Promise<T> {
  if (deadline === undefined || !Number.isFinite(deadline)) return work;
  const left = deadline - now();
  // Swallow a late outcome once the race is lost, so an error after the deadline is not an unhandled rejection.
  work.catch(() => undefined);
  if (left <= 0) return Promise.reject(busyError());
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(busyError()), left);
    }),
  ]).finally(() => clearTimeout(timer));
}
