import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { createMetricAnswers, MetricsError } from '../../src/metrics/index.js';
import type { MetricDeps, MetricQuery, MetricResult } from '../../src/metrics/types.js';

// No database: the limiter is exercised with a computation that takes a known time.
const deps: MetricDeps = { db: {} as Db, defaultTimezone: 'UTC', now: new Date('2026-11-30T09:00:00Z') };
const question: MetricQuery = {
  metric: 'leadcycle',
  scope: { kind: 'team', teamId: 1 },
  period: 'this year',
};
const result = { notes: [], figures: [], series: [], segments: null } as unknown as MetricResult;

it('gives a metric that is slow on its own the time it needs, instead of "busy" on every ask', async () => {
  // A 200 ms budget and a computation of 500 ms with nothing else running (no queue, no overload).
  const answers = createMetricAnswers({ dataVersion: async () => 'v1', maxWaitMs: 200, ttlMs: 0 });
  const compute = async () => {
    await sleep(500);
    return result;
  };
  const ask = () => answers.answer(deps, question, compute, { shed: true });
  // The first ask cannot know: it is told "busy" at its deadline.
  await expect(ask()).rejects.toSatisfy((e) => e instanceof MetricsError && e.code === 'busy');
  await sleep(400); // the first computation ends
  // The next one is given the time this question takes, and answers.
  const started = Date.now();
  await expect(ask()).resolves.toBe(result);
  expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  // A different, fast question keeps the plain budget: a 500 ms computation of it is still "busy".
  const other = { ...question, metric: 'calls' as const };
  await expect(answers.answer(deps, other, compute, { shed: true })).rejects.toSatisfy(
    (e) => e instanceof MetricsError && e.code === 'busy',
  );
});
