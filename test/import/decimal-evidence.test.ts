import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';
import type { Entity } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('decimal-evidence').lines;
const NOW = new Date('2026-11-23T09:00:00Z');
/** How an amount error of a file import says to name its decimal mark. */
const LOCALE_HINT =
  'say how the file writes numbers with --locale (e.g. --locale de-DE or --locale en-US) or --decimal';

/**
 * What settles an ambiguous amount ("4.200": 4.2 or 4200) in a CSV file: only the decimal mark of rows that
 * are stored, or the row's own amounts; never a refused or deferred row (see NumberContext).
 */
describeDb('CSV import: evidence of the decimal mark', (ctx) => {
  const run = (entity: Entity | 'subscriptions', file: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(ctx.db(), { entity, input: createReadStream(file), timezone: 'UTC', now: NOW, ...extra });
  const opps = () =>
    queryRows<{ id: string; amount: number | null }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount from opportunities order by external_id`,
    );
  const contracts = () =>
    queryRows<{ id: string; total: number | null; perLicense: number | null }>(
      ctx.db(),
      sql`select external_id as id, total_value_minor::float8 as total, revenue_per_license_minor::float8 as "perLicense"
          from contracts order by external_id`,
    );
  const lines = (r: { errors: { line: number; field: string | null; message: string }[] }) =>
    r.errors.map((e) => `line ${e.line}: ${e.field} ${e.message}`);

  it('does not settle "4.200" with the mark of rows refused while reading (a bad date, no id)', async () => {
    // The only rows that show "." are refused: "4.200" is refused too, naming --locale, never stored as 4.2.
    const file = csv(
      'external_id,created_at,amount',
      'O-1,not a date,12.50',
      ',2026-01-05,99.50',
      'O-2,2026-01-05,4.200',
    );
    const r = await run('opportunities', file, { skipInvalid: true });
    expect(lines(r)).toEqual([
      expect.stringMatching(/^line 2: created_at /),
      'line 3: external_id is required',
      `line 4: amount "4.200" could be 4.2 or 4200; ${LOCALE_HINT}`,
    ]);
    expect(await opps()).toEqual([]);
  });

  it('does not settle "4.200" with the mark of a row the writer refuses (an unknown lead)', async () => {
    const file = csv(
      'external_id,created_at,amount,lead_external_id',
      'O-1,2026-01-05,12.50,L-404',
      'O-2,2026-01-05,4.200,',
    );
    const r = await run('opportunities', file, { skipInvalid: true });
    expect(lines(r)).toEqual([
      expect.stringMatching(/^line 2: lead_external_id .*L-404/),
      `line 3: amount "4.200" could be 4.2 or 4200; ${LOCALE_HINT}`,
    ]);
    expect(await opps()).toEqual([]);
    // Once the row showing "." is stored, it settles "4.200" (same file, the lead now known).
    await ctx.db().execute(sql`insert into leads (external_id, created_at) values ('L-404', '2026-01-01')`);
    const again = await run('opportunities', file);
    expect(again).toMatchObject({ invalidRows: 0, rejected: false });
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 1250 },
      { id: 'O-2', amount: 420 },
    ]);
  });

  it("does not settle with the mark of a row whose other amount is refused; a row's own amounts settle it", async () => {
    // C-1 shows "." but its other amount has more decimals than USD has: refused (by the writer), it settles
    // nothing. C-2 settles its own
    // "4.200" with its "12.50"; once stored, it settles C-3's "1.500" too.
    const file = csv(
      'external_id,account,starts_at,ends_at,total_value,revenue_per_license',
      'C-1,Acme,2026-01-01,2027-01-01,12.50,0.12345',
      'C-4,Acme,2026-01-01,2027-01-01,,2.500',
    );
    const r = await run('contracts', file, { skipInvalid: true });
    expect(lines(r)).toEqual([
      'line 2: revenue_per_license "0.12345" has more than 2 decimals for USD',
      `line 3: revenue_per_license "2.500" could be 2.5 or 2500; ${LOCALE_HINT}`,
    ]);
    expect(await contracts()).toEqual([]);
    const own = csv(
      'external_id,account,starts_at,ends_at,total_value,revenue_per_license',
      'C-2,Acme,2026-01-01,2027-01-01,12.50,4.200',
      'C-3,Acme,2026-01-01,2027-01-01,,1.500',
    );
    const ok = await run('contracts', own);
    expect(ok).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(await contracts()).toEqual([
      { id: 'C-2', total: 1250, perLicense: 420 },
      { id: 'C-3', total: null, perLicense: 150 },
    ]);
  });

  it("counts an amount read as three decimals by the file's mark: a row from another locale (helper-169)", async () => {
    // "$1,200.50" shows "." as the decimal mark, so "1.200" EUR is €1.20 by the documented rule, and "1,500"
    // is 1500. A deal of €1.20 is rarely meant: it is stored as read, and counted with the line to check.
    const file = csv(
      'external_id,created_at,amount,currency',
      'O-1,2026-01-05,"$1,200.50",USD',
      'O-2,2026-01-06,1.200,EUR',
      'O-3,2026-01-07,"1,500",USD',
      'O-4,2026-01-08,3.000,KWD',
    );
    const r = await run('opportunities', file);
    expect(r).toMatchObject({ inserted: 4, invalidRows: 0 });
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 120_050 },
      { id: 'O-2', amount: 120 },
      { id: 'O-3', amount: 150_000 },
      { id: 'O-4', amount: 3000 },
    ]);
    expect(r.warnings.filter((w) => w.kind === 'amount read as decimals')).toEqual([
      {
        kind: 'amount read as decimals',
        count: 1,
        lines: [3],
        detail:
          'amount "1.200" read as 1.2 EUR, with "." as the decimal mark, as the file\'s other amounts write it; if it means 1200, the row writes numbers another way: give it as 1200',
      },
    ]);
    // Under --locale en-US the reading is the user's own: nothing to count.
    const forced = await run(
      'opportunities',
      csv('external_id,created_at,amount,currency', 'O-5,2026-01-06,1.200,EUR'),
      {
        decimal: '.',
      },
    );
    expect(forced.warnings).toEqual([]);
  });

  it('writes a later row with the id of a deferred row after it: the last row of the id wins', async () => {
    // Line 2's "4.200" waits for the file's mark (line 4, in a later batch); line 3 has the same id and
    // must wait behind it, not be written first and then overwritten by line 2.
    const file = csv(
      'external_id,created_at,amount',
      'O-1,2026-01-05,4.200',
      'O-1,2026-01-05,7',
      'O-2,2026-01-05,12.50',
    );
    const r = await run('opportunities', file, { generationRows: 2 });
    expect(r).toMatchObject({ rows: 3, invalidRows: 0, rejected: false });
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 700 },
      { id: 'O-2', amount: 1250 },
    ]);
    expect(r.warnings.find((w) => w.kind === 'duplicate id')).toMatchObject({
      lines: [3],
      detail: expect.stringContaining('the later row (line 3) wins'),
    });
  });

  it('does not skip as unchanged a row whose id waits behind a deferred row', async () => {
    // O-1 "7" stored with its fingerprint; then a file where an earlier O-1 waits for the mark: the later
    // O-1 "7" (unchanged) must still be written after it.
    expect(
      await run('opportunities', csv('external_id,created_at,amount', 'O-1,2026-01-05,7')),
    ).toMatchObject({
      inserted: 1,
    });
    const file = csv(
      'external_id,created_at,amount',
      'O-1,2026-01-05,4.200',
      'O-1,2026-01-05,7',
      'O-2,2026-01-05,12.50',
    );
    const r = await run('opportunities', file, { generationRows: 1 });
    expect(r).toMatchObject({ invalidRows: 0, rejected: false });
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 700 },
      { id: 'O-2', amount: 1250 },
    ]);
  });
});

describeDb('CSV import: the subscriptions yearly charge', (ctx) => {
  const annual = () =>
    queryRows<{ id: string; annual: number; currency: string }>(
      ctx.db(),
      sql`select external_id as id, revenue_per_license_minor::float8 as annual, currency from contracts order by external_id`,
    );
  const run = (file: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(ctx.db(), {
      entity: 'subscriptions',
      asOf: '2026-03-31',
      input: createReadStream(file),
      timezone: 'UTC',
      now: NOW,
      ...extra,
    });

  it('reads the computed yearly charge with "." under a forced "," locale', async () => {
    // The monthly charges are written the German way; the yearly charge Tally computes is its own text.
    const file = csv('customerID,tenure,MonthlyCharges,Churn', 'A-1,1,"29,85",No', 'A-2,2,20,No');
    const r = await run(file, { decimal: ',' });
    expect(r.errors).toEqual([]);
    expect(r).toMatchObject({ inserted: 4, rejected: false });
    expect(await annual()).toEqual([
      { id: 'A-1/subscription', annual: 35820, currency: 'USD' },
      { id: 'A-2/subscription', annual: 24000, currency: 'USD' },
    ]);
  });

  it('reads the monthly charge with the forced mark, and refuses one that reads two ways without it', async () => {
    // "1.500" a month: 1.5 or 1500. Without --locale it is refused on its line, never read as 1.50.
    const plain = await run(
      csv('customerID,tenure,MonthlyCharges,Churn', 'M-1,1,1.500,No', 'M-2,1,29.85,No'),
      { skipInvalid: true },
    );
    expect(plain.errors).toEqual([
      {
        line: 2,
        field: 'monthly_charge',
        // The file's column for monthly_charge (ba3670a: row errors name the column a field is read from).
        column: 'MonthlyCharges',
        message: `"1.500" could be 1.5 or 1500; ${LOCALE_HINT}`,
      },
    ]);
    expect(await annual()).toEqual([{ id: 'M-2/subscription', annual: 35820, currency: 'USD' }]);
    // Under --locale de-DE it is 1500 a month, 18,000.00 a year; "29.85" does not fit "," and is refused.
    const de = await run(csv('customerID,tenure,MonthlyCharges,Churn', 'M-3,1,1.500,No', 'M-4,1,29.85,No'), {
      decimal: ',',
      skipInvalid: true,
    });
    expect(de.errors.map((e) => [e.line, e.field])).toEqual([[3, 'monthly_charge']]);
    expect((await annual()).find((c) => c.id === 'M-3/subscription')).toEqual({
      id: 'M-3/subscription',
      annual: 1800000,
      currency: 'USD',
    });
  });

  it('reads a three-decimal yearly charge ("1.200" KWD) as written, not as ambiguous', async () => {
    const file = csv('customerID,tenure,MonthlyCharges,Churn,currency', 'K-1,1,0.100,No,KWD');
    const r = await run(file);
    expect(r.errors).toEqual([]);
    expect(await annual()).toEqual([{ id: 'K-1/subscription', annual: 1200, currency: 'KWD' }]);
    // Under a forced "," it is not read as 1200 KWD either.
    const de = await run(csv('customerID,tenure,MonthlyCharges,Churn,currency', 'K-2,1,"0,100",No,KWD'), {
      decimal: ',',
    });
    expect(de.errors).toEqual([]);
    expect((await annual()).find((c) => c.id === 'K-2/subscription')).toEqual({
      id: 'K-2/subscription',
      annual: 1200,
      currency: 'KWD',
    });
  });
});
