import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('zero-decimal').file;
const NOW = new Date('2026-11-23T09:00:00Z');

/** A currency symbol that names a zero-decimal currency (¥ → JPY, ₩ → KRW) decides "200,000". */
describeDb('import: amounts with a zero-decimal currency symbol', (ctx) => {
  const run = (file: string) =>
    importCsv(ctx.db(), {
      entity: 'opportunities',
      input: createReadStream(file),
      timezone: 'UTC',
      now: NOW,
    });
  const opps = () =>
    queryRows<{ id: string; amount: number | null; currency: string }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount, currency from opportunities order by external_id`,
    );

  it('reads "¥200,000" as 200000 JPY and "₩200,000" as 200000 KRW with no currency column', async () => {
    const r = await run(
      csv('external_id,created_at,amount\nO-1,2026-01-05,"¥200,000"\nO-2,2026-01-05,"₩200,000"\n'),
    );
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 200000, currency: 'JPY' },
      { id: 'O-2', amount: 200000, currency: 'KRW' },
    ]);
  });

  it('refuses "¥200.5": JPY has no minor unit', async () => {
    const r = await run(csv('external_id,created_at,amount\nO-1,2026-01-05,¥200.5\n'));
    expect(r.errors.map((e) => `line ${e.line}: ${e.field} ${e.message}`)).toEqual([
      'line 2: amount "¥200.5" has decimals, but JPY has no minor unit',
    ]);
    expect(await opps()).toEqual([]);
  });

  it('keeps CNY when the currency column says so: "¥1,200.50" is 1200.50 CNY', async () => {
    const r = await run(csv('external_id,created_at,amount,currency\nO-1,2026-01-05,"¥1,200.50",CNY\n'));
    expect(r).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(await opps()).toEqual([{ id: 'O-1', amount: 120050, currency: 'CNY' }]);
  });

  it('stores the currency the amount names when the currency cell is empty, not USD', async () => {
    // A European export with the currency in the amount and an empty currency column: € 100,50 is EUR.
    const r = await run(
      csv(
        'external_id;created_at;amount;currency\nO-1;2026-01-05;€ 100,50;\nO-2;2026-01-05;100,50 EUR;\nO-3;2026-01-05;¥200.000;\nO-4;2026-01-05;;\n',
      ),
    );
    expect(r).toMatchObject({ inserted: 4, invalidRows: 0 });
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 10050, currency: 'EUR' },
      { id: 'O-2', amount: 10050, currency: 'EUR' },
      { id: 'O-3', amount: 200000, currency: 'JPY' },
      { id: 'O-4', amount: null, currency: 'USD' },
    ]);
    // A later file that empties the currency of a stored yen deal and gives a plain amount: USD, read as USD.
    await run(csv('external_id,created_at,amount,currency\nO-3,2026-01-05,12.50,\n'));
    expect((await opps()).find((o) => o.id === 'O-3')).toEqual({ id: 'O-3', amount: 1250, currency: 'USD' });
  });
});
