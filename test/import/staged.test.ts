import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import type { Entity } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tally-staged-'));
const NOW = new Date('2026-11-23T09:00:00Z');

describeDb('staged import (COPY into a staging table, one set-based upsert)', (ctx) => {
  const run = (entity: Entity, file: string) =>
    importCsv(ctx.db(), { entity, input: createReadStream(file), timezone: 'UTC', now: NOW });
  const rollups = () =>
    queryRows<Record<string, unknown>>(
      ctx.db(),
      sql`select grain, bucket::text, rep_id, team_id, currency, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, calls, leads_created
          from metric_rollups order by 1, 2, 3, 4, 5`,
    );

  it('writes 6,001 rows with a duplicate id two batches apart: the later row wins, counts and rollups exact', async () => {
    const file = path.join(dir, 'opps.csv');
    const lines = ['external_id,owner_name,created_at,stage,closed_at,amount'];
    for (let i = 0; i < 6000; i += 1)
      lines.push(
        `O-${i},Rep ${i % 7},2026-0${1 + (i % 6)}-1${i % 9},${i % 4 === 0 ? 'Closed Won' : 'Open'},${i % 4 === 0 ? '2026-08-01' : ''},${100 + (i % 50)}`,
      );
    // Line 6,002 repeats O-1 (line 3) with another stage and amount: 5,999 rows later, another batch.
    lines.push('O-1,Rep 3,2026-02-11,Closed Lost,2026-09-01,999');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await run('opportunities', file);
    expect(r).toMatchObject({ rows: 6001, inserted: 6000, updated: 1, unchanged: 0, invalidRows: 0 });
    expect(r.warnings.map((w) => [w.kind, w.count, w.lines])).toEqual([['duplicate id', 1, [6002]]]);
    const o1 = await queryRows<Record<string, unknown>>(
      ctx.db(),
      sql`select o.outcome, o.amount_minor::float8 as amount, r.name as owner from opportunities o join reps r on r.id = o.owner_rep_id where external_id = 'O-1'`,
    );
    expect(o1).toEqual([{ outcome: 'lost', amount: 99900, owner: 'Rep 3' }]);
    const afterImport = await rollups();
    await ctx.db().execute(sql`select tally_rollup_rebuild_all()`);
    expect(await rollups()).toEqual(afterImport);
    // Re-import: O-1 goes to line 3's values and back to line 6,002's (2 updates), nothing else moves.
    const again = await run('opportunities', file);
    expect(again).toMatchObject({ inserted: 0, updated: 2, unchanged: 5999 });
    expect(await rollups()).toEqual(afterImport);
  });

  it('takes the bulk path for a big first import: same rows, rollups exact, indexes and foreign keys back', async () => {
    const catalog = () =>
      queryRows<{ def: string }>(
        ctx.db(),
        sql`select pg_get_indexdef(indexrelid) as def from pg_index where indrelid in ('opportunities'::regclass, 'activities'::regclass)
            union all
            select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
            where conrelid in ('opportunities'::regclass, 'activities'::regclass)
            order by 1`,
      );
    const before = await catalog();
    const opps = path.join(dir, 'bulk-opps.csv');
    const acts = path.join(dir, 'bulk-acts.csv');
    const o = ['external_id,owner_name,account,created_at,stage,closed_at,amount'];
    const a = ['external_id,rep_name,opportunity_external_id,kind,occurred_at,duration_seconds'];
    for (let i = 0; i < 12000; i += 1) {
      o.push(
        `B-${i},Rep ${i % 5},Acct ${i % 11},2026-0${1 + (i % 6)}-1${i % 9},${i % 3 === 0 ? 'Closed Won' : 'Open'},${i % 3 === 0 ? '2026-08-01' : ''},${100 + (i % 70)}`,
      );
      a.push(`BA-${i},Rep ${i % 4},B-${(i * 7) % 12000},call,2026-03-0${1 + (i % 9)}T10:00:00Z,${i % 600}`);
    }
    // B-5 again at the end: its first row went straight into the table, so this one is an update.
    o.push('B-5,Rep 1,Acct 2,2026-02-11,Closed Lost,2026-09-01,999');
    writeFileSync(opps, `${o.join('\n')}\n`);
    writeFileSync(acts, `${a.join('\n')}\n`);
    const bulk = (entity: Entity, file: string) =>
      importCsv(ctx.db(), {
        entity,
        input: createReadStream(file),
        timezone: 'UTC',
        now: NOW,
        bulkRows: 1000,
      });
    expect(await bulk('opportunities', opps)).toMatchObject({ inserted: 12000, updated: 1, invalidRows: 0 });
    expect(
      await queryRows(
        ctx.db(),
        sql`select outcome, amount_minor::float8 as amount from opportunities where external_id = 'B-5'`,
      ),
    ).toEqual([{ outcome: 'lost', amount: 99900 }]);
    expect(await bulk('activities', acts)).toMatchObject({ inserted: 12000, invalidRows: 0 });
    expect(await catalog()).toEqual(before);
    const linked = await queryRows<{ n: number }>(
      ctx.db(),
      sql`select count(*)::int as n from activities a join opportunities o on o.id = a.opportunity_id
          join reps r on r.id = a.rep_id where o.external_id = 'B-' || ((substr(a.external_id, 4)::int * 7) % 12000)`,
    );
    expect(linked[0]!.n).toBe(12000);
    const afterImport = await rollups();
    const accountState = () => queryRows(ctx.db(), sql`select * from deal_facts order by opportunity_id`);
    const facts = await accountState();
    await ctx.db().execute(sql`select tally_rollup_rebuild_all()`);
    await ctx.db().execute(sql`select tally_account_rebuild_all()`);
    expect(await rollups()).toEqual(afterImport);
    expect(await accountState()).toEqual(facts);
    // Re-import: nothing changes, and the table is no longer small next to the file (no bulk path).
    expect(await bulk('opportunities', opps)).toMatchObject({ inserted: 0, updated: 2, unchanged: 11999 });
    expect(await catalog()).toEqual(before);
  });

  it('refreshes first_touch_at of the old and the new lead when activities move', async () => {
    writeFileSync(
      path.join(dir, 'leads.csv'),
      'external_id,created_at\nL-1,2026-01-05T08:00:00Z\nL-2,2026-01-05T08:00:00Z\n',
    );
    expect(await run('leads', path.join(dir, 'leads.csv'))).toMatchObject({ inserted: 2 });
    const acts = (lead: string) =>
      `external_id,kind,occurred_at,lead_external_id\nA-1,call,2026-01-05T09:00:00Z,${lead}\nA-2,email,2026-01-05T10:00:00Z,L-2\n`;
    writeFileSync(path.join(dir, 'a1.csv'), acts('L-1'));
    expect(await run('activities', path.join(dir, 'a1.csv'))).toMatchObject({ inserted: 2 });
    const touch = () =>
      queryRows<{ id: string; at: string | null }>(
        ctx.db(),
        sql`select external_id as id, to_char(first_touch_at at time zone 'UTC', 'HH24:MI') as at from leads order by 1`,
      );
    expect(await touch()).toEqual([
      { id: 'L-1', at: '09:00' },
      { id: 'L-2', at: '10:00' },
    ]);
    writeFileSync(path.join(dir, 'a2.csv'), acts('L-2'));
    expect(await run('activities', path.join(dir, 'a2.csv'))).toMatchObject({ updated: 1, unchanged: 1 });
    expect(await touch()).toEqual([
      { id: 'L-1', at: null },
      { id: 'L-2', at: '09:00' },
    ]);
  });
});
