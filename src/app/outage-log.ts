import { errorCode, isDatabaseOutage } from '../db/failures.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';

/** During a database outage, at most one reminder (warn) this often (ms). */
export const OUTAGE_REMINDER_MS = 60_000;

/** A database outage as the scheduler logs it. */
export interface OutageLog {
  /** Logs one failed run of `job` at `at`: an outage quietly (see createOutageLog), anything else as an error. */
  failed(job: string, err: unknown, at: Date): void;
  /** Notes a run that succeeded at `at`: the first after an outage logs the recovery once (info). */
  succeeded(at: Date): void;
}

/**
 * Why the database could not be reached, without the query: the causes' messages and codes less
 * drizzle's "Failed query: <SQL>" wrapper (e.g. `connect ECONNREFUSED 127.0.0.1:5432`, code
 * `ECONNREFUSED`). SQL text never goes to the log for an outage: it says nothing about the outage.
 */
function outageReason(err: unknown): { code?: string; reason: string } {
  const described = describeError(err);
  const links = [described, ...(described.cause ?? [])].filter((l) => !l.message.startsWith('Failed query'));
  const reason = links.at(-1)?.message ?? 'database unreachable';
  const code = errorCode(err) ?? described.code;
  return code ? { code, reason } : { reason };
}

/**
 * The scheduler's log of failed runs. Every job fails on every tick while the database is down (three
 * every-minute jobs on a 5 s tick logged 81 errors in 2 minutes), so an outage is logged as a state, not
 * per run: one error when it starts, then at most one warn every OUTAGE_REMINDER_MS with how long it has
 * lasted and how many runs failed, and one info when a run succeeds again. Other failures are logged
 * each time, as before.
 */
export function createOutageLog(logger: Logger): OutageLog {
  let outage: { since: Date; failedRuns: number; remindedAt: number } | null = null;
  return {
    failed(job, err, at) {
      if (!isDatabaseOutage(err)) {
        logger.error({ job, err: describeError(err) }, 'scheduled job failed');
        return;
      }
      const { code, reason } = outageReason(err);
      if (!outage) {
        outage = { since: at, failedRuns: 1, remindedAt: at.getTime() };
        logger.error(
          { job, code, reason },
          'database unreachable: scheduled jobs are skipped until it is back (reminders every minute)',
        );
        return;
      }
      outage.failedRuns++;
      if (at.getTime() - outage.remindedAt < OUTAGE_REMINDER_MS) return;
      outage.remindedAt = at.getTime();
      logger.warn(
        {
          code,
          reason,
          since: outage.since.toISOString(),
          downSeconds: Math.round((at.getTime() - outage.since.getTime()) / 1000),
          failedRuns: outage.failedRuns,
        },
        'database still unreachable: scheduled jobs are skipped',
      );
    },
    succeeded(at) {
      if (!outage) return;
      logger.info(
        {
          since: outage.since.toISOString(),
          downSeconds: Math.round((at.getTime() - outage.since.getTime()) / 1000),
          failedRuns: outage.failedRuns,
        },
        'database reachable again: scheduled jobs run',
      );
      outage = null;
    },
  };
}
