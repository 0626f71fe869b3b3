/**
 * Runs `stop` once on the first SIGTERM or SIGINT, then exits the process with code 0 whether `stop`
 * succeeded or not. `signal` is the name of the signal. While it runs, the other signal does nothing;
 * the same signal again gets Node's default (the process ends at once): a second Ctrl-C or kill forces it.
 * Shared by the Slack app (main.ts) and the console (console.ts), so both close the database, which
 * flushes the embedded database's files and releases its data directory's lock.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop(signal)
      .catch(() => undefined)
      .then(() => process.exit(0));
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
}
