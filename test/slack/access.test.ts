import { describe, expect, it } from 'vitest';
import { checkAccess, checkTargetAccess } from '../../src/access/permissions.js';
import { resolveScopeAsk } from '../../src/access/scope.js';
import type { Caller } from '../../src/core/types.js';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';

const caller = (role: Caller['role'], over: Partial<Caller> = {}): Caller => ({
  slackUserId: 'U1',
  repId: 1,
  name: 'Ana',
  email: null,
  role,
  teamIds: [10],
  managedTeamIds: role === 'manager' ? [10] : [],
  timezone: null,
  ...over,
});
const open = { leaderboardsPublic: true };
const closed = { leaderboardsPublic: false };

describe('who may see what', () => {
  it('lets reps see themselves and any team or org total, not other reps', () => {
    const rep = caller('rep');
    expect(checkAccess(rep, { kind: 'rep', repId: 1, teamIds: [10] }, null, open)).toEqual({ allowed: true });
    expect(checkAccess(rep, { kind: 'team', teamId: 99 }, null, open)).toEqual({ allowed: true });
    expect(checkAccess(rep, { kind: 'org' }, 'team', closed)).toEqual({ allowed: true });
    const other = checkAccess(rep, { kind: 'rep', repId: 2, teamIds: [10] }, null, open);
    expect(other.allowed).toBe(false);
  });

  it('opens by-rep leaderboards to reps only when leaderboards are public', () => {
    const rep = caller('rep');
    expect(checkAccess(rep, { kind: 'team', teamId: 10 }, 'rep', open).allowed).toBe(true);
    const refused = checkAccess(rep, { kind: 'team', teamId: 10 }, 'rep', closed);
    expect(refused).toMatchObject({ allowed: false, reason: expect.stringContaining('by team') });
  });

  it('lets managers see reps and leaderboards of the teams they manage only', () => {
    const mgr = caller('manager', { repId: 5 });
    expect(checkAccess(mgr, { kind: 'rep', repId: 2, teamIds: [10] }, null, closed).allowed).toBe(true);
    expect(checkAccess(mgr, { kind: 'rep', repId: 3, teamIds: [11] }, null, closed).allowed).toBe(false);
    expect(checkAccess(mgr, { kind: 'team', teamId: 10 }, 'rep', closed).allowed).toBe(true);
    expect(checkAccess(mgr, { kind: 'team', teamId: 11 }, 'rep', closed).allowed).toBe(false);
    expect(checkAccess(mgr, { kind: 'org' }, 'rep', closed).allowed).toBe(false);
  });

  it('tells a manager by role who manages no team what makes a manager (helper-178)', () => {
    const lone = caller('manager', { repId: 5, managedTeamIds: [] });
    const why =
      "You manage no team in Tally yet: a team's manager is a rep with `is_manager=yes` and that `team` in the reps file (see docs/data-in.md, reps).";
    const rep = checkAccess(lone, { kind: 'rep', repId: 2, teamIds: [10] }, null, closed, {
      words: 'winrate',
    });
    expect(rep).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^Sorry — other people's numbers/),
    });
    expect(rep.allowed === false && rep.reason.endsWith(` ${why}`)).toBe(true);
    const board = checkAccess(lone, { kind: 'team', teamId: 10 }, 'rep', closed);
    expect(board.allowed === false && board.reason.endsWith(` ${why}`)).toBe(true);
    // A manager of some team, and a rep, hear no such line.
    const mgr = checkAccess(caller('manager'), { kind: 'rep', repId: 3, teamIds: [11] }, null, closed);
    expect(mgr.allowed === false && mgr.reason.includes('is_manager')).toBe(false);
    const other = checkAccess(caller('rep'), { kind: 'rep', repId: 2, teamIds: [10] }, null, open);
    expect(other.allowed === false && other.reason.includes('is_manager')).toBe(false);
  });

  it('lets admins see everything', () => {
    const admin = caller('admin', { teamIds: [] });
    expect(checkAccess(admin, { kind: 'rep', repId: 9, teamIds: [11] }, 'product', closed).allowed).toBe(
      true,
    );
    expect(checkAccess(admin, { kind: 'org' }, 'rep', closed).allowed).toBe(true);
  });

  it('lets managers set targets for their teams and reps, admins anywhere, reps nowhere', () => {
    expect(checkTargetAccess(caller('manager'), { kind: 'team', teamId: 10 }).allowed).toBe(true);
    expect(checkTargetAccess(caller('manager'), { kind: 'rep', repId: 2, teamIds: [10] }).allowed).toBe(true);
    expect(checkTargetAccess(caller('manager'), { kind: 'org' }).allowed).toBe(false);
    expect(checkTargetAccess(caller('admin'), { kind: 'org' }).allowed).toBe(true);
    expect(checkTargetAccess(caller('rep'), { kind: 'team', teamId: 10 }).allowed).toBe(false);
  });

  it('tells a manager by role who manages no team what makes a manager in Tally (is_manager in the reps file)', () => {
    const unmarked = caller('manager', { managedTeamIds: [] });
    const refused = checkTargetAccess(unmarked, { kind: 'team', teamId: 10 });
    expect(refused.allowed).toBe(false);
    expect(refused).toMatchObject({ reason: expect.stringContaining('`is_manager=yes`') });
    expect(refused).toMatchObject({ reason: expect.stringContaining('reps file') });
    expect(checkTargetAccess(unmarked, { kind: 'rep', repId: 2, teamIds: [10] })).toEqual(refused);
  });
});

// Tester: a manager by role on no team typing `target set calls 100 team month` was told "You're not on a
// team… Try `org`" (org targets are admin-only); naming a team gave the is_manager hint. `team` gives it too.
describeDb('`team` for a manager by role who manages no team', (ctx) => {
  const now = new Date('2026-11-15T12:00:00Z');
  it('says what makes a team’s manager in Tally; a rep on no team keeps the plain answer', async () => {
    const otto = caller('manager', { teamIds: [], managedTeamIds: [] });
    const asManager = await resolveScopeAsk(ctx.db(), otto, { kind: 'my_team' }, now);
    expect(asManager).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^You manage no team in Tally yet: .*`is_manager=yes`.* Try `org`, or name a team\.$/,
      ),
    });
    const rep = caller('rep', { teamIds: [] });
    expect(await resolveScopeAsk(ctx.db(), rep, { kind: 'my_team' }, now)).toMatchObject({
      ok: false,
      message: "You're not on a team in Tally yet, so `team` has nothing to show. Try `org`, or name a team.",
    });
  });
});

// Fresh tester helper-184 (MED): a rep who has left shows in `winrate org by rep`, but asking for her by name
// answered "I don't know anyone called …".
describeDb('a former rep asked for by name', (ctx) => {
  const now = new Date('2026-11-15T12:00:00Z');
  it('is found by her full name, never by a first name alone, and an active namesake goes first', async () => {
    const [former] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`insert into reps (name, email, active) values ('Chloe Mendes', 'chloe@example.com', false) returning id`,
    );
    const admin = caller('admin', { teamIds: [], managedTeamIds: [] });
    const ask = (name: string) =>
      resolveScopeAsk(ctx.db(), admin, { kind: 'named', name, teamOnly: false }, now);
    expect(await ask('chloe mendes')).toMatchObject({ ok: true, scope: { kind: 'rep', repId: former!.id } });
    // helper-185: a first name alone says who it matches and how to ask.
    expect(await ask('Chloe')).toMatchObject({
      ok: false,
      message: '"Chloe" matches Chloe Mendes, no longer active: ask for them by full name (`Chloe Mendes`).',
    });
    const [active] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`insert into reps (name, email) values ('Chloe Mendes', 'chloe.m@example.com') returning id`,
    );
    expect(await ask('Chloe Mendes')).toMatchObject({ ok: true, scope: { kind: 'rep', repId: active!.id } });
  });

  // Tester (LOW): `/metrics calls <@U4>`, U4 linked to a deactivated rep, said "Tally doesn't know that person
  // yet." while her full name was answered.
  it('is found by a mention too, as by her full name: by her linked Slack id or her Slack profile email', async () => {
    const [former] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`insert into reps (name, email, active, slack_user_id) values ('Chloe Mendes', 'chloe@example.com', false, 'U4FORMER') returning id`,
    );
    const admin = caller('admin', { teamIds: [], managedTeamIds: [] });
    const byName = await resolveScopeAsk(
      ctx.db(),
      admin,
      { kind: 'named', name: 'Chloe Mendes', teamOnly: false },
      now,
    );
    expect(byName).toMatchObject({ ok: true, scope: { kind: 'rep', repId: former!.id } });
    const mention = (slackUserId: string, email: string | null) =>
      resolveScopeAsk(ctx.db(), admin, { kind: 'user', slackUserId, name: null }, now, async () => ({
        email,
        timezone: null,
      }));
    expect(await mention('U4FORMER', null)).toEqual(byName);
    // Never linked: Slack's profile email finds her, as it finds an active rep.
    const [dan] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`insert into reps (name, email, active) values ('Dan Old', 'dan@example.com', false) returning id`,
    );
    expect(await mention('U5DAN', 'DAN@example.com')).toMatchObject({
      ok: true,
      scope: { kind: 'rep', repId: dan!.id },
    });
    // Someone Tally has no record of at all is still unknown.
    expect(await mention('U6NEW', 'new@example.com')).toMatchObject({
      ok: false,
      message: "Tally doesn't know that person yet.",
    });
  });
});

// Fresh tester helper-209 (MED): `winrate Team Star` (the word `team` and the name "Star") answered "I don't
// know a team called "Star". Did you mean "Team Star"?", and typing the suggestion back said the same.
describeDb('a team whose name begins with "Team"', (ctx) => {
  const now = new Date('2026-11-15T12:00:00Z');
  it('is found when asked as `team` and the rest of its name, unless a team has that rest as its name', async () => {
    const [star] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`insert into teams (name) values ('Team Star') returning id`,
    );
    const admin = caller('admin', { teamIds: [], managedTeamIds: [] });
    const ask = (name: string, teamOnly: boolean) =>
      resolveScopeAsk(ctx.db(), admin, { kind: 'named', name, teamOnly }, now);
    expect(await ask('Star', true)).toMatchObject({ ok: true, scope: { kind: 'team', teamId: star!.id } });
    expect(await ask('Team Star', true)).toMatchObject({
      ok: true,
      scope: { kind: 'team', teamId: star!.id },
    });
    // Without the word `team` "Star" names no one.
    expect(await ask('Star', false)).toMatchObject({ ok: false });
    const [other] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`insert into teams (name) values ('Star') returning id`,
    );
    expect(await ask('Star', true)).toMatchObject({ ok: true, scope: { kind: 'team', teamId: other!.id } });
  });
});
