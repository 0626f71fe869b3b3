import { beforeEach, expect, it } from 'vitest';
import { targetCommand } from '../../commands/target.js';
import type { CommandInput } from '../../commands/types.js';
import type { Caller } from '../../src/core/types.js';
import { teamManagers } from '../../src/db/schema/index.js';
import { listTargets, MetricsError, setTarget } from '../../src/metrics/index.js';
import { addRep, addTeam } from '../digest/fixtures.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';

// Mon 23 Nov 2026, 10:00 UTC.
const NOW = new Date('2026-11-23T10:00:00Z');
/** A Slack marker as escapeName shows it: wrapped in zero-width joiners, so it formats nothing. */
const zwj = (c: string) => `\u200D${c}\u200D`;

describeDb('/metrics target: refusals', (ctx) => {
  let stars: number;
  let west: number;
  let manager: Caller;
  let admin: Caller;

  beforeEach(async () => {
    const db = ctx.database();
    stars = await addTeam(db, '*Stars* _Team_');
    west = await addTeam(db, 'R&D <West> ~`x`~');
    const repId = await addRep(db, { name: 'Mia', slackUserId: 'UMIA', teamId: stars, role: 'manager' });
    await ctx
      .db()
      .insert(teamManagers)
      .values([
        { teamId: stars, repId },
        { teamId: west, repId },
      ]);
    manager = {
      slackUserId: 'UMIA',
      repId,
      name: 'Mia',
      email: null,
      role: 'manager',
      teamIds: [stars],
      managedTeamIds: [stars, west],
      timezone: null,
    };
    const adminId = await addRep(db, { name: 'Ada', slackUserId: 'UADA', role: 'admin' });
    admin = { ...manager, slackUserId: 'UADA', repId: adminId, name: 'Ada', role: 'admin', teamIds: [] };
  });

  const run = (text: string, caller: Caller) => {
    const input: CommandInput = {
      tokens: text.split(/\s+/).filter(Boolean),
      text,
      caller,
      channelId: null,
      now: NOW,
    };
    return targetCommand.run(consoleDeps(ctx.database(), NOW), input);
  };
  /** The refusal as Slack shows it: its one section's mrkdwn. */
  const shown = async (text: string, caller: Caller) => {
    const reply = await run(text, caller);
    const section = reply.message.blocks?.[0] as { text?: { text?: string } } | undefined;
    return { text: reply.message.text, section: section?.text?.text };
  };

  // Tester: checkTargetAccess put the manager's team names into the mrkdwn refusal as they were, so
  // "*Stars* _Team_" showed bold and italic and a backtick opened code.
  it("shows the manager's team names in a refusal as written, not as Slack formatting", async () => {
    const refused = await shown('set calls 400 org month', manager);
    const starsShown = `${zwj('*')}Stars${zwj('*')} ${zwj('_')}Team${zwj('_')}`;
    const westShown = `R&amp;D &lt;West&gt; ${zwj('~')}${zwj('`')}x${zwj('`')}${zwj('~')}`;
    const expected = `Managers can set targets for the teams they manage and their reps; org targets are for admins. You can set them for teams ${starsShown} and ${westShown} and their reps.`;
    expect(refused.section).toBe(expected);
    expect(refused.text).toBe(expected);
    // Removing says the same, with its own verb.
    expect((await shown('remove calls org month', manager)).section).toBe(
      expected.replaceAll(' set ', ' remove '),
    );
    expect(await listTargets(ctx.db())).toEqual([]);
  });

  // Reviewer: "Target set: … for team X" and "Removed: … for team X" showed the team's name as mrkdwn too.
  it('shows the team name as written when a target is set and removed', async () => {
    const starsShown = `${zwj('*')}Stars${zwj('*')} ${zwj('_')}Team${zwj('_')}`;
    const westShown = `R&amp;D &lt;West&gt; ${zwj('~')}${zwj('`')}x${zwj('`')}${zwj('~')}`;
    expect((await shown('set calls 400 team *Stars* _Team_ month', manager)).section).toBe(
      `Target set: Calls 400 per month for team ${starsShown}.`,
    );
    expect((await shown('set calls 300 team R&D <West> ~`x`~ month', manager)).section).toBe(
      `Target set: Calls 300 per month for team ${westShown}.`,
    );
    expect((await shown('remove calls team R&D <West> ~`x`~ month', manager)).section).toBe(
      `Removed: Calls 300 per month for team ${westShown}.`,
    );
  });

  // Tester: `/metrics target set cycle 0.001` was accepted (a sales cycle target of 86 seconds).
  it('refuses a duration target that cannot be meant, naming the allowed range, as a rate over 100% is', async () => {
    const days = 'between 1 and 3,650 days (10 years)';
    expect((await shown('set cycle 0.001 org', admin)).text).toBe(
      `A sales cycle length target is ${days}: "0.001" is not.`,
    );
    expect((await shown('set cycle 0.5 org quarter', admin)).text).toBe(
      `A sales cycle length target is ${days}: "0.5" is not.`,
    );
    expect((await shown('set leadcycle 0.25 org', admin)).text).toBe(
      `A lead-to-close cycle target is ${days}: "0.25" is not.`,
    );
    expect((await shown('set cycle 4000 org', admin)).text).toBe(
      `A sales cycle length target is ${days}: "4000" is not.`,
    );
    // Response time is kept in whole seconds: under one second is no target.
    expect((await shown('set response 0.001m org', admin)).text).toBe(
      'A lead response time target is between 1 second and 10 years: "0.001m" is not.',
    );
    // A typed 0 keeps its own answer.
    expect((await shown('set cycle 0 org', admin)).text).toBe(
      'A sales cycle length target of 0 is met by doing nothing; set one above zero.',
    );
    expect(await listTargets(ctx.db())).toEqual([]);
    // The range's ends are accepted.
    expect((await shown('set cycle 1 org', admin)).text).toContain('Target set: Sales cycle length 1');
    expect((await shown('set leadcycle 3650 org', admin)).text).toContain(
      'Target set: Lead-to-close cycle 3,650',
    );
    expect((await shown('set response 1s org', admin)).text).toContain('Target set: Lead response time 1s');
    expect((await listTargets(ctx.db())).map((t) => [t.metric, t.value])).toEqual([
      ['cycle', 1],
      ['leadcycle', 3650],
      ['response', 1],
    ]);
  });

  it('keeps the same floor when a target is set without the command', async () => {
    const base = {
      scope: { kind: 'org' as const },
      periodKind: 'month' as const,
      setByRepId: null,
      now: NOW,
    };
    await expect(setTarget(ctx.db(), { ...base, metric: 'cycle', value: 0.001 })).rejects.toThrow(
      new MetricsError('bad_target', 'A sales cycle length target is at least 1 day.'),
    );
    await expect(setTarget(ctx.db(), { ...base, metric: 'response', value: 0.5 })).rejects.toThrow(
      'A lead response time target is at least 1 second.',
    );
    expect(await listTargets(ctx.db())).toEqual([]);
  });
});
