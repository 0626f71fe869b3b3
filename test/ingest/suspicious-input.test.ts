import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { fold, withoutFormatChars } from '../../src/core/fold.js';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatDetails, formatErrors } from '../../src/import/report.js';
import type { Entity } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer, refusedItems } from '../helpers/ingest-server.js';
import { tempCsv } from '../helpers/temp-csv.js';

/** Values that read fine but are wrong or suspicious: unknown currencies, future dates, invisible characters. */

const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('suspicious').file;

describeDb('suspicious input: CSV import and ingest API', (ctx) => {
  const post = ingestServer(ctx, NOW.toISOString());
  const run = (entity: Entity, text: string) =>
    importCsv(ctx.db(), { entity, input: createReadStream(csv(text)), timezone: 'UTC', now: NOW });
  const count = async (table: string) =>
    (await queryRows<{ n: number }>(ctx.db(), sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

  it('refuses a currency code ISO 4217 does not have, with a did-you-mean when one is a slip away', async () => {
    const r = await run(
      'opportunities',
      [
        'external_id,created_at,amount,currency',
        'M-15,2026-10-01,10,XYZ',
        'M-16,2026-10-01,10,EUE',
        'M-17,2026-10-01,10,uss',
        'M-18,2026-10-01,10,eur',
      ].join('\n'),
    );
    expect(r.rejected).toBe(true);
    expect(formatErrors(r)).toBe(
      [
        'line 2: currency "XYZ" is not an ISO 4217 currency code (such as USD or EUR)',
        'line 3: currency "EUE" is not an ISO 4217 currency code; did you mean EUR?',
        'line 4: currency "uss" is not an ISO 4217 currency code; did you mean USD or UZS?',
      ].join('\n'),
    );
    expect(await count('opportunities')).toBe(0);
    const api = await post({
      entity: 'opportunities',
      items: [{ external_id: 'M-15', created_at: '2026-10-01', amount: 10, currency: 'XYZ' }],
    });
    expect(api).toEqual(
      refusedItems([
        {
          index: 0,
          field: 'currency',
          message: '"XYZ" is not an ISO 4217 currency code (such as USD or EUR)',
        },
      ]),
    );
    const contracts = await post({
      entity: 'contracts',
      items: [
        {
          external_id: 'C-1',
          account: 'Acme',
          starts_at: '2026-01-01',
          ends_at: '2027-01-01',
          currency: 'EUE',
        },
      ],
    });
    expect(contracts.body.errors).toEqual([
      { index: 0, field: 'currency', message: '"EUE" is not an ISO 4217 currency code; did you mean EUR?' },
    ]);
    expect(await count('opportunities')).toBe(0);
    expect(await count('contracts')).toBe(0);
  });

  it('counts event dates in the future (a day of tolerance), not planned dates, in the import and the API', async () => {
    // NOW is 2026-11-23T09:00Z: 2026-11-24 (within a day) is fine, 2026-11-25 is not.
    const acts = await run(
      'activities',
      [
        'external_id,kind,occurred_at,meeting_booked_at',
        'A-1,call,2026-11-24,',
        'A-2,meeting,2026-11-20,2027-01-10',
        'A-3,call,2099-01-01,',
      ].join('\n'),
    );
    expect(acts).toMatchObject({ inserted: 3, invalidRows: 0 });
    expect(formatDetails(acts)).toBe(
      "warning: 1 date in the future (line 4): occurred_at 2099-01-01 is in the future (more than a day after 2026-11-23); stored as given, check the source's dates and time zone",
    );
    const leads = await run(
      'leads',
      [
        'external_id,created_at,qualified_at,converted_at',
        'L-1,2027-03-01,,',
        'L-2,2026-01-05,2026-12-01,2027-01-01',
        'L-3,2026-01-05,2026-02-01,2026-03-01',
      ].join('\n'),
    );
    expect(leads.warnings).toEqual([
      {
        kind: 'date in the future',
        count: 2,
        lines: [2, 3],
        detail:
          "created_at 2027-03-01 is in the future (more than a day after 2026-11-23); stored as given, check the source's dates and time zone",
      },
    ]);
    expect(formatDetails(leads)).toMatch(/^warning: 2 dates in the future \(lines 2, 3\): /);
    // An open deal's expected close and a contract's end lie ahead by nature; a won deal's close does not.
    const opps = await run(
      'opportunities',
      [
        'external_id,created_at,stage,closed_at,expected_close_date,amount',
        'O-1,2027-06-01,Open,,,10',
        'O-2,2026-01-05,Open,,2027-06-30,10',
        'O-3,2026-01-05,Won,2099-01-01,,10',
      ].join('\n'),
    );
    expect(opps.warnings).toEqual([
      expect.objectContaining({ kind: 'date in the future', count: 2, lines: [2, 4] }),
    ]);
    // Contract terms may lie ahead: no warning (the contract has a value, so it adds to ARR).
    const contracts = await post({
      entity: 'contracts',
      items: [
        {
          external_id: 'C-1',
          account: 'Acme',
          starts_at: '2026-01-01',
          ends_at: '2029-01-01',
          total_value: 36000,
        },
      ],
    });
    expect(contracts.body).toEqual(expect.not.objectContaining({ warnings: expect.anything() }));
    const api = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-9', created_at: '2026-01-05', stage: 'Won', closed_at: '2099-01-01', amount: 5 },
        { external_id: 'O-10', created_at: '2026-01-05', stage: 'Open', expected_close_date: '2099-01-01' },
      ],
    });
    expect(api).toEqual({
      status: 200,
      body: {
        ok: true,
        inserted: 2,
        updated: 0,
        unchanged: 0,
        warnings: [
          {
            index: 0,
            kind: 'date in the future',
            message:
              "closed_at 2099-01-01 is in the future (more than a day after 2026-11-23); stored as given, check the source's dates and time zone",
          },
        ],
      },
    });
  });

  it('counts a lead qualified before it was created, as it counts one converted before', async () => {
    const r = await run(
      'leads',
      ['external_id,created_at,qualified_at', 'L-1,2026-03-05,2026-03-01', 'L-2,2026-03-05,2026-03-06'].join(
        '\n',
      ),
    );
    expect(r.warnings).toEqual([
      {
        kind: 'qualified before create',
        count: 1,
        lines: [2],
        detail: 'qualified_at 2026-03-01 is before created_at 2026-03-05 (stored as given)',
      },
    ]);
    expect(formatDetails(r)).toBe(
      'warning: 1 row with a qualified date before its create date (line 2): qualified_at 2026-03-01 is before created_at 2026-03-05 (stored as given)',
    );
    const api = await post({
      entity: 'leads',
      items: [{ external_id: 'L-3', created_at: '2026-03-05', qualified_at: '2026-03-01' }],
    });
    expect(api.body.warnings).toEqual([
      {
        index: 0,
        kind: 'qualified before create',
        message: 'qualified_at 2026-03-01 is before created_at 2026-03-05 (stored as given)',
      },
    ]);
  });

  it('drops invisible format characters from names, counts them, and matches stored look-alikes under fold', async () => {
    await post({
      entity: 'reps',
      items: [{ name: '*Bob* Star', email: 'bob@x.com' }],
    });
    await post({ entity: 'accounts', items: [{ external_id: 'ACC-1', name: 'Acme' }] });
    const r = await run(
      'opportunities',
      [
        'external_id,created_at,owner_name,account',
        'O-1,2026-01-05,*Bob*\u200b Star,Acme\u200b',
        'O-2,2026-01-05,*Bob* Star,Acme',
        'O-3,2026-01-05,\u202eevil,\ufeffInitech',
      ].join('\n'),
    );
    expect(r).toMatchObject({ inserted: 3, invalidRows: 0 });
    expect(formatDetails(r)).toBe(
      'warning: 2 rows with invisible characters removed from names (lines 2, 4): account "Acme" (U+200B removed), owner_name "*Bob* Star" (U+200B removed)',
    );
    // No twin: the owner and account are the stored ones; the new names are stored clean.
    const names = async (table: string) =>
      (await queryRows<{ name: string }>(ctx.db(), sql.raw(`select name from ${table} order by id`))).map(
        (x) => x.name,
      );
    expect(await names('reps')).toEqual(['*Bob* Star', 'evil']);
    expect(await names('accounts')).toEqual(['Acme', 'Initech']);
    const owners = await queryRows<{ id: string; owner: string; account: string }>(
      ctx.db(),
      sql`select o.external_id as id, r.name as owner, a.name as account from opportunities o
          join reps r on r.id = o.owner_rep_id join accounts a on a.id = o.account_id order by o.external_id`,
    );
    expect(owners).toEqual([
      { id: 'O-1', owner: '*Bob* Star', account: 'Acme' },
      { id: 'O-2', owner: '*Bob* Star', account: 'Acme' },
      { id: 'O-3', owner: 'evil', account: 'Initech' },
    ]);
    // The API cleans and warns the same way; a name that is nothing but invisible characters is refused.
    const api = await post({
      entity: 'teams',
      items: [{ name: 'EMEA\u2060' }, { name: '\u200b\u200d' }],
    });
    expect(api.body.errors).toEqual([
      { index: 1, field: 'name', message: 'has only invisible characters (such as zero-width spaces)' },
    ]);
    const team = await post({ entity: 'teams', items: [{ name: 'EMEA\u2060' }] });
    expect(team.body.warnings).toEqual([
      {
        index: 0,
        kind: 'invisible characters removed',
        message: 'name "EMEA" (U+2060 removed)',
      },
    ]);
    expect(await names('teams')).toEqual(['EMEA']);
    // A look-alike stored before names were cleaned is found by the plain spelling, not twinned again.
    await ctx.db().execute(sql`insert into accounts (external_id, name) values ('ACC-9', ${'Globex\u200b'})`);
    const globex = await run('opportunities', 'external_id,created_at,account\nO-4,2026-01-05,Globex');
    expect(globex).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(await count('accounts')).toBe(3);
  });

  // Probe (LOW): `{"name":"R&amp;D"}` through the API made a team no Slack user could name (`/metrics … team
  // R&D` reads "R&D"), and a later "R&D" made its look-alike, with no word.
  it('counts names holding HTML escapes, stored as given, naming the plain spelling to send', async () => {
    const api = await post({
      entity: 'reps',
      items: [
        { name: 'Ann Lee', email: 'ann@x.com', team: 'R&amp;D' },
        { name: 'Bo &lt;Intern&gt;', email: 'bo@x.com', team: 'R&D' },
        { name: 'Cy Fox', email: 'cy@x.com', team: 'Sales & Ops' },
      ],
    });
    expect(api.status).toBe(200);
    expect(api.body.warnings).toEqual([
      {
        index: 0,
        kind: 'name looks HTML-escaped',
        message:
          'team "R&amp;D" holds HTML escapes (such as &amp; for "&", as Slack and web pages write text): stored as given, so "R&D" typed in Slack will not match it; if the source meant "R&D", send it unescaped',
      },
      {
        index: 1,
        kind: 'name looks HTML-escaped',
        message:
          'name "Bo &lt;Intern&gt;" holds HTML escapes (such as &amp; for "&", as Slack and web pages write text): stored as given, so "Bo <Intern>" typed in Slack will not match it; if the source meant "Bo <Intern>", send it unescaped',
      },
    ]);
    const teams = await queryRows<{ name: string }>(ctx.db(), sql`select name from teams order by id`);
    expect(teams.map((t) => t.name)).toEqual(['R&amp;D', 'R&D', 'Sales & Ops']);
    // A file counts them per line, by kind.
    const r = await run(
      'accounts',
      ['external_id,name', 'A-1,AT&amp;T', 'A-2,Ben &#39;n&#x27; Co', 'A-3,Procter & Gamble'].join('\n'),
    );
    expect(r).toMatchObject({ inserted: 3, invalidRows: 0 });
    expect(formatDetails(r)).toBe(
      'warning: 2 rows with an HTML-escaped name (lines 2, 3): name "AT&amp;T" holds HTML escapes (such as &amp; for "&", as Slack and web pages write text): stored as given, so "AT&T" typed in Slack will not match it; if the source meant "AT&T", send it unescaped',
    );
    // Second probe (MED): other named entities (`&eacute;`) were not seen; they are counted, without a
    // spelling the warning cannot read.
    const named = await run(
      'accounts',
      ['external_id,name', 'A-4,Caf&eacute; Nord', 'A-5,AT&T;Labs'].join('\n'),
    );
    expect(formatDetails(named)).toBe(
      'warning: 1 row with an HTML-escaped name (line 2): name "Caf&eacute; Nord" holds HTML escapes (such as &amp; for "&", as Slack and web pages write text): stored as given, so the name as people type it will not match it; if the source meant the plain text, send it unescaped',
    );
  });

  // Probe (MED): an email with email_opened_at before occurred_at was stored with no word and counted as
  // opened (a 100% open rate on such rows), while close dates and touches before their lead are counted.
  it('counts emails opened or replied before they were sent, stored as given', async () => {
    const r = await run(
      'activities',
      [
        'external_id,kind,occurred_at,rep_name,email_opened_at,email_replied_at',
        'E-1,email,2026-11-02T10:00:00Z,Ann,2026-11-02T09:00:00Z,',
        'E-2,email,2026-11-02T10:00:00Z,Ann,2026-11-02T10:05:00Z,2026-11-02T11:00:00Z',
        'E-3,email,2026-11-02T10:00:00Z,Ann,2026-11-01T10:00:00Z,2026-11-01T12:00:00Z',
        'E-4,email,2026-11-02T10:00:00Z,Ann,2026-11-02T10:00:00Z,',
        'C-1,call,2026-11-02T10:00:00Z,Ann,2026-11-02T09:00:00Z,',
      ].join('\n'),
    );
    // A call is no email: its email_opened_at is not looked at here.
    expect(r).toMatchObject({ inserted: 5, invalidRows: 0 });
    expect(formatDetails(r)).toBe(
      "warning: 2 emails opened or replied before they were sent (lines 2, 4): email_opened_at 2026-11-02T09:00Z is before occurred_at 2026-11-02T10:00Z, when the email was sent (stored as given: it counts as opened); check the source's clocks and time zones",
    );
    const api = await post({
      entity: 'activities',
      items: [
        {
          external_id: 'E-5',
          kind: 'email',
          occurred_at: '2026-11-02T10:00:00Z',
          rep_name: 'Ann',
          email_replied_at: '2026-11-02T08:00:00Z',
        },
      ],
    });
    expect(api.body.warnings).toEqual([
      {
        index: 0,
        kind: 'opened before sent',
        message:
          "email_replied_at 2026-11-02T08:00Z is before occurred_at 2026-11-02T10:00Z, when the email was sent (stored as given: it counts as replied); check the source's clocks and time zones",
      },
    ]);
    expect(await count('activities')).toBe(6);
  });

  // helper-196 (LOW): the warning named the field "amount" where the file's column is "Deal Value", as row errors
  // name it ("Deal Value (amount) …").
  it('names the mapped column of an amount read as decimals, as a row error does', async () => {
    const r = await importCsv(ctx.db(), {
      entity: 'opportunities',
      input: createReadStream(
        csv(
          [
            'external_id,created_at,Deal Value,currency',
            'O-1,2026-11-02,"1,200.50",USD',
            'O-2,2026-11-02,4.500,EUR',
          ].join('\n'),
        ),
      ),
      timezone: 'UTC',
      now: NOW,
      map: [['Deal Value', 'amount']],
    });
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(formatDetails(r)).toBe(
      'columns mapped: Deal Value → amount\n' +
        'warning: 1 amount that reads two ways read as decimals (line 3): Deal Value (amount) "4.500" read as 4.5 EUR, with "." as the decimal mark, as the file\'s other amounts write it; if it means 4500, the row writes numbers another way: give it as 4500',
    );
  });

  it("counts a deal amount read as three decimals by the other amounts' mark, in the import and the API", async () => {
    const r = await run(
      'opportunities',
      [
        'external_id,created_at,amount,currency',
        'O-1,2026-11-02,"1,200.50",USD',
        'O-2,2026-11-02,4.500,EUR',
      ].join('\n'),
    );
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(formatDetails(r)).toBe(
      'warning: 1 amount that reads two ways read as decimals (line 3): amount "4.500" read as 4.5 EUR, with "." as the decimal mark, as the file\'s other amounts write it; if it means 4500, the row writes numbers another way: give it as 4500',
    );
    const api = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-3', created_at: '2026-11-02', amount: '2,000.25', currency: 'USD' },
        { external_id: 'O-4', created_at: '2026-11-02', amount: '7.100', currency: 'EUR' },
      ],
    });
    expect(api.body.warnings).toEqual([
      {
        index: 1,
        kind: 'amount read as decimals',
        message:
          'amount "7.100" read as 7.1 EUR, with "." as the decimal mark, as the request\'s other amounts write it; if it means 7100, the item writes numbers another way: give it as 7100',
      },
    ]);
  });

  // Tester: a lead named "\u202Eevil" (shown reversed) or only "\u200B" was stored as given, and lead names
  // are shown in nudge DMs.
  it("cleans a lead's name and company like every name, and refuses one of nothing else", async () => {
    const r = await run(
      'leads',
      [
        'external_id,created_at,name,company',
        'L-1,2026-01-05,\u202eevil,Acme\u200b',
        'L-2,2026-01-05,\u200b,',
      ].join('\n'),
    );
    expect(formatErrors(r)).toBe('line 3: name has only invisible characters (such as zero-width spaces)');
    const api = await post({
      entity: 'leads',
      items: [{ external_id: 'L-3', created_at: '2026-01-05', name: 'Bo\u200bb' }],
    });
    expect(api.body.warnings).toEqual([
      { index: 0, kind: 'invisible characters removed', message: 'name "Bob" (U+200B removed)' },
    ]);
    const leads = await queryRows<{ id: string; name: string; company: string | null }>(
      ctx.db(),
      sql`select external_id as id, name, company from leads order by external_id`,
    );
    expect(leads).toEqual([{ id: 'L-3', name: 'Bob', company: null }]);
  });

  it('fold ignores format characters (a stored look-alike matches), keeps visible joiners in stored names', () => {
    expect(fold('Acme\u200b')).toBe(fold('Acme'));
    expect(fold('\u202eBob\u200d Star\ufeff')).toBe('bob star');
    expect(withoutFormatChars('Ana 👩\u200d💻')).toBe('Ana 👩\u200d💻');
    expect(withoutFormatChars('Bob\u200dStar')).toBe('BobStar');
    expect(withoutFormatChars('Ana')).toBe('Ana');
  });
});
