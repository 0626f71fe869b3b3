import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { opportunityImport } from '../helpers/opportunity-import.js';
import { tempCsv } from '../helpers/temp-csv.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const STORED = [
  'external_id,created_at,amount_minor,currency,owner_email,owner_name,stage,closed_at',
  'D-WON,2026-11-01,100,USD,zoe@example.com,Zoe,Closed Won,2026-11-20',
  'D-JPY,2026-11-01,150000,JPY,zoe@example.com,Zoe,Negotiation,',
  '',
].join('\n');
// The batch path (one batch, or a batch per row: the repeat of a new deal comes after its first row is
// written), and the staged bulk path (taken when a flush inserts as many rows as the table holds).
const PATHS: [string, Partial<ImportCsvOptions>][] = [
  ['one batch', {}],
  ['a batch per row', { generationRows: 1 }],
  ['the bulk path', { bulkRows: 1 }],
];

// Tester (MED): `--default stage=Prospecting` on a file that re-exports a stored won deal with an empty
// Stage moved the won deal back to Prospecting (open) and emptied its closed_at, with no warning.
describeDb('import: a --default fills new records only', (ctx) => {
  const { run, opps, lines } = opportunityImport(ctx, 'defaults-stored', NOW);
  const contractCsv = tempCsv('defaults-stored-contracts').file;
  const deals = () =>
    queryRows<{ id: string; stage: string | null; outcome: string; closed: string | null; created: string }>(
      ctx.db(),
      sql`select external_id as id, stage, outcome,
                 to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD') as closed,
                 to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as created
          from opportunities order by external_id`,
    );

  for (const [path, limits] of PATHS) {
    it(`leaves a stored won deal's stage and closed_at, fills new deals and their later rows (${path})`, async () => {
      await run(STORED);
      const r = await run(
        [
          'external_id,created_at,owner_email,stage',
          'D-WON,2026-11-01,zoe@example.com,',
          'D-NEW,2026-11-02,zoe@example.com,',
          'D-LATER,2026-11-03,zoe@example.com,Negotiation',
          'D-LATER,2026-11-03,zoe@example.com,',
          'D-WON,2026-11-01,zoe@example.com,',
          '',
        ].join('\n'),
        { defaults: { stage: 'Prospecting' }, skipInvalid: false, ...limits },
      );
      expect(r).toMatchObject({ rejected: false, invalidRows: 0, errors: [] });
      expect(await deals()).toEqual([
        { id: 'D-JPY', stage: 'Negotiation', outcome: 'open', closed: null, created: '2026-11-01' },
        // A row of this file created D-LATER: its later row is of a new deal, and takes the default.
        { id: 'D-LATER', stage: 'Prospecting', outcome: 'open', closed: null, created: '2026-11-03' },
        { id: 'D-NEW', stage: 'Prospecting', outcome: 'open', closed: null, created: '2026-11-02' },
        { id: 'D-WON', stage: 'Closed Won', outcome: 'won', closed: '2026-11-20', created: '2026-11-01' },
      ]);
      expect(r.defaultsNotUsed).toEqual([
        { entity: 'opportunities', field: 'stage', value: 'Prospecting', records: 1 },
      ]);
      expect(formatDetails(r)).toContain(
        'note: --default stage=Prospecting was not used on 1 stored deal (its stored stage stands): a default fills new records only',
      );
    });

    it(`counts only stored records whose rows were written, and none when the file is rejected (${path})`, async () => {
      // helper-188: under --skip-invalid the note counted a stored deal whose only row was refused, and a
      // rejected file (nothing imported) still printed it.
      await run(STORED);
      const file = [
        'external_id,created_at,owner_email,stage',
        'D-WON,notadate,zoe@example.com,',
        'D-JPY,2026-11-01,zoe@example.com,',
        'D-NEW,2026-11-02,zoe@example.com,',
        '',
      ].join('\n');
      const skipped = await run(file, { defaults: { stage: 'Prospecting' }, skipInvalid: true, ...limits });
      expect(skipped).toMatchObject({ rejected: false, invalidRows: 1 });
      expect(skipped.defaultsNotUsed).toEqual([
        { entity: 'opportunities', field: 'stage', value: 'Prospecting', records: 1 },
      ]);
      const rejected = await run(file, { defaults: { stage: 'Prospecting' }, skipInvalid: false, ...limits });
      expect(rejected).toMatchObject({ rejected: true, invalidRows: 1 });
      expect(rejected.defaultsNotUsed).toEqual([]);
      expect(formatDetails(rejected)).not.toContain('--default');
    });

    it(`does not move a stored created_at to a --default created_at (${path})`, async () => {
      await run(STORED);
      const file =
        'external_id,stage,owner_email\nD-WON,Closed Won,\nD-NEW,Prospecting,zoe@example.com\nD-NEW2,,zoe@example.com\n';
      const r = await run(file, {
        defaults: { created_at: '2026-01-05' },
        skipInvalid: false,
        ...limits,
      });
      expect(r).toMatchObject({ rejected: false, invalidRows: 0, inserted: 2 });
      expect((await deals()).map((d) => [d.id, d.created])).toEqual([
        ['D-JPY', '2026-11-01'],
        ['D-NEW', '2026-01-05'],
        ['D-NEW2', '2026-01-05'],
        ['D-WON', '2026-11-01'],
      ]);
      expect(formatDetails(r)).toContain(
        'note: --default created_at=2026-01-05 was not used on 1 stored deal (its stored created_at stands): a default fills new records only',
      );
    });
  }

  // Tester (HIGH): `--default currency=EUR` on a re-export without a currency column turned stored USD deal
  // D1 into EUR 1000 ("1 updated", no note). An amount of a record stored in another currency reads two ways.
  it('refuses an amount of a stored deal in another currency than the --default, reads it in the default when they agree, and keeps the currency without an amount', async () => {
    await run(STORED);
    // D-JPY writes no amount: its stored JPY stands (the default is not used, and said so).
    const defaults = { currency: 'EUR', stage: 'Prospecting', created_at: '2026-11-10' };
    const kept = await run('external_id,stage\nD-JPY,Negotiation\n', { defaults, skipInvalid: false });
    expect(kept).toMatchObject({ rejected: false, invalidRows: 0 });
    expect(formatDetails(kept)).toContain(
      'note: --default currency=EUR was not used on 1 stored deal (its stored currency stands): a default fills new records only',
    );
    // D-WON is stored in USD: 1200.50 is USD 1,200.50 or EUR 1,200.50; refused, nothing changes.
    const refused = await run('external_id,amount,stage\nD-WON,1200.50,Closed Won\nD-NEW,99,\n', {
      defaults,
      skipInvalid: false,
    });
    expect(refused).toMatchObject({ rejected: true, invalidRows: 1 });
    expect(lines(refused)).toEqual([
      'line 2: null D-WON is stored in USD, but --default currency=EUR would read this amount in EUR: add a currency column to change its currency, or leave --default currency out to read it in USD',
    ]);
    // With a currency column whose cell is empty: fill it.
    const emptyCell = await run('external_id,amount,currency,stage\nD-WON,1200.50,,Closed Won\n', {
      defaults,
      skipInvalid: true,
    });
    expect(emptyCell).toMatchObject({ invalidRows: 1, updated: 0 });
    expect(lines(emptyCell)).toEqual([
      'line 2: null D-WON is stored in USD, but --default currency=EUR would read this amount in EUR: fill its currency cell to change its currency, or leave --default currency out to read it in USD',
    ]);
    expect(emptyCell.defaultsNotUsed).toEqual([]);
    // The stored currency is the default's: the amount is read in it, as before.
    const same = await run('external_id,amount,currency,stage\nD-WON,1200.50,,Closed Won\nD-NEW,99,,\n', {
      defaults: { ...defaults, currency: 'USD' },
      skipInvalid: false,
    });
    expect(same).toMatchObject({ rejected: false, invalidRows: 0, inserted: 1, updated: 1 });
    expect(same.defaultsNotUsed).toEqual([
      { entity: 'opportunities', field: 'created_at', value: '2026-11-10', records: 1 },
    ]);
    // A currency the row gives settles it.
    const given = await run('external_id,amount,currency,stage\nD-JPY,99,EUR,Negotiation\n', {
      defaults,
      skipInvalid: false,
    });
    expect(given).toMatchObject({ rejected: false, invalidRows: 0, updated: 1 });
    expect(await opps()).toEqual([
      { id: 'D-JPY', amount: 9900, currency: 'EUR' },
      { id: 'D-NEW', amount: 9900, currency: 'USD' },
      { id: 'D-WON', amount: 120050, currency: 'USD' },
    ]);
  });

  it('refuses a contract total_value of a stored contract in another currency than the --default', async () => {
    const contracts = (text: string, extra: Partial<ImportCsvOptions> = {}) =>
      importCsv(ctx.db(), {
        entity: 'contracts',
        input: createReadStream(contractCsv(text)),
        timezone: 'UTC',
        now: NOW,
        ...extra,
      });
    await contracts(
      'external_id,account,starts_at,ends_at,total_value,currency\nC-1,Acme,2026-01-01,2027-01-01,1000,USD\n',
    );
    const r = await contracts('external_id,total_value\nC-1,2000\n', { defaults: { currency: 'EUR' } });
    expect(r).toMatchObject({ rejected: true, invalidRows: 1 });
    expect(r.errors.map((e) => e.message)).toEqual([
      'C-1 is stored in USD, but --default currency=EUR would read this amount in EUR: add a currency column to change its currency, or leave --default currency out to read it in USD',
    ]);
    const rows = () =>
      queryRows(ctx.db(), sql`select total_value_minor::float8 as total, currency from contracts`);
    expect(await rows()).toEqual([{ total: 100000, currency: 'USD' }]);
    const same = await contracts('external_id,total_value\nC-1,2000\n', { defaults: { currency: 'USD' } });
    expect(same).toMatchObject({ rejected: false, invalidRows: 0, updated: 1 });
    expect(await rows()).toEqual([{ total: 200000, currency: 'USD' }]);
  });
});

describeDb('import: a --default fills new leads, accounts, teams and reps only', (ctx) => {
  const csv = tempCsv('defaults-stored-other').file;
  const run = (
    entity: 'leads' | 'accounts' | 'teams' | 'reps',
    text: string,
    extra: Partial<ImportCsvOptions> = {},
  ) =>
    importCsv(ctx.db(), { entity, input: createReadStream(csv(text)), timezone: 'UTC', now: NOW, ...extra });

  it('keeps the stored values of leads, accounts (by id or by name) and teams', async () => {
    await run('leads', 'external_id,created_at,source\nL-1,2026-11-01,web\n');
    const leads = await run('leads', 'external_id,created_at,source\nL-1,2026-11-01,\nL-2,2026-11-02,\n', {
      defaults: { source: 'import' },
    });
    expect(leads).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(
      await queryRows(ctx.db(), sql`select external_id as id, source from leads order by external_id`),
    ).toEqual([
      { id: 'L-1', source: 'web' },
      { id: 'L-2', source: 'import' },
    ]);
    expect(formatDetails(leads)).toContain(
      'note: --default source=import was not used on 1 stored lead (its stored source stands)',
    );

    await run('accounts', 'external_id,name,became_customer_at\nA-1,Acme,2026-01-01\nA-2,Beta,2026-02-01\n');
    const accounts = await run('accounts', 'external_id,name\nA-1,Acme\n,beta\nA-3,Gamma\n', {
      defaults: { became_customer_at: '2026-06-01' },
    });
    expect(accounts).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(accounts.defaultsNotUsed).toEqual([
      { entity: 'accounts', field: 'became_customer_at', value: '2026-06-01', records: 2 },
    ]);
    expect(
      await queryRows(
        ctx.db(),
        sql`select external_id as id, to_char(became_customer_at at time zone 'UTC', 'YYYY-MM-DD') as since
            from accounts order by external_id`,
      ),
    ).toEqual([
      { id: 'A-1', since: '2026-01-01' },
      { id: 'A-2', since: '2026-02-01' },
      { id: 'A-3', since: '2026-06-01' },
    ]);

    await run('teams', 'name,timezone\nEMEA,Europe/Berlin\n');
    const teams = await run('teams', 'name\nemea\nAPAC\n', { defaults: { timezone: 'Asia/Tokyo' } });
    expect(teams).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(await queryRows(ctx.db(), sql`select name, timezone from teams order by name`)).toEqual([
      { name: 'APAC', timezone: 'Asia/Tokyo' },
      { name: 'EMEA', timezone: 'Europe/Berlin' },
    ]);
  });

  it('keeps a stored rep in their team (by email or by name), and fills new reps and a manager a row created', async () => {
    const teams = () =>
      queryRows<{ rep: string; team: string }>(
        ctx.db(),
        sql`select r.name as rep, t.name as team from team_memberships m join reps r on r.id = m.rep_id
            join teams t on t.id = m.team_id where m.valid_to is null order by r.name`,
      );
    await run('reps', 'name,email,team\nAmara Okafor,amara@x.com,EMEA\nBen Ode,,EMEA\n');
    const r = await run(
      'reps',
      [
        'name,email,team,manager_name',
        'Amara Okafor,amara@x.com,,',
        'ben ode,,,',
        'Cleo Ray,cleo@x.com,,Dan Vu',
        'Dan Vu,dan@x.com,,',
        '',
      ].join('\n'),
      { defaults: { team: 'APAC' }, skipInvalid: false },
    );
    expect(r).toMatchObject({ rejected: false, invalidRows: 0, errors: [] });
    expect(await teams()).toEqual([
      { rep: 'Amara Okafor', team: 'EMEA' },
      { rep: 'Ben Ode', team: 'EMEA' },
      { rep: 'Cleo Ray', team: 'APAC' },
      // Created by Cleo's row as APAC's manager: new, so his own row takes the default.
      { rep: 'Dan Vu', team: 'APAC' },
    ]);
    expect(formatDetails(r)).toContain(
      'note: --default team=APAC was not used on 2 stored reps (their stored team stands): a default fills new records only',
    );
  });
});
