import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { opportunityImport } from '../helpers/opportunity-import.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');

/** An amount written with a currency sign that contradicts the row's (or the file's) currency is refused. */
describeDb('import: a currency sign against the row currency', (ctx) => {
  const { run, opps, lines } = opportunityImport(ctx, 'currency-sign', NOW);
  const DOLLAR = 'is in a currency written $ (USD, AUD, CAD, … 30 in all)';

  it('refuses "$1,200.00" on a EUR row on its line, naming the sign and the currency', async () => {
    const r = await run(
      [
        'external_id,created_at,amount,currency',
        'S-1,2026-10-01,"$1,200.00",EUR',
        'S-2,2026-10-01,"$1,200.00",CAD',
        'S-3,2026-10-01,"$1,200.00",',
        'S-4,2026-10-01,kr 100,SEK',
        'S-5,2026-10-01,kr 100,',
        'S-6,2026-10-01,€ 99,USD',
        '',
      ].join('\n'),
    );
    expect(lines(r)).toEqual([
      `line 2: amount "$1,200.00" ${DOLLAR} but the row's currency is EUR`,
      // No currency column value: the row is USD (the default), which "kr" never is.
      `line 6: amount "kr 100" is in DKK, ISK, NOK or SEK but the row's currency is USD`,
      `line 7: amount "€ 99" is in EUR but the row's currency is USD`,
    ]);
    expect(await opps()).toEqual([
      { id: 'S-2', amount: 120000, currency: 'CAD' },
      { id: 'S-3', amount: 120000, currency: 'USD' },
      { id: 'S-4', amount: 10000, currency: 'SEK' },
    ]);
  });

  it("refuses a sign against the file's currency (--default currency=EUR) and a stored deal's", async () => {
    const r = await run('external_id,created_at,amount\nF-1,2026-10-01,$250.00\nF-2,2026-10-01,250.00\n', {
      defaults: { currency: 'EUR' },
    });
    expect(lines(r)).toEqual([`line 2: amount "$250.00" ${DOLLAR} but the row's currency is EUR`]);
    // A later file that updates the stored EUR deal's amount without a currency: the deal stays EUR.
    const update = await run('external_id,amount\nF-2,$300.00\n');
    expect(lines(update)).toEqual([`line 2: amount "$300.00" ${DOLLAR} but the row's currency is EUR`]);
    expect(await opps()).toEqual([{ id: 'F-2', amount: 25000, currency: 'EUR' }]);
  });

  it('refuses the same through the ingest API, as a 400-style item error', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'opportunities',
        items: [{ external_id: 'A-1', created_at: '2026-10-01', amount: '$1,200.00', currency: 'EUR' }],
      },
      { timezone: 'UTC', now: NOW },
    );
    expect(r.errors).toEqual([
      { index: 0, field: 'amount', message: `"$1,200.00" ${DOLLAR} but the row's currency is EUR` },
    ]);
  });

  it('refuses a monthly charge in another currency in a subscriptions file, and reads an empty currency from it', async () => {
    const r = await run(
      'customerID,tenure,MonthlyCharges,Churn,currency\nC-1,3,$70.00,No,EUR\nC-2,3,€ 70,No,\nC-3,3,€ 70,No,USD\n',
      { entity: 'subscriptions', asOf: '2026-11-01' },
    );
    expect(lines(r)).toEqual([
      `line 2: monthly_charge "$70.00" ${DOLLAR} but the row's currency is EUR`,
      `line 4: monthly_charge "€ 70" is in EUR but the row's currency is USD`,
    ]);
    const contracts = await queryRows<{ id: string; currency: string; per: number }>(
      ctx.db(),
      sql`select external_id as id, currency, revenue_per_license_minor::float8 as per from contracts order by external_id`,
    );
    expect(contracts).toEqual([{ id: 'C-2/subscription', currency: 'EUR', per: 84000 }]);
  });
});

// Tester (MED): "€100" in the amount of a stored USD deal, without a currency column, turned it into a EUR
// deal ("1 updated"), while "$100" in the same place was refused: the symbol reads two ways (a change of
// currency, or a slip of the sign), and a currency column is how to say the first.
describeDb("import: a currency symbol against a stored deal's currency", (ctx) => {
  const { run, opps, lines, csv } = opportunityImport(ctx, 'currency-sign-stored', NOW);

  it('refuses a symbol naming another currency than the stored one, without a currency column', async () => {
    await run('external_id,created_at,amount,currency\nD1,2026-10-01,1000,USD\nD2,2026-10-01,1000,EUR\n', {
      skipInvalid: false,
    });
    const r = await run('external_id,amount\nD1,€100\nD2,€200\nD1,$300\n');
    expect(lines(r)).toEqual([
      'line 2: amount "€100" is in EUR but D1 is stored in USD: add a currency column to change its currency',
    ]);
    expect(await opps()).toEqual([
      { id: 'D1', amount: 30000, currency: 'USD' },
      { id: 'D2', amount: 20000, currency: 'EUR' },
    ]);
    // A new deal takes the symbol's currency, and so do its later rows.
    const fresh = await run('external_id,amount,created_at\nN1,€50,2026-10-02\nN1,€60,2026-10-02\n');
    expect(fresh).toMatchObject({ invalidRows: 0, inserted: 1 });
    // With a currency column, the change is what the row says.
    const changed = await run('external_id,amount,currency\nD1,€100,EUR\n', { skipInvalid: false });
    expect(changed).toMatchObject({ rejected: false, invalidRows: 0, updated: 1 });
    expect(await opps()).toEqual([
      { id: 'D1', amount: 10000, currency: 'EUR' },
      { id: 'D2', amount: 20000, currency: 'EUR' },
      { id: 'N1', amount: 6000, currency: 'EUR' },
    ]);
  });

  it('refuses it on a stored contract too', async () => {
    const contracts = (text: string) =>
      importCsv(ctx.db(), {
        entity: 'contracts',
        input: createReadStream(csv(text)),
        timezone: 'UTC',
        now: NOW,
      });
    await contracts(
      'external_id,account,starts_at,ends_at,total_value,currency\nC-1,Acme,2026-01-01,2027-01-01,1000,USD\n',
    );
    const r = await contracts('external_id,total_value\nC-1,€2000\n');
    expect(r).toMatchObject({ rejected: true, invalidRows: 1 });
    expect(lines(r)).toEqual([
      'line 2: total_value "€2000" is in EUR but C-1 is stored in USD: add a currency column to change its currency',
    ]);
    expect(
      await queryRows(ctx.db(), sql`select total_value_minor::float8 as total, currency from contracts`),
    ).toEqual([{ total: 100000, currency: 'USD' }]);
  });
});
