import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { describeDb } from '../helpers/db.js';

describeDb('migrations', (ctx) => {
  it('creates every table of the sales model', async () => {
    const rows = await queryRows<{ tablename: string }>(
      ctx.db(),
      sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
    );
    const names = rows.map((r) => r.tablename);
    for (const t of [
      'teams',
      'reps',
      'team_memberships',
      'leads',
      'activities',
      'accounts',
      'opportunities',
      'contracts',
      'targets',
    ]) {
      expect(names).toContain(t);
    }
  });

  it('is idempotent when run again', async () => {
    await runMigrations(ctx.database());
    const rows = await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from teams`);
    expect(rows[0]?.n).toBe(0);
  });

  it('keeps the per-key locks in the functions that maintain rollups and facts', async () => {
    // Migrations 0031-0032 serialise writers per rep, lead and account by a lock at the top of these
    // functions. A later migration that re-creates one of them from an older body (CREATE OR REPLACE of
    // the same name) would drop its lock without a word: the race tests would then fail only by timing.
    const locks: [string, string][] = [
      ['tally_rollup_rebuild_reps(integer[])', 'FOR NO KEY UPDATE'],
      ['tally_lead_wins_refresh(integer[])', 'FOR NO KEY UPDATE'],
      ['tally_account_refresh(integer[])', 'FOR NO KEY UPDATE'],
      ['tally_rollup_activities()', 'FOR SHARE'],
      ['tally_rollup_opportunities()', 'FOR SHARE'],
      ['tally_rollup_leads()', 'FOR SHARE'],
      ['tally_response_rollup_leads()', 'FOR SHARE'],
      ['tally_cycle_rollup_opportunities()', 'FOR SHARE'],
      // 0033: the overlap check on team_memberships, in the rebuild's mode and order.
      ['tally_memberships_refuse_overlap()', 'FOR NO KEY UPDATE'],
    ];
    for (const [fn, lock] of locks) {
      const [row] = await queryRows<{ def: string }>(
        ctx.db(),
        sql`select pg_get_functiondef(${fn}::regprocedure) as def`,
      );
      expect(row?.def.toUpperCase(), fn).toContain(lock);
    }
  });
});
