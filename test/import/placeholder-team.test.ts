import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('placeholder-team').file;

// Tester: a reps file with team "N/A" created a team literally named "N/A", without a word.
describeDb('a placeholder team cell (N/A, -, TBD)', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const teams = async () =>
    (await queryRows<{ name: string }>(ctx.db(), sql`select name from teams order by name`)).map(
      (t) => t.name,
    );
  const teamOf = async () =>
    queryRows<{ rep: string; team: string | null }>(
      ctx.db(),
      sql`select r.name as rep, t.name as team from reps r
          left join team_memberships m on m.rep_id = r.id and m.valid_to is null
          left join teams t on t.id = m.team_id order by r.name`,
    );

  it('reads a placeholder team as an empty cell (no team), counted in the import summary', async () => {
    const file = csv(
      [
        'name,email,team',
        'Ann Lee,ann@example.com,N/A',
        'Bob Roe,bob@example.com, tbd ',
        'Cy Poe,cy@example.com,-',
        'Di Lam,di@example.com,NA',
        'Ed Orr,ed@example.com,',
      ].join('\n'),
    );
    const r = await importFile('reps', file);
    expect(r).toMatchObject({ inserted: 5, invalidRows: 0 });
    // "NA" is a team's name (North America) as often as a placeholder: kept.
    expect(await teams()).toEqual(['NA']);
    expect(await teamOf()).toEqual([
      { rep: 'Ann Lee', team: null },
      { rep: 'Bob Roe', team: null },
      { rep: 'Cy Poe', team: null },
      { rep: 'Di Lam', team: 'NA' },
      { rep: 'Ed Orr', team: null },
    ]);
    expect(formatDetails(r)).toBe(
      `warning: 3 rows with a placeholder team (lines 2, 3, 4): team "N/A", "tbd" and "-" are placeholders, not team names: read as an empty team cell, the rep is left without a team`,
    );
  });

  // Tester (LOW): with lines 7 and 8 holding TBD and Unknown, the summary quoted only the first 5 lines' "N/A".
  it('quotes every distinct value the rows held, past the first lines, the first ten and a count of the rest', async () => {
    const rows = (values: string[]) =>
      csv(['name,email,team', ...values.map((v, i) => `Rep ${i},r${i}@example.com,${v}`)].join('\n'));
    const run = async (values: string[]) => formatDetails(await importFile('reps', rows(values)));
    expect(await run(['N/A', 'N/A', 'N/A', 'N/A', 'N/A', 'TBD', 'Unknown'])).toBe(
      `warning: 7 rows with a placeholder team (lines 2, 3, 4, 5, 6, …): team "N/A", "TBD" and "Unknown" are placeholders, not team names: read as an empty team cell, the rep is left without a team`,
    );
    const twelve = [
      'N/A',
      '-',
      'TBD',
      'Unknown',
      'none',
      'null',
      'nil',
      '?',
      '(blank)',
      'TBA',
      'Vacant',
      'n.a',
    ];
    expect(await run(twelve)).toBe(
      `warning: 12 rows with a placeholder team (lines 2, 3, 4, 5, 6, …): team "N/A", "-", "TBD", "Unknown", "none", "null", "nil", "?", "(blank)", "TBA" and 2 more are placeholders, not team names: read as an empty team cell, the rep is left without a team`,
    );
  });

  it('takes a rep out of their team as an empty team does, and the API warns by item', async () => {
    await post({ entity: 'reps', items: [{ name: 'Ann Lee', email: 'ann@example.com', team: 'EMEA' }] });
    const r = await post({
      entity: 'reps',
      items: [{ name: 'Ann Lee', email: 'ann@example.com', team: 'None' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      {
        index: 0,
        kind: 'placeholder team',
        message: `team "None" is a placeholder, not a team's name: read as an empty team cell, the rep is left without a team`,
      },
    ]);
    expect(await teams()).toEqual(['EMEA']);
    expect(await teamOf()).toEqual([{ rep: 'Ann Lee', team: null }]);
  });
});
