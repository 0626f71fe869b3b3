import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database, queryRows, sql } from '../../src/db/client.js';
import { asBackgroundQueries, isBackgroundQuery, MAX_PASSED_BY } from '../../src/db/query-priority.js';
import { createMetricAnswers } from '../../src/metrics/shared-answers.js';
import type { MetricDeps, MetricQuery, MetricResult } from '../../src/metrics/types.js';

/**
 * The embedded database's one connection is handed out by priority: statements of org-wide computations
 * (background) wait while team and rep statements are queued. Order is asserted, not time.
 */
describe('statement priority on the embedded database', () => {
  let database: Database;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createDb({ dataDir: 'memory' });
    pool = (database.db as unknown as { $client: pg.Pool }).$client;
  });
  afterAll(async () => {
    await database.close();
  });

  /** Holds the one connection while `queue` issues statements, then lets them run; returns their order. */
  async function orderOf(
    queue: (done: (label: string) => Promise<void>) => Promise<void>[],
  ): Promise<string[]> {
    const held = await pool.connect();
    const order: string[] = [];
    const run = (label: string) =>
      queryRows(database.db, sql`select ${label}::text as label`).then(() => {
        order.push(label);
      });
    const pending = queue(run);
    // Every statement is waiting for the connection before it is released.
    await new Promise((r) => setTimeout(r, 50));
    held.release();
    await Promise.all(pending);
    return order;
  }

  it('runs a team statement queued after an org-wide one first', async () => {
    const order = await orderOf((run) => [asBackgroundQueries(() => run('org')), run('team')]);
    expect(order).toEqual(['team', 'org']);
  });

  it('keeps arrival order among statements of the same priority', async () => {
    const order = await orderOf((run) => [
      asBackgroundQueries(() => run('org 1')),
      run('team 1'),
      asBackgroundQueries(() => run('org 2')),
      run('team 2'),
    ]);
    expect(order).toEqual(['team 1', 'team 2', 'org 1', 'org 2']);
  });

  it('lets an org-wide statement go once it has been passed by MAX_PASSED_BY others', async () => {
    const order = await orderOf((run) => [
      asBackgroundQueries(() => run('org')),
      ...Array.from({ length: MAX_PASSED_BY + 4 }, (_, i) => run(`team ${i}`)),
    ]);
    expect(order.indexOf('org')).toBe(MAX_PASSED_BY);
    expect(order).toHaveLength(MAX_PASSED_BY + 5);
  });

  it('runs a team answer’s statements one after another while an org-wide answer keeps issuing its own', async () => {
    const order: string[] = [];
    const run = (label: string) =>
      queryRows(database.db, sql`select ${label}::text as label`).then(() => {
        order.push(label);
      });
    let teamDone = false;
    const org = asBackgroundQueries(async () => {
      for (let i = 0; !teamDone || i < 3; i++) await run(`org ${i}`);
    });
    // The org-wide answer is under way when the team question comes.
    while (order.length < 2) await new Promise((r) => setImmediate(r));
    const team = (async () => {
      for (const n of [1, 2, 3]) await run(`team ${n}`);
      teamDone = true;
    })();
    await Promise.all([org, team]);
    const first = order.indexOf('team 1');
    // Each next statement is issued from the result just read; it goes before the org answer's waiting one.
    expect(order.slice(first, first + 3)).toEqual(['team 1', 'team 2', 'team 3']);
  });

  it('hands the turn on after a failed statement', async () => {
    const failed = queryRows(database.db, sql`select 1/0`).catch((err: Error) => err.message);
    const after = await queryRows<{ n: number }>(database.db, sql`select 2 as n`);
    expect(await failed).toMatch(/select 1\/0/);
    expect(after[0]?.n).toBe(2);
  });
});

describe('org-wide computations run as background queries', () => {
  const deps = { defaultTimezone: 'UTC' } as MetricDeps;
  const query = (kind: 'org' | 'team'): MetricQuery =>
    ({
      metric: 'calls',
      scope: kind === 'org' ? { kind: 'org' } : { kind: 'team', teamId: 1 },
      period: { kind: 'relative', days: 7 },
    }) as unknown as MetricQuery;

  it('marks the statements of an org-wide computation, not those of a team one', async () => {
    const answers = createMetricAnswers({ dataVersion: async () => '1' });
    const seen: Record<string, boolean> = {};
    const compute = (label: string) => async () => {
      await Promise.resolve();
      seen[label] = isBackgroundQuery();
      return { notes: [], figures: [], series: [] } as unknown as MetricResult;
    };
    await answers.answer(deps, query('org'), compute('org'));
    await answers.answer(deps, query('team'), compute('team'));
    await answers.admit(async () => compute('admitted org')(), { heavy: true });
    expect(seen).toEqual({ org: true, team: false, 'admitted org': true });
  });
});
