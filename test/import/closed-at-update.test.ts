import { describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { presetColumns } from '../../src/import/presets.js';
import { describeDb } from '../helpers/db.js';
import { importCli } from '../helpers/import-cli.js';
import { opportunityImport } from '../helpers/opportunity-import.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const closing = (line: number, outcome: string, field: 'outcome' | 'stage') =>
  `line ${line}: closed_at is required when the outcome is ${outcome}: the deal has no closed_at, so send closed_at with the ${field}`;
const emptied = (line: number, outcome: string) =>
  `line ${line}: closed_at is required when the outcome is ${outcome}: the deal stays ${outcome}, so send closed_at, or an open outcome or stage with the empty closed_at`;
const reopened = (line: number, field: 'stage' | 'outcome', outcome: string) =>
  `line ${line}: ${field} is empty, but the deal is ${outcome}: give its ${field}, leave the ${field} out to keep the deal ${outcome}, or give outcome open with an empty closed_at to reopen it`;
const bothEmpty = (line: number, outcome: string) =>
  `line ${line}: stage and outcome are empty, but the deal is ${outcome}: give its stage or outcome, leave both out to keep the deal ${outcome}, or give outcome open with an empty closed_at to reopen it`;
const statusEmpty = (line: number, stage: string, outcome: string) =>
  `line ${line}: outcome is empty and stage "${stage}" reads as open, but the deal is ${outcome}: give its outcome (${outcome} to keep it, or open with an empty closed_at to reopen it)`;
const DEALS = [
  'external_id,created_at,amount_minor,owner_email,owner_name,stage,closed_at',
  'IO-2,2026-11-01,100,zoe@example.com,Zoe,Prospecting,',
  'IO-3,2026-11-01,100,zoe@example.com,Zoe,Closed Won,2026-11-20',
  '',
].join('\n');

// Tester (HIGH): one-row files `external_id,outcome` / `IO-2,won` (or `external_id,stage` / `IO-2,Closed
// Won`, or `external_id,closed_at` / `IO-3,` for a won deal) failed the whole file with the table's check
// opportunities_closed_check and no line number.
describeDb('import: closing or reopening a stored deal with a partial update', (ctx) => {
  const { run, lines } = opportunityImport(ctx, 'closed-at-update', NOW);
  const stored = () =>
    queryRows<{ id: string; outcome: string; closed: string | null }>(
      ctx.db(),
      sql`select external_id as id, outcome, to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD') as closed
          from opportunities order by external_id`,
    );
  const before = [
    { id: 'IO-2', outcome: 'open', closed: null },
    { id: 'IO-3', outcome: 'won', closed: '2026-11-20' },
  ];

  it('refuses the row on its line, and the whole file without --skip-invalid', async () => {
    expect(await run(DEALS)).toMatchObject({ inserted: 2, invalidRows: 0 });
    for (const [text, error] of [
      ['external_id,outcome\nIO-2,won\n', closing(2, 'won', 'outcome')],
      ['external_id,stage\nIO-2,Closed Won\n', closing(2, 'won', 'stage')],
      ['external_id,closed_at\nIO-3,\n', emptied(2, 'won')],
    ] as const) {
      const r = await run(text, { skipInvalid: false });
      expect(r).toMatchObject({ rejected: true, invalidRows: 1 });
      expect(lines(r)).toEqual([error]);
    }
    expect(await stored()).toEqual(before);
  });

  it('skips only the refused rows with --skip-invalid, and takes rows that leave the deal consistent', async () => {
    await run(DEALS);
    const r = await run('external_id,stage\nIO-2,Closed Lost\nIO-3,Closed Lost\n');
    expect(lines(r)).toEqual([closing(2, 'lost', 'stage')]);
    // IO-3 has its closed_at stored: the stage alone changes it.
    expect(r).toMatchObject({ invalidRows: 1, updated: 1 });
    expect(await stored()).toEqual([before[0], { id: 'IO-3', outcome: 'lost', closed: '2026-11-20' }]);
    // The outcome with closed_at closes IO-2; an open stage with an empty closed_at reopens IO-3.
    expect(await run('external_id,outcome,closed_at\nIO-2,won,2026-11-21\n')).toMatchObject({ updated: 1 });
    expect(await run('external_id,stage,closed_at\nIO-3,Negotiation,\n')).toMatchObject({ updated: 1 });
    expect(await stored()).toEqual([
      { id: 'IO-2', outcome: 'won', closed: '2026-11-21' },
      { id: 'IO-3', outcome: 'open', closed: null },
    ]);
  });
});

// Fresh tester helper-180 (MED): `Opportunity ID,Stage` / `O-1,` under --preset salesforce turned a won deal
// open, "1 updated", keeping its closed_at: an empty cell said nothing, and the deal lost its win.
describeDb('import: an empty stage or outcome on a stored won or lost deal', (ctx) => {
  const { run, lines } = opportunityImport(ctx, 'empty-stage', NOW);
  const stored = () =>
    queryRows<{ id: string; outcome: string; stage: string | null; closed: string | null }>(
      ctx.db(),
      sql`select external_id as id, outcome, stage, to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD') as closed
          from opportunities order by external_id`,
    );
  const before = [
    { id: 'IO-2', outcome: 'open', stage: 'Prospecting', closed: null },
    { id: 'IO-3', outcome: 'won', stage: 'Closed Won', closed: '2026-11-20' },
  ];

  it('refuses the row on the empty field, and keeps the deal as stored', async () => {
    expect(await run(DEALS)).toMatchObject({ inserted: 2, invalidRows: 0 });
    const salesforce = { preset: presetColumns('salesforce', 'opportunities'), dateOrder: 'MDY' as const };
    for (const [text, extra, error] of [
      ['Opportunity ID,Stage\nIO-3,\n', salesforce, reopened(2, 'stage', 'won')],
      ['external_id,stage\nIO-3,   \n', {}, reopened(2, 'stage', 'won')],
      ['external_id,outcome\nIO-3,\n', {}, reopened(2, 'outcome', 'won')],
      ['external_id,stage,outcome\nIO-3,,\n', {}, bothEmpty(2, 'won')],
      // helper-181: an empty outcome beside a stage that reads as open (Pipedrive keeps won deals in an open
      // pipeline stage; only its Status says won).
      ['external_id,outcome,stage\nIO-3,,Negotiation\n', {}, statusEmpty(2, 'Negotiation', 'won')],
      [
        'Deal - ID,Deal - Stage,Deal - Status\nIO-3,Negotiations Started,\n',
        { preset: presetColumns('pipedrive', 'opportunities') },
        statusEmpty(2, 'Negotiations Started', 'won'),
      ],
      // An empty stage beside an empty closed_at is no reopening either.
      ['external_id,stage,closed_at\nIO-3,,\n', {}, reopened(2, 'stage', 'won')],
    ] as const) {
      const r = await run(text, { skipInvalid: false, ...extra });
      expect(r).toMatchObject({ rejected: true, invalidRows: 1 });
      expect(lines(r)).toEqual([error]);
    }
    expect(await stored()).toEqual(before);
  });

  it('empties the closed_at of a deal a stage or outcome reopens, so a later close must say when', async () => {
    // helper-181: `outcome open` left the close date, and a deal won again by its stage alone took it back.
    await run(DEALS);
    expect(await run('external_id,stage\nIO-3,Negotiation\n', { skipInvalid: false })).toMatchObject({
      updated: 1,
    });
    expect((await stored())[1]).toEqual({ id: 'IO-3', outcome: 'open', stage: 'Negotiation', closed: null });
    const again = await run('external_id,stage\nIO-3,Closed Won\n', { skipInvalid: false });
    expect(lines(again)).toEqual([closing(2, 'won', 'stage')]);
    expect(
      await run('external_id,stage,closed_at\nIO-3,Closed Won,2026-11-22\n', { skipInvalid: false }),
    ).toMatchObject({ updated: 1 });
    expect(await run('external_id,outcome\nIO-3,open\n', { skipInvalid: false })).toMatchObject({
      updated: 1,
    });
    expect((await stored())[1]).toEqual({ id: 'IO-3', outcome: 'open', stage: 'Closed Won', closed: null });
    // A row that gives closed_at with an open outcome is stored as given (and warned about).
    expect(
      await run('external_id,outcome,closed_at\nIO-3,open,2026-11-22\n', { skipInvalid: false }),
    ).toMatchObject({ updated: 1 });
    expect((await stored())[1]).toMatchObject({ outcome: 'open', closed: '2026-11-22' });
  });

  it("says, refusing a close, that the file's earlier row reopened the deal and stands without it", async () => {
    // helper-183 (MED): with --skip-invalid, `IO-3,Negotiation` then `IO-3,Closed Won` (no close date) left a
    // won deal open with only "closed_at is required" on the second line.
    await run(DEALS);
    const r = await run('external_id,stage\nIO-3,Negotiation\nIO-3,Closed Won\n');
    expect(lines(r)).toEqual([
      'line 3: closed_at is required when the outcome is won: an earlier record of this deal here reopened it (it was won) and emptied its closed_at, so send closed_at with the stage; without this record the deal stays open; it repeats external id IO-3 of line 2',
    ]);
    expect(r).toMatchObject({ updated: 1, invalidRows: 1 });
    expect((await stored())[1]).toEqual({ id: 'IO-3', outcome: 'open', stage: 'Negotiation', closed: null });
    // helper-184: a stage history export has a Close Date column, empty until the deal closes.
    await run('external_id,stage,closed_at\nIO-3,Closed Won,2026-11-20\n');
    const history = await run(
      'external_id,stage,closed_at\nIO-3,Prospecting,\nIO-3,Negotiation,\nIO-3,Closed Won,\n',
    );
    expect(lines(history)).toEqual([
      'line 4: closed_at is required when the outcome is won: an earlier record of this deal here reopened it (it was won) and emptied its closed_at; without this record the deal stays open; it repeats external id IO-3 of line 3',
    ]);
    // A deal the file did not reopen keeps the short refusal.
    expect(lines(await run('external_id,stage,closed_at\nIO-2,Closed Won,\n'))).toEqual([
      'line 2: closed_at is required when the outcome is won',
    ]);
  });

  it('judges a deal the file itself closed on an earlier line, as a stored one', async () => {
    // helper-181: `N2,2026-01-01,Closed Lost,2026-02-01` then `N2,2026-01-01,,` stored N2 open, "1 inserted".
    await run(DEALS);
    const file = [
      'external_id,created_at,owner_email,stage,closed_at',
      'N2,2026-01-01,zoe@example.com,Closed Lost,2026-02-01',
      'N2,2026-01-01,zoe@example.com,,',
      'N3,2026-01-01,zoe@example.com,Closed Won,2026-02-01',
      'N3,2026-01-01,zoe@example.com,,2026-02-01',
      '',
    ].join('\n');
    const r = await run(file);
    expect(lines(r)).toEqual([
      `${reopened(3, 'stage', 'lost')}; it repeats external id N2 of line 2`,
      `${reopened(5, 'stage', 'won')}; it repeats external id N3 of line 4`,
    ]);
    expect(r).toMatchObject({ inserted: 2, invalidRows: 2 });
    expect((await stored()).filter((d) => d.id.startsWith('N'))).toEqual([
      { id: 'N2', outcome: 'lost', stage: 'Closed Lost', closed: '2026-02-01' },
      { id: 'N3', outcome: 'won', stage: 'Closed Won', closed: '2026-02-01' },
    ]);
  });

  it('takes an empty stage on an open or new deal, beside an outcome, and after an earlier row reopened it', async () => {
    await run(DEALS);
    const r = await run(
      [
        'external_id,stage,outcome',
        // IO-2 is open: clearing its stage leaves it open.
        'IO-2,,',
        // An outcome written out says what the deal is: IO-3 stays won with its stage cleared.
        'IO-3,,won',
        '',
      ].join('\n'),
      { skipInvalid: false },
    );
    expect(lines(r)).toEqual([]);
    expect(r).toMatchObject({ updated: 2 });
    // A new deal with no stage is open.
    const added = await run('external_id,stage,created_at,owner_email\nIO-4,,2026-11-02,zoe@example.com\n', {
      skipInvalid: false,
    });
    expect(added).toMatchObject({ inserted: 1, invalidRows: 0 });
    expect(await stored()).toEqual([
      { id: 'IO-2', outcome: 'open', stage: null, closed: null },
      { id: 'IO-3', outcome: 'won', stage: null, closed: '2026-11-20' },
      { id: 'IO-4', outcome: 'open', stage: null, closed: null },
    ]);
    // A row that reopens the deal, then one that clears its stage: the second is judged after the first.
    const reopen = await run('external_id,outcome,stage,closed_at\nIO-3,open,Negotiation,\nIO-3,,,\n', {
      skipInvalid: false,
    });
    expect(lines(reopen)).toEqual([]);
    expect((await stored())[1]).toEqual({ id: 'IO-3', outcome: 'open', stage: null, closed: null });
  });
});

describe('npm run import: closing a stored deal without closed_at', () => {
  const { run, file } = importCli('closed-at-update');

  it('refuses the line, naming closed_at, instead of failing on the database check', async () => {
    expect((await run(['opportunities', file('deals.csv', DEALS)])).code).toBe(0);
    const r = await run(['opportunities', file('won.csv', 'external_id,outcome\nIO-2,won\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(closing(2, 'won', 'outcome'));
    expect(r.stderr).not.toContain('opportunities_closed_check');
  }, 120_000);
});
