import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';
import { presetColumns } from '../../src/import/presets.js';
import { formatErrors } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('kind-column').file;
// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const WAY_OUT = 'pass --default kind=call (or email, meeting) when every row is one kind';

// Tester (small): a HubSpot activities export has no column for the activity kind, and importing it refused
// every row with a bare "kind is required for a new activity", without saying that the file lacks the column
// nor that --default kind=call reads a calls export.
describeDb('import: activities from a file without a kind column', (ctx) => {
  const run = (text: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(ctx.db(), {
      entity: 'activities',
      input: createReadStream(csv(text)),
      timezone: 'UTC',
      now: NOW,
      ...extra,
    });

  it('names the missing kind column and --default kind on a HubSpot export, then imports with the default', async () => {
    const file =
      'Record ID,Activity date,Activity assigned to\nA1,2026-03-02,Dana Reed\nA2,2026-03-03,Dana Reed\n';
    const hubspot = presetColumns('hubspot', 'activities');
    const refused = await run(file, { preset: hubspot });
    expect(refused).toMatchObject({ rejected: true, invalidRows: 2 });
    expect(formatErrors(refused)).toBe(
      [
        `line 2: kind is required for a new activity (A1 is not stored yet): the file has no kind column; add a kind column, or ${WAY_OUT}`,
        `line 3: kind is required for a new activity (A2 is not stored yet): the file has no kind column; add a kind column, or ${WAY_OUT}`,
      ].join('\n'),
    );
    // The way out it names works.
    const read = await run(file, { preset: hubspot, defaults: { kind: 'call' } });
    expect(read).toMatchObject({ rejected: false, inserted: 2, invalidRows: 0 });
    const kinds = await queryRows<{ kind: string }>(
      ctx.db(),
      sql`select kind from activities order by external_id`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(['call', 'call']);
  });

  it("names the preset's kind column when it has one, and the canonical column without a preset", async () => {
    const pipedrive = await run(
      'Activity - ID,Activity - Due date,Activity - Assigned to user\nP1,2026-03-02,Dana Reed\n',
      {
        preset: presetColumns('pipedrive', 'activities'),
      },
    );
    expect(formatErrors(pipedrive)).toBe(
      `line 2: kind is required for a new activity (P1 is not stored yet): the file has no Activity - Type column; add an Activity - Type column, or ${WAY_OUT}`,
    );
    const plain = await run('external_id,occurred_at,rep_name\nC1,2026-03-02,Dana Reed\n');
    expect(formatErrors(plain)).toBe(
      `line 2: kind is required for a new activity (C1 is not stored yet): the file has no kind column; add a kind column, or ${WAY_OUT}`,
    );
  });

  it('says nothing of a missing column when the file has one and the cell is empty', async () => {
    const r = await run('external_id,kind,occurred_at,rep_name\nE1,,2026-03-02,Dana Reed\n');
    expect(formatErrors(r)).toBe('line 2: kind is required');
  });
});
