import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { BULK_FILE_BYTES, importCsv } from '../../src/import/import-csv.js';
import { describeDb } from '../helpers/db.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tally-bulk-'));
const NOW = new Date('2026-11-23T09:00:00Z');

describeDb('large-file import path', (ctx) => {
  const rollups = () =>
    queryRows<Record<string, unknown>>(
      ctx.db(),
      sql`select grain, bucket::text, rep_id, team_id, currency, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, calls
          from metric_rollups order by 1, 2, 3, 4, 5`,
    );

  it('imports with the rollup triggers off and leaves rollups equal to a full rebuild, triggers back on', async () => {
    const file = path.join(dir, 'opps.csv');
    const lines = ['external_id,owner_name,created_at,stage,closed_at,amount'];
    for (let i = 0; i < 60; i += 1)
      lines.push(
        `O-${i},Rep ${i % 3},2026-0${1 + (i % 5)}-1${i % 9},${i % 3 === 0 ? 'Closed Won' : 'Open'},${i % 3 === 0 ? '2026-07-01' : ''},${100 + i}`,
      );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await importCsv(ctx.db(), {
      entity: 'opportunities',
      input: createReadStream(file),
      timezone: 'UTC',
      now: NOW,
      fileBytes: BULK_FILE_BYTES,
    });
    expect(r).toMatchObject({ inserted: 60, invalidRows: 0 });
    const afterImport = await rollups();
    expect(afterImport.length).toBeGreaterThan(0);
    await ctx.db().execute(sql`select tally_rollup_rebuild_all()`);
    expect(await rollups()).toEqual(afterImport);
    const disabled = await queryRows<{ n: number }>(
      ctx.db(),
      sql`select count(*)::int as n from pg_trigger where tgrelid in ('opportunities'::regclass, 'leads'::regclass, 'activities'::regclass)
          and not tgisinternal and tgenabled = 'D'`,
    );
    expect(disabled[0]!.n).toBe(0);
  });

  it("does not rewrite rollup rows when only a lead's first_touch_at changes", async () => {
    await ctx.db().execute(sql`insert into reps (name) values ('Ann')`);
    await ctx
      .db()
      .execute(
        sql`insert into leads (external_id, owner_rep_id, created_at) select 'L-1', id, '2026-01-05' from reps where name = 'Ann'`,
      );
    const before = await queryRows<{ x: string }>(
      ctx.db(),
      sql`select xmin::text as x from metric_rollups order by grain, bucket`,
    );
    expect(before.length).toBeGreaterThan(0);
    await ctx
      .db()
      .execute(sql`update leads set first_touch_at = '2026-01-05 10:00+00' where external_id = 'L-1'`);
    expect(
      await queryRows(ctx.db(), sql`select xmin::text as x from metric_rollups order by grain, bucket`),
    ).toEqual(before);
    // A rollup input does move them.
    await ctx
      .db()
      .execute(sql`update leads set qualified_at = '2026-01-06 10:00+00' where external_id = 'L-1'`);
    const qualified = await queryRows<{ n: number }>(
      ctx.db(),
      sql`select coalesce(sum(leads_qualified), 0)::int as n from metric_rollups where grain = 'd'`,
    );
    expect(qualified[0]!.n).toBe(1);
  });
});
