import cron, { type ScheduledTask } from 'node-cron';
import type { Job } from '../core/types.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { FEATURES, jobsOf } from './features.js';

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Starts one cron task per job. A run that is still busy when the next tick comes is not started twice
 * (noOverlap); a failing run is logged and the next tick tries again.
 */
export function startScheduler(deps: Deps, jobs: Job[] = jobsOf(FEATURES)): Scheduler {
  // TALLY_SCHEDULER_TICK_SECONDS < 60 runs the every-minute jobs more often (drills, the fault suite).
  const tick = deps.config.schedulerTickSeconds;
  const every = (expr: string) => (expr === '* * * * *' && tick < 60 ? `*/${tick} * * * * *` : expr);
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      every(job.cron),
      async () => {
        const startedAt = deps.clock();
        try {
          await job.run(deps, startedAt);
        } catch (err) {
          deps.logger.error({ job: job.name, err: describeError(err) }, 'scheduled job failed');
        }
      },
      { name: job.name, timezone: 'UTC', noOverlap: true },
    ),
  );
  deps.logger.info({ jobs: jobs.map((j) => j.name) }, 'scheduler started');
  return {
    stop: async () => {
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
