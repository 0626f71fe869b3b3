import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('rep-rename-lookalike').lines;

// Tester (MED): a reps row that renames a stored rep (found by email) to the name of another stored rep was
// not counted, though from then on every reference by that name (owner_name, manager_name, /metrics) matches
// two people. It is counted like a new rep named like a stored one (test/import/rep-lookalike.test.ts).
describeDb('a reps row renaming a rep to another rep’s name', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const people = async () =>
    (
      await queryRows<{ name: string; email: string | null }>(
        ctx.db(),
        sql`select name, email from reps order by id`,
      )
    ).map((r) => `${r.name} <${r.email}>`);

  it('stores the rename but counts it, naming the other rep and how to undo it', async () => {
    await importFile('reps', csv('name,email,team', 'Amara Okafor,amara@x.com,EMEA', 'Cy Ng,cy@x.com,EMEA'));
    const r = await importFile('reps', csv('name,email', 'Bo Li,bo@x.com', 'cy ng,amara@x.com'));
    expect(r).toMatchObject({ inserted: 1, updated: 1, invalidRows: 0 });
    expect(await people()).toEqual(['cy ng <amara@x.com>', 'Cy Ng <cy@x.com>', 'Bo Li <bo@x.com>']);
    const detail =
      'rep <amara@x.com> renamed from "Amara Okafor" to "cy ng", the name of stored rep Cy Ng <cy@x.com>, ignoring case and accents: both are kept as two reps (an email is a rep\'s identity), and a reference to either by that name (a deal\'s owner_name, a rep\'s manager_name) is refused as ambiguous, and /metrics asks which one is meant; if the new name is a mistake, give this row the name "Amara Okafor" again; if they are one person, rename the rep of the other email and set it inactive (a row with that email, another name and active=no; nothing deletes a rep); if two people share the name, nothing to do: refer to each by email, or by @mention in Slack';
    expect(r.warnings).toEqual([{ kind: 'rep renamed like another rep', count: 1, lines: [3], detail }]);
    expect(formatDetails(r)).toContain(
      `warning: 1 rep renamed to the name of another rep (line 3): ${detail}`,
    );
    // The same row again changes nothing: nothing to say. A respelling of the rep's own name, or a name no
    // other rep has, is no look-alike either.
    const again = await importFile('reps', csv('name,email', 'cy ng,amara@x.com', 'BO LI,bo@x.com'));
    expect(again).toMatchObject({ updated: 1, unchanged: 1 });
    expect(again.warnings).toEqual([]);
    const free = await importFile('reps', csv('name,email', 'Bo Lee,bo@x.com'));
    expect(free).toMatchObject({ updated: 1, warnings: [] });
  });

  it('warns by item through the API', async () => {
    await post({
      entity: 'reps',
      items: [
        { name: 'Amara Okafor', email: 'amara@x.com' },
        { name: 'Cy Ng', email: 'cy@x.com' },
      ],
    });
    const r = await post({ entity: 'reps', items: [{ name: 'AMARA OKAFOR', email: 'cy@x.com' }] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, updated: 1 });
    expect(r.body.warnings).toEqual([
      {
        index: 0,
        kind: 'rep renamed like another rep',
        message: expect.stringMatching(
          /^rep <cy@x\.com> renamed from "Cy Ng" to "AMARA OKAFOR", the name of stored rep Amara Okafor <amara@x\.com>, .*; if the new name is a mistake, give this item the name "Cy Ng" again; /,
        ),
      },
    ]);
  });
});
