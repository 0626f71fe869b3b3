import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('placeholder-source').file;

// Fresh tester helper-404 (MED): lead sources "-" and "N/A" were stored as sources named so, which then
// ranked beside "Web" in splits by source.
describeDb('a placeholder lead source (N/A, -, none)', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const sources = () =>
    queryRows<{ lead: string; source: string | null }>(
      ctx.db(),
      sql`select external_id as lead, source from leads order by external_id`,
    );

  it('reads a placeholder source as an empty cell and counts the rows in the import summary', async () => {
    const file = csv(
      [
        'external_id,created_at,source',
        'L1,2026-10-01,-',
        'L2,2026-10-01,N/A',
        'L3,2026-10-01,n/a',
        'L4,2026-10-01, none ',
        'L5,2026-10-01,—',
        'L6,2026-10-01,Web',
        'L7,2026-10-01,',
      ].join('\n'),
    );
    const r = await importFile('leads', file);
    expect(r).toMatchObject({ inserted: 7, invalidRows: 0 });
    expect(await sources()).toEqual([
      { lead: 'L1', source: null },
      { lead: 'L2', source: null },
      { lead: 'L3', source: null },
      { lead: 'L4', source: null },
      { lead: 'L5', source: null },
      { lead: 'L6', source: 'Web' },
      { lead: 'L7', source: null },
    ]);
    expect(formatDetails(r)).toBe(
      `warning: 5 rows with a placeholder source (lines 2, 3, 4, 5, 6): source "-", "N/A", "n/a", "none" and "—" are placeholders, not lead sources: read as an empty source cell, the lead has no source`,
    );
  });

  it('reads a placeholder source of an ingest request as empty, warning by item', async () => {
    const leads = await post({
      entity: 'leads',
      items: [
        { external_id: 'L1', created_at: '2026-10-01T09:00:00Z', source: 'N/A' },
        { external_id: 'L2', created_at: '2026-10-01T09:00:00Z', source: 'Web' },
      ],
    });
    expect(leads.status).toBe(200);
    expect(leads.body.warnings).toEqual([
      {
        index: 0,
        kind: 'placeholder source',
        message: `source "N/A" is a placeholder, not a lead source: read as an empty source cell, the lead has no source`,
      },
    ]);
    expect(await sources()).toEqual([
      { lead: 'L1', source: null },
      { lead: 'L2', source: 'Web' },
    ]);
  });
});
