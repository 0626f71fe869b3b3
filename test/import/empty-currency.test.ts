import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('empty-currency').file;

// Fresh tester helper-404 (MED): in a file whose deals are in EUR, a row with an empty currency cell was
// stored in USD (what an empty cell means) without a word.
describeDb('an empty currency cell beside rows in another currency', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const stored = () =>
    queryRows<{ id: string; amount: number | null; currency: string }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::int as amount, currency from opportunities order by external_id`,
    );
  const deals = (...rows: string[]) =>
    csv(['external_id,created_at,stage,amount,currency', ...rows].join('\n'));

  it('counts the row in a EUR file, stores it as the docs say (USD) and says how to name the currency', async () => {
    const r = await importFile(
      'opportunities',
      deals(
        'O1,2026-10-01,Discovery,100,EUR',
        'O2,2026-10-01,Discovery,200,',
        'O3,2026-10-01,Discovery,,',
        'O4,2026-10-01,Discovery,€ 50,',
        'O5,2026-10-01,Discovery,300,eur',
      ),
    );
    expect(r).toMatchObject({ inserted: 5, invalidRows: 0 });
    expect(await stored()).toEqual([
      { id: 'O1', amount: 10_000, currency: 'EUR' },
      { id: 'O2', amount: 20_000, currency: 'USD' },
      { id: 'O3', amount: null, currency: 'USD' },
      { id: 'O4', amount: 5_000, currency: 'EUR' },
      { id: 'O5', amount: 30_000, currency: 'EUR' },
    ]);
    // O3 has no amount, O4's amount names its currency: only O2 is counted.
    expect(formatDetails(r)).toBe(
      'warning: 1 row with an amount and an empty currency (line 3): its currency cell is empty, so its amount is stored in USD (what an empty currency means), though other rows name EUR: fill its currency cell, or pass --default currency=EUR to read empty cells as EUR',
    );
  });

  it('says nothing in a file whose rows name only USD, or with --default currency', async () => {
    const usd = await importFile(
      'opportunities',
      deals('U1,2026-10-01,Discovery,100,USD', 'U2,2026-10-01,Discovery,200,'),
    );
    expect(usd.warnings).toEqual([]);
    const byDefault = await importFile(
      'opportunities',
      deals('D1,2026-10-01,Discovery,100,EUR', 'D2,2026-10-01,Discovery,200,'),
      { defaults: { currency: 'EUR' } },
    );
    expect(byDefault.warnings).toEqual([]);
    expect((await stored()).filter((d) => d.id.startsWith('D'))).toEqual([
      { id: 'D1', amount: 10_000, currency: 'EUR' },
      { id: 'D2', amount: 20_000, currency: 'EUR' },
    ]);
  });

  it('warns by item in an ingest request', async () => {
    const res = await post({
      entity: 'opportunities',
      items: [
        {
          external_id: 'A1',
          created_at: '2026-10-01T09:00:00Z',
          stage: 'Discovery',
          amount: '100',
          currency: 'JPY',
        },
        {
          external_id: 'A2',
          created_at: '2026-10-01T09:00:00Z',
          stage: 'Discovery',
          amount: '200',
          currency: null,
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      {
        index: 1,
        kind: 'currency empty',
        message:
          'its currency field is empty, so its amount is stored in USD (what an empty currency means), though other items name JPY: send its currency',
      },
    ]);
  });
});
