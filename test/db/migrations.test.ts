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
});
