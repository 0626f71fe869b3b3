import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatErrors } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer, refusedItems } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('placeholder-own-name').file;

// Tester (MED): a reps row named "-", "TBD" or "none" was stored as a person of that name ("3 inserted", no
// word), and a teams row named "N/A" as a team "N/A".
describeDb("a placeholder in a rep's or a team's own name", (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const names = async (table: 'reps' | 'teams') =>
    (
      await queryRows<{ name: string }>(
        ctx.db(),
        table === 'reps'
          ? sql`select name from reps order by name`
          : sql`select name from teams order by name`,
      )
    ).map((r) => r.name);

  it('refuses a reps row whose name is a placeholder, saying why on its line', async () => {
    const file = csv(
      ['name,email,team', '-,,EMEA', 'TBD,tbd@y.com,EMEA', 'none,none@y.com,', 'Ann Lee,ann@y.com,EMEA'].join(
        '\n',
      ),
    );
    const r = await importFile('reps', file);
    // An invalid row rolls the file back (without --skip-invalid): nothing is stored.
    expect(r).toMatchObject({ inserted: 0, invalidRows: 3 });
    expect(formatErrors(r)).toBe(
      [
        `line 2: name "-" is a placeholder, not a person's name: give the rep's name`,
        `line 3: name "TBD" is a placeholder, not a person's name: give the rep's name`,
        `line 4: name "none" is a placeholder, not a person's name: give the rep's name`,
      ].join('\n'),
    );
    expect(await names('reps')).toEqual([]);
  });

  it('refuses a teams row named "N/A", and keeps a team named "NA" (North America)', async () => {
    const file = csv(['name,timezone', 'N/A,UTC', 'NA,America/New_York'].join('\n'));
    const r = await importFile('teams', file);
    expect(r).toMatchObject({ inserted: 0, invalidRows: 1 });
    expect(formatErrors(r)).toBe(
      `line 2: name "N/A" is a placeholder, not a team's name: give the team's name`,
    );
    expect(await names('teams')).toEqual([]);
    const kept = await importFile('teams', csv(['name,timezone', 'NA,America/New_York'].join('\n')));
    expect(kept).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(await names('teams')).toEqual(['NA']);
  });

  it('refuses an item whose name is a placeholder through the API, naming the field', async () => {
    expect(await post({ entity: 'reps', items: [{ name: 'N/A' }] })).toEqual(
      refusedItems([
        {
          index: 0,
          field: 'name',
          message: `"N/A" is a placeholder, not a person's name: give the rep's name`,
        },
      ]),
    );
    expect(await post({ entity: 'teams', items: [{ name: 'Unassigned' }] })).toEqual(
      refusedItems([
        {
          index: 0,
          field: 'name',
          message: `"Unassigned" is a placeholder, not a team's name: give the team's name`,
        },
      ]),
    );
    expect(await names('reps')).toEqual([]);
    expect(await names('teams')).toEqual([]);
  });
});
