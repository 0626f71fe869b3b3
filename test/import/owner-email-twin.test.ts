import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatErrors, formatSummary } from '../../src/import/report.js';
import { type Entity, ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('owner-email-twin').lines;

// Monday 23 Nov 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const opts = { timezone: 'UTC', now: NOW };

// Tester (MED): an unknown owner_email with the name of a stored rep is refused when that rep has an email
// (test/import/names.test.ts), but two unknown emails with one name in one batch both got through: the first
// claimed (or created) the rep of that name, the second made a second rep of it without a word, after which
// every reference by the name matched two people. The second is now refused as it is in a later batch.
describeDb('an unknown owner email with the name of a rep', (ctx) => {
  // --skip-invalid, so that the rows not refused are written (and the reps they name created).
  const run = async (entity: Entity, file: string) => {
    const r = await importCsv(ctx.db(), {
      entity,
      input: createReadStream(file),
      skipInvalid: true,
      ...opts,
    });
    return { summary: formatSummary(entity, r), errors: formatErrors(r) };
  };
  const reps = () => queryRows(ctx.db(), sql.raw('select name, email from reps order by id'));

  it('refuses a second unknown email naming the stored rep without email that the first one claimed', async () => {
    // Pat Lee known only by name (an owner_name of an earlier file).
    const first = await run('leads', csv('external_id,created_at,owner_name', 'L-1,2026-11-01,Pat Lee'));
    expect(first.errors).toBe('');
    expect(await reps()).toEqual([{ name: 'Pat Lee', email: null }]);
    const r = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'O-1,2026-11-02,Pat Lee,pat@x.com',
        'O-2,2026-11-02,pat lee,pat.lee@y.com',
      ),
    );
    expect(r.errors).toBe(
      'line 3: owner_email matches no rep: pat.lee@y.com, and "pat lee" is Pat Lee <pat@x.com>; give that rep\'s email, or, for another person, a name no rep has',
    );
    expect(await reps()).toEqual([{ name: 'Pat Lee', email: 'pat@x.com' }]);
  });

  it('refuses a second unknown email with the name a first one creates, as a later batch would be', async () => {
    const r = await run(
      'leads',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'L-1,2026-11-02,Pat Lee,pat@x.com',
        'L-2,2026-11-02,Pat Lee,pat@x.com',
        'L-3,2026-11-02,Pát Lee,pat.lee@y.com',
      ),
    );
    expect(r.errors).toBe(
      'line 4: owner_email matches no rep: pat.lee@y.com, and "Pát Lee" is Pat Lee <pat@x.com>; give that rep\'s email, or, for another person, a name no rep has',
    );
    expect(await reps()).toEqual([{ name: 'Pat Lee', email: 'pat@x.com' }]);
  });

  it('refuses the second of two unknown emails with one name in an ingest request (activities)', async () => {
    const api = await ingestBatch(
      ctx.db(),
      {
        entity: 'activities',
        items: [
          {
            external_id: 'A-1',
            kind: 'call',
            occurred_at: '2026-11-02',
            rep_name: 'Pat Lee',
            rep_email: 'pat@x.com',
          },
          {
            external_id: 'A-2',
            kind: 'call',
            occurred_at: '2026-11-02',
            rep_name: 'PAT LEE',
            rep_email: 'pat.lee@y.com',
          },
        ],
      },
      opts,
    );
    expect(api.errors).toEqual([
      {
        index: 1,
        field: 'rep_email',
        message:
          'matches no rep: pat.lee@y.com, and "PAT LEE" is Pat Lee <pat@x.com>; give that rep\'s email, or, for another person, a name no rep has',
      },
    ]);
    // A request with a refused item writes nothing.
    expect(await reps()).toEqual([]);
  });

  // Fresh tester helper-403 (HIGH): a new person named with an email on one row and by name alone on another
  // made two reps "Sam Ode" (one without an email); without --skip-invalid the file was refused as naming two
  // people, with it the twin was stored. The name-only row is the person the email row creates, either order.
  it('takes a name-only row for the new rep an email row of the same file creates, in either order', async () => {
    const emailFirst = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'S-1,2026-11-02,Sam Ode,sam@x.com',
        'S-2,2026-11-02,sam ode,',
      ),
    );
    expect(emailFirst.errors).toBe('');
    const nameFirst = await run(
      'leads',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'U-1,2026-11-02,uma vee,',
        'U-2,2026-11-02,Uma Vee,uma@x.com',
      ),
    );
    expect(nameFirst.errors).toBe('');
    expect(await reps()).toEqual([
      { name: 'Sam Ode', email: 'sam@x.com' },
      { name: 'Uma Vee', email: 'uma@x.com' },
    ]);
    const owners = await queryRows(
      ctx.db(),
      sql.raw(`select o.external_id as id, r.email from opportunities o join reps r on r.id = o.owner_rep_id
        union all select l.external_id, r.email from leads l join reps r on r.id = l.owner_rep_id order by 1`),
    );
    expect(owners).toEqual([
      { id: 'S-1', email: 'sam@x.com' },
      { id: 'S-2', email: 'sam@x.com' },
      { id: 'U-1', email: 'uma@x.com' },
      { id: 'U-2', email: 'uma@x.com' },
    ]);
  });

  // Fresh tester helper-404 (MED): when the email row waited for the file's decimal mark ("1,234"), the
  // name-only row made the rep first: it kept that row's spelling ("sam ode") and the summary said "(no email)".
  it('names the rep as its email row does when that row is held to the end of the file', async () => {
    const r = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,owner_email,amount',
        'S-1,2026-11-02,Sam Ode,sam@x.com,"1,234"',
        'S-2,2026-11-02,sam ode,,5',
        'S-3,2026-11-02,sam ode,,2.50',
      ),
    );
    expect(r.errors).toBe('');
    expect(r.summary).toBe(
      'opportunities: 3 rows, 3 inserted, 0 updated, 0 unchanged; created 1 rep: Sam Ode <sam@x.com>',
    );
    expect(await reps()).toEqual([{ name: 'Sam Ode', email: 'sam@x.com' }]);
  });

  it('refuses nothing and makes one rep without --skip-invalid too', async () => {
    const file = csv(
      'external_id,created_at,owner_name,owner_email',
      'W-1,2026-11-02,Wes Ng,wes@x.com',
      'W-2,2026-11-02,wes ng,',
    );
    const r = await importCsv(ctx.db(), { entity: 'opportunities', input: createReadStream(file), ...opts });
    expect(formatErrors(r)).toBe('');
    expect(await reps()).toEqual([{ name: 'Wes Ng', email: 'wes@x.com' }]);
  });
});
