import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createOutageLog } from '../../src/app/outage-log.js';
import { startScheduler } from '../../src/app/scheduler.js';
import type { Job } from '../../src/core/types.js';
import type { Deps } from '../../src/deps.js';

/** A logger that keeps its JSON lines. */
function capture() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines, raw };
}

/** What drizzle throws when the server is down: the query and its values, caused by the socket error. */
function outageError(): Error {
  return new Error(
    "Failed query: select id from reps where email = $1 and name = 'Ana'\nparams: ana@example.com",
    {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    },
  );
}

describe('scheduler logs during a database outage', () => {
  it('logs one error at the start, a warn at most once a minute and one info on recovery, never SQL', () => {
    const { logger, lines, raw } = capture();
    const log = createOutageLog(logger);
    // Monday 23 Nov 2026, 10:00:00 UTC: the database goes down for 2 minutes; three jobs fail every 5 s.
    const start = Date.parse('2026-11-23T10:00:00Z');
    for (let s = 0; s < 120; s += 5)
      for (const job of ['delivery', 'digests', 'lead-nudges'])
        log.failed(job, outageError(), new Date(start + s * 1000));
    log.succeeded(new Date(start + 120_000));
    log.succeeded(new Date(start + 125_000));

    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'database unreachable: scheduled jobs are skipped until it is back (reminders every minute)'],
      [40, 'database still unreachable: scheduled jobs are skipped'],
      [30, 'database reachable again: scheduled jobs run'],
    ]);
    expect(lines[0]).toMatchObject({
      job: 'delivery',
      code: 'ECONNREFUSED',
      reason: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
    expect(lines[1]).toMatchObject({ since: '2026-11-23T10:00:00.000Z', downSeconds: 60, failedRuns: 37 });
    expect(lines[2]).toMatchObject({ downSeconds: 120, failedRuns: 72 });
    for (const line of raw) {
      expect(line).not.toMatch(/select|Failed query|ana@example\.com/);
    }
  });

  it('starts over after a recovery and still logs every failure that is not an outage', () => {
    const { logger, lines } = capture();
    const log = createOutageLog(logger);
    const at = (s: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + s * 1000);
    log.failed('digests', new Error('boom'), at(0));
    log.failed('digests', new Error('boom'), at(5));
    log.failed('digests', outageError(), at(10));
    log.succeeded(at(15));
    log.failed('digests', outageError(), at(20));
    expect(lines.map((l) => l.level)).toEqual([50, 50, 50, 30, 50]);
    expect(lines[0]?.msg).toBe('scheduled job failed');
  });

  it('wires the outage log into the scheduler: two failing jobs on a 1 s tick log one error', async () => {
    const { logger, lines } = capture();
    const failing = (name: string): Job => ({
      name,
      cron: '* * * * * *',
      run: async () => {
        throw outageError();
      },
    });
    const deps = {
      config: { schedulerTickSeconds: 60 },
      clock: () => new Date(),
      logger,
    } as unknown as Deps;
    const scheduler = startScheduler(deps, [failing('a'), failing('b')]);
    await new Promise((r) => setTimeout(r, 2_600));
    await scheduler.stop();
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(0);
  }, 10_000);
});
