import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('placeholder-manager').file;

// Tester (LOW): manager_name "N/A" in a reps file created a person named "N/A", managing the team.
describeDb('a placeholder manager_name cell (N/A, -, TBD)', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const reps = async () =>
    (await queryRows<{ name: string }>(ctx.db(), sql`select name from reps order by name`)).map(
      (r) => r.name,
    );

  it('reads a placeholder manager_name as an empty cell, creates no one, and counts the rows', async () => {
    const file = csv(
      [
        'name,email,team,manager_name',
        'Ann Lee,ann@example.com,EMEA,N/A',
        'Bob Roe,bob@example.com,EMEA, tbd ',
        'Cy Poe,cy@example.com,EMEA,(blank)',
        'Di Lam,di@example.com,EMEA,Mo Ray',
      ].join('\n'),
    );
    const r = await importFile('reps', file);
    expect(r).toMatchObject({ inserted: 4, invalidRows: 0 });
    expect(await reps()).toEqual(['Ann Lee', 'Bob Roe', 'Cy Poe', 'Di Lam', 'Mo Ray']);
    expect(formatDetails(r)).toContain(
      `warning: 3 rows with a placeholder manager (lines 2, 3, 4): manager_name "N/A", "tbd" and "(blank)" are placeholders, not people's names: read as an empty manager_name cell, no manager is named and none is created`,
    );
  });

  // Tester (MED): manager_name "NA" created a person "NA" who became AMER's manager; a team "NA" is kept.
  it('reads manager_name "NA" or "Unassigned" as a placeholder, and keeps a team named "NA"', async () => {
    const file = csv(
      [
        'name,email,team,manager_name',
        'Ann Lee,ann@example.com,AMER,NA',
        'Bob Roe,bob@example.com,NA,Unassigned',
      ].join('\n'),
    );
    const r = await importFile('reps', file);
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(await reps()).toEqual(['Ann Lee', 'Bob Roe']);
    expect(await queryRows<{ name: string }>(ctx.db(), sql`select name from teams order by name`)).toEqual([
      { name: 'AMER' },
      { name: 'NA' },
    ]);
    expect(formatDetails(r)).toContain(
      `warning: 2 rows with a placeholder manager (lines 2, 3): manager_name "NA" and "Unassigned" are placeholders`,
    );
  });

  it('warns by item through the API', async () => {
    const r = await post({
      entity: 'reps',
      items: [{ name: 'Ann Lee', email: 'ann@example.com', team: 'EMEA', manager_name: '-' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      {
        index: 0,
        kind: 'placeholder manager',
        message: `manager_name "-" is a placeholder, not a person's name: read as an empty manager_name cell, no manager is named and none is created`,
      },
    ]);
    expect(await reps()).toEqual(['Ann Lee']);
  });
});
