import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatDetails } from '../../src/import/report.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { seedDemo, seedDemoIfEmpty } from '../../src/seed/seed.js';
import { describeDb } from '../helpers/db.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tally-demo-'));
const NOW = new Date('2026-11-23T09:00:00Z');
const accountsFile = path.join(dir, 'accounts.csv');
writeFileSync(accountsFile, 'external_id,name\nA-1,Acme\nA-2,Globex\n');

describeDb('demo data never touches user data', (ctx) => {
  const n = async (table: string) =>
    (await queryRows<{ n: number }>(ctx.db(), sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
  const importAccounts = (replaceDemo = false) =>
    importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(accountsFile),
      timezone: 'UTC',
      now: NOW,
      replaceDemo,
    });

  it('never seeds the demo into a database that received an import, even one holding only accounts', async () => {
    await importAccounts();
    expect(await seedDemoIfEmpty(ctx.database(), { now: NOW })).toEqual({ seeded: false });
    expect([await n('accounts'), await n('reps'), await n('seed_runs')]).toEqual([2, 0, 0]);
  });

  it('never seeds after an ingest that was rolled back either way: only a committed write marks the database', async () => {
    const bad = await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ created_at: '2026-01-01' }] },
      { timezone: 'UTC', now: NOW, source: 'api' },
    );
    expect(bad.errors).toHaveLength(1);
    expect(await n('data_sources')).toBe(0);
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-01-01' }] },
      { timezone: 'UTC', now: NOW, source: 'api' },
    );
    expect(await queryRows(ctx.db(), sql`select source from data_sources`)).toEqual([{ source: 'api' }]);
  });

  it('refuses to import into the demo org without --replace-demo, and replaces it with it', async () => {
    await seedDemo(ctx.database(), { now: NOW, reps: 3, days: 3, leadsPerRepDay: 1, profile: 'demo' });
    const demoReps = await n('reps');
    expect(demoReps).toBeGreaterThan(0);
    await expect(importAccounts()).rejects.toThrow(
      'this database holds the generated demo org; pass --replace-demo to remove the demo records first, or point DATABASE_URL / TALLY_DATA_DIR at another database',
    );
    expect(await n('reps')).toBe(demoReps);
    await expect(
      ingestBatch(
        ctx.db(),
        { entity: 'accounts', items: [{ external_id: 'A-9' }] },
        { timezone: 'UTC', now: NOW, source: 'api' },
      ),
    ).rejects.toThrow('this database holds the generated demo org; import a file with --replace-demo');
    // A file rejected for its invalid rows keeps the demo, and says so (helper-181: it said nothing).
    const bad = path.join(dir, 'bad-accounts.csv');
    writeFileSync(bad, 'external_id,name,became_customer_at\nA-1,Acme,not a date\n');
    const rejected = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(bad),
      timezone: 'UTC',
      now: NOW,
      replaceDemo: true,
    });
    expect(rejected).toMatchObject({ rejected: true, demoReplaced: 'kept' });
    expect(formatDetails(rejected)).toBe(
      'note: --replace-demo: nothing was imported, so the demo org was kept',
    );
    expect(await n('reps')).toBe(demoReps);
    const r = await importAccounts(true);
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0, demoReplaced: 'removed' });
    expect(formatDetails(r)).toBe("note: --replace-demo: the demo org's records were removed first");
    expect([
      await n('accounts'),
      await n('reps'),
      await n('leads'),
      await n('seed_runs'),
      await n('metric_rollups'),
    ]).toEqual([2, 0, 0, 0, 0]);
  });

  // Fresh tester helper-180: `--replace-demo` with no demo to replace said only "2 unchanged".
  it('says --replace-demo found no demo org to remove, and nothing without it', async () => {
    const first = await importAccounts();
    expect(first.demoReplaced).toBeNull();
    expect(formatDetails(first)).toBe('');
    const again = await importAccounts(true);
    expect(again).toMatchObject({ unchanged: 2, demoReplaced: 'none' });
    expect(formatDetails(again)).toBe(
      'note: --replace-demo: this database held no demo org, so nothing was removed',
    );
    expect(await n('accounts')).toBe(2);
  });
});
