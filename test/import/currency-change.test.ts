import { describe, expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { importCli } from '../helpers/import-cli.js';
import { opportunityImport } from '../helpers/opportunity-import.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const RESCALES =
  "amounts are kept in the currency's own units, so send the amount again with the new currency";

// Tester (HIGH): a file `external_id,currency` with `JP1,` turned a ¥150,000 deal into $1,500.00, and
// `JP1,KWD` into 150 KWD, with no word in the summary.
describeDb('import: a currency change without the amount', (ctx) => {
  const { run, opps, lines } = opportunityImport(ctx, 'currency-change', NOW);
  const deals = [
    'external_id,created_at,amount,currency',
    'JP1,2026-10-01,"¥150,000",JPY',
    'JP2,2026-10-01,"¥90,000",JPY',
    'JP3,2026-10-01,,JPY',
    '',
  ].join('\n');

  it('refuses the rows on their lines and imports the others', async () => {
    expect(await run(deals)).toMatchObject({ inserted: 3, invalidRows: 0 });
    const r = await run('external_id,currency\nJP1,\nJP2,KWD\nJP3,EUR\nJP2,jpy\n');
    expect(lines(r)).toEqual([
      `line 2: currency would change from JPY to USD without an amount: ${RESCALES}`,
      `line 3: currency would change from JPY to KWD without an amount: ${RESCALES}`,
    ]);
    // JP3 has no amount to rescale; JP2's own currency again changes nothing.
    expect(r).toMatchObject({ invalidRows: 2, updated: 1, unchanged: 1 });
    expect(await opps()).toEqual([
      { id: 'JP1', amount: 150000, currency: 'JPY' },
      { id: 'JP2', amount: 90000, currency: 'JPY' },
      { id: 'JP3', amount: null, currency: 'EUR' },
    ]);
    // Without --skip-invalid the file is refused whole, as for any invalid row.
    expect(await run('external_id,currency\nJP1,KWD\n', { skipInvalid: false })).toMatchObject({
      rejected: true,
      invalidRows: 1,
    });
    expect((await opps())[0]).toEqual({ id: 'JP1', amount: 150000, currency: 'JPY' });
  });

  it('takes the new currency when the row gives the amount with it, and keeps it when the row leaves it out', async () => {
    await run(deals);
    const r = await run('external_id,amount,currency\nJP1,1500.00,USD\nJP2,90,KWD\n');
    expect(lines(r)).toEqual([]);
    expect(r).toMatchObject({ updated: 2, invalidRows: 0 });
    // No currency column: the stored currency stays, and the amount is read in it.
    expect(await run('external_id,amount\nJP2,90.5\n')).toMatchObject({ updated: 1 });
    expect(await opps()).toEqual([
      { id: 'JP1', amount: 150000, currency: 'USD' },
      { id: 'JP2', amount: 90500, currency: 'KWD' },
      { id: 'JP3', amount: null, currency: 'JPY' },
    ]);
  });
});

describe('npm run import: a currency change without the amount', () => {
  const { run, file } = importCli('currency-change');

  it('lists the refused line in the summary', async () => {
    await run([
      'opportunities',
      file('deals.csv', 'external_id,created_at,amount,currency\nJP1,2026-10-01,"¥150,000",JPY\n'),
    ]);
    const r = await run([
      'opportunities',
      file('currency.csv', 'external_id,currency\nJP1,\n'),
      '--skip-invalid',
    ]);
    expect(r.stderr).toContain(
      `line 2: currency would change from JPY to USD without an amount: ${RESCALES}`,
    );
    expect(r.stdout).toContain('0 updated');
  }, 120_000);
});
