import { expect, it } from 'vitest';
import { bumpDataVersion, readDataVersion } from '../../src/db/data-version.js';
import { createMetricAnswers, getMetric, MetricsError } from '../../src/metrics/index.js';
import type { MetricDeps, MetricResult } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

describeDb('shared metric answers', (ctx) => {
  async function setup() {
    const db = ctx.db();
    const team = await addTeam(db, 'Berlin', { timezone: 'Europe/Berlin' });
    const ana = await addRep(db, 'Ana', team);
    await addCall(db, ana, '2026-11-23T09:00:00Z');
    await addCall(db, ana, '2026-11-23T10:00:00Z');
    return { db, team, ana };
  }

  it('computes identical concurrent questions once and serves the same answer until the data changes', async () => {
    const { db, team, ana } = await setup();
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(db) });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now, answers };
    const q = { metric: 'calls' as const, scope: { kind: 'team' as const, teamId: team }, period: 'today' };
    const [a, b, c] = await Promise.all([getMetric(deps, q), getMetric(deps, q), getMetric(deps, q)]);
    expect(a.value).toEqual({ kind: 'value', value: 2 });
    expect(b).toBe(a);
    expect(c).toBe(a);
    // One computation; the other two waited for it (or, when their data-version read came back after it
    // finished, took it from the cache).
    const first = answers.stats();
    expect(first.computed).toBe(1);
    expect(first.shared + first.cached).toBe(2);
    // Asked again with no write in between: the cached answer.
    expect(await getMetric(deps, q)).toBe(a);
    expect(answers.stats().cached).toBe(first.cached + 1);
    // A new call (the triggers move the data version): computed again, with the new number.
    await addCall(db, ana, '2026-11-23T11:00:00Z');
    const d = await getMetric(deps, q);
    expect(d.value).toEqual({ kind: 'value', value: 3 });
    expect(answers.stats().computed).toBe(2);
    // A different question is its own computation.
    await getMetric(deps, { ...q, by: 'rep' });
    expect(answers.stats().computed).toBe(3);
  });

  it('moves the data version on every write and on an explicit bump after a commit', async () => {
    const { db, ana } = await setup();
    const v1 = await readDataVersion(db);
    await addCall(db, ana, '2026-11-23T11:30:00Z');
    const v2 = await readDataVersion(db);
    expect(v2).not.toBe(v1);
    await bumpDataVersion(db);
    expect(await readDataVersion(db)).not.toBe(v2);
  });

  it('recomputes after the time to live even when the data did not change', async () => {
    const { db, team } = await setup();
    let t = 0;
    const answers = createMetricAnswers({
      dataVersion: () => readDataVersion(db),
      ttlMs: 1000,
      clock: () => t,
    });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now, answers };
    const q = { metric: 'calls' as const, scope: { kind: 'team' as const, teamId: team }, period: 'today' };
    await getMetric(deps, q);
    t = 1000;
    await getMetric(deps, q);
    expect(answers.stats()).toMatchObject({ computed: 1, cached: 1 });
    t = 1001;
    await getMetric(deps, q);
    expect(answers.stats().computed).toBe(2);
  });

  it('past capacity tells an interactive ask it is busy, while a digest waits its turn', async () => {
    const { db, team } = await setup();
    const answers = createMetricAnswers({
      dataVersion: () => readDataVersion(db),
      maxConcurrent: 1,
      maxWaitMs: 50,
    });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now };
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = answers.answer(
      deps,
      { metric: 'calls', scope: { kind: 'org' }, period: 'today' },
      async () => {
        await gate;
        return { value: { kind: 'value', value: 1 } } as MetricResult;
      },
    );
    // The slow computation holds the only slot before the others ask (it reads the data version first).
    for (let i = 0; i < 200 && answers.stats().running === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(answers.stats().running).toBe(1);
    const q = { metric: 'calls' as const, scope: { kind: 'team' as const, teamId: team }, period: 'today' };
    const interactive = getMetric({ ...deps, answers, shed: true }, q);
    const digest = getMetric({ ...deps, answers }, { ...q, period: 'this week' });
    const err = await interactive.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricsError);
    expect((err as MetricsError).code).toBe('busy');
    expect((err as MetricsError).message).toBe('Tally is busy right now — try again in a few seconds.');
    // The digest's ask reaches the queue once its own data-version read returns.
    for (let i = 0; i < 200 && answers.stats().queued === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(answers.stats()).toMatchObject({ shed: 1, running: 1, queued: 1 });
    release();
    await slow;
    expect((await digest).value).toEqual({ kind: 'value', value: 2 });
    expect(answers.stats()).toMatchObject({ running: 0, queued: 0, computed: 2 });
  });
});
