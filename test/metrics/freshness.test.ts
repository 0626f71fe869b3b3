import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { markLeadContacted } from '../../src/alerts/lead-actions.js';
import { queryRows, sql } from '../../src/db/client.js';
import { seedRuns } from '../../src/db/schema/index.js';
import { importCsv } from '../../src/import/import-csv.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { recordArrival } from '../../src/ingest/origin.js';
import { getMetric } from '../../src/metrics/index.js';
import { freshnessLine, freshnessLineOf } from '../../src/slack/blocks/answer-parts.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addLead, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const org = { kind: 'org' as const };

describeDb('freshness from the sync', (ctx) => {
  const arrivals = () =>
    queryRows<{ source: string; entity: string; at: string }>(
      ctx.db(),
      sql`select source, entity, last_at::text as at from data_arrivals order by source, entity`,
    );
  const line = async (metric: 'calls' | 'winrate', period: string) => {
    const r = await getMetric({ db: ctx.db(), defaultTimezone: 'UTC', now }, { metric, scope: org, period });
    return freshnessLine(r, now, 24);
  };

  it('does not warn about last month when the sync is fresh, nor when it arrived after the month ended', async () => {
    const ana = await addRep(ctx.db(), 'Ana');
    await addCall(ctx.db(), ana, '2026-10-12T10:00:00Z');
    await recordArrival(ctx.db(), 'api', ['activities'], hoursAgo(1));
    expect(await line('calls', 'last month')).toBe(
      'Data as of Mon, 12 Oct 2026, 10:00 (42 days ago) · last data from the ingest API 1 hour ago',
    );
    // The sync went quiet 5 days ago, well after October ended: October's numbers are complete.
    await ctx
      .db()
      .execute(sql`update data_arrivals set last_at = ${hoursAgo(120).toISOString()}::timestamptz`);
    expect(await line('calls', 'last month')).not.toContain('Data may be');
    expect(await line('calls', 'this month')).toContain('*Data may be stale:*');
  });

  it('warns on a running period when the sync is 3 days old, naming the source and its age', async () => {
    const ana = await addRep(ctx.db(), 'Ana');
    await addCall(ctx.db(), ana, '2026-11-20T09:00:00Z');
    await recordArrival(ctx.db(), 'api', ['activities'], new Date('2026-11-20T12:00:00Z'));
    expect(await line('calls', 'this month')).toBe(
      ':warning: *Data may be stale:* the last data arrived from the ingest API on Fri, 20 Nov 2026, 12:00 (3 days ago), more than 24 h ago; check the CRM sync that feeds it.',
    );
    // Opportunities arrived an hour ago from a CSV import: a win-rate answer reads those, and is fresh.
    await recordArrival(ctx.db(), 'csv', ['opportunities'], hoursAgo(1));
    expect(await line('winrate', 'this month')).not.toContain('Data may be');
  });

  it('warns when a running period’s newest record lags far behind a fresh sync', async () => {
    const ana = await addRep(ctx.db(), 'Ana');
    await addCall(ctx.db(), ana, '2026-11-16T09:00:00Z');
    await recordArrival(ctx.db(), 'api', ['activities'], hoursAgo(1));
    expect(await line('calls', 'this month')).toBe(
      ':warning: *Data may be behind:* the newest record here is from Mon, 16 Nov 2026, 09:00 (7 days ago), yet the ingest API last sent data on Mon, 23 Nov 2026, 11:00 (1 hour ago); records for this period may be missing, so check the CRM sync that feeds it.',
    );
    // The demo org's check reads as a step to take (helper-171: "…may be missing, so the demo org is invented data").
    await ctx
      .db()
      .insert(seedRuns)
      .values({ profile: 'demo', seed: 42, options: {}, dataNow: hoursAgo(0.5), completedAt: hoursAgo(0.5) });
    expect(await line('calls', 'this month')).toBe(
      ':warning: *Data may be behind:* the newest record here is from Mon, 16 Nov 2026, 09:00 (7 days ago), yet the demo data last sent data on Mon, 23 Nov 2026, 11:30 (30 minutes ago); records for this period may be missing, so import your own data in its place (`npm run import`): the demo org is invented, generated once.',
    );
  });

  // helper-203 (MED): a rep's lead-to-close answer said "Data may be behind" because the rep's last won lead was
  // weeks old while leads kept arriving. A team's or rep's newest record is when those people last did it.
  it('does not call a team’s or a rep’s answer behind when its people’s newest record is old', async () => {
    const db = ctx.db();
    const team = await addTeam(db, 'East');
    const ana = await addRep(db, 'Ana', team);
    const bob = await addRep(db, 'Bob');
    await addCall(db, ana, '2026-11-16T09:00:00Z');
    await addCall(db, bob, '2026-11-23T09:00:00Z');
    await recordArrival(db, 'api', ['activities'], hoursAgo(1));
    const lineFor = async (scope: { kind: 'team'; teamId: number } | { kind: 'rep'; repId: number }) =>
      freshnessLine(
        await getMetric(
          { db, defaultTimezone: 'UTC', now },
          { metric: 'calls', scope, period: 'this month' },
        ),
        now,
        24,
      );
    const quiet =
      'Data as of Mon, 16 Nov 2026, 09:00 (7 days ago) · last data from the ingest API 1 hour ago';
    expect(await lineFor({ kind: 'team', teamId: team })).toBe(quiet);
    expect(await lineFor({ kind: 'rep', repId: ana })).toBe(quiet);
    // The org's newest call is Bob's, today: fresh. Without it, the org's answer is still called behind.
    expect(await line('calls', 'this month')).toBe(
      'Data as of Mon, 23 Nov 2026, 09:00 (3 hours ago) · last data from the ingest API 1 hour ago',
    );
    await db.execute(sql`delete from activities where rep_id = ${bob}`);
    expect(await line('calls', 'this month')).toContain('*Data may be behind:*');
    // A stale sync is still told on every scope.
    await db.execute(sql`update data_arrivals set last_at = ${hoursAgo(72).toISOString()}::timestamptz`);
    expect(await lineFor({ kind: 'rep', repId: ana })).toContain('*Data may be stale:*');
  });

  // helper-204 (MED): the org's month with no record at all, 11 days after the last call and just after an import,
  // read "No records behind this answer yet." while a fuller answer warned; (MED-LOW) "yet" on finished periods.
  it('calls the org behind when its running period holds no record though it began long before the last arrival', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await addCall(db, ana, '2026-10-12T10:00:00Z');
    await recordArrival(db, 'api', ['activities'], hoursAgo(1));
    const lineOf = async (metric: 'calls' | 'meetings', period: string) =>
      freshnessLine(
        await getMetric({ db, defaultTimezone: 'UTC', now }, { metric, scope: org, period }),
        now,
        24,
      );
    expect(await lineOf('calls', 'this month')).toBe(
      ':warning: *Data may be behind:* no record is in this period, which began on Sun, 1 Nov 2026, 00:00 (23 days ago), yet the ingest API last sent data on Mon, 23 Nov 2026, 11:00 (1 hour ago); records for this period may be missing, so check the CRM sync that feeds it.',
    );
    // This week began 12 hours ago: nothing is missing yet.
    expect(await lineOf('calls', 'this week')).toBe(
      'No records behind this answer yet. · last data from the ingest API 1 hour ago',
    );
    // An org that has never logged a meeting is not behind on meetings.
    expect(await lineOf('meetings', 'this month')).toBe(
      'No records behind this answer yet. · last data from the ingest API 1 hour ago',
    );
    // A finished week inside the data holds no call, and will not: no "yet".
    expect(await lineOf('calls', 'last week')).toBe(
      'No records behind this answer. · last data from the ingest API 1 hour ago',
    );
    // A scorecard or digest whose answers all hold no record shows the first one's warning.
    const results = await Promise.all(
      (['calls', 'meetings'] as const).map((metric) =>
        getMetric({ db, defaultTimezone: 'UTC', now }, { metric, scope: org, period: 'this month' }),
      ),
    );
    expect(freshnessLineOf(results, now, 24, 'none')).toContain(
      '*Data may be behind:* no record is in this period',
    );
    expect(freshnessLineOf(results.slice(1), now, 24, 'none')).toBe('none');
  });

  // Tester (LOW): ARR, ARPU and CLV said "Data may be behind" right after a fresh import of a contract book whose
  // last contract started months ago. A state (customers, contracts in force) is complete however old its last
  // change; only the stale-sync warning, about arrivals, applies to it.
  it('does not call a state metric behind when its newest record is old, but still warns of a stale sync', async () => {
    const db = ctx.db();
    const at = new Date('2026-12-03T12:00:00Z');
    const dir = mkdtempSync(path.join(tmpdir(), 'tally-state-'));
    const load = async (entity: 'accounts' | 'contracts', csv: string) => {
      const file = path.join(dir, `${entity}.csv`);
      writeFileSync(file, csv);
      const r = await importCsv(db, { entity, input: createReadStream(file), timezone: 'UTC', now: at });
      expect(r.errors).toEqual([]);
    };
    await load('accounts', 'external_id,name,became_customer_at\nA1,Acme,2026-01-01\n');
    await load(
      'contracts',
      'external_id,account,starts_at,ends_at,total_value,licenses,revenue_per_license\n' +
        'C1,A1,2026-01-01,2027-01-01,12000,,\n' +
        'C2,A1,2026-07-01,2027-07-01,,10,600\n',
    );
    const lineOf = async (metric: 'arr' | 'arpu' | 'clv' | 'retention', when: Date) => {
      const r = await getMetric(
        { db, defaultTimezone: 'UTC', now: when },
        { metric, scope: org, period: 'this month' },
      );
      return freshnessLine(r, when, 24);
    };
    expect(await lineOf('arr', at)).toBe(
      'Data as of Wed, 1 Jul 2026, 00:00 (156 days ago) · last data from a CSV import just now',
    );
    for (const metric of ['arpu', 'clv', 'retention'] as const)
      expect(await lineOf(metric, at)).not.toContain('Data may be');
    // The sync went quiet 5 days ago, in the running month: a state is judged by its arrivals like any answer.
    const later = new Date(at.getTime() + 120 * 3_600_000);
    expect(await lineOf('arr', later)).toContain(
      '*Data may be stale:* the last data arrived from a CSV import',
    );
  });

  it('counts generated demo data as a source, arrived when its history ends', async () => {
    const ana = await addRep(ctx.db(), 'Ana');
    await addCall(ctx.db(), ana, '2026-11-23T10:00:00Z');
    await ctx
      .db()
      .insert(seedRuns)
      .values({
        profile: 'demo',
        seed: 42,
        options: {},
        dataNow: hoursAgo(2),
        completedAt: hoursAgo(2),
      });
    expect(await line('calls', 'this week')).toBe(
      'Data as of Mon, 23 Nov 2026, 10:00 (2 hours ago) · last data from the demo data 2 hours ago',
    );
  });

  it('records arrivals from the ingest API, the CSV import and the Contacted button', async () => {
    const db = ctx.db();
    const ok = await ingestBatch(
      db,
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-11-23T09:00:00Z' }] },
      { timezone: 'UTC', now: hoursAgo(3), source: 'api' },
    );
    expect(ok.errors).toEqual([]);
    // An atomic request with a bad item writes nothing and records nothing.
    await ingestBatch(
      db,
      { entity: 'activities', items: [{ external_id: 'A-1' }] },
      { timezone: 'UTC', now: hoursAgo(1), source: 'api' },
    );
    // A replay with an older clock never moves the record back.
    await ingestBatch(
      db,
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-11-23T09:00:00Z' }] },
      { timezone: 'UTC', now: hoursAgo(30), source: 'api' },
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'tally-arrivals-'));
    const file = path.join(dir, 'leads.csv');
    writeFileSync(file, 'external_id,created_at\nL-2,2026-11-23T08:00:00Z\n');
    const imported = await importCsv(db, {
      entity: 'leads',
      input: createReadStream(file),
      timezone: 'UTC',
      now: hoursAgo(2),
    });
    expect(imported.inserted).toBe(1);
    const ana = await addRep(db, 'Ana');
    const lead = await addLead(db, ana, { created: '2026-11-23T10:00:00Z' });
    expect(await markLeadContacted(db, { leadId: lead, repId: ana, at: hoursAgo(0.5) })).toBe(true);
    const iso = (h: number) => new Date(hoursAgo(h)).toISOString();
    expect((await arrivals()).map((a) => [a.source, a.entity, new Date(a.at).toISOString()])).toEqual([
      ['api', 'leads', iso(3)],
      ['csv', 'leads', iso(2)],
      ['slack', 'activities', iso(0.5)],
      ['slack', 'leads', iso(0.5)],
    ]);
  });
});
