import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { MAX_PREPARED_TEXTS, queryRowsPrepared, sql } from '../../src/db/client.js';
import { readDataVersion } from '../../src/db/data-version.js';
import { describeDb } from '../helpers/db.js';

/** The statement names the driver was asked to use (a named statement is prepared once per connection). */
function namesSent(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.flatMap(([config]) =>
    typeof config === 'object' && config !== null && 'name' in config && typeof config.name === 'string'
      ? [config.name]
      : [],
  );
}

describeDb('named prepared statements', (ctx) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // First: the cap below fills the process's prepared texts, and the version's text must be among them.
  it('reads the data version through a prepared statement, and sees it move', async () => {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const before = await readDataVersion(ctx.db());
    await ctx.db().execute(sql`select nextval('tally_data_version')`);
    const after = await readDataVersion(ctx.db());
    expect(Number.parseInt(after, 10)).toBeGreaterThan(Number.parseInt(before, 10));
    expect(namesSent(spy)).toHaveLength(2);
  });

  it(`prepares at most ${MAX_PREPARED_TEXTS} distinct texts; past that a new text runs unprepared, with the same rows`, async () => {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const texts = MAX_PREPARED_TEXTS + 20;
    for (let i = 0; i < texts; i++) {
      // Each text differs (the literal), the parameter is bound.
      const rows = await queryRowsPrepared<{ k: number; v: number }>(
        ctx.db(),
        sql`select ${sql.raw(String(i))}::int as k, ${i * 2}::int as v`,
      );
      expect(rows).toEqual([{ k: i, v: i * 2 }]);
    }
    const names = namesSent(spy);
    expect(new Set(names).size).toBeLessThanOrEqual(MAX_PREPARED_TEXTS);
    expect(names.length).toBeLessThan(texts);
    // A text prepared before the cap stays prepared.
    spy.mockClear();
    await queryRowsPrepared(ctx.db(), sql`select ${sql.raw('0')}::int as k, ${5}::int as v`);
    expect(namesSent(spy)).toHaveLength(1);
  });
});
