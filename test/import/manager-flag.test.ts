import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('manager-flag').file;

// Tester (LOW): a reps row with role=manager and no is_manager was imported without a word, though the role
// alone manages no team (the manager then heard "You manage no team in Tally yet" in Slack).
describeDb('a reps row whose role and is_manager disagree', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const stored = async () =>
    queryRows<{ name: string; role: string; manages: boolean }>(
      ctx.db(),
      sql`select r.name, r.role, exists (select 1 from team_managers m where m.rep_id = r.id) as manages
          from reps r order by r.name`,
    );

  it('stores both as given and counts each disagreement, naming the lines', async () => {
    const file = csv(
      [
        'name,email,team,role,is_manager',
        'Mo Ray,mo@example.com,EMEA,manager,',
        'Al Bo,al@example.com,EMEA,manager,no',
        'Cy Do,cy@example.com,EMEA,manager,yes',
        'Di Lam,di@example.com,EMEA,rep,yes',
        'Ed Orr,ed@example.com,EMEA,,yes',
        'Fy Poe,fy@example.com,EMEA,rep,',
      ].join('\n'),
    );
    const r = await importFile('reps', file);
    expect(r).toMatchObject({ inserted: 6, invalidRows: 0 });
    expect(await stored()).toEqual([
      { name: 'Al Bo', role: 'manager', manages: false },
      { name: 'Cy Do', role: 'manager', manages: true },
      { name: 'Di Lam', role: 'rep', manages: true },
      { name: 'Ed Orr', role: 'manager', manages: true },
      { name: 'Fy Poe', role: 'rep', manages: false },
      { name: 'Mo Ray', role: 'manager', manages: false },
    ]);
    const details = formatDetails(r);
    expect(details).toContain(
      `warning: 2 rows with role manager but not is_manager (lines 2, 3): role is manager but is_manager is not given or no: stored as given, but the role alone manages no team: they see what a rep sees until is_manager=yes with their team (or another row's manager_name naming them) makes them a team's manager`,
    );
    expect(details).toContain(
      `warning: 1 row with is_manager but role rep (line 5): is_manager is yes but role is rep: stored as given, so the rep is registered as the team's manager but sees only what a rep sees; write role manager, or leave role empty, to give them a manager's view`,
    );
  });

  // Tester (LOW): the summary said "is_manager is not given" for a row with is_manager=no (the first row's words).
  it('says what each row held: is_manager no, not given, or both', async () => {
    const file = csv(
      [
        'name,email,team,role,is_manager',
        'Mo Ray,mo@example.com,EMEA,manager,',
        'Al Bo,al@example.com,EMEA,manager,no',
      ].join('\n'),
    );
    const r = await importFile('reps', file);
    expect(formatDetails(r)).toContain(
      'warning: 2 rows with role manager but not is_manager (lines 2, 3): role is manager but is_manager is not given or no: stored as given',
    );
    const no = await importFile(
      'reps',
      csv(['name,email,role,is_manager', 'Al Bo,al@example.com,manager,no'].join('\n')),
    );
    expect(formatDetails(no)).toContain(
      'warning: 1 row with role manager but not is_manager (line 2): role is manager but is_manager is no: stored as given',
    );
  });

  // Tester (MED): Pat Boss with role=manager was warned though another row's manager_name makes Pat a manager.
  it("does not warn for a manager role that another row's manager_name makes a team's manager", async () => {
    const file = csv(
      [
        'name,email,team,role,is_manager,manager_name',
        'Pat Boss,pat@example.com,EMEA,manager,,',
        'Al Bo,al@example.com,EMEA,rep,,pat boss',
        'Mo Ray,mo@example.com,EMEA,manager,,',
        'Cy Do,cy@example.com,APAC,rep,,mo@example.com',
        'Di Lam,di@example.com,APAC,manager,no,',
        'Ed Orr,ed@example.com,AMER,rep,,Zed Ko',
        'Zed Ko,zed@example.com,AMER,manager,,',
      ].join('\n'),
    );
    const r = await importFile('reps', file);
    expect(r).toMatchObject({ invalidRows: 0 });
    expect((await stored()).filter((p) => p.manages).map((p) => p.name)).toEqual([
      'Mo Ray',
      'Pat Boss',
      'Zed Ko',
    ]);
    expect(formatDetails(r)).toContain(
      'warning: 1 row with role manager but not is_manager (line 6): role is manager but is_manager is no: stored as given',
    );
    const api = await post({
      entity: 'reps',
      items: [
        { name: 'Ann Chu', email: 'ann@example.com', team: 'UK', role: 'manager' },
        { name: 'Bo Li', email: 'bo@example.com', team: 'UK', manager_name: 'Ann Chu' },
      ],
    });
    expect(api.status).toBe(200);
    expect(api.body.warnings ?? []).toEqual([]);
  });

  // Tester (LOW/MED, part a of d8f468a): a person already stored as a team's manager, re-imported with
  // role=manager and no is_manager, was still warned (the warnings read no database; the writer now says so).
  it('does not warn for a manager role whose person is already stored as a manager of a team', async () => {
    await importFile(
      'reps',
      csv(['name,email,team,role,is_manager', 'Pat Boss,pat@example.com,EMEA,manager,yes'].join('\n')),
    );
    const r = await importFile(
      'reps',
      csv(
        [
          'name,email,team,role,is_manager',
          'Pat Boss,pat@example.com,EMEA,manager,',
          'Mo Ray,mo@example.com,EMEA,manager,',
          'Al Bo,al@example.com,EMEA,manager,no',
        ].join('\n'),
      ),
    );
    expect(r).toMatchObject({ invalidRows: 0 });
    expect((await stored()).filter((p) => p.manages).map((p) => p.name)).toEqual(['Pat Boss']);
    expect(r.warnings).toEqual([
      expect.objectContaining({ kind: 'manager role without is_manager', count: 2, lines: [3, 4] }),
    ]);
    // is_manager=no takes the manager off their team: then the role alone manages nothing, and is said.
    const off = await importFile(
      'reps',
      csv(['name,email,team,role,is_manager', 'Pat Boss,pat@example.com,EMEA,manager,no'].join('\n')),
    );
    expect((await stored()).filter((p) => p.manages)).toEqual([]);
    expect(off.warnings).toEqual([
      expect.objectContaining({ kind: 'manager role without is_manager', count: 1, lines: [2] }),
    ]);
    // Through the API, by item: a stored manager's item says nothing, the other's warns.
    await post({
      entity: 'reps',
      items: [{ name: 'Ann Chu', email: 'ann@example.com', team: 'UK', is_manager: true }],
    });
    const api = await post({
      entity: 'reps',
      items: [
        { name: 'Zed Ko', email: 'zed@example.com', team: 'UK', role: 'manager' },
        { name: 'Ann Chu', email: 'ann@example.com', role: 'manager' },
      ],
    });
    expect(api.status).toBe(200);
    expect(api.body.warnings).toEqual([
      expect.objectContaining({ index: 0, kind: 'manager role without is_manager' }),
    ]);
  });

  it('warns by item through the API', async () => {
    const r = await post({
      entity: 'reps',
      items: [{ name: 'Al Bo', email: 'al@example.com', team: 'EMEA', role: 'manager', is_manager: false }],
    });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toMatchObject([
      {
        index: 0,
        kind: 'manager role without is_manager',
        message: expect.stringContaining('is_manager is no'),
      },
    ]);
  });
});
