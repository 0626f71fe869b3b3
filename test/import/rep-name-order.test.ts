import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatErrors } from '../../src/import/report.js';
import type { Entity } from '../../src/ingest/index.js';
import { otherNameOrder, otherNameOrders } from '../../src/ingest/names.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('rep-name-order').lines;

// Monday 23 Nov 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');

it('writes a name the other way round', () => {
  expect(otherNameOrder('Ode, Sam')).toBe('Sam Ode');
  expect(otherNameOrder('Sam Ode')).toBe('Ode, Sam');
  expect(otherNameOrder('Mary Ann Lee')).toBe('Lee, Mary Ann');
  expect(otherNameOrder('Cher')).toBeNull();
  expect(otherNameOrder('Ode, Sam, Jr')).toBeNull();
  expect(otherNameOrder('Ode,')).toBeNull();
  expect(otherNameOrders('Ode Sam')).toEqual(['Sam, Ode', 'Sam Ode']);
  expect(otherNameOrders('Lee Mary Ann')).toEqual(['Ann, Lee Mary', 'Ann Lee Mary', 'Mary Ann Lee']);
  expect(otherNameOrders('Ode, Sam')).toEqual(['Sam Ode']);
  expect(otherNameOrders('Cher')).toEqual([]);
});

// Fresh tester helper-404 (MED): owner_name "Ode, Sam" (a CRM's "Last, First") while a rep "Sam Ode" exists made a
// second rep "Ode, Sam" without a word. It may be that person or another: refused, saying how to tell.
describeDb('a rep name written last name first', (ctx) => {
  const run = async (entity: Entity, file: string, skipInvalid = false) =>
    formatErrors(
      await importCsv(ctx.db(), {
        entity,
        input: createReadStream(file),
        timezone: 'UTC',
        now: NOW,
        skipInvalid,
      }),
    );
  const reps = () => queryRows(ctx.db(), sql.raw('select name, email from reps order by id'));

  it('refuses "Ode, Sam" when a rep Sam Ode is stored, and the other way round', async () => {
    expect(await run('leads', csv('external_id,created_at,owner_name', 'L-1,2026-11-01,Sam Ode'))).toBe('');
    expect(await run('leads', csv('external_id,created_at,owner_name', 'L-2,2026-11-01,"Ode, Sam"'))).toBe(
      'line 2: owner_name "Ode, Sam" may be Sam Ode, the name written the other way round; write "Sam Ode" for that rep, or give owner_email for another person',
    );
    expect(await run('leads', csv('external_id,created_at,owner_name', 'L-3,2026-11-01,"Lee, Pat"'))).toBe(
      '',
    );
    expect(await run('leads', csv('external_id,created_at,owner_name', 'L-4,2026-11-01,pat lee'))).toBe(
      'line 2: owner_name "pat lee" may be Lee, Pat, the name written the other way round; write "Lee, Pat" for that rep, or give owner_email for another person',
    );
    expect(await reps()).toEqual([
      { name: 'Sam Ode', email: null },
      { name: 'Lee, Pat', email: null },
    ]);
    // Fresh tester helper-503 (HIGH): "Last First" without the comma made a second rep "Ode Sam" too.
    expect(await run('leads', csv('external_id,created_at,owner_name', 'L-5,2026-11-01,Ode Sam'))).toBe(
      'line 2: owner_name "Ode Sam" may be Sam Ode, the name written the other way round; write "Sam Ode" for that rep, or give owner_email for another person',
    );
    expect(await run('leads', csv('external_id,created_at,owner_name', 'L-6,2026-11-01,ODE SAM'))).toContain(
      'may be Sam Ode',
    );
    expect(await reps()).toHaveLength(2);
  });

  it('refuses "Ode, Sam" beside a new Sam Ode of the same file, and takes it with an email', async () => {
    const errors = await run(
      'opportunities',
      csv(
        'external_id,created_at,owner_name,owner_email',
        'O-1,2026-11-02,Sam Ode,sam@x.com',
        'O-2,2026-11-02,"Ode, Sam",',
        'O-3,2026-11-02,"Ode, Sam",sam.ode@y.com',
      ),
      true,
    );
    expect(errors).toBe(
      'line 3: owner_name "Ode, Sam" may be Sam Ode, the name written the other way round; write "Sam Ode" for that rep, or give owner_email for another person',
    );
    expect(await reps()).toEqual([
      { name: 'Sam Ode', email: 'sam@x.com' },
      { name: 'Ode, Sam', email: 'sam.ode@y.com' },
    ]);
  });
});
