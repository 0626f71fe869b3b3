import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { parseImportArgs } from '../../src/import/args.js';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('slash').file;
const NOW = new Date('2026-11-23T09:00:00Z');
const HINT = 'say which with --date-format MDY (month/day/year) or --date-format DMY (day/month/year)';
const AMBIGUOUS = `could be month/day/year or day/month/year; ${HINT}`;

describeDb('CSV import: slash dates (Salesforce reports, European exports)', (ctx) => {
  const run = (file: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(ctx.db(), {
      entity: 'opportunities',
      input: createReadStream(file),
      timezone: 'UTC',
      now: NOW,
      ...extra,
    });
  const stored = () =>
    queryRows<{ id: string; created: string; closed: string | null }>(
      ctx.db(),
      sql`select external_id as id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created,
                 to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as closed
          from opportunities order by external_id`,
    );
  const lines = (r: { errors: { line: number; field: string | null; message: string }[] }) =>
    r.errors.map((e) => `line ${e.line}: ${e.field} ${e.message}`);

  it('reads M/D/YYYY with --date-format MDY (the salesforce preset sets it), times included', async () => {
    const file = csv(
      'external_id,created_at,stage,closed_at\nO-1,1/15/2026,Closed Won,3/4/2026\nO-2,12/31/2025 2:05 PM,Open,\nO-3,01/02/2026 09:30,Open,\n',
    );
    const r = await run(file, { dateOrder: 'MDY' });
    expect(r).toMatchObject({ inserted: 3, invalidRows: 0 });
    expect(await stored()).toEqual([
      { id: 'O-1', created: '2026-01-15 00:00', closed: '2026-03-04 00:00' },
      { id: 'O-2', created: '2025-12-31 14:05', closed: null },
      { id: 'O-3', created: '2026-01-02 09:30', closed: null },
    ]);
    expect(parseImportArgs(['opportunities', 'x.csv', '--date-format', 'dmy']).dateOrder).toBe('DMY');
    expect(() => parseImportArgs(['opportunities', 'x.csv', '--date-format', 'YMD'])).toThrow(
      '--date-format takes MDY or DMY (not "YMD")',
    );
  });

  it('reads D/M/YYYY with --date-format DMY, in DEFAULT_TIMEZONE, and refuses a date that is not real', async () => {
    const r = await run(csv('external_id,created_at\nO-1,15/01/2026\nO-2,3/4/2026\nO-3,31/2/2026\n'), {
      dateOrder: 'DMY',
      timezone: 'Europe/Berlin',
    });
    expect(lines(r)).toEqual([
      'line 4: created_at "31/2/2026" is not a real date or time read as day/month/year',
    ]);
    const ok = await run(csv('external_id,created_at\nO-1,15/01/2026\nO-2,3/4/2026\n'), {
      dateOrder: 'DMY',
      timezone: 'Europe/Berlin',
    });
    expect(ok).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(await stored()).toEqual([
      { id: 'O-1', created: '2026-01-14 23:00', closed: null },
      { id: 'O-2', created: '2026-04-02 22:00', closed: null },
    ]);
  });

  it('refuses slash dates when no order is given (never guessed), naming --date-format', async () => {
    const r = await run(
      csv('external_id,created_at\nO-1,3/4/2026\nO-2,2026-03-04\nO-3,1/15/2026\nO-4,15/1/2026\n'),
      {
        skipInvalid: true,
      },
    );
    expect(lines(r)).toEqual([
      `line 2: created_at "3/4/2026" is not an ISO date (YYYY-MM-DD) and ${AMBIGUOUS}`,
      // Both orders in one file: no one --date-format is advised per row (helper-236), the notice says why.
      `line 4: created_at "1/15/2026" is not an ISO date (YYYY-MM-DD); it reads only as month/day/year, but the file mixes both orders`,
      `line 5: created_at "15/1/2026" is not an ISO date (YYYY-MM-DD); it reads only as day/month/year, but the file mixes both orders`,
    ]);
    expect(await stored()).toEqual([{ id: 'O-2', created: '2026-03-04 00:00', closed: null }]);
    // One order alone is advised per row as before.
    const us = await run(csv('external_id,created_at\nO-1,1/15/2026\n'));
    expect(lines(us)).toEqual([
      `line 2: created_at "1/15/2026" is not an ISO date (YYYY-MM-DD); it reads only as month/day/year: pass --date-format MDY`,
    ]);
  });

  it('refuses a date real in neither order as not a real date, not as ambiguous', async () => {
    const notices: string[] = [];
    const r = await run(
      csv('external_id,created_at\nO-1,31/11/2026\nO-2,2/30/2026 10:00\nO-3,13/13/2026\n'),
      {
        onNotice: (m) => notices.push(m),
      },
    );
    expect(lines(r)).toEqual([
      'line 2: created_at "31/11/2026" is not a real date or time read as month/day/year or as day/month/year',
      'line 3: created_at "2/30/2026 10:00" is not a real date or time read as month/day/year or as day/month/year',
      'line 4: created_at "13/13/2026" is not a real date or time read as month/day/year or as day/month/year',
    ]);
    expect(notices).toEqual([]);
  });

  it('names the one order a day-first file fits, never MDY: per date, under the salesforce preset, and for the whole file', async () => {
    // A DD/MM file whose days go past 12: those read only as day/month/year, the rest either way.
    const text = 'external_id,created_at\nO-1,05/11/2026\nO-2,25/11/2026\nO-3,07/11/2026\nO-4,31/10/2026\n';
    const notices: string[] = [];
    const r = await run(csv(text), { onNotice: (m) => notices.push(m) });
    expect(lines(r)).toEqual([
      `line 2: created_at "05/11/2026" is not an ISO date (YYYY-MM-DD) and ${AMBIGUOUS}`,
      'line 3: created_at "25/11/2026" is not an ISO date (YYYY-MM-DD); it reads only as day/month/year: pass --date-format DMY',
      `line 4: created_at "07/11/2026" is not an ISO date (YYYY-MM-DD) and ${AMBIGUOUS}`,
      'line 5: created_at "31/10/2026" is not an ISO date (YYYY-MM-DD); it reads only as day/month/year: pass --date-format DMY',
    ]);
    expect(notices).toEqual([
      'slash dates such as "05/11/2026" could be month/day/year or day/month/year, but the file\'s others read only as day/month/year (e.g. "25/11/2026"): pass --date-format DMY',
    ]);
    // Read as MDY (e.g. --preset salesforce on a report run with a European locale): say DMY fits.
    const us = await run(csv(text), { dateOrder: 'MDY' });
    expect(lines(us)).toEqual([
      'line 3: created_at "25/11/2026" is not a real date read as month/day/year; it reads only as day/month/year: if the file writes day/month/year, pass --date-format DMY',
      'line 5: created_at "31/10/2026" is not a real date read as month/day/year; it reads only as day/month/year: if the file writes day/month/year, pass --date-format DMY',
    ]);
    // And the other way round; a date real in neither order says only that.
    const eu = await run(csv('external_id,created_at\nO-1,12/25/2026\nO-2,02/30/2026\n'), {
      dateOrder: 'DMY',
    });
    expect(lines(eu)).toEqual([
      'line 2: created_at "12/25/2026" is not a real date read as day/month/year; it reads only as month/day/year: if the file writes month/day/year, pass --date-format MDY',
      'line 3: created_at "02/30/2026" is not a real date or time read as day/month/year',
    ]);
    // Dates that show both orders give no one order: that is said once (helper-236), naming a line of each.
    const mixed: string[] = [];
    await run(csv('external_id,created_at\nO-1,05/11/2026\nO-2,25/11/2026\nO-3,11/25/2026\n'), {
      onNotice: (m) => mixed.push(m),
    });
    expect(mixed).toEqual([
      'the file mixes day/month/year dates (line 3: "25/11/2026") and month/day/year dates (line 4: "11/25/2026"), so no --date-format reads them all: write its dates as YYYY-MM-DD',
    ]);
    // Dotted dates count as day/month/year for the file, too.
    const dotted: string[] = [];
    await run(csv('external_id,created_at\nO-1,05/11/2026\nO-2,31.12.2026\n'), {
      onNotice: (m) => dotted.push(m),
    });
    expect(dotted).toEqual([
      'slash dates such as "05/11/2026" could be month/day/year or day/month/year, but the file\'s others read only as day/month/year (e.g. "31.12.2026"): pass --date-format DMY',
    ]);
    expect(await stored()).toEqual([]);
  });

  // Helper-236: one row said "pass --date-format DMY" and the next "pass --date-format MDY".
  it('says once that a file mixes day-first and month-first dates, naming a line of each', async () => {
    const notices: string[] = [];
    const r = await run(csv('external_id,created_at\nO-1,13/04/2026\nO-2,2026-04-20\nO-3,04/14/2026\n'), {
      onNotice: (m) => notices.push(m),
    });
    expect(lines(r)).toEqual([
      'line 2: created_at "13/04/2026" is not an ISO date (YYYY-MM-DD); it reads only as day/month/year, but the file mixes both orders',
      'line 4: created_at "04/14/2026" is not an ISO date (YYYY-MM-DD); it reads only as month/day/year, but the file mixes both orders',
    ]);
    expect(notices).toEqual([
      'the file mixes day/month/year dates (line 2: "13/04/2026") and month/day/year dates (line 4: "04/14/2026"), so no --date-format reads them all: write its dates as YYYY-MM-DD',
    ]);
    expect(await stored()).toEqual([]);
  });

  it('reads dotted European dates (23.11.2026) as day/month/year with --date-format DMY, never without it', async () => {
    const text =
      'external_id;created_at;stage;closed_at\r\nO-1;23.11.2026;Closed Won;24.11.2026 14:05\r\nO-2;01.02.2026;Open;\r\n';
    const refused = await run(csv(`\ufeff${text}`));
    expect(lines(refused)).toEqual([
      'line 2: created_at "23.11.2026" is not an ISO date (YYYY-MM-DD); a dotted date reads only as day/month/year: pass --date-format DMY',
      'line 2: closed_at "24.11.2026 14:05" is not an ISO date (YYYY-MM-DD); a dotted date reads only as day/month/year: pass --date-format DMY',
      'line 3: created_at "01.02.2026" is not an ISO date (YYYY-MM-DD); a dotted date reads only as day/month/year: pass --date-format DMY',
    ]);
    const us = await run(csv(text), { dateOrder: 'MDY' });
    expect(lines(us)[0]).toBe(
      'line 2: created_at "23.11.2026" is a dotted day/month/year date, but this file\'s dates are read as month/day/year; if it writes day/month/year, pass --date-format DMY',
    );
    const r = await run(csv(text), { dateOrder: 'DMY' });
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(await stored()).toEqual([
      { id: 'O-1', created: '2026-11-23 00:00', closed: '2026-11-24 14:05' },
      { id: 'O-2', created: '2026-02-01 00:00', closed: null },
    ]);
    expect(lines(await run(csv('external_id,created_at\nO-3,31.02.2026\n'), { dateOrder: 'DMY' }))).toEqual([
      'line 2: created_at "31.02.2026" is not a real date or time read as day/month/year',
    ]);
  });

  it("reads an expected close date in the file's date order, as its other dates (a Salesforce report writes 3/31/2027)", async () => {
    const closeDays = () =>
      queryRows<{ id: string; close: string | null }>(
        ctx.db(),
        sql`select external_id as id, expected_close_date::text as close from opportunities order by external_id`,
      );
    const text =
      'external_id,created_at,stage,expected_close_date\nO-1,1/15/2026,Open,3/31/2027\nO-2,2/1/2026,Open,2027-01-05\n';
    const r = await run(csv(text), { dateOrder: 'MDY', timezone: 'America/New_York' });
    expect(r).toMatchObject({ inserted: 2, invalidRows: 0 });
    expect(await closeDays()).toEqual([
      { id: 'O-1', close: '2027-03-31' },
      { id: 'O-2', close: '2027-01-05' },
    ]);
    // Without an order it is refused like any slash date, and counted toward the file's advice.
    const refused = await run(
      csv('external_id,created_at,expected_close_date\nO-3,2026-01-15,4/3/2027\nO-4,2026-01-15,13/3/2027\n'),
    );
    expect(lines(refused)).toEqual([
      `line 2: expected_close_date "4/3/2027" is not an ISO date (YYYY-MM-DD) and ${AMBIGUOUS}`,
      'line 3: expected_close_date "13/3/2027" is not an ISO date (YYYY-MM-DD); it reads only as day/month/year: pass --date-format DMY',
    ]);
    // Under DMY, a day/month/year close date; one with a time is the day written, whatever the time, zone or
    // offset (as close_date's, which HubSpot writes with a time: helper-176, helper-177); a day the month
    // lacks is refused.
    const dmy = await run(
      csv(
        'external_id,created_at,expected_close_date\nO-5,2026-01-15,13.03.2027\nO-6,2026-01-15,1/2/2027 23:30\nO-7,2026-01-15,31/4/2027\nO-8,2026-01-15,2027-03-31T02:00:00Z\nO-9,2026-01-15,2027-01-10T23:30:00-08:00\n',
      ),
      { dateOrder: 'DMY', skipInvalid: true, timezone: 'America/New_York' },
    );
    expect(lines(dmy)).toEqual([
      'line 4: expected_close_date "31/4/2027" is not a real date or time read as day/month/year',
    ]);
    expect((await closeDays()).filter((d) => ['O-5', 'O-6', 'O-8', 'O-9'].includes(d.id))).toEqual([
      { id: 'O-5', close: '2027-03-13' },
      { id: 'O-6', close: '2027-02-01' },
      { id: 'O-8', close: '2027-03-31' },
      { id: 'O-9', close: '2027-01-10' },
    ]);
  });
});
