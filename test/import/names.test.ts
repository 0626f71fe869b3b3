import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { fold } from '../../src/core/fold.js';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatDetails, formatErrors, formatSummary } from '../../src/import/report.js';
import { type Entity, ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('names').lines;

const NOW = new Date('2026-11-23T09:00:00Z');
const opts = { timezone: 'UTC', now: NOW };

// References by name match under fold() (case, accents, runs of white space), refuse two matches, and the
// summary names what they created.
describeDb('references by name', (ctx) => {
  const run = async (entity: Entity, file: string) => {
    const r = await importCsv(ctx.db(), { entity, input: createReadStream(file), ...opts });
    return { summary: formatSummary(entity, r), errors: formatErrors(r) };
  };
  const rows = <T>(q: string) => queryRows<T>(ctx.db(), sql.raw(q));
  const amara = () =>
    run('reps', csv('name,email,team', 'Amara Okafor,amara@x.com,Sales & Success')).then((r) =>
      expect(r.summary).toBe(
        'reps: 1 row, 1 inserted, 0 updated, 0 unchanged; created 1 team: Sales & Success',
      ),
    );
  const acme = () =>
    run('accounts', csv('external_id,name', 'A-1,Acme')).then((r) =>
      expect(r.summary).toBe('accounts: 1 row, 1 inserted, 0 updated, 0 unchanged'),
    );

  // Probe (HIGH): `bob  diaz,,R&D <EMEA>` (matched by name, email cell empty) erased Bob's stored email, and the
  // next item with owner_email bob@x.com was refused as matching no rep.
  it("refuses an empty email cell on a rep found by name instead of erasing the rep's email", async () => {
    await amara();
    const r = await run(
      'reps',
      csv('name,email,team', 'amara  okafor,,R&D <EMEA>', 'AMARA OKAFOR,,R&D <EMEA>', 'Ben Ode,,R&D <EMEA>'),
    );
    const refusal =
      'cannot be emptied: Amara Okafor has amara@x.com, which owner_email and Slack match; give the email, or leave the column out, to keep it';
    expect(r.errors).toBe(`line 2: email ${refusal}\nline 3: email ${refusal}`);
    // The file is refused whole (no --skip-invalid): nothing changed.
    expect(await rows('select id, name, email from reps order by id')).toEqual([
      { id: 1, name: 'Amara Okafor', email: 'amara@x.com' },
    ]);
    // Without the column, or with the email, the move goes through and the email stays.
    const moved = await run('reps', csv('name,team', 'amara  okafor,R&D <EMEA>'));
    expect(moved.errors).toBe('');
    expect(await rows('select id, name, email from reps order by id')).toEqual([
      { id: 1, name: 'Amara Okafor', email: 'amara@x.com' },
    ]);
    // A rep with no email stored may be given an empty one (nothing to erase).
    await ingestBatch(ctx.db(), { entity: 'reps', items: [{ name: 'Ben Ode' }] }, opts);
    const ben = await ingestBatch(
      ctx.db(),
      { entity: 'reps', items: [{ name: 'ben ode', email: null }] },
      opts,
    );
    expect(ben.errors).toEqual([]);
    // Through the API the item is refused on its field.
    const api = await ingestBatch(
      ctx.db(),
      { entity: 'reps', items: [{ name: 'Amara Okafor', email: null }] },
      opts,
    );
    expect(api.errors).toEqual([{ index: 0, field: 'email', message: refusal }]);
  });

  // Probe (MED): owner_name "Cy Ng" with owner_email bob@x.com went to Bob with no word.
  it('refuses an owner name that is another rep than the owner email, and lets a name no one has pass', async () => {
    await amara();
    await ingestBatch(ctx.db(), { entity: 'reps', items: [{ name: 'Cy Ng', email: 'cy@x.com' }] }, opts);
    const r = await run(
      'leads',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'L-1,2026-11-01,cy ng,amara@x.com',
        'L-2,2026-11-01,Amara Okafor,amara@x.com',
        'L-3,2026-11-01,Ama O.,amara@x.com',
      ),
    );
    expect(r.errors).toBe(
      'line 2: owner_name "cy ng" is Cy Ng <cy@x.com>, not the rep with owner_email amara@x.com; give one of the two, or make them name the same person',
    );
    const api = await ingestBatch(
      ctx.db(),
      {
        entity: 'activities',
        items: [
          {
            external_id: 'A-1',
            kind: 'call',
            occurred_at: '2026-11-02',
            rep_name: 'Cy Ng',
            rep_email: 'amara@x.com',
          },
        ],
      },
      opts,
    );
    expect(api.errors).toEqual([
      {
        index: 0,
        field: 'rep_name',
        message:
          '"Cy Ng" is Cy Ng <cy@x.com>, not the rep with rep_email amara@x.com; give one of the two, or make them name the same person',
      },
    ]);
    // Second probe (HIGH): an address in the name column that is another rep's was not checked, and an
    // unknown email with a stored rep's name made a twin, after which the name matched two people.
    const second = await run(
      'leads',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'L-4,2026-11-01,cy@x.com,amara@x.com',
        'L-5,2026-11-01,Amara Okafor,nobody@x.com',
        'L-6,2026-11-01,AMARA@X.COM,amara@x.com',
        'L-7,2026-11-01,Dee Lane,dee@x.com',
      ),
    );
    expect(second.errors).toBe(
      [
        'line 2: owner_name "cy@x.com" is another email address than owner_email amara@x.com; give one of the two',
        'line 3: owner_email matches no rep: nobody@x.com, and "Amara Okafor" is Amara Okafor <amara@x.com>; give that rep\'s email, or, for another person, a name no rep has',
      ].join('\n'),
    );
    expect(await rows('select name, email from reps order by id')).toEqual([
      { name: 'Amara Okafor', email: 'amara@x.com' },
      { name: 'Cy Ng', email: 'cy@x.com' },
    ]);
  });

  it('matches owner and account names spelled another way, creating nothing', async () => {
    await amara();
    await acme();
    const r = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,account',
        'O-1,2026-11-01,amara okafor,acme',
        'O-2,2026-11-01,Amara  Okafor,ACME',
        'O-3,2026-11-01,Amara Okáfor,Acme',
        'O-4,2026-11-01,AMARA OKAFOR ,ácme',
      ),
    );
    expect(r).toEqual({ summary: 'opportunities: 4 rows, 4 inserted, 0 updated, 0 unchanged', errors: '' });
    expect(await rows('select id, name, email from reps order by id')).toEqual([
      { id: 1, name: 'Amara Okafor', email: 'amara@x.com' },
    ]);
    expect(await rows('select id, external_id, name from accounts order by id')).toEqual([
      { id: 1, external_id: 'A-1', name: 'Acme' },
    ]);
    expect(
      await rows('select external_id, owner_rep_id, account_id from opportunities order by external_id'),
    ).toEqual(
      ['O-1', 'O-2', 'O-3', 'O-4'].map((id) => ({ external_id: id, owner_rep_id: 1, account_id: 1 })),
    );
  });

  // Tester (LOW): "Quinn  Q" (two spaces), the file's first spelling, was matched folded but created and shown
  // as typed; a new name is stored with each run of spaces, tabs and no-break spaces as one space.
  it('stores a new name with a run of spaces, tabs or no-break spaces as one space (file)', async () => {
    const r = await run('reps', csv('name,team', 'Quinn  Q,Sales \u00a0 West'));
    expect(r).toEqual({
      summary: 'reps: 1 row, 1 inserted, 0 updated, 0 unchanged; created 1 team: Sales West',
      errors: '',
    });
    const a = await run('accounts', csv('external_id,name', 'A-1,Acme \u00a0 Corp'));
    expect(a).toEqual({ summary: 'accounts: 1 row, 1 inserted, 0 updated, 0 unchanged', errors: '' });
    const o = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,account',
        'O-1,2026-11-01,quinn q,ACME CORP',
        'O-2,2026-11-01,QUINN\u00a0Q,Acme  Corp',
        'O-3,2026-11-01,Quinn  Q,Globex \u00a0Inc',
      ),
    );
    expect(o).toEqual({
      summary: 'opportunities: 3 rows, 3 inserted, 0 updated, 0 unchanged; created 1 account: Globex Inc',
      errors: '',
    });
    expect(await rows('select id, name from reps order by id')).toEqual([{ id: 1, name: 'Quinn Q' }]);
    expect(await rows('select name from teams order by id')).toEqual([{ name: 'Sales West' }]);
    // A new account's external id is the reference as given (an identifier: spaces kept); its name is single-spaced.
    expect(await rows('select external_id, name from accounts order by id')).toEqual([
      { external_id: 'A-1', name: 'Acme Corp' },
      { external_id: 'Globex \u00a0Inc', name: 'Globex Inc' },
    ]);
    expect(await rows('select owner_rep_id, account_id from opportunities order by external_id')).toEqual([
      { owner_rep_id: 1, account_id: 1 },
      { owner_rep_id: 1, account_id: 1 },
      { owner_rep_id: 1, account_id: 2 },
    ]);
  });

  it('stores a new name with a run of spaces, tabs or no-break spaces as one space (API), and no warning', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'reps',
            items: [{ name: 'Tess \t Tan', team: 'North\u00a0\u00a0Star', email: 'tess@x.com' }],
          },
          { entity: 'accounts', items: [{ name: 'Acme \u00a0 Corp' }] },
          {
            entity: 'leads',
            items: [
              {
                external_id: 'L-1',
                created_at: '2026-11-20',
                name: 'Lee \u00a0Lo',
                company: 'Initech\t\tLtd',
                owner_name: 'tess  tan',
              },
            ],
          },
          {
            entity: 'opportunities',
            items: [
              { external_id: 'O-1', created_at: '2026-11-01', owner_name: 'TESS TAN', account: 'acme\tcorp' },
            ],
          },
        ],
      },
      opts,
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings ?? []).toEqual([]);
    expect(await rows('select name, email from reps order by id')).toEqual([
      { name: 'Tess Tan', email: 'tess@x.com' },
    ]);
    expect(await rows('select name from teams order by id')).toEqual([{ name: 'North Star' }]);
    // An accounts item without external_id is keyed by its name as given, as a deal's reference is.
    expect(await rows('select external_id, name from accounts order by id')).toEqual([
      { external_id: 'Acme \u00a0 Corp', name: 'Acme Corp' },
    ]);
    expect(await rows('select name, company from leads')).toEqual([
      { name: 'Lee Lo', company: 'Initech Ltd' },
    ]);
    expect(
      await rows('select count(*)::int as n from opportunities where account_id = 1 and owner_rep_id = 1'),
    ).toEqual([{ n: 1 }]);
  });

  it('keeps the stored spelling of a name stored with a run of spaces when a file matches it', async () => {
    await rows("insert into reps (name) values ('Zed  Old')");
    const r = await run('opportunities', csv('external_id,created_at,owner_name', 'O-1,2026-11-01,zed old'));
    expect(r.summary).toBe('opportunities: 1 row, 1 inserted, 0 updated, 0 unchanged');
    const again = await run('reps', csv('name,active', 'Zed  Old,yes'));
    expect(again.errors).toBe('');
    expect(await rows('select name from reps')).toEqual([{ name: 'Zed  Old' }]);
    // A name written by its record's key (an account's external id) is the row's, as read: the single space.
    await rows("insert into accounts (external_id, name) values ('A-9', 'Old  Co')");
    const account = await run('accounts', csv('external_id,name', 'A-9,Old  Co'));
    expect(account.summary).toBe('accounts: 1 row, 0 inserted, 1 updated, 0 unchanged');
    expect(await rows('select name from accounts')).toEqual([{ name: 'Old Co' }]);
  });

  // Tester (MED): a deal's `account` is matched to an account's external id and creates an account with it as
  // external id, so single-spacing it changed an identifier: `Acme  Corp` created external id `Acme Corp`, an
  // accounts file keyed `Acme  Corp` then made a second account, and a later deal's `Acme  Corp` went to the
  // first. The reference keeps its exact spelling for the id; only the new account's name is single-spaced.
  it('keeps the exact spelling of an account reference as the external id it matches and creates (file)', async () => {
    const o = await run('opportunities', csv('external_id,created_at,account', 'O-1,2026-11-01,Acme  Corp'));
    expect(o).toEqual({
      summary: 'opportunities: 1 row, 1 inserted, 0 updated, 0 unchanged; created 1 account: Acme Corp',
      errors: '',
    });
    expect(await rows('select id, external_id, name from accounts order by id')).toEqual([
      { id: 1, external_id: 'Acme  Corp', name: 'Acme Corp' },
    ]);
    // The accounts file keyed by that external id updates the same account: no second account, no warning.
    const a = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(csv('external_id,name,became_customer_at', 'Acme  Corp,Acme Corp,2026-01-01')),
      ...opts,
    });
    expect(a).toMatchObject({ inserted: 0, updated: 1, warnings: [] });
    // An accounts row without an external id keys a new account by its name as given, named single-spaced.
    const byName = await run('accounts', csv('name', 'Globex \u00a0Inc'));
    expect(byName.summary).toBe('accounts: 1 row, 1 inserted, 0 updated, 0 unchanged');
    // An account whose external id differs from a stored one only by spacing is another id: the deal that gives
    // it exactly attaches to it.
    await run('accounts', csv('external_id,name', 'Initech Ltd,Initech'));
    const near = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(csv('external_id,name', 'Initech  Ltd,initech')),
      ...opts,
    });
    expect(near.warnings).toEqual([
      expect.objectContaining({
        kind: 'name like a stored account',
        detail: expect.stringMatching(
          /^new account "initech" \(external id "Initech {2}Ltd"\) has the name of stored account id 3 \(external id "Initech Ltd"\), /,
        ),
      }),
    ]);
    const later = await run(
      'opportunities',
      csv(
        'external_id,created_at,account',
        'O-2,2026-11-01,Initech  Ltd',
        'O-3,2026-11-01,Initech Ltd',
        'O-4,2026-11-01,Acme  Corp',
        'O-5,2026-11-01,globex inc',
      ),
    );
    expect(later).toEqual({
      summary: 'opportunities: 4 rows, 4 inserted, 0 updated, 0 unchanged',
      errors: '',
    });
    expect(await rows('select external_id, name from accounts order by id')).toEqual([
      { external_id: 'Acme  Corp', name: 'Acme Corp' },
      { external_id: 'Globex \u00a0Inc', name: 'Globex Inc' },
      { external_id: 'Initech Ltd', name: 'Initech' },
      { external_id: 'Initech  Ltd', name: 'initech' },
    ]);
    expect(
      await rows(
        'select o.external_id, a.external_id as account from opportunities o join accounts a on a.id = o.account_id order by o.external_id',
      ),
    ).toEqual([
      { external_id: 'O-1', account: 'Acme  Corp' },
      { external_id: 'O-2', account: 'Initech  Ltd' },
      { external_id: 'O-3', account: 'Initech Ltd' },
      { external_id: 'O-4', account: 'Acme  Corp' },
      { external_id: 'O-5', account: 'Globex \u00a0Inc' },
    ]);
  });

  it('keeps the exact spelling of an account reference as the external id it matches and creates (API)', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'contracts',
            items: [
              {
                external_id: 'K-1',
                account: 'Umbrella\t Co',
                starts_at: '2026-01-01',
                ends_at: '2027-01-01',
              },
            ],
          },
          {
            entity: 'accounts',
            items: [{ external_id: 'Umbrella\t Co', name: 'Umbrella  Co', became_customer_at: '2026-01-01' }],
          },
          {
            entity: 'opportunities',
            items: [{ external_id: 'O-1', created_at: '2026-11-01', account: 'Umbrella\t Co' }],
          },
        ],
      },
      opts,
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings ?? []).toEqual([]);
    expect(await rows('select id, external_id, name from accounts')).toEqual([
      { id: 1, external_id: 'Umbrella\t Co', name: 'Umbrella Co' },
    ]);
    expect(
      await rows('select account_id from contracts union all select account_id from opportunities'),
    ).toEqual([{ account_id: 1 }, { account_id: 1 }]);
  });

  it('reads a typographic apostrophe as the ASCII one (phone keyboards type O’Brien)', async () => {
    await run('accounts', csv('external_id,name', "A-2,O'Brien & Sons"));
    const r = await run(
      'opportunities',
      csv('external_id,created_at,account', 'O-9,2026-11-01,O’Brien & Sons'),
    );
    expect(r).toEqual({ summary: 'opportunities: 1 row, 1 inserted, 0 updated, 0 unchanged', errors: '' });
    expect(await rows('select name from accounts order by id')).toEqual([{ name: "O'Brien & Sons" }]);
    expect(fold('Seán O’Neill')).toBe(fold("sean o'neill"));
  });

  it("matches a rep's team spelled another way, and a teams file's name, keeping the stored spelling", async () => {
    await amara();
    const r = await run('reps', csv('name,email,team', 'Bo Diaz,bo@x.com,sales  &  SUCCESS'));
    expect(r.summary).toBe('reps: 1 row, 1 inserted, 0 updated, 0 unchanged');
    const t = await run('teams', csv('name,timezone', 'SALES & SÚCCESS,Europe/Paris'));
    expect(t.summary).toBe('teams: 1 row, 0 inserted, 1 updated, 0 unchanged');
    expect(await rows('select id, name, timezone from teams order by id')).toEqual([
      { id: 1, name: 'Sales & Success', timezone: 'Europe/Paris' },
    ]);
    expect(await rows('select rep_id, team_id from team_memberships order by rep_id')).toEqual([
      { rep_id: 1, team_id: 1 },
      { rep_id: 2, team_id: 1 },
    ]);
  });

  it('an accounts file keyed by name updates the account of that name, spelled any way', async () => {
    await acme();
    const r = await run(
      'accounts',
      csv('name,became_customer_at', 'ÁCME,2026-01-15', 'Initech,2026-02-01', 'initech,'),
    );
    // `initech` names the account of `Initech` again: merged into it and counted, so the parts add up.
    expect(r).toEqual({
      summary:
        'accounts: 3 rows, 1 inserted, 1 updated, 0 unchanged, 1 merged into a later row with the same id',
      errors: '',
    });
    expect(
      await rows('select id, external_id, name, became_customer_at::text as c from accounts order by id'),
    ).toEqual([
      { id: 1, external_id: 'A-1', name: 'Acme', c: '2026-01-15 00:00:00+00' },
      { id: 2, external_id: 'Initech', name: 'Initech', c: null },
    ]);
  });

  it('creates a new name once per file, named as first written, and says so', async () => {
    const r = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,account',
        'O-1,2026-11-01,Bo Diaz,Initech',
        'O-2,2026-11-01,bo diaz,initech',
        'O-3,2026-11-01,Bó  Díaz,INITECH',
        'O-4,2026-11-01,Cy Ng,Globex',
      ),
    );
    expect(r).toEqual({
      summary:
        'opportunities: 4 rows, 4 inserted, 0 updated, 0 unchanged; created 2 reps (no email): Bo Diaz, Cy Ng; 2 accounts: Initech, Globex',
      errors: '',
    });
    expect(await rows('select id, name, email from reps order by id')).toEqual([
      { id: 1, name: 'Bo Diaz', email: null },
      { id: 2, name: 'Cy Ng', email: null },
    ]);
    expect(await rows('select id, external_id, name from accounts order by id')).toEqual([
      { id: 1, external_id: 'Initech', name: 'Initech' },
      { id: 2, external_id: 'Globex', name: 'Globex' },
    ]);
    expect(
      await rows('select external_id, owner_rep_id, account_id from opportunities order by external_id'),
    ).toEqual([
      { external_id: 'O-1', owner_rep_id: 1, account_id: 1 },
      { external_id: 'O-2', owner_rep_id: 1, account_id: 1 },
      { external_id: 'O-3', owner_rep_id: 1, account_id: 1 },
      { external_id: 'O-4', owner_rep_id: 2, account_id: 2 },
    ]);
    // A later file's spellings match what the first one created.
    const again = await run('leads', csv('external_id,created_at,owner_name', 'L-1,2026-11-01,BO DIAZ'));
    expect(again.summary).toBe('leads: 1 row, 1 inserted, 0 updated, 0 unchanged');
  });

  it('reads an email address in owner_name as that rep, and never creates a rep named by an address', async () => {
    await amara();
    const ok = await run(
      'opportunities',
      csv('external_id,created_at,owner_name', 'O-1,2026-11-01,AMARA@x.com'),
    );
    expect(ok).toEqual({ summary: 'opportunities: 1 row, 1 inserted, 0 updated, 0 unchanged', errors: '' });
    const bad = await run('leads', csv('external_id,created_at,owner_name', 'L-1,2026-11-01,nobody@x.com'));
    expect(bad.errors).toBe(
      'line 2: owner_name "nobody@x.com" is an email address and no rep has it; write the person\'s name in owner_name, or the address in owner_email with a name to create them',
    );
    expect(await rows('select id, name from reps order by id')).toEqual([{ id: 1, name: 'Amara Okafor' }]);
    expect(await rows('select owner_rep_id from opportunities')).toEqual([{ owner_rep_id: 1 }]);
  });

  it('says which field names no rep, with a colon before the value (a tester read "owner_email no rep with email …")', async () => {
    await amara();
    const bad = await run('leads', csv('external_id,created_at,owner_email', 'L-1,2026-11-01,nobody@x.com'));
    expect(bad.errors).toBe('line 2: owner_email matches no rep: nobody@x.com (add a name to create one)');
  });

  it('refuses a name that matches two records, with its line and how to pick', async () => {
    await run('reps', csv('name,email', 'Amara Okafor,amara@x.com', 'Amara Okáfor,amara2@x.com'));
    await run('accounts', csv('external_id,name', 'A-1,Acme', 'A-2,ACME'));
    const r = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,owner_email,account',
        'O-1,2026-11-01,amara okafor,,A-1',
        'O-2,2026-11-01,,amara2@x.com,acme',
        'O-3,2026-11-01,,amara@x.com,A-2',
      ),
    );
    expect(r).toEqual({
      summary:
        'opportunities: rejected, 2 invalid of 3 rows; nothing imported (fix them or pass --skip-invalid)',
      errors: [
        'line 2: owner_name "amara okafor" matches 2 people: Amara Okafor <amara@x.com>; Amara Okáfor <amara2@x.com>; use owner_email',
        'line 3: account "acme" matches 2 accounts: Acme (id 1); ACME (id 2); use the external id',
      ].join('\n'),
    });
    expect(await rows('select count(*)::int as n from opportunities')).toEqual([{ n: 0 }]);
    // A reps file row without an email that names two people is refused too.
    const reps = await run('reps', csv('name,role', 'AMARA OKAFOR,manager'));
    expect(reps.errors).toBe(
      'line 2: name "AMARA OKAFOR" matches 2 people: Amara Okafor <amara@x.com>; Amara Okáfor <amara2@x.com>; add email',
    );
  });

  it('warns about accounts in one file whose names fold alike under different ids, and later references by that name are refused', async () => {
    // Two real companies may share a name, so both are stored; but "Acme", "ACME" and "Ácme" are one
    // name to every lookup, so the file says so instead of silently making look-alike twins.
    const r = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(
        csv(
          'external_id,name',
          'A-1,Acme',
          'B-1,Beta',
          'A-2,ACME',
          'A-1,acme',
          'A-3,Ácme',
          'C-1,O’Brien & Sons',
          "C-2,o'brien  &  sons",
        ),
      ),
      ...opts,
    });
    expect(r).toMatchObject({ rows: 7, inserted: 6, invalidRows: 0 });
    // Line 5 repeats A-1 (a duplicate id, not a look-alike; the later row wins, so A-1 is named "acme").
    expect(r.warnings.find((w) => w.kind === 'name like another account')).toEqual({
      kind: 'name like another account',
      count: 3,
      lines: [4, 6, 8],
      detail:
        'account "ACME" (external id "A-2") has the name of the account on line 2 under another external id, ignoring case and accents: both are stored, and a reference to either by that name (a deal\'s account) is refused as ambiguous; refer to them by external id, or give them one external id if they are one company',
    });
    expect(formatDetails(r)).toContain(
      'warning: 3 accounts named like another account in the file (lines 4, 6, 8): account "ACME" (external id "A-2")',
    );
    expect(await rows<{ n: number }>('select count(*)::int as n from accounts')).toEqual([{ n: 6 }]);
    // Name-based lookups report the ambiguity, naming the twins: a deal's or contract's account, an
    // accounts row without an external id.
    const deal = await run('opportunities', csv('external_id,created_at,account', 'O-1,2026-11-01,acme'));
    expect(deal.errors).toBe(
      'line 2: account "acme" matches 3 accounts: acme (id 1); ACME (id 2); Ácme (id 3); use the external id',
    );
    const contract = await run(
      'contracts',
      csv('external_id,account,starts_at,ends_at', "K-1,O'Brien & Sons,2026-01-01,2027-01-01"),
    );
    expect(contract.errors).toMatch(
      /^line 2: account "O'Brien & Sons" matches 2 accounts: O’Brien & Sons \(id \d+\); o'brien & sons \(id \d+\); use the external id$/,
    );
    const byName = await run('accounts', csv('name,became_customer_at', 'ACME,2026-01-01'));
    expect(byName.errors).toMatch(/^line 2: name "ACME" matches 3 accounts: .*; give external_id$/);
    // The ingest API counts the same, per item.
    const api = await ingestBatch(
      ctx.db(),
      {
        entity: 'accounts',
        items: [
          { external_id: 'G-1', name: 'Globex' },
          { external_id: 'G-2', name: 'GLOBEX ' },
        ],
      },
      opts,
    );
    expect(api.warnings).toEqual([
      {
        index: 1,
        kind: 'name like another account',
        message: expect.stringMatching(
          /^account "GLOBEX" \(external id "G-2"\) has the name of item 0 under another external id/,
        ),
      },
    ]);
  });

  // Tester: a deal file naming account "Acme & Co" created that account (external id "Acme & Co"); then
  // accounts.csv `A-1,Acme & Co,2026-04-01,` read "1 inserted" with no word: a second Acme & Co got the
  // customer date, the deal's account never became a customer, and a later deal naming it was refused.
  it('warns about a new account named like a stored account under another external id, naming it', async () => {
    const deal = await run(
      'opportunities',
      csv('external_id,created_at,account', 'O-1,2026-11-01,Acme & Co'),
    );
    expect(deal.summary).toBe(
      'opportunities: 1 row, 1 inserted, 0 updated, 0 unchanged; created 1 account: Acme & Co',
    );
    const r = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(
        csv(
          'external_id,name,became_customer_at,churned_at',
          'B-1,Beta,2026-04-01,',
          'A-1,Acme & Co,2026-04-01,',
        ),
      ),
      ...opts,
    });
    // Stored as given (two companies may share a name), but said, on its line, with the stored account.
    expect(r).toMatchObject({ rows: 2, inserted: 2, invalidRows: 0 });
    const detail =
      'new account "Acme & Co" (external id "A-1") has the name of stored account id 1 (external id "Acme & Co"), ignoring case and accents: both are stored, and a reference to either by that name (a deal\'s account) is refused as ambiguous; if they are one company, put the stored account\'s external id "Acme & Co" on this row to update it instead, then rename the new account and empty its dates (nothing deletes it); if they are different companies, rename one';
    expect(r.warnings).toEqual([{ kind: 'name like a stored account', count: 1, lines: [3], detail }]);
    expect(formatDetails(r)).toContain(
      `warning: 1 new account named like a stored account (line 3): ${detail}`,
    );
    // A stored account the file itself writes by its external id is left to the in-file check (the file
    // may rename it); the other stored look-alike (A-1) is named.
    const mixed = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(csv('external_id,name', 'A-3,acme & co', 'Acme & Co,Acme & Co')),
      ...opts,
    });
    // Kinds in the order first seen: the writer finds the stored look-alike after the file's rows are read.
    expect(mixed.warnings).toEqual([
      expect.objectContaining({ kind: 'name like another account', lines: [3] }),
      {
        kind: 'name like a stored account',
        count: 1,
        lines: [2],
        detail: expect.stringMatching(
          /^new account "acme & co" \(external id "A-3"\) has the name of stored account id \d+ \(external id "A-1"\), /,
        ),
      },
    ]);
    // The deal file naming the account now matches several accounts: refused, as the warning said.
    const later = await run(
      'opportunities',
      csv('external_id,created_at,account', 'O-2,2026-11-01,acme & co'),
    );
    expect(later.errors).toMatch(/^line 2: account "acme & co" matches 3 accounts: /);
    // Updating A-1 again is no new account: nothing to say.
    const again = await importCsv(ctx.db(), {
      entity: 'accounts',
      input: createReadStream(csv('external_id,name,churned_at', 'A-1,Acme & Co,')),
      ...opts,
    });
    expect(again).toMatchObject({ updated: 0, unchanged: 1, warnings: [] });
    // The ingest API says the same, per item; two stored look-alikes are both named.
    const api = await ingestBatch(
      ctx.db(),
      {
        entity: 'accounts',
        items: [
          { external_id: 'A-2', name: 'acme  & co' },
          { external_id: 'B-2', name: 'Bêta' },
          { external_id: 'C-1', name: 'Cyan' },
        ],
      },
      opts,
    );
    expect(api.warnings).toEqual([
      {
        index: 0,
        kind: 'name like a stored account',
        message: expect.stringMatching(
          /^new account "acme & co" \(external id "A-2"\) has the name of stored accounts id 1 \(external id "Acme & Co"\), id \d+ \(external id "A-1"\), id \d+ \(external id "A-3"\), ignoring case and accents: .*; if they are one company, put that stored account's external id on this item to update it instead/,
        ),
      },
      {
        index: 1,
        kind: 'name like a stored account',
        message: expect.stringMatching(
          /^new account "Bêta" \(external id "B-2"\) has the name of stored account id \d+ \(external id "B-1"\)/,
        ),
      },
    ]);
  });

  it('counts a look-alike of an account an earlier batch of the same request stored once, as in the file', async () => {
    await ingestBatch(ctx.db(), { entity: 'accounts', items: [{ external_id: 'S-1', name: 'Sol' }] }, opts);
    // Items past the first 1,000 are written after the first 1,000 are stored: N-1 is then a stored account,
    // but it is the request's own look-alike, which the in-file check counts already. S-1 was stored before.
    const items = Array.from({ length: 1002 }, (_, i) => ({ external_id: `N-${i + 1}`, name: `Nova ${i}` }));
    items[1000] = { external_id: 'N-1001', name: 'NOVA 0' };
    items[1001] = { external_id: 'N-1002', name: 'sol' };
    const r = await ingestBatch(ctx.db(), { entity: 'accounts', items }, opts);
    expect(r.inserted).toBe(1002);
    expect(r.warnings).toEqual([
      {
        index: 1000,
        kind: 'name like another account',
        message: expect.stringMatching(/^account "NOVA 0" \(external id "N-1001"\) has the name of item 0/),
      },
      {
        index: 1001,
        kind: 'name like a stored account',
        message: expect.stringMatching(
          /^new account "sol" \(external id "N-1002"\) has the name of stored account id 1 \(external id "S-1"\), /,
        ),
      },
    ]);
  });

  it('a reps row without an email updates the one rep of that name, even one stored with an email', async () => {
    // Documented (docs/data-in.md): reps are matched by email, then slack_user_id, then name; a name that
    // matches one person is that person, as owner_name on a deal is. Two matches are refused ("add email").
    await amara();
    const r = await run('reps', csv('name,timezone', 'amara okafor,Europe/Paris'));
    expect(r).toEqual({ summary: 'reps: 1 row, 0 inserted, 1 updated, 0 unchanged', errors: '' });
    expect(await rows('select id, name, email, timezone from reps order by id')).toEqual([
      { id: 1, name: 'Amara Okafor', email: 'amara@x.com', timezone: 'Europe/Paris' },
    ]);
  });

  it('ingest API: the same matching, creation once, and a per-item error for two matches', async () => {
    await amara();
    await acme();
    const opp = (id: string, extra: Record<string, unknown>) => ({
      external_id: id,
      created_at: '2026-11-01',
      ...extra,
    });
    const ok = await ingestBatch(
      ctx.db(),
      {
        entity: 'opportunities',
        items: [
          opp('O-1', { owner_name: 'amara  OKÁFOR', account: 'ACME' }),
          opp('O-2', { owner_name: 'Bo Diaz', account: 'Initech' }),
          opp('O-3', { owner_name: 'bo diaz', account: 'initech' }),
        ],
      },
      opts,
    );
    expect(ok).toEqual({ inserted: 3, updated: 0, unchanged: 0, errors: [] });
    expect(await rows('select id, name, email from reps order by id')).toEqual([
      { id: 1, name: 'Amara Okafor', email: 'amara@x.com' },
      { id: 2, name: 'Bo Diaz', email: null },
    ]);
    expect(await rows('select id, external_id, name from accounts order by id')).toEqual([
      { id: 1, external_id: 'A-1', name: 'Acme' },
      { id: 2, external_id: 'Initech', name: 'Initech' },
    ]);
    expect(
      await rows('select external_id, owner_rep_id, account_id from opportunities order by external_id'),
    ).toEqual([
      { external_id: 'O-1', owner_rep_id: 1, account_id: 1 },
      { external_id: 'O-2', owner_rep_id: 2, account_id: 2 },
      { external_id: 'O-3', owner_rep_id: 2, account_id: 2 },
    ]);
    await ingestBatch(
      ctx.db(),
      { entity: 'reps', items: [{ name: 'Amara Okafor', email: 'amara3@x.com' }] },
      opts,
    );
    const refused = await ingestBatch(
      ctx.db(),
      {
        entity: 'activities',
        items: [{ external_id: 'X-1', kind: 'call', occurred_at: '2026-11-02', rep_name: 'amara okafor' }],
      },
      opts,
    );
    expect(refused).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 0,
      errors: [
        {
          index: 0,
          field: 'rep_name',
          message:
            '"amara okafor" matches 2 people: Amara Okafor <amara@x.com>; Amara Okafor <amara3@x.com>; use rep_email',
        },
      ],
    });
  });

  it('imports a file naming 20,000 new accounts and owners (one creation lock, not one per name)', async () => {
    // One lock per new name, all held to the end of the import's transaction, ran out of the server's lock
    // table ("out of shared memory", max_locks_per_transaction) at about 20,000 new names.
    const n = 20_000;
    const lines = ['external_id,created_at,owner_name,account'];
    for (let i = 0; i < n; i += 1) lines.push(`H-${i},2026-11-01,Owner ${i % 2_000},Big Account ${i}`);
    const r = await run('opportunities', csv(...lines));
    expect(r.errors).toBe('');
    expect(r.summary).toBe(
      'opportunities: 20,000 rows, 20,000 inserted, 0 updated, 0 unchanged; created 2,000 reps (no email): ' +
        'Owner 0, Owner 1, Owner 2, Owner 3, Owner 4, … (1,995 more); ' +
        '20,000 accounts: Big Account 0, Big Account 1, Big Account 2, Big Account 3, Big Account 4, … (19,995 more)',
    );
    expect(await rows('select count(*)::int as n from accounts')).toEqual([{ n }]);
    expect(await rows('select count(*)::int as n from reps')).toEqual([{ n: 2_000 }]);
  }, 300_000);

  it('makes no twins when two writers create the same new names at once, spelled differently', async () => {
    // Eight batches at once (separate transactions on Postgres), each naming the same new owners and accounts
    // in its own spelling and order: the creation lock lets one create each name and the rest find it.
    const spellings = [
      ['Cy Ng', 'Globex'],
      ['cy  ng', 'GLOBEX'],
      ['CY NG', 'globex '],
      ['Cý Ng', 'Glóbex'],
    ];
    const batches = Array.from({ length: 8 }, (_, b) => {
      const [owner, account] = spellings[b % spellings.length]!;
      return ingestBatch(
        ctx.db(),
        {
          entity: 'opportunities',
          items: [
            { external_id: `C-${b}-1`, created_at: '2026-11-01', owner_name: 'Dee Roe', account: 'Hooli' },
            { external_id: `C-${b}-2`, created_at: '2026-11-01', owner_name: owner, account },
          ].sort(() => (b % 2 === 0 ? 1 : -1)),
        },
        opts,
      );
    });
    for (const r of await Promise.all(batches)) expect(r.errors).toEqual([]);
    expect(await rows('select name from reps order by name')).toHaveLength(2);
    expect(await rows('select name from accounts order by name')).toHaveLength(2);
    expect(
      await rows(
        'select count(distinct owner_rep_id)::int as reps, count(distinct account_id)::int as accounts from opportunities',
      ),
    ).toEqual([{ reps: 2, accounts: 2 }]);
  });

  it('makes no twins when teams and accounts files name the same new names at once, spelled differently', async () => {
    // Eight batches at once (separate transactions on Postgres): teams keyed by name, and accounts without an
    // external id (keyed by name too). Without the creation lock each writer found nothing and inserted its
    // own spelling: "EMEA" and "emea" side by side.
    const spellings = [
      ['EMEA', 'Initech'],
      ['emea', 'INITECH'],
      ['Emea', 'initech'],
      ['ÉMEA', 'Inítech'],
    ];
    const batches = Array.from({ length: 8 }, (_, b) => {
      const [team, account] = spellings[b % spellings.length]!;
      return ingestBatch(
        ctx.db(),
        {
          batches: [
            { entity: 'teams', items: [{ name: team }, { name: `Team ${b}` }] },
            { entity: 'accounts', items: [{ name: account }, { name: `Account ${b}` }] },
          ],
        },
        opts,
      );
    });
    for (const r of await Promise.all(batches)) expect(r.errors).toEqual([]);
    const named = async (table: string, key: string) =>
      (await rows<{ name: string }>(`select name from ${table}`)).filter((r) => fold(r.name) === key);
    expect(await named('teams', 'emea')).toHaveLength(1);
    expect(await named('accounts', 'initech')).toHaveLength(1);
    expect(await rows('select count(*)::int as n from teams')).toEqual([{ n: 9 }]);
    expect(await rows('select count(*)::int as n from accounts')).toEqual([{ n: 9 }]);
  });

  it('warns when a reps file names the same person on two rows, which records a team move (tester)', async () => {
    const r = await importCsv(ctx.db(), {
      entity: 'reps',
      input: createReadStream(
        csv('name;email;role;team', 'Bob Neu;bob@example.com;rep;Vertrieb', 'Bob Neu;BOB@example.com;rep;HQ'),
      ),
      ...opts,
    });
    expect(r.warnings.find((w) => w.kind === 'person on several rows')).toEqual({
      kind: 'person on several rows',
      count: 1,
      lines: [3],
      detail:
        'bob@example.com is on line 2 and again on line 3: both are applied in order, so a different team on the later one is a team move dated today (give team_since to date it, or delete the repeated row)',
    });
    expect(formatDetails(r)).toContain(
      'warning: 1 repeated row for the same person (line 3): bob@example.com',
    );
  });
});
