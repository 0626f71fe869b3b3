import cron, { type ScheduledTask } from 'node-cron';
import { leadNudgesJob, slipAlertsJob } from '../alerts/index.js';
import type { Deps } from '../deps.js';
import { runDueDigests } from '../digest/run.js';
import { describeError } from '../errors.js';

/**
 * A recurring job. Jobs are idempotent and decide for themselves what is due at `now` (digests and
 * nudges keep a ledger in Postgres), so cron only says "look now": a missed tick, a restart or a second
 * instance never loses or doubles work.
 */
export interface Job {
  name: string;
  /** node-cron expression (with seconds optional), evaluated in UTC. */
  cron: string;
  run(deps: Deps, now: Date): Promise<void>;
}

/** The app's recurring jobs. Digests and alerts add theirs here. */
export const JOBS: Job[] = [
  {
    // Every minute: posts the digests whose slot has come (exactly once, see src/digest/run.ts).
    name: 'digests',
    cron: '* * * * *',
    run: async (deps, now) => {
      const report = await runDueDigests(deps, now);
      if (report.posted + report.skipped + report.failed > 0)
        deps.logger.info({ job: 'digests', ...report }, 'digests run');
    },
  },
  leadNudgesJob,
  slipAlertsJob,
];

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Starts one cron task per job. A run that is still busy when the next tick comes is not started twice
 * (noOverlap); a failing run is logged and the next tick tries again.
 */
export function startScheduler(deps: Deps, jobs: Job[] = JOBS): Scheduler {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.cron,
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
