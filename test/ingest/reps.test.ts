import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { snapshotTables } from './snapshot.js';

// Monday 23 November 2026, 09:00 UTC.
const opts = { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z') };

describeDb('reps, teams and membership history', (ctx) => {
  const memberships = () =>
    queryRows<{ team: string; from: string; to: string | null }>(
      ctx.db(),
      sql`select t.name as team, m.valid_from::date::text as from, m.valid_to::date::text as to
          from team_memberships m join teams t on t.id = m.team_id order by m.valid_from`,
    );
  const reps = (items: unknown[]) => ingestBatch(ctx.db(), { entity: 'reps', items }, opts);

  it('closes the old membership at team_since and opens the new one; replays change nothing', async () => {
    await reps([{ name: 'Ann', email: 'ann@example.com', team: 'A' }]);
    const moved = await reps([{ email: 'ann@example.com', team: 'B', team_since: '2026-06-01' }]);
    expect(moved).toMatchObject({ updated: 1, errors: [] });
    expect(await memberships()).toEqual([
      { team: 'A', from: '1970-01-01', to: '2026-06-01' },
      { team: 'B', from: '2026-06-01', to: null },
    ]);
    const before = await snapshotTables(ctx.db());
    expect(await reps([{ email: 'ann@example.com', team: 'B', team_since: '2026-06-01' }])).toMatchObject({
      unchanged: 1,
    });
    expect(await snapshotTables(ctx.db())).toEqual(before);
  });

  it('ignores a replay of an older dated membership', async () => {
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-01-01' }]);
    await reps([{ name: 'Ann', team: 'B', team_since: '2026-06-01' }]);
    const before = await snapshotTables(ctx.db());
    expect(await reps([{ name: 'Ann', team: 'A', team_since: '2026-01-01' }])).toMatchObject({
      unchanged: 1,
      errors: [],
    });
    expect(await snapshotTables(ctx.db())).toEqual(before);
  });

  it('without team_since a move takes effect now', async () => {
    await reps([{ name: 'Ann', team: 'A' }]);
    await reps([{ name: 'Ann', team: 'B' }]);
    expect(await memberships()).toEqual([
      { team: 'A', from: '1970-01-01', to: '2026-11-23' },
      { team: 'B', from: '2026-11-23', to: null },
    ]);
  });

  it('refuses a move that starts before the current membership', async () => {
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-05-01' }]);
    const r = await reps([{ name: 'Ann', team: 'B', team_since: '2026-04-01' }]);
    expect(r.errors).toEqual([
      { index: 0, field: 'team_since', message: expect.stringContaining('not after the start') },
    ]);
  });

  it('writes the dates of a refused move as people read them, not as raw timestamps', async () => {
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-05-01' }]);
    const early = await reps([{ name: 'Ann', team: 'B', team_since: '2026-04-01' }]);
    expect(early.errors.map((e) => e.message)).toEqual([
      '2026-04-01 is not after the start of the current team membership (2026-05-01)',
    ]);
    // A move without team_since starts at the instant of the import (09:00 UTC): its time is shown.
    await reps([{ name: 'Ann', team: 'B' }]);
    const sameDay = await reps([{ name: 'Ann', team: 'C', team_since: '2026-11-23' }]);
    expect(sameDay.errors.map((e) => e.message)).toEqual([
      '2026-11-23 is not after the start of the current team membership (2026-11-23 09:00 UTC)',
    ]);
  });

  it('moves the current membership start earlier for the same team with an earlier team_since (a correction)', async () => {
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-05-01' }]);
    await ingestBatch(
      ctx.db(),
      {
        entity: 'activities',
        items: [{ external_id: 'C-1', kind: 'call', occurred_at: '2026-04-15T10:00:00Z', rep_name: 'Ann' }],
      },
      opts,
    );
    const teamCalls = () =>
      queryRows<{ calls: number }>(
        ctx.db(),
        sql`select coalesce(sum(r.calls), 0)::int as calls from metric_team_rollups r
            join teams t on t.id = r.team_id where t.name = 'A' and r.grain = 'd'`,
      );
    expect(await teamCalls()).toEqual([{ calls: 0 }]);
    const corrected = await reps([{ name: 'Ann', team: 'A', team_since: '2026-03-01' }]);
    expect(corrected).toMatchObject({ updated: 1, unchanged: 0, errors: [] });
    expect(await memberships()).toEqual([{ team: 'A', from: '2026-03-01', to: null }]);
    // The call of 15 April now counts for team A (the membership change rebuilt the rep's rollups).
    expect(await teamCalls()).toEqual([{ calls: 1 }]);
  });

  it('ignores a replay of an earlier stint in the team the rep is back in', async () => {
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-01-01' }]);
    await reps([{ name: 'Ann', team: 'B', team_since: '2026-06-01' }]);
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-09-01' }]);
    const before = await snapshotTables(ctx.db());
    expect(await reps([{ name: 'Ann', team: 'A', team_since: '2026-01-01' }])).toMatchObject({
      unchanged: 1,
      errors: [],
    });
    expect(await snapshotTables(ctx.db())).toEqual(before);
  });

  it('refuses an earlier team_since for the same team that would overlap the previous membership, saying what to give', async () => {
    await reps([{ name: 'Ann', team: 'A', team_since: '2026-01-01' }]);
    await reps([{ name: 'Ann', team: 'B', team_since: '2026-06-01' }]);
    const before = await snapshotTables(ctx.db());
    const r = await reps([{ name: 'Ann', team: 'B', team_since: '2026-04-01' }]);
    expect(r).toMatchObject({ unchanged: 0, updated: 0 });
    expect(r.errors).toEqual([
      {
        index: 0,
        field: 'team_since',
        message:
          '2026-04-01 is before the start of the current team membership (2026-06-01) and inside the previous one (A, 2026-01-01 to 2026-06-01): a rep is in one team at a time. To move the start earlier, give a team_since on or after 2026-06-01; to keep it, give 2026-06-01',
      },
    ]);
    expect(await snapshotTables(ctx.db())).toEqual(before);
  });

  it('fills in the email of a rep first known by name, and registers managers', async () => {
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-11-20', owner_name: 'Ann' }] },
      opts,
    );
    const r = await reps([
      { name: 'Ann', email: 'ann@example.com', team: 'West', manager_name: 'Mia' },
      { name: 'Bo', team: 'West', is_manager: 'yes' },
    ]);
    expect(r).toMatchObject({ inserted: 1, updated: 1, errors: [] });
    const rows = await queryRows<{
      name: string;
      email: string | null;
      role: string;
      manages: string | null;
    }>(
      ctx.db(),
      sql`select r.name, r.email, r.role, string_agg(t.name, ',') as manages
          from reps r left join team_managers tm on tm.rep_id = r.id left join teams t on t.id = tm.team_id
          group by r.id order by r.name`,
    );
    expect(rows).toEqual([
      { name: 'Ann', email: 'ann@example.com', role: 'rep', manages: null },
      { name: 'Bo', email: null, role: 'manager', manages: 'West' },
      { name: 'Mia', email: null, role: 'manager', manages: 'West' },
    ]);
    const [owner] = await queryRows<{ email: string }>(
      ctx.db(),
      sql`select r.email from leads l join reps r on r.id = l.owner_rep_id`,
    );
    expect(owner?.email).toBe('ann@example.com');
  });

  it('names the field whose name is ambiguous: team or manager_name, even when the row gives both', async () => {
    // Two teams and two people whose names fold alike (stored before the rule existed, or by hand).
    await ctx.db().execute(sql`insert into teams (name) values ('EMEA'), ('Emea'), ('West')`);
    await reps([
      { name: 'Amara Okafor', email: 'amara@x.com' },
      { name: 'Amara Okáfor', email: 'amara2@x.com' },
    ]);
    const r = await reps([
      { name: 'Bo', team: 'emea', manager_name: 'Cy' },
      { name: 'Di', team: 'West', manager_name: 'amara okafor' },
    ]);
    expect(r.errors).toEqual([
      {
        index: 0,
        field: 'team',
        message: '"emea" matches 2 teams: EMEA (id 1); Emea (id 2); rename one of them first',
      },
      {
        index: 1,
        field: 'manager_name',
        message:
          '"amara okafor" matches 2 people: Amara Okafor <amara@x.com>; Amara Okáfor <amara2@x.com>; register them by email',
      },
    ]);
  });

  it('looks names up once per batch yet sees the rows before it: created, renamed and rolled back', async () => {
    await ctx.db().execute(sql`insert into teams (name) values ('EMEA'), ('Emea')`);
    await reps([{ name: 'Ann', email: 'ann@x.com' }]);
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'reps',
        items: [
          { name: 'Zed', team: 'West', manager_name: 'Mia' }, // creates Zed, West and Mia
          { name: 'zed', role: 'manager' }, // Zed, created by the row above
          { name: 'Ann Lee', email: 'ann@x.com' }, // renames Ann
          { name: 'ann lee', timezone: 'Europe/Paris' }, // the renamed Ann
          { name: 'Quinn', team: 'emea', manager_name: 'Rae' }, // refused: its Quinn is rolled back
          { name: 'quinn', team: 'west', manager_name: 'MIA' }, // a new Quinn; West and Mia as created
        ],
      },
      { ...opts, atomic: false },
    );
    expect(r).toMatchObject({ inserted: 2, updated: 3, errors: [{ index: 4, field: 'team' }] });
    expect(await queryRows(ctx.db(), sql`select name, email, role, timezone from reps order by id`)).toEqual([
      { name: 'Ann Lee', email: 'ann@x.com', role: 'rep', timezone: 'Europe/Paris' },
      { name: 'Zed', email: null, role: 'manager', timezone: null },
      { name: 'Mia', email: null, role: 'manager', timezone: null },
      { name: 'quinn', email: null, role: 'rep', timezone: null },
    ]);
    expect(await queryRows(ctx.db(), sql`select name from teams order by id`)).toEqual([
      { name: 'EMEA' },
      { name: 'Emea' },
      { name: 'West' },
    ]);
  });

  // Fresh tester (HIGH): found by Slack id alone, a row with another email and another name took over the
  // rep. Refused; a new email with the same name, or a new name with the same email, is still an update.
  it("refuses a row found by Slack id alone whose email and name are both another person's", async () => {
    const people = () => queryRows(ctx.db(), sql`select name, email, slack_user_id from reps order by id`);
    await reps([{ name: 'Bob Stone', email: 'bob@acme.test', slack_user_id: 'U0BOB' }]);
    const before = await snapshotTables(ctx.db());
    const r = await reps([{ name: 'Ivy Imp', email: 'ivy@acme.test', slack_user_id: 'U0BOB' }]);
    expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 0 });
    expect(r.errors).toEqual([
      {
        index: 0,
        field: 'slack_user_id',
        message:
          'U0BOB is Bob Stone <bob@acme.test>, not Ivy Imp <ivy@acme.test>: fix the Slack user id; if this really is Bob Stone with a new name and email, change one at a time (this email with the name Bob Stone, then the new name)',
      },
    ]);
    expect(await snapshotTables(ctx.db())).toEqual(before);
    // The same name written another way (case, accents, spaces) is the same name: the email changes (and, the
    // rep being found by Slack id, not by name, the name takes the row's spelling, single-spaced, as it did before).
    expect(
      await reps([{ name: 'bob  STÖNE', email: 'robert@acme.test', slack_user_id: 'U0BOB' }]),
    ).toMatchObject({ updated: 1, errors: [] });
    expect(await people()).toEqual([
      { name: 'bob STÖNE', email: 'robert@acme.test', slack_user_id: 'U0BOB' },
    ]);
    // The stored email (any case) with a new name: the name changes.
    expect(
      await reps([{ name: 'Rob Stone', email: 'ROBERT@acme.test', slack_user_id: 'U0BOB' }]),
    ).toMatchObject({ updated: 1, errors: [] });
    expect(await people()).toEqual([
      { name: 'Rob Stone', email: 'robert@acme.test', slack_user_id: 'U0BOB' },
    ]);
    // A new name without an email, or a new email without a name, is an update too.
    expect(await reps([{ name: 'Robert Stone', slack_user_id: 'U0BOB' }])).toMatchObject({
      updated: 1,
      errors: [],
    });
    expect(await reps([{ email: 'rs@acme.test', slack_user_id: 'U0BOB' }])).toMatchObject({
      updated: 1,
      errors: [],
    });
    expect(await people()).toEqual([{ name: 'Robert Stone', email: 'rs@acme.test', slack_user_id: 'U0BOB' }]);
    // A rep stored without an email has none to contradict: a row with a new name and an email is an update.
    await reps([{ name: 'Di', slack_user_id: 'U0DI' }]);
    expect(await reps([{ name: 'Diane Ng', email: 'di@acme.test', slack_user_id: 'U0DI' }])).toMatchObject({
      updated: 1,
      errors: [],
    });
    // The reverse, a row found by email giving another rep's Slack id, was refused already, and still is.
    await reps([{ name: 'Cara Diaz', email: 'cara@acme.test', slack_user_id: 'U0CARA' }]);
    const taken = await reps([{ name: 'Robert Stone', email: 'rs@acme.test', slack_user_id: 'U0CARA' }]);
    expect(taken.errors).toEqual([
      { index: 0, field: 'slack_user_id', message: 'U0CARA already belongs to another rep' },
    ]);
  });

  it('rejects an email that belongs to someone else and upserts teams by name', async () => {
    await reps([
      { name: 'Ann', email: 'ann@example.com' },
      { name: 'Bo', slack_user_id: 'U1' },
    ]);
    const r = await reps([{ name: 'Bo', slack_user_id: 'U1', email: 'ann@example.com' }]);
    // The email names Ann, so this item is Ann trying to take Bo's Slack id.
    expect(r.errors).toEqual([
      { index: 0, field: 'slack_user_id', message: expect.stringContaining('another rep') },
    ]);
    const t = await ingestBatch(
      ctx.db(),
      { entity: 'teams', items: [{ name: 'EMEA', response_sla_seconds: '600' }] },
      opts,
    );
    expect(t).toMatchObject({ inserted: 1 });
    const t2 = await ingestBatch(
      ctx.db(),
      { entity: 'teams', items: [{ name: 'EMEA', timezone: 'Mars/Olympus' }] },
      opts,
    );
    expect(t2.errors).toEqual([{ index: 0, field: 'timezone', message: expect.stringContaining('IANA') }]);
  });
});
