import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { type ImportCsvOptions, importCsv } from '../../src/import/import-csv.js';
import { formatDetails, formatSummary } from '../../src/import/report.js';
import type { Entity } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('zoneless-dates').file;
const NOW = new Date('2026-11-23T09:00:00Z');

const TEAMS = 'name,timezone\nWest,America/Los_Angeles\n';
const REPS = 'name,email,role,team,is_manager\nWes,wes@x.com,manager,West,yes\n';
const OPPS =
  'external_id,created_at,owner_email,amount,stage,closed_at\nW1,2026-09-01,wes@x.com,1000,Closed Won,2026-10-01\nW2,2026-09-01,wes@x.com,1000,Closed Lost,2026-09-30\n';

const WEST_NOTE =
  "note: 4 dates without a zone were read in UTC (DEFAULT_TIMEZONE); team West (America/Los_Angeles) counts its periods in its own zone, so a date near midnight may fall on the day before or after there; if the file writes another zone's local times, import it again with DEFAULT_TIMEZONE set to that zone";

// Tester (HIGH): a bare close date is read in DEFAULT_TIMEZONE (UTC), while team West counts its quarters in Los
// Angeles: "2026-10-01" became 30 Sep 17:00 there, so the won deal fell in Q3, and the import said nothing. The
// reading stays (it is the documented one); the import now says which teams count in another zone.
describeDb('dates without a zone, teams in another zone', (ctx) => {
  const run = (entity: Entity, text: string, extra: Partial<ImportCsvOptions> = {}) =>
    importCsv(ctx.db(), {
      entity,
      input: createReadStream(csv(text)),
      timezone: 'UTC',
      now: NOW,
      ...extra,
    });

  it("notes the bare dates read in UTC when a stored team counts in another zone (the tester's files)", async () => {
    const teams = await run('teams', TEAMS);
    const reps = await run('reps', REPS);
    // Neither file has a date: nothing was read in UTC.
    expect(formatDetails(teams)).toBe('');
    expect(formatDetails(reps)).toBe('');
    const opps = await run('opportunities', OPPS);
    expect(formatSummary('opportunities', opps)).toBe(
      'opportunities: 2 rows, 2 inserted, 0 updated, 0 unchanged',
    );
    expect(formatDetails(opps)).toBe(WEST_NOTE);
    // The same dates again (read from the cache of readings): counted the same.
    const more = await run('opportunities', OPPS.replace('W1', 'W3').replace('W2', 'W4'));
    expect(formatDetails(more)).toBe(WEST_NOTE);
  });

  it("names every team in another zone, after a teams file's own teams are written", async () => {
    const teams = await run(
      'teams',
      'name,timezone,response_sla_seconds\nWest,America/Los_Angeles,\nEast,America/New_York,\nHome,,\nLondon,Etc/UTC,\n',
    );
    expect(formatDetails(teams)).toBe('');
    const reps = await run('reps', 'name,email,team,team_since\nWes,wes@x.com,West,2026-01-05\n');
    expect(formatDetails(reps)).toBe(
      "note: 1 date without a zone was read in UTC (DEFAULT_TIMEZONE); teams East (America/New_York) and West (America/Los_Angeles) count their periods in their own zones, so a date near midnight may fall on the day before or after there; if the file writes another zone's local times, import it again with DEFAULT_TIMEZONE set to that zone",
    );
  });

  it('says nothing when every team counts in the zone the dates were read in', async () => {
    await run('teams', TEAMS);
    await run('reps', REPS);
    const opps = await run('opportunities', OPPS, { timezone: 'America/Los_Angeles' });
    expect(opps.inserted).toBe(2);
    expect(formatDetails(opps)).toBe('');
    // A team without a timezone counts in DEFAULT_TIMEZONE, the zone the dates were read in.
    await run('teams', 'name,timezone\nWest,\n');
    const again = await run('opportunities', OPPS.replace('W1', 'W3').replace('W2', 'W4'));
    expect(again.inserted).toBe(2);
    expect(formatDetails(again)).toBe('');
  });

  it('says nothing when every date carries its zone', async () => {
    await run('teams', TEAMS);
    await run('reps', REPS);
    const opps = await run(
      'opportunities',
      'external_id,created_at,owner_email,amount,stage,closed_at\nW1,2026-09-01T09:00:00-07:00,wes@x.com,1000,Closed Won,2026-10-01T00:00:00Z\nW2,2026-09-01T16:00Z,wes@x.com,1000,Closed Lost,2026-09-30 10:00:00+0200\n',
    );
    expect(opps.inserted).toBe(2);
    expect(formatDetails(opps)).toBe('');
  });

  const post = ingestServer(ctx, NOW.toISOString());

  it('answers the same note in summary_warnings through the ingest API', async () => {
    await run('teams', TEAMS);
    const written = await post({
      batches: [
        { entity: 'reps', items: [{ name: 'Wes', email: 'wes@x.com', team: 'West' }] },
        {
          entity: 'opportunities',
          items: [
            {
              external_id: 'W1',
              created_at: '2026-09-01T16:00:00Z',
              owner_email: 'wes@x.com',
              stage: 'Closed Won',
              amount: 1000,
              closed_at: '2026-10-01',
            },
            {
              external_id: 'W2',
              created_at: '2026-09-01T16:00:00Z',
              owner_email: 'wes@x.com',
              stage: 'Closed Lost',
              closed_at: '2026-09-30T10:00:00Z',
            },
          ],
        },
      ],
    });
    expect(written.status).toBe(200);
    expect(written.body.summary_warnings).toEqual([
      {
        kind: 'dates without a zone',
        count: 1,
        message:
          "1 date without a zone was read in UTC (DEFAULT_TIMEZONE); team West (America/Los_Angeles) counts its periods in its own zone, so a date near midnight may fall on the day before or after there; if the source writes another zone's local times, send them with their offset (2026-10-01T00:00:00-07:00) or Z",
      },
    ]);
    const zoned = await post({
      entity: 'opportunities',
      items: [{ external_id: 'W1', created_at: '2026-09-01T16:00:00Z', closed_at: '2026-10-01T07:00:00Z' }],
    });
    expect(zoned.status).toBe(200);
    expect(zoned.body).not.toHaveProperty('summary_warnings');
  });
});
