import { beforeEach, expect, it } from 'vitest';
import { runConsole } from '../../src/app/console.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { readDataVersion } from '../../src/db/data-version.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/logger.js';
import { createMetricAnswers, getMetric } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { NOW, seedFixture } from '../slack/fixtures.js';

// The same question asked again is served from the shared-answer cache: the answer layer must not
// add its lines ("Top loss reasons: …") to that shared result, or each ask shows one more copy.
describeDb('asking the same question again', (ctx) => {
  let deps: Deps;
  let answers: ReturnType<typeof createMetricAnswers>;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    const db = ctx.db();
    answers = createMetricAnswers({ dataVersion: () => readDataVersion(db), ttlMs: 60_000 });
    deps = {
      config: loadConfig({}),
      database: ctx.database(),
      db,
      logger: silentLogger,
      clock: fixedClock(NOW),
      slack: null,
      answers,
    };
  });

  const ask = async (command: string, who: string) => {
    const out: string[] = [];
    await runConsole(deps, { command, as: who, write: (t) => out.push(t) });
    return out.join('\n');
  };

  it('gives the identical win-rate answer three times, with the loss-reasons line once', async () => {
    const first = await ask('winrate team', 'ana@example.com');
    // EMEA lost 1 deal this quarter (Ana's), with no reason recorded.
    const line = 'Top loss reasons: none recorded for the 1 deal lost.';
    expect(first.split(line).length - 1).toBe(1);
    const second = await ask('winrate team', 'ana@example.com');
    const third = await ask('winrate team', 'ana@example.com');
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(answers.stats().cached).toBeGreaterThanOrEqual(2);
  });

  it('hands out a frozen shared result, so a caller cannot change what the next asker sees', async () => {
    const metricDeps = { db: deps.db, defaultTimezone: 'UTC', now: NOW, answers };
    const query = { metric: 'winrate' as const, scope: { kind: 'org' as const }, period: 'this quarter' };
    const result = await getMetric(metricDeps, query);
    expect(() => result.notes.push('extra')).toThrow(TypeError);
    expect((await getMetric(metricDeps, query)).notes).not.toContain('extra');
  });
});
