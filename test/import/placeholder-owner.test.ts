import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('placeholder-owner').file;

// Tester: owner_name "N/A", "-" and "none" created reps named so ("created 3 reps (no email): N/A, -,
// none"), who then ranked in '/metrics winrate org q4 by rep'.
describeDb('a placeholder owner cell (N/A, -, none)', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const reps = async () =>
    (await queryRows<{ name: string }>(ctx.db(), sql`select name from reps order by name`)).map(
      (r) => r.name,
    );
  const ownerOf = async () =>
    queryRows<{ deal: string; owner: string | null }>(
      ctx.db(),
      sql`select o.external_id as deal, r.name as owner from opportunities o
          left join reps r on r.id = o.owner_rep_id order by o.external_id`,
    );

  it('reads a placeholder owner_name as an empty cell, creates no rep, and counts the rows', async () => {
    await post({ entity: 'reps', items: [{ name: 'Bo Orr', email: 'bo@example.com' }] });
    const file = csv(
      [
        'external_id,created_at,owner_name,owner_email,outcome,closed_at,amount',
        'D1,2026-10-01,N/A,,won,2026-10-20,100',
        'D2,2026-10-01,-,,lost,2026-10-21,',
        'D3,2026-10-01, none ,,won,2026-10-22,100',
        'D4,2026-10-01,Ann Lee,,won,2026-10-23,100',
        'D5,2026-10-01,n/a,bo@example.com,lost,2026-10-24,',
        'D6,2026-10-01,NA,,won,2026-10-25,100',
      ].join('\n'),
    );
    const r = await importFile('opportunities', file);
    expect(r).toMatchObject({ inserted: 6, invalidRows: 0 });
    // "NA" names no person (tester, MED: it became a rep), though a team may be North America.
    expect(await reps()).toEqual(['Ann Lee', 'Bo Orr']);
    expect(await ownerOf()).toEqual([
      { deal: 'D1', owner: null },
      { deal: 'D2', owner: null },
      { deal: 'D3', owner: null },
      { deal: 'D4', owner: 'Ann Lee' },
      { deal: 'D5', owner: 'Bo Orr' },
      { deal: 'D6', owner: null },
    ]);
    expect(formatDetails(r)).toContain(
      // Each line's own value (tester: it said "N/A" for the lines that held "-" and "none").
      `warning: 5 rows with a placeholder owner (lines 2, 3, 4, 6, 7): owner_name "N/A", "-", "none", "n/a" and "NA" are placeholders, not rep names: read as an empty owner_name cell (the owner is the rep with the owner_email, if given), no rep is created`,
    );
    expect(formatDetails(r)).not.toMatch(/created .*N\/A/);
  });

  it('reads a placeholder rep_name of an activity and owner_name of a lead as empty, warning by item', async () => {
    const leads = await post({
      entity: 'leads',
      items: [{ external_id: 'L1', created_at: '2026-10-01T09:00:00Z', owner_name: 'None' }],
    });
    expect(leads.status).toBe(200);
    expect(leads.body.warnings).toEqual([
      {
        index: 0,
        kind: 'placeholder owner',
        message: `owner_name "None" is a placeholder, not a rep's name: read as an empty owner_name cell (the owner is the rep with the owner_email, if given), no rep is created`,
      },
    ]);
    const calls = await post({
      entity: 'activities',
      items: [
        { external_id: 'A1', kind: 'call', occurred_at: '2026-10-02T09:00:00Z', rep_name: '-' },
        { external_id: 'A2', kind: 'call', occurred_at: '2026-10-02T10:00:00Z', rep_name: 'Ann Lee' },
      ],
    });
    expect(calls.status).toBe(200);
    expect(calls.body.warnings).toEqual([
      {
        index: 0,
        kind: 'placeholder owner',
        message: `rep_name "-" is a placeholder, not a rep's name: read as an empty rep_name cell (the owner is the rep with the rep_email, if given), no rep is created`,
      },
    ]);
    expect(await reps()).toEqual(['Ann Lee']);
  });
});
