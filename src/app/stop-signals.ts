/**
 * The longest a stop may take before the process exits anyway (ms): the Slack app's quiet window (2 s) and
 * drain (20 s) and the database's close fit inside it, and it ends before the 30 s an orchestrator
 * commonly allows after SIGTERM (then it kills). A stop that hangs (a database that accepts connections
 * but never answers, so closing its pool waits for ever) still ends the process.
 */
export const STOP_DEADLINE_MS = 27_000;

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, then exits the process: with code 0 once `stop` has
 * settled (succeeded or not), or with code 1 after `deadlineMs` (default STOP_DEADLINE_MS) if it has not,
 * calling `onOverrun` first (to log it). `signal` is the name of the signal. While it runs, the other
 * signal does nothing; the same signal again gets Node's default (the process ends at once): a second
 * Ctrl-C or kill forces it. Shared by the Slack app (main.ts) and the console (console.ts), so both close
 * the database, which flushes the embedded database's files and releases its data directory's lock.
 */
export function onStopSignals(
  stop: (signal: NodeJS.Signals) => Promise<void>,
  options: { deadlineMs?: number; onOverrun?: () => void } = {},
): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      options.onOverrun?.();
      process.exit(1);
    }, options.deadlineMs ?? STOP_DEADLINE_MS).unref();
    void stop(signal)
      .catch(() => undefined)
      .then(() => process.exit(0));
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
}
