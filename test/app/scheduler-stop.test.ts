import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startScheduler } from '../../src/app/scheduler.js';
import type { Job } from '../../src/core/types.js';
import type { Deps } from '../../src/deps.js';

describe('scheduler stop', () => {
  it('waits for a run in progress before resolving, so the caller closes the database after it', async () => {
    const events: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const job: Job = {
      name: 'slow',
      cron: '* * * * * *',
      run: async () => {
        events.push('run started');
        started();
        await new Promise((r) => setTimeout(r, 1_500));
        events.push('run finished');
      },
    };
    const deps = {
      config: { schedulerTickSeconds: 60 },
      clock: () => new Date(),
      logger: pino({ level: 'silent' }),
    } as unknown as Deps;
    const scheduler = startScheduler(deps, [job]);
    await running;
    await scheduler.stop();
    events.push('stopped');
    expect(events).toEqual(['run started', 'run finished', 'stopped']);
  }, 10_000);
});
