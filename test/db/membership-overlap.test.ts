import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { applyMembership, MembershipError } from '../../src/ingest/membership.js';
import { describeDb } from '../helpers/db.js';
import { useTwoWriters } from '../helpers/two-writers.js';

/**
 * A rep is in one team at a time (migration 0033): team_memberships rows of one rep whose ranges
 * [valid_from, valid_to) overlap are refused, whoever writes them, and two racing writers cannot make one.
 */
describeDb('overlapping team memberships', (ctx) => {
  const writers = useTwoWriters(ctx);
  const { postgres, run } = writers;

  /**
   * Runs `statement` and returns the error it raised (SQLSTATE and message), caught in SQL: on PGlite the socket
   * server (pglite-socket 0.2.17) drops the connection after any failed statement, which would fail the test's
   * next query with ECONNRESET. The exception block undoes the statement's writes as a failed statement would.
   */
  async function refusal(statement: string): Promise<{ code: string; message: string }> {
    await run(`create or replace function test_try(q text) returns table (code text, message text)
      language plpgsql as $f$ begin execute q; return query select ''::text, ''::text;
      exception when others then return query select sqlstate::text, sqlerrm::text; end $f$`);
    const [row] = await run(`select * from test_try($q$${statement}$q$)`);
    if (!row?.code) throw new Error('the statement was not refused');
    return row as { code: string; message: string };
  }

  async function seed(): Promise<void> {
    await run(`insert into teams (id, name) values (2, 'Two'), (4, 'Four')`);
    await run(`insert into reps (id, name) values (10, 'Ten'), (20, 'Twenty')`);
    await run(
      `insert into team_memberships (id, rep_id, team_id, valid_from) values (11, 10, 2, '2026-01-01')`,
    );
  }
  const memberships = (rep = 10) =>
    run(
      `select team_id, valid_from::text as from, valid_to::text as to from team_memberships where rep_id = ${rep} order by valid_from`,
    );

  it('refuses a second open membership, naming the rep and both ranges', async () => {
    await seed();
    const { code, message } = await refusal(
      `insert into team_memberships (id, rep_id, team_id, valid_from) values (12, 10, 4, '2026-03-01')`,
    );
    expect(code).toBe('23P01');
    expect(message).toBe(
      'team memberships of rep 10 overlap: [2026-03-01T00:00:00Z, open) in team 4 (membership 12) and ' +
        '[2026-01-01T00:00:00Z, open) in team 2 (membership 11)',
    );
    expect(await memberships()).toHaveLength(1);
  });

  it('refuses an update that makes a closed membership reach into the next one', async () => {
    await seed();
    await run(`update team_memberships set valid_to = '2026-06-01' where id = 11`);
    await run(
      `insert into team_memberships (id, rep_id, team_id, valid_from) values (12, 10, 4, '2026-06-01')`,
    );
    const { code, message } = await refusal(
      `update team_memberships set valid_to = '2026-07-01' where id = 11`,
    );
    expect(code).toBe('23P01');
    expect(message).toContain(
      'team memberships of rep 10 overlap: [2026-01-01T00:00:00Z, 2026-07-01T00:00:00Z)',
    );
    expect(message).toContain('[2026-06-01T00:00:00Z, open) in team 4 (membership 12)');
  });

  it('refuses overlaps within one statement, and accepts adjacent ranges and other reps', async () => {
    await seed();
    const { code } = await refusal(
      `insert into team_memberships (rep_id, team_id, valid_from, valid_to)
       values (20, 2, '2026-01-01', '2026-05-01'), (20, 4, '2026-04-30', null)`,
    );
    expect(code).toBe('23P01');
    // Adjacent: one ends where the next starts ([) ranges), and another rep's rows do not count.
    await run(`insert into team_memberships (rep_id, team_id, valid_from, valid_to)
               values (20, 2, '2026-01-01', '2026-05-01'), (20, 4, '2026-05-01', '2026-08-01'), (20, 2, '2026-08-01', null)`);
    expect(await memberships(20)).toHaveLength(3);
  });

  it('refuses a team move dated in the future, writing nothing, so a typo cannot block later corrections', async () => {
    await seed();
    const db = ctx.db();
    const now = new Date('2026-11-15T12:00:00Z');
    const before = await memberships(10);
    const moved = applyMembership(db, 10, 4, new Date('2027-06-01T00:00:00Z'), now);
    await expect(moved).rejects.toThrow(
      '2027-06-01 is in the future (today is 2026-11-15 UTC): record a team move once it has happened, with the date it took effect',
    );
    await expect(applyMembership(db, 10, null, new Date('2026-12-05T00:00:00Z'), now)).rejects.toBeInstanceOf(
      MembershipError,
    );
    expect(await memberships(10)).toEqual(before);
    // The move dated when it happened goes in.
    expect(await applyMembership(db, 10, 4, new Date('2026-11-12T00:00:00Z'), now)).toBe(true);
  });

  it('lets applyMembership move a rep, take them out and bring them back', async () => {
    await seed();
    const db = ctx.db();
    const now = new Date('2026-11-15T12:00:00Z'); // a Sunday
    expect(await applyMembership(db, 10, 4, new Date('2026-06-01T00:00:00Z'), now)).toBe(true);
    expect(await applyMembership(db, 10, null, new Date('2026-09-01T00:00:00Z'), now)).toBe(true);
    // Back in a team after leaving: not from the start of time (that would overlap the closed rows).
    // (Refused by applyMembership itself, before any write.)
    await expect(applyMembership(db, 10, 2, new Date('2026-08-01T00:00:00Z'), now)).rejects.toBeInstanceOf(
      MembershipError,
    );
    expect(await applyMembership(db, 10, 2, undefined, now)).toBe(true);
    const rows = await queryRows<{ team_id: number; from: string; to: string | null }>(
      db,
      sql`select team_id, valid_from::text as from, valid_to::text as to from team_memberships where rep_id = 10 order by valid_from`,
    );
    expect(rows.map((r) => [r.team_id, r.from.slice(0, 10), r.to?.slice(0, 10) ?? null])).toEqual([
      [2, '2026-01-01', '2026-06-01'],
      [4, '2026-06-01', '2026-09-01'],
      [2, '2026-11-15', null],
    ]);
  });

  it('lets only one of two racing writers open a membership for the same rep', async () => {
    await seed();
    await run(`update team_memberships set valid_to = '2026-06-01' where id = 11`);
    const a = `insert into team_memberships (rep_id, team_id, valid_from) values (10, 4, '2026-06-01')`;
    const b = `insert into team_memberships (rep_id, team_id, valid_from) values (10, 2, '2026-07-01')`;
    if (!postgres()) {
      // One connection: the writers cannot overlap in time; the second is refused all the same.
      await run(a);
      expect((await refusal(b)).code).toBe('23P01');
    } else {
      // Each writer alone sees no open membership; the second's check waits for the first's rep lock and then
      // sees its committed row.
      await writers.first().query('begin');
      await writers.first().query(a);
      const second = writers.second().query(b);
      second.catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      await writers.first().query('commit');
      const error = await second.then(
        () => ({ code: 'none', message: '' }),
        (err: { code: string; message: string }) => err,
      );
      expect(error.code).toBe('23P01');
      expect(error.message).toContain(
        'team memberships of rep 10 overlap: [2026-07-01T00:00:00Z, open) in team 2',
      );
    }
    const open = await run(
      `select count(*)::int as n from team_memberships where rep_id = 10 and valid_to is null`,
    );
    expect(open[0]?.n).toBe(1);
  });
});
