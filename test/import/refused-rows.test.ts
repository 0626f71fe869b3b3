import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatErrors, formatSummary } from '../../src/import/report.js';
import { type Entity, ingestBatch } from '../../src/ingest/index.js';
import { emptyCreated } from '../../src/ingest/names.js';
import { describeDb } from '../helpers/db.js';
import { withInsertFailingOnce } from '../helpers/fail-once.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('refused').lines;

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const opts = { timezone: 'UTC', now: NOW };

// A refused row writes nothing: the new owners, accounts, teams and managers it names are not created, and
// the summary's "created" list names only what the written rows created (tester: a refused row still created
// the rep and account it named, because references were created for the whole batch before the row checks).
describeDb('refused rows create no names', (ctx) => {
  const run = async (entity: Entity, file: string, skipInvalid = true) => {
    const r = await importCsv(ctx.db(), { entity, input: createReadStream(file), skipInvalid, ...opts });
    return { summary: formatSummary(entity, r), errors: formatErrors(r) };
  };
  const rows = <T>(q: string) => queryRows<T>(ctx.db(), sql.raw(q));
  const names = async (table: string) =>
    (await rows<{ name: string }>(`select name from ${table} order by id`)).map((r) => r.name);

  // One refused row per case, next to one good row: the refused row's new names are neither stored nor listed.
  // `setup` stores what the case needs (two accounts that fold alike; a lead known only by name).
  const cases: {
    kind: string;
    entity: Entity;
    header: string;
    refused: string;
    /** A row that is written beside it; none where the file's columns refuse every row. */
    good?: string;
    error: string;
    created: string;
  }[] = [
    {
      kind: 'an ambiguous account',
      entity: 'opportunities',
      header: 'external_id,created_at,owner_name,account',
      refused: 'O-1,2026-11-01,Rita New,acme',
      good: 'O-2,2026-11-01,Val Good,Goodco',
      error: 'account "acme" matches 2 accounts: Acme (id 1); ACME (id 2); use the external id',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'an ambiguous owner, beside a new account',
      entity: 'opportunities',
      header: 'external_id,created_at,owner_name,account',
      refused: 'O-1,2026-11-01,Amara Okafor,Newco',
      good: 'O-2,2026-11-01,Val Good,Goodco',
      error:
        'owner_name "Amara Okafor" matches 2 people: Amara Okafor <amara@x.com>; Amara Okáfor <amara2@x.com>; use owner_email',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'an unknown lead',
      entity: 'opportunities',
      header: 'external_id,created_at,owner_name,account,lead_external_id',
      refused: 'O-1,2026-11-01,Rita New,Newco,L-404',
      good: 'O-2,2026-11-01,Val Good,Goodco,',
      error: 'lead_external_id matches no lead: L-404',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'amount and amount_minor both',
      entity: 'opportunities',
      header: 'external_id,created_at,owner_name,account,amount,amount_minor',
      // Both columns: a row filling both is refused; a row filling one of them is written (tester).
      refused: 'O-1,2026-11-01,Rita New,Newco,10,1000',
      good: 'O-2,2026-11-01,Val Good,Goodco,,5000',
      error: 'amount and amount_minor are both given; give only one',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'a won deal with an empty closed_at',
      entity: 'opportunities',
      header: 'external_id,created_at,owner_name,account,outcome,closed_at',
      refused: 'O-1,2026-11-01,Rita New,Newco,won,',
      good: 'O-2,2026-11-01,Val Good,Goodco,won,2026-11-05',
      error: 'closed_at is required when the outcome is won',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'a new won deal in a file without closed_at',
      entity: 'opportunities',
      header: 'external_id,created_at,owner_name,account,stage',
      refused: 'O-1,2026-11-01,Rita New,Newco,Closed Won',
      good: 'O-2,2026-11-01,Val Good,Goodco,Discovery',
      error: 'closed_at is required when the outcome is won',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'a new deal in a file without created_at',
      entity: 'opportunities',
      header: 'external_id,owner_name,account',
      refused: 'O-1,Rita New,Newco',
      good: 'O-9,Val Good,Goodco',
      error: 'created_at is required for a new opportunity (O-1 is not stored yet)',
      created: '1 rep (no email): Val Good; 1 account: Goodco',
    },
    {
      kind: 'a new lead in a file without created_at, naming a new owner',
      entity: 'leads',
      header: 'external_id,owner_name',
      refused: 'L-1,Rita New',
      good: 'L-9,Val Good',
      error: 'created_at is required for a new lead (L-1 is not stored yet)',
      created: '1 rep (no email): Val Good',
    },
    {
      kind: 'a new lead in a file without created_at, giving an email to a rep known by name',
      entity: 'leads',
      header: 'external_id,owner_name,owner_email',
      refused: 'L-1,Nora Nameless,nora@x.com',
      good: 'L-9,Val Good,',
      error: 'created_at is required for a new lead (L-1 is not stored yet)',
      created: '1 rep (no email): Val Good',
    },
    {
      kind: 'an activity of an unknown lead',
      entity: 'activities',
      header: 'external_id,kind,occurred_at,rep_name,lead_external_id',
      refused: 'X-1,call,2026-11-02,Rita New,L-404',
      good: 'X-2,call,2026-11-02,Val Good,',
      error: 'lead_external_id matches no lead: L-404',
      created: '1 rep (no email): Val Good',
    },
    {
      kind: 'an activity of an unknown opportunity',
      entity: 'activities',
      header: 'external_id,kind,occurred_at,rep_name,opportunity_external_id',
      refused: 'X-1,call,2026-11-02,Rita New,O-404',
      good: 'X-2,call,2026-11-02,Val Good,',
      error: 'opportunity_external_id matches no opportunity: O-404',
      created: '1 rep (no email): Val Good',
    },
    {
      kind: 'a new activity in a file without occurred_at',
      entity: 'activities',
      header: 'external_id,kind,rep_name',
      refused: 'X-1,call,Rita New',
      good: 'X-9,call,Val Good',
      error: 'occurred_at is required for a new activity (X-1 is not stored yet)',
      created: '1 rep (no email): Val Good',
    },
    {
      kind: 'a contract that ends before it starts',
      entity: 'contracts',
      header: 'external_id,account,starts_at,ends_at',
      refused: 'C-1,Newco,2026-06-01,2026-01-01',
      good: 'C-2,Goodco,2026-01-01,2027-01-01',
      error: 'ends_at must be after starts_at',
      created: '1 account: Goodco',
    },
    {
      kind: 'a contract whose amount names another currency',
      entity: 'contracts',
      header: 'external_id,account,starts_at,ends_at,total_value,currency',
      refused: 'C-1,Newco,2026-01-01,2027-01-01,€ 100,USD',
      good: 'C-2,Goodco,2026-01-01,2027-01-01,100,USD',
      error: 'total_value "€ 100" is in EUR but the row\'s currency is USD',
      created: '1 account: Goodco',
    },
    {
      kind: 'a new contract in a file without starts_at',
      entity: 'contracts',
      header: 'external_id,account,ends_at',
      refused: 'C-1,Newco,2027-01-01',
      good: 'C-9,Goodco,2027-01-01',
      error: 'starts_at is required for a new contract (C-1 is not stored yet)',
      created: '1 account: Goodco',
    },
  ];

  it.each(cases)('$entity: $kind creates nothing', async (c) => {
    // Stored first: two accounts and two people whose names fold alike, a rep known only by name, and the
    // records the files without a required column update (L-9, X-9, C-9, O-9).
    await run('accounts', csv('external_id,name', 'A-1,Acme', 'A-2,ACME'));
    await run('reps', csv('name,email', 'Amara Okafor,amara@x.com', 'Amara Okáfor,amara2@x.com'));
    await run('leads', csv('external_id,created_at,owner_name', 'L-9,2026-11-01,Nora Nameless'));
    await run('activities', csv('external_id,kind,occurred_at', 'X-9,call,2026-11-01'));
    await run('contracts', csv('external_id,account,starts_at,ends_at', 'C-9,A-1,2026-01-01,2027-01-01'));
    await run('opportunities', csv('external_id,created_at', 'O-9,2026-11-01'));
    const before = await rows('select name, email from reps order by id');
    const r = await run(c.entity, csv(c.header, c.refused, ...(c.good ? [c.good] : [])));
    expect(r.errors).toBe(`line 2: ${c.error}`);
    const written = !c.good
      ? '1 row, 0 inserted, 0 updated'
      : /-9,/.test(c.good)
        ? '2 rows, 0 inserted, 1 updated'
        : '2 rows, 1 inserted, 0 updated';
    const created = c.created ? `; created ${c.created}` : '';
    expect(r.summary).toBe(`${c.entity}: ${written}, 0 unchanged, 1 invalid skipped${created}`);
    // Only the good row's owner is new; Nora (known by name) is not given the refused row's address.
    const owner = c.created.includes('Val Good') ? [{ name: 'Val Good', email: null }] : [];
    expect(await rows('select name, email from reps order by id')).toEqual([...before, ...owner]);
    expect(await names('accounts')).toEqual(
      c.created.includes('Goodco') ? ['Acme', 'ACME', 'Goodco'] : ['Acme', 'ACME'],
    );
  });

  it('opportunities: a file with amount and amount_minor columns takes the one filled on each row', async () => {
    const r = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,account,amount,amount_minor,currency',
        'O-20,2026-11-02,Val Good,Goodco,100,10000,USD',
        'O-21,2026-11-02,Val Good,Goodco,,5000,USD',
        'O-22,2026-11-02,Val Good,Goodco,70,,USD',
        'O-23,2026-11-02,Val Good,Goodco,,,USD',
      ),
    );
    expect(r.errors).toBe('line 2: amount and amount_minor are both given; give only one');
    expect(await rows('select external_id, amount_minor from opportunities order by external_id')).toEqual([
      { external_id: 'O-21', amount_minor: 5000 },
      { external_id: 'O-22', amount_minor: 7000 },
      { external_id: 'O-23', amount_minor: null },
    ]);
  });

  it('reps: a refused row does not list the team it created before it was refused (rolled back)', async () => {
    const r = await run(
      'reps',
      csv(
        'name,email,team,team_since',
        'Gus Future,gus@x.com,Future Team,2099-01-01',
        'Hal Good,hal@x.com,Good Team,2026-01-01',
      ),
    );
    expect(r.errors).toBe(
      'line 2: team_since 2099-01-01 is in the future (today is 2026-11-23 UTC): record a team move once it has happened, with the date it took effect',
    );
    expect(r.summary).toBe(
      'reps: 2 rows, 1 inserted, 0 updated, 0 unchanged, 1 invalid skipped; created 1 team: Good Team',
    );
    expect(await names('teams')).toEqual(['Good Team']);
  });

  it('reps: an email address in manager_name is the rep with that email; an unknown one is refused on its line', async () => {
    await run('reps', csv('name,email', 'Amara Okafor,amara@x.com'));
    const r = await run(
      'reps',
      csv(
        'name,email,team,manager_name',
        'Bo Diaz,bo@x.com,EMEA,AMARA@x.com',
        'Cy Ng,cy@x.com,APAC,nobody@x.com',
      ),
    );
    expect(r.errors).toBe(
      'line 3: manager_name "nobody@x.com" is an email address and no rep has it; write the manager\'s name in manager_name, or add the manager first on a row of their own with the name in name and the address in email',
    );
    expect(r.summary).toBe(
      'reps: 2 rows, 1 inserted, 0 updated, 0 unchanged, 1 invalid skipped; created 1 team: EMEA',
    );
    expect(await rows('select id, name, email, role from reps order by id')).toEqual([
      { id: 1, name: 'Amara Okafor', email: 'amara@x.com', role: 'manager' },
      { id: 2, name: 'Bo Diaz', email: 'bo@x.com', role: 'rep' },
    ]);
    expect(
      await rows(
        'select t.name as team, r.name as manager from team_managers m join teams t on t.id = m.team_id join reps r on r.id = m.rep_id',
      ),
    ).toEqual([{ team: 'EMEA', manager: 'Amara Okafor' }]);
    expect(await names('teams')).toEqual(['EMEA']);
  });

  it('ingest API (atomic: false): refused items create no owner or account, in every writer', async () => {
    await ingestBatch(
      ctx.db(),
      {
        entity: 'accounts',
        items: [
          { external_id: 'A-1', name: 'Acme' },
          { external_id: 'A-2', name: 'ACME' },
        ],
      },
      opts,
    );
    const created = emptyCreated();
    const r = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'leads',
            items: [
              { external_id: 'L-1', owner_name: 'Ann Nodate' },
              { external_id: 'L-2', created_at: '2026-11-01', owner_name: 'Lee Good' },
            ],
          },
          {
            entity: 'opportunities',
            items: [
              { external_id: 'O-1', created_at: '2026-11-01', owner_name: 'Rita', account: 'acme' },
              { external_id: 'O-2', created_at: '2026-11-01', owner_name: 'Sam', lead_external_id: 'L-9' },
              {
                external_id: 'O-3',
                created_at: '2026-11-01',
                owner_name: 'Tia',
                amount: 1,
                amount_minor: 100,
              },
              // Won without closed_at and no closed_at field at all: refused once the row is known to be new.
              {
                external_id: 'O-4',
                created_at: '2026-11-01',
                owner_name: 'Uma',
                account: 'Wonco',
                outcome: 'won',
              },
              { external_id: 'O-5', created_at: '2026-11-01', owner_name: 'Val Good', account: 'Goodco' },
            ],
          },
          {
            entity: 'activities',
            items: [
              {
                external_id: 'X-1',
                kind: 'call',
                occurred_at: '2026-11-02',
                rep_name: 'Cal',
                lead_external_id: 'L-9',
              },
              { external_id: 'X-2', kind: 'call', rep_name: 'Dan' },
            ],
          },
          {
            entity: 'contracts',
            items: [
              { external_id: 'C-1', account: 'Backwards', starts_at: '2026-06-01', ends_at: '2026-01-01' },
              { external_id: 'C-2', account: 'Nostart', ends_at: '2027-01-01' },
            ],
          },
        ],
      },
      { ...opts, atomic: false, created },
    );
    expect(r.errors.map((e) => `${e.entity} ${e.index} ${e.field}`)).toEqual([
      'leads 0 created_at',
      'opportunities 0 account',
      'opportunities 1 lead_external_id',
      'opportunities 2 amount',
      'opportunities 3 closed_at',
      'activities 0 lead_external_id',
      'activities 1 occurred_at',
      'contracts 0 ends_at',
      'contracts 1 starts_at',
    ]);
    expect(r).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(created).toEqual({
      reps: [
        { name: 'Lee Good', email: null },
        { name: 'Val Good', email: null },
      ],
      teams: [],
      accounts: ['Goodco'],
    });
    expect(await names('reps')).toEqual(['Lee Good', 'Val Good']);
    expect(await names('accounts')).toEqual(['Acme', 'ACME', 'Goodco']);
  });

  it('lists the team and manager a reps request created once when it was retried, and none when refused', async () => {
    // The first attempt loses a race (SQLSTATE 40001) after it created the team and the manager; ingestBatch
    // runs it again. A sequence is not rolled back, so the trigger fails exactly once.
    const db = ctx.db();
    await withInsertFailingOnce(db, 'team_managers', async () => {
      const created = emptyCreated();
      const r = await ingestBatch(
        db,
        { entity: 'reps', items: [{ name: 'Bo Diaz', team: 'EMEA', manager_name: 'Mia Boss' }] },
        { ...opts, created },
      );
      expect(r).toMatchObject({ inserted: 1, errors: [] });
      expect(await queryRows(db, sql`select last_value::int as n from h_fail_once`)).toEqual([{ n: 2 }]);
      expect(created).toEqual({ reps: [{ name: 'Mia Boss', email: null }], teams: ['EMEA'], accounts: [] });
    });
    // Refused as a whole (atomic, the default): the good item's team and manager are rolled back and not listed.
    const created = emptyCreated();
    const refused = await ingestBatch(
      db,
      {
        entity: 'reps',
        items: [
          { name: 'Cy Ng', team: 'APAC', manager_name: 'Max Boss' },
          { name: 'Di Roe', team: 'APAC', team_since: '2099-01-01' },
        ],
      },
      { ...opts, created },
    );
    expect(refused.errors).toHaveLength(1);
    expect(created).toEqual(emptyCreated());
    expect(await names('teams')).toEqual(['EMEA']);
  });
});
