import cron, { type ScheduledTask } from 'node-cron';
import type { Job } from '../core/types.js';
import type { Deps } from '../deps.js';
import { FEATURES, jobsOf } from './features.js';
import { createOutageLog } from './outage-log.js';

export interface Scheduler {
  stop(): Promise<void>;
}

/** How long stop() waits for in-flight runs (ms) before the caller closes the database anyway. */
const STOP_WAIT_MS = 20_000;

/**
 * Starts one cron task per job. A run that is still busy when the next tick comes is not started twice
 * (noOverlap); a failing run is logged and the next tick tries again (a database outage as one error,
 * reminders and a recovery line: src/app/outage-log.ts). `stop()` stops the ticks, then waits
 * (up to STOP_WAIT_MS) for runs in progress, so they settle what they claimed before the database closes.
 */
export function startScheduler(deps: Deps, jobs: Job[] = jobsOf(FEATURES)): Scheduler {
  // TALLY_SCHEDULER_TICK_SECONDS < 60 runs the every-minute jobs more often (drills, the fault suite).
  const tick = deps.config.schedulerTickSeconds;
  const every = (expr: string) => (expr === '* * * * *' && tick < 60 ? `*/${tick} * * * * *` : expr);
  // Runs in progress, so stop() can let them finish before the caller closes the database.
  const running = new Set<Promise<void>>();
  // A database outage is logged once, then reminded at most once a minute, not once per job and tick.
  const failures = createOutageLog(deps.logger);
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      every(job.cron),
      async () => {
        const startedAt = deps.clock();
        const run = job.run(deps, startedAt).then(
          () => failures.succeeded(deps.clock()),
          (err: unknown) => failures.failed(job.name, err, deps.clock()),
        );
        running.add(run);
        try {
          await run;
        } finally {
          running.delete(run);
        }
      },
      { name: job.name, timezone: 'UTC', noOverlap: true },
    ),
  );
  deps.logger.info({ jobs: jobs.map((j) => j.name) }, 'scheduler started');
  return {
    stop: async () => {
      await Promise.all(tasks.map((t) => t.destroy()));
      // In-flight runs settle what they claimed; a run stuck past the bound is left to its lease.
      const bound = new Promise<void>((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref());
      await Promise.race([Promise.all(running), bound]);
    },
  };
}
