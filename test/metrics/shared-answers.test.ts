import { expect, it } from 'vitest';
import { updateAlertSettings } from '../../src/alerts/settings.js';
import { currentQuerySignal } from '../../src/db/cancel.js';
import { queryRows, sql } from '../../src/db/client.js';
import { bumpDataVersion, readDataVersion } from '../../src/db/data-version.js';
import { runAdmitted } from '../../src/metrics/admitted.js';
import { runMetricQuery } from '../../src/metrics/compute/query.js';
import {
  createMetricAnswers,
  getMetric,
  MetricsError,
  removeTarget,
  setTarget,
  withInteractiveDeadline,
} from '../../src/metrics/index.js';
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

  it('moves the data version again after a target or a team setting commits, past the version its own triggers set', async () => {
    const { db, team } = await setup();
    // What a version read sees between a settings write's triggers and its commit, recorded by a trigger
    // that fires after the version's own (triggers fire in name order).
    await db.execute(sql`create table seen_versions (v text)`);
    await db.execute(sql`create function record_version() returns trigger language plpgsql as $$
      begin insert into seen_versions select last_value::text from tally_data_version; return null; end $$`);
    for (const table of ['targets', 'alert_settings', 'teams'])
      await db.execute(
        sql.raw(`create trigger zz_seen after insert or update or delete on ${table}
          for each statement execute function record_version()`),
      );
    const inWindow = async () => {
      const rows = await queryRows<{ v: string }>(db, sql`select v from seen_versions`);
      await db.execute(sql`delete from seen_versions`);
      expect(rows.length).toBeGreaterThan(0);
      return rows.at(-1)!.v;
    };
    const scope = { kind: 'team' as const, teamId: team };
    await setTarget(db, { metric: 'calls', scope, periodKind: 'week', value: 50, setByRepId: null, now });
    expect(await readDataVersion(db)).not.toBe(await inWindow());
    await removeTarget(db, { metric: 'calls', scope, periodKind: 'week' });
    expect(await readDataVersion(db)).not.toBe(await inWindow());
    await updateAlertSettings(db, team, { slaSeconds: 600 }, null, now);
    expect(await readDataVersion(db)).not.toBe(await inWindow());
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

  /** A computation that waits for `release()` (it holds its slot until then). */
  function gated(value = 1) {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const compute = async () => {
      await gate;
      return { value: { kind: 'value', value } } as MetricResult;
    };
    return { compute, release: () => release() };
  }
  const org = { metric: 'calls' as const, scope: { kind: 'org' as const }, period: 'today' };
  const waitFor = async (ok: () => boolean) => {
    for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(ok()).toBe(true);
  };

  it('shares one computation among identical questions while they wait in the queue', async () => {
    const { db } = await setup();
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(db), maxConcurrent: 1 });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now };
    const first = gated();
    const holding = answers.answer(deps, { ...org, period: 'this week' }, first.compute);
    await waitFor(() => answers.stats().running === 1);
    const second = gated(7);
    const asks = [1, 2, 3].map(() => answers.answer(deps, org, second.compute));
    await waitFor(() => answers.stats().shared === 2);
    // Three asks, one queued computation.
    expect(answers.stats()).toMatchObject({ running: 1, queued: 1, computed: 1 });
    first.release();
    second.release();
    await holding;
    const [a, b, c] = await Promise.all(asks);
    expect(a!.value).toEqual({ kind: 'value', value: 7 });
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(answers.stats()).toMatchObject({ computed: 2, running: 0, queued: 0 });
  });

  it('keeps two slots from org-wide computations, and starts a queued team question before older org-wide ones', async () => {
    const { db, team } = await setup();
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(db), maxConcurrent: 3 });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now };
    const started: string[] = [];
    const tracked = (name: string) => {
      const g = gated();
      const compute = () => {
        started.push(name);
        return g.compute();
      };
      return { ...g, compute };
    };
    const teamQ = (period: string) => ({
      metric: 'calls' as const,
      scope: { kind: 'team' as const, teamId: team },
      period,
    });
    const [orgA, orgB, t1, t2, t3] = ['org A', 'org B', 'team 1', 'team 2', 'team 3'].map(tracked);
    const a = answers.answer(deps, { ...org, period: 'this week' }, orgA!.compute);
    await waitFor(() => answers.stats().running === 1);
    // With three slots, one org-wide computation at a time: org B queues though two slots are free.
    const b = answers.answer(deps, { ...org, period: 'this month' }, orgB!.compute);
    await waitFor(() => answers.stats().queued === 1);
    const one = answers.answer(deps, teamQ('today'), t1!.compute);
    const two = answers.answer(deps, teamQ('this week'), t2!.compute);
    await waitFor(() => answers.stats().running === 3);
    const three = answers.answer(deps, teamQ('this month'), t3!.compute);
    await waitFor(() => answers.stats().queued === 2);
    expect(started).toEqual(['org A', 'team 1', 'team 2']);
    // A team slot frees: team 3 starts, though org B asked first.
    t1!.release();
    await one;
    await waitFor(() => started.length === 4);
    expect(started.at(-1)).toBe('team 3');
    // The org-wide slot frees: org B starts.
    orgA!.release();
    await a;
    await waitFor(() => started.length === 5);
    expect(started.at(-1)).toBe('org B');
    for (const g of [orgB, t2, t3]) g!.release();
    await Promise.all([b, two, three]);
    expect(answers.stats()).toMatchObject({ computed: 5, running: 0, queued: 0, shed: 0 });
  });

  it('admits other metric work to the same slots: refused at an interactive ask deadline, queued for a digest', async () => {
    const { db, team } = await setup();
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(db), maxConcurrent: 1 });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now, answers };
    const slow = gated();
    const held = answers.answer(deps, org, slow.compute);
    await waitFor(() => answers.stats().running === 1);
    const scope = { kind: 'team' as const, teamId: team };
    // Inside an interactive ask (as Slack's surfaces run it), with no deadline of its own in `deps`.
    const asked = Date.now();
    const err = await withInteractiveDeadline(Date.now() + 200, () =>
      runAdmitted(deps, scope, async () => 'reasons'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricsError);
    expect((err as MetricsError).code).toBe('busy');
    expect(Date.now() - asked).toBeLessThan(2_000);
    // A metric asked inside one sheds the same way, though `deps` says nothing about shedding.
    const metric = await withInteractiveDeadline(Date.now() + 200, () =>
      getMetric(deps, { metric: 'calls', scope, period: 'today' }),
    ).catch((e: unknown) => e);
    expect((metric as MetricsError).code).toBe('busy');
    // Outside an interactive ask (a digest) the same work waits its turn, then runs.
    const digest = runAdmitted(deps, scope, async () => 'reasons');
    await waitFor(() => answers.stats().queued === 1);
    slow.release();
    await held;
    expect(await digest).toBe('reasons');
    // Its slot is given back just after the answer is handed over.
    await waitFor(() => answers.stats().running === 0 && answers.stats().queued === 0);
  });

  it('reads the data version once for a burst of asks, and never serves a read older than the ask', async () => {
    const { db, ana } = await setup();
    let reads = 0;
    const answers = createMetricAnswers({
      dataVersion: () => {
        reads++;
        return readDataVersion(db);
      },
    });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now, answers };
    const asks = Array.from({ length: 20 }, () => getMetric(deps, org));
    const results = await Promise.all(asks);
    // The first read, and one more shared by everyone who arrived while it was under way.
    expect(reads).toBe(2);
    expect(new Set(results).size).toBe(1);
    // A write, then an ask: it sees the new data (its own read started after it arrived).
    await addCall(db, ana, '2026-11-23T11:00:00Z');
    expect((await getMetric(deps, org)).value).toEqual({ kind: 'value', value: 3 });
  });

  it('refuses at once an ask whose turn cannot come before its deadline, while the slot is still busy', async () => {
    const { db } = await setup();
    let t = 0;
    const answers = createMetricAnswers({
      dataVersion: () => readDataVersion(db),
      maxConcurrent: 1,
      clock: () => t,
    });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now };
    // A first computation that took 1,000 ms (by the injected clock): the typical cost.
    const warm = gated();
    const warmed = answers.answer(deps, { ...org, period: 'yesterday' }, warm.compute);
    await waitFor(() => answers.stats().running === 1);
    t = 1_000;
    warm.release();
    await warmed;
    // The only slot is taken again.
    const slow = gated();
    const holding = answers.answer(deps, { ...org, period: 'this week' }, slow.compute);
    await waitFor(() => answers.stats().running === 1);
    // Deadline 1.5 s away: a 1 s wait for the slot plus a 1 s computation cannot make it.
    const events: string[] = [];
    const late = gated();
    const refused = answers
      .answer(deps, org, late.compute, { shed: true, deadline: t + 1_500 })
      .catch((e: unknown) => {
        events.push('refused');
        return e;
      });
    const err = await refused;
    events.push('slot freed');
    slow.release();
    await holding;
    expect(err).toBeInstanceOf(MetricsError);
    expect((err as MetricsError).message).toBe('Tally is busy right now — try again in a few seconds.');
    // Told before the slot it would have waited for was free, and nothing was queued for it.
    expect(events).toEqual(['refused', 'slot freed']);
    expect(answers.stats()).toMatchObject({ shed: 1, computed: 2, queued: 0 });
  });

  it('gives up a running computation at its deadline: busy for the asker, the query cancelled on the server', async () => {
    const { db } = await setup();
    const metricsDb = ctx.database().metricsDb;
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(db) });
    const deps: MetricDeps = { db: metricsDb, defaultTimezone: 'UTC', now };
    const events: string[] = [];
    let inner: Promise<unknown> = Promise.resolve();
    const postgres = ctx.backend === 'postgres';
    const later = gated();
    const compute = async () => {
      // Postgres: a query far longer than the deadline. PGlite runs queries on the event loop and cannot
      // cancel one, so there the computation waits between two queries and the second must not start.
      inner = postgres
        ? runMetricQuery(metricsDb, sql`select pg_sleep(60)`)
        : later.compute().then(() => runMetricQuery(metricsDb, sql`select 1 as one`));
      const settled = inner.then(
        () => events.push('query finished'),
        (e: unknown) => events.push(`query stopped: ${(e as Error).message}`),
      );
      await settled;
      return { value: { kind: 'value', value: 1 } } as MetricResult;
    };
    const err = await answers
      .answer(deps, org, compute, { shed: true, deadline: Date.now() + 300 })
      .catch((e: unknown) => e);
    events.push('asker told');
    expect((err as MetricsError).code).toBe('busy');
    later.release();
    await inner.catch(() => {});
    await waitFor(() => events.length === 2);
    expect(events).toEqual([
      'asker told',
      'query stopped: Tally is busy right now — try again in a few seconds.',
    ]);
    await waitFor(() => answers.stats().running === 0);
    expect(answers.stats()).toMatchObject({ cancelled: 1, queued: 0 });
    if (postgres) {
      // Nothing is left running on the server.
      const left = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and query like '%pg_sleep(60)%' and pid <> pg_backend_pid()`,
      );
      expect(left[0]!.n).toBe(0);
    }
  }, 30_000);

  /** A data-version source whose first `auto` reads return `first`; later ones wait until the test answers them. */
  function heldVersions(first: string, auto = 2) {
    const pending: Array<(v: string) => void> = [];
    let reads = 0;
    const dataVersion = () => {
      reads++;
      if (reads <= auto) return Promise.resolve(first);
      return new Promise<string>((r) => pending.push(r));
    };
    return { dataVersion, answerRead: (v: string) => pending.shift()!(v), waiting: () => pending.length };
  }
  const team = { metric: 'calls' as const, scope: { kind: 'team' as const, teamId: 1 }, period: 'today' };
  const answerUnder = (seen: string[]) => async (version: string) => {
    seen.push(version);
    return { value: { kind: 'value', value: seen.length } } as MetricResult;
  };

  it('starts a new team question beside its data-version read, and keeps it when the read returns the same version', async () => {
    const versions = heldVersions('7');
    const answers = createMetricAnswers({ dataVersion: versions.dataVersion });
    const deps: MetricDeps = { db: ctx.db(), defaultTimezone: 'UTC', now };
    const seen: string[] = [];
    await answers.answer(deps, { ...team, period: 'yesterday' }, answerUnder(seen));
    // One read is not yet a quiet version: the second question waits for its own read.
    await answers.answer(deps, { ...team, period: 'last week' }, answerUnder(seen));
    expect(seen).toEqual(['7', '7']);
    expect(answers.stats().early).toBe(0);
    // Two reads returned 7: a new question computes under version 7 before its own read has come back.
    const asked = answers.answer(deps, team, answerUnder(seen));
    await waitFor(() => seen.length === 3 && versions.waiting() === 1);
    expect(seen).toEqual(['7', '7', '7']);
    versions.answerRead('7');
    expect((await asked).value).toEqual({ kind: 'value', value: 3 });
    expect(answers.stats()).toMatchObject({ computed: 3, early: 1, withdrawn: 0, shed: 0 });
  });

  it('withdraws a question started early when the read returns another version, and computes it under that one', async () => {
    const versions = heldVersions('7');
    const answers = createMetricAnswers({ dataVersion: versions.dataVersion });
    const deps: MetricDeps = { db: ctx.db(), defaultTimezone: 'UTC', now };
    const seen: string[] = [];
    await answers.answer(deps, { ...team, period: 'yesterday' }, answerUnder(seen));
    await answers.answer(deps, { ...team, period: 'last week' }, answerUnder(seen));
    const asked = answers.answer(deps, team, answerUnder(seen));
    await waitFor(() => seen.length === 3 && versions.waiting() === 1);
    // A write moved the version before the read: what was computed under 7 is not this ask's answer.
    versions.answerRead('8');
    const result = await asked;
    expect(seen).toEqual(['7', '7', '7', '8']);
    expect(result.value).toEqual({ kind: 'value', value: 4 });
    expect(answers.stats()).toMatchObject({ computed: 4, early: 1, withdrawn: 1, shed: 0 });
    // The version just moved: the next new question does not start early, it waits for its read.
    const next = answers.answer(deps, { ...team, period: 'this week' }, answerUnder(seen));
    await waitFor(() => versions.waiting() === 1);
    expect(seen).toHaveLength(4);
    versions.answerRead('8');
    await next;
    expect(seen).toEqual(['7', '7', '7', '8', '8']);
    expect(answers.stats()).toMatchObject({ early: 1, withdrawn: 1 });
  });

  it('starts an org-wide question early too, but not a cached one or one past the free slots', async () => {
    const versions = heldVersions('7');
    const answers = createMetricAnswers({ dataVersion: versions.dataVersion, maxConcurrent: 1 });
    const deps: MetricDeps = { db: ctx.db(), defaultTimezone: 'UTC', now };
    const seen: string[] = [];
    // Two reads returned 7 (the data is quiet): an org-wide question starts under 7 before its read returns.
    await answers.answer(deps, team, answerUnder(seen));
    await answers.answer(deps, { ...team, period: 'yesterday' }, answerUnder(seen));
    const orgAsk = answers.answer(deps, org, answerUnder(seen));
    await waitFor(() => seen.length === 3 && versions.waiting() === 1);
    expect(seen).toEqual(['7', '7', '7']);
    versions.answerRead('7');
    await orgAsk;
    expect(answers.stats()).toMatchObject({ early: 1, withdrawn: 0 });
    // A cached one does not compute at all.
    const cachedAsk = answers.answer(deps, team, answerUnder(seen));
    await waitFor(() => versions.waiting() === 1);
    versions.answerRead('7');
    await cachedAsk;
    expect(seen).toEqual(['7', '7', '7']);
    expect(answers.stats()).toMatchObject({ early: 1, cached: 1 });
    // The only slot held by an org-wide computation: a new team question waits for its read and the slot.
    const gate = gated();
    const holding = answers.answer(deps, { ...org, period: 'this week' }, gate.compute);
    await waitFor(() => versions.waiting() === 1);
    versions.answerRead('7');
    await waitFor(() => answers.stats().running === 1);
    const early = answers.stats().early;
    const queued = answers.answer(deps, { ...team, period: 'this week' }, answerUnder(seen));
    await waitFor(() => versions.waiting() === 1);
    expect(answers.stats().early).toBe(early);
    versions.answerRead('7');
    gate.release();
    await Promise.all([holding, queued]);
    expect(seen).toEqual(['7', '7', '7', '7']);
  });

  it('withdraws an org-wide question started early when the read returns another version', async () => {
    const versions = heldVersions('7');
    const answers = createMetricAnswers({ dataVersion: versions.dataVersion });
    const deps: MetricDeps = { db: ctx.db(), defaultTimezone: 'UTC', now };
    const seen: string[] = [];
    await answers.answer(deps, team, answerUnder(seen));
    await answers.answer(deps, { ...team, period: 'yesterday' }, answerUnder(seen));
    const asked = answers.answer(deps, org, answerUnder(seen));
    await waitFor(() => seen.length === 3 && versions.waiting() === 1);
    versions.answerRead('8');
    expect((await asked).value).toEqual({ kind: 'value', value: 4 });
    expect(seen).toEqual(['7', '7', '7', '8']);
    expect(answers.stats()).toMatchObject({ computed: 4, early: 1, withdrawn: 1, shed: 0 });
  });

  it('cancels a question started early once the version has moved, freeing its slot at once', async () => {
    const versions = heldVersions('7');
    const answers = createMetricAnswers({ dataVersion: versions.dataVersion, maxConcurrent: 1 });
    const deps: MetricDeps = { db: ctx.db(), defaultTimezone: 'UTC', now };
    const seen: string[] = [];
    await answers.answer(deps, { ...team, period: 'yesterday' }, answerUnder(seen));
    await answers.answer(deps, { ...team, period: 'last week' }, answerUnder(seen));
    // The early computation runs until it is cancelled (as a metric query would be, on the server).
    let cancelled = false;
    const stuck = async (version: string) => {
      if (version === '8') return answerUnder(seen)(version);
      const signal = currentQuerySignal()!;
      return new Promise<MetricResult>((_, reject) =>
        signal.addEventListener('abort', () => {
          cancelled = true;
          reject(signal.reason);
        }),
      );
    };
    const asked = answers.answer(deps, team, stuck, { shed: true });
    await waitFor(() => answers.stats().running === 1 && versions.waiting() === 1);
    versions.answerRead('8');
    // With the only slot taken by the withdrawn computation this ask would wait and be told "busy".
    expect((await asked).value).toEqual({ kind: 'value', value: 3 });
    expect(cancelled).toBe(true);
    expect(answers.stats()).toMatchObject({ early: 1, withdrawn: 1, cancelled: 0, shed: 0, running: 0 });
  });

  it('answers from the data as it is after a write, when a question started early under the version before it', async () => {
    const { db, team: teamId, ana } = await setup();
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(db) });
    const deps: MetricDeps = { db, defaultTimezone: 'UTC', now, answers };
    const q = { metric: 'calls' as const, scope: { kind: 'team' as const, teamId }, period: 'today' };
    expect((await getMetric(deps, q)).value).toEqual({ kind: 'value', value: 2 });
    // A second read finds the same version: the data is quiet, new questions may start early.
    await getMetric(deps, { ...q, period: 'yesterday' });
    // Another rep joins the team and calls (a roster change moves the version, as any write does).
    const bo = await addRep(db, 'Bo', teamId);
    await addCall(db, bo, '2026-11-23T11:00:00Z');
    await addCall(db, ana, '2026-11-23T11:30:00Z');
    const split = await getMetric(deps, { ...q, by: 'rep' });
    expect(split.value).toEqual({ kind: 'value', value: 4 });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Ana', { kind: 'value', value: 3 }],
      ['Bo', { kind: 'value', value: 1 }],
    ]);
    expect(answers.stats()).toMatchObject({ early: 1, withdrawn: 1 });
    // The version just moved: the next new question waits for its read, which finds the data quiet again;
    // with nothing written since, the one after it stands on its early start.
    await getMetric(deps, { ...q, period: 'this week' });
    expect(answers.stats()).toMatchObject({ early: 1, withdrawn: 1 });
    expect((await getMetric(deps, { ...q, period: 'this month' })).value).toEqual({
      kind: 'value',
      value: 4,
    });
    expect(answers.stats()).toMatchObject({ early: 2, withdrawn: 1 });
  });
});
