import { beforeEach, expect, it } from 'vitest';
import { targetCommand } from '../../commands/target.js';
import type { CommandInput } from '../../commands/types.js';
import type { Caller } from '../../src/core/types.js';
import { teamManagers } from '../../src/db/schema/index.js';
import {
  isBusyError,
  listTargets,
  MetricsError,
  saveFiscalCalendar,
  setTarget,
  withInteractiveDeadline,
} from '../../src/metrics/index.js';
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
  it('is told "busy" with nothing saved once its deadline has passed', async () => {
    // Past capacity a change is refused, not made late: the reads before the write race the deadline, and
    // the write itself is not started past it (throwIfPastDeadline). answerSafely turns the error into "busy".
    const late = withInteractiveDeadline(Date.now() - 1, () => run('set calls 40 team week', manager));
    await expect(late).rejects.toSatisfy(isBusyError);
    expect(await listTargets(ctx.db())).toEqual([]);
    // In time, the same command saves.
    await withInteractiveDeadline(Date.now() + 60_000, () => run('set calls 40 team week', manager));
    expect((await listTargets(ctx.db())).map((t) => t.value)).toEqual([40]);
  });

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
    // A typed 0 keeps its own answer: a duration of 0 can never be met, not "is met by doing nothing" as it said
    // (helper-173); a count of 0, even of lost deals, is met by doing nothing.
    expect((await shown('set cycle 0 org', admin)).text).toBe(
      'A sales cycle length target of 0 can never be met; set one above zero.',
    );
    expect((await shown('set response 0s org', admin)).text).toBe(
      'A lead response time target of 0 can never be met; set one above zero.',
    );
    expect((await shown('set lostdeals 0 org', admin)).text).toBe(
      'A lost deals target of 0 is met by doing nothing; set one above zero.',
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

  // Tester (LOW): `/metrics target set coverage 0.0001` was accepted: a pipeline coverage target any
  // pipeline at all meets (or, at 1000, none does).
  it('refuses a coverage target outside 0.1× to 100×, naming the range and an example', async () => {
    const range = 'between 0.1× and 100× of the revenue still needed (e.g. 3, the 3× rule of thumb)';
    expect((await shown('set coverage 0.0001 org quarter', admin)).text).toBe(
      `A pipeline coverage target is ${range}: "0.0001" is not.`,
    );
    expect((await shown('set coverage 0.05 org', admin)).text).toBe(
      `A pipeline coverage target is ${range}: "0.05" is not.`,
    );
    expect((await shown('set coverage 1000 org', admin)).text).toBe(
      `A pipeline coverage target is ${range}: "1000" is not.`,
    );
    expect(await listTargets(ctx.db())).toEqual([]);
    // The range's ends, and the rule of thumb, are accepted.
    expect((await shown('set coverage 0.1 org quarter', admin)).text).toContain(
      'Target set: Pipeline coverage',
    );
    expect((await shown('set coverage 100 org month', admin)).text).toContain(
      'Target set: Pipeline coverage',
    );
    expect((await shown('set coverage 3 team *Stars* _Team_ quarter', admin)).text).toContain(
      'Target set: Pipeline coverage',
    );
    expect((await listTargets(ctx.db())).map((t) => [t.periodKind, t.value])).toEqual([
      ['month', 100],
      ['quarter', 0.1],
      ['quarter', 3],
    ]);
  });

  // Tester (LOW): `/metrics target set arr $100k org month` was accepted as an ARR level for each month
  // (and `set arr $1.2m org`, without a period, stored per month too): read as $100k a month of recurring
  // revenue, that is a twelfth of the ARR meant. ARR is a yearly run rate: its targets are per quarter.
  it('refuses an ARR target per month, week or day, with an example; without a period it is per quarter', async () => {
    const why = (per: string) =>
      `An annual recurring revenue target is a yearly run rate, set per quarter (the level to reach by each quarter's end; monthly answers show it too), not per ${per}: e.g. \`/metrics target set arr $1.2m team quarter\`. For $100k a month of recurring revenue, that is $1.2m of ARR.`;
    expect((await shown('set arr $100k org month', admin)).text).toBe(why('month'));
    expect((await shown('set arr $100k org monthly', admin)).text).toBe(why('month'));
    expect((await shown('set arr $1.2m team *Stars* _Team_ week', manager)).text).toBe(why('week'));
    expect((await shown('set arr $1.2m org day', admin)).text).toBe(why('day'));
    expect(await listTargets(ctx.db())).toEqual([]);
    const set = await shown('set arr $1.2m org', admin);
    expect(set.text).toContain('Target set: Annual recurring revenue');
    expect(set.text).toContain('(quarterly) for the whole org.');
    expect((await shown('set arr $1.5m team *Stars* _Team_ quarter', manager)).text).toContain(
      'Target set: Annual recurring revenue',
    );
    expect(
      (await listTargets(ctx.db())).map((t) => [t.metric, t.scope.kind, t.periodKind, t.value, t.currency]),
    ).toEqual([
      ['arr', 'org', 'quarter', 120_000_000, 'USD'],
      ['arr', 'team', 'quarter', 150_000_000, 'USD'],
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
    await expect(setTarget(ctx.db(), { ...base, metric: 'coverage', value: 0.0001 })).rejects.toThrow(
      new MetricsError(
        'bad_target',
        'A pipeline coverage target is between 0.1× and 100× (e.g. 3 for the 3× rule of thumb).',
      ),
    );
    await expect(setTarget(ctx.db(), { ...base, metric: 'coverage', value: 250 })).rejects.toThrow(
      'A pipeline coverage target is between 0.1× and 100×',
    );
    await expect(
      setTarget(ctx.db(), { ...base, metric: 'arr', value: 10_000_000, currency: 'USD' }),
    ).rejects.toThrow('An annual recurring revenue target is a yearly run rate, set per quarter');
    expect(await listTargets(ctx.db())).toEqual([]);
  });
  // Tester: `/metrics target set winrate 30% team year` answered "I don't know a team called "year"."
  it('answers a period word a target does not take (year, yearly) with the periods it takes and the command to type', async () => {
    const perYear = 'Targets are per day, week, month or quarter, not per year:';
    expect((await shown('set winrate 30% team year', admin)).text).toBe(
      `${perYear} write \`quarter\`, as in \`/metrics target set winrate 30% team quarter\`.`,
    );
    expect((await shown('set winrate 30% yearly', manager)).text).toBe(
      `${perYear} write \`quarter\`, as in \`/metrics target set winrate 30% quarter\`.`,
    );
    // A count is a quarter's share of the year's, shown divided when it divides.
    expect((await shown('set calls 4800 org per year', admin)).text).toBe(
      `${perYear} set a quarter's share of the year's figure (÷ 4), as in \`/metrics target set calls 1200 org quarter\` for 4,800 a year.`,
    );
    // One that does not divide gets the whole counts on either side (helper-169's low #12: no command at all).
    expect((await shown('set calls 1001 org year', admin)).text).toBe(
      `${perYear} set a quarter's share of the year's figure (÷ 4); 1,001 a year is 250.25 a quarter, and a count target is whole, so \`/metrics target set calls 251 org quarter\` for 1,004 a year or \`/metrics target set calls 250 org quarter\` for 1,000 a year.`,
    );
    expect((await shown('set calls 3 org year', admin)).text).toBe(
      `${perYear} set a quarter's share of the year's figure (÷ 4); 3 a year is 0.75 a quarter, and a count target is whole, so \`/metrics target set calls 1 org quarter\` for 4 a year.`,
    );
    expect((await shown('set revenue $2m org annually', admin)).text).toBe(
      `${perYear} set a quarter's share of the year's figure (÷ 4), as in \`/metrics target set revenue 500000 USD org quarter\` for $2,000,000 a year.`,
    );
    // A share that is no whole amount is left to write.
    expect((await shown('set revenue $1001 org annually', admin)).text).toBe(
      `${perYear} set a quarter's share of the year's figure (÷ 4) with \`quarter\` at the end.`,
    );
    expect((await shown('set meetings 30 team fortnightly', admin)).text).toBe(
      "Targets are per day, week, month or quarter, not per fortnight: set a week's share of the fortnight's figure (÷ 2), as in `/metrics target set meetings 15 team week` for 30 a fortnight.",
    );
    expect((await shown('remove calls team year', admin)).text).toBe(
      `${perYear} write \`quarter\`, as in \`/metrics target remove calls team quarter\`.`,
    );
    expect(await listTargets(ctx.db())).toEqual([]);
    // A team that is called so is that team; an unknown team with a period word still gets its own answer.
    const year = await addTeam(ctx.database(), 'Year');
    expect((await shown('set calls 400 team year', admin)).text).toBe(
      'Target set: Calls 400 per month for team Year.',
    );
    expect((await shown('set calls 400 team EMEA month', admin)).text).toContain(
      'I don\'t know a team called "EMEA".',
    );
    expect((await listTargets(ctx.db())).map((t) => t.scope)).toEqual([{ kind: 'team', teamId: year }]);
  });

  it('names the targets for the same metric and scope per other periods, which stay (helper-173)', async () => {
    expect((await shown('set calls 600 team quarter', manager)).text).toBe(
      'Target set: Calls 600 per quarter for team *Stars* _Team_.'.replace(/[*_]/g, (c) => zwj(c)),
    );
    expect((await shown('set calls 200 team', manager)).text).toBe(
      'Target set: Calls 200 per month for team *Stars* _Team_. The other calls target for team *Stars* _Team_ stays: 600 per quarter.'.replace(
        /[*_]/g,
        (c) => zwj(c),
      ),
    );
    expect((await shown('set calls 50 team week', manager)).text).toContain(
      'The other calls targets for team',
    );
    expect((await shown('set calls 50 team week', manager)).text).toContain(
      'stay: 200 per month; 600 per quarter.',
    );
    expect(await listTargets(ctx.db())).toHaveLength(3);
  });

  it('refuses whoever may not change the target before any advice on the wording (helper-171 #7)', async () => {
    // A rep was offered `/metrics target set calls 251 org quarter`, a command she could not run.
    const repId = await addRep(ctx.database(), {
      name: 'Rob',
      slackUserId: 'UROB',
      teamId: stars,
      role: 'rep',
    });
    const rep: Caller = {
      ...manager,
      slackUserId: 'UROB',
      repId,
      name: 'Rob',
      role: 'rep',
      managedTeamIds: [],
    };
    const refused = 'Targets are set by managers and admins. You can see them with `/metrics target list`.';
    expect((await shown('set calls 1001 org year', rep)).text).toBe(refused);
    expect((await shown('set win rate 130% team', rep)).text).toBe(refused);
    expect((await shown('remove calls org year', rep)).text).toBe(
      'Targets are removed by managers and admins. You can see them with `/metrics target list`.',
    );
    // A manager who manages no team, likewise.
    const idle: Caller = { ...manager, managedTeamIds: [] };
    expect((await shown('set calls 1001 team yearly', idle)).text).toContain(
      'You manage no team in Tally yet',
    );
    // A manager asking for the org by year hears that org targets are for admins, not the command to type.
    expect((await shown('set calls 1001 org year', manager)).text).toMatch(
      /^Managers can set targets for the teams they manage and their reps; org targets are for admins\./,
    );
    // Her own team by year still gets the command.
    expect((await shown('set calls 4800 team year', manager)).text).toContain(
      '`/metrics target set calls 1200 team quarter` for 4,800 a year.',
    );
    expect(await listTargets(ctx.db())).toEqual([]);
  });

  it('reads a counted period (2 weeks, three months) as its word, and refuses one no target period names', async () => {
    // Helper-173: `target set calls 400 team NA East 2 weeks` said "I couldn't tell whose target that is."
    const perFortnight = 'Targets are per day, week, month or quarter, not per fortnight:';
    expect((await shown('set calls 400 org 2 weeks', admin)).text).toBe(
      `${perFortnight} set a week's share of the fortnight's figure (÷ 2), as in \`/metrics target set calls 200 org week\` for 400 a fortnight.`,
    );
    expect((await shown('set winrate 30% org two weeks', admin)).text).toBe(
      `${perFortnight} write \`week\`, as in \`/metrics target set winrate 30% org week\`.`,
    );
    // With the command to type (helper-174 #8: `6 months` got none), as `year` is answered.
    const perHalf = 'Targets are per day, week, month or quarter, not per 6 months:';
    expect((await shown('set calls 600 org 6 months', admin)).text).toBe(
      `${perHalf} set a month's share of the 6 months' figure (÷ 6), as in \`/metrics target set calls 100 org month\` for 600 every 6 months.`,
    );
    expect((await shown('set calls 400 org 6 months', admin)).text).toBe(
      `${perHalf} set a month's share of the 6 months' figure (÷ 6); 400 every 6 months is 66.67 a month, and a count target is whole, so \`/metrics target set calls 67 org month\` for 402 every 6 months or \`/metrics target set calls 66 org month\` for 396 every 6 months.`,
    );
    expect((await shown('set winrate 30% org 6 months', admin)).text).toBe(
      `${perHalf} write \`month\`, as in \`/metrics target set winrate 30% org month\`.`,
    );
    // An admin on no team is told so, not offered `… team month`, which would be refused (helper-177).
    const loneAdmin = { ...admin, managedTeamIds: [] };
    for (const period of ['6 months', 'year', 'month'])
      expect((await shown(`set calls 600 team ${period}`, loneAdmin)).text).toBe(
        "You're not on a team in Tally yet, so `team` has nothing to show. Try `org`, or name a team.",
      );
    // A money target too, in the currency typed (helper-177: none was offered).
    expect((await shown('set revenue $2.4m org 2 years', admin)).text).toBe(
      "Targets are per day, week, month or quarter, not per 2 years: set a quarter's share of the 2 years' figure (÷ 8), as in `/metrics target set revenue 300000 USD org quarter` for $2,400,000 every 2 years.",
    );
    expect((await shown('set revenue 600k org 6 months', admin)).text).toBe(
      `${perHalf} set a month's share of the 6 months' figure (÷ 6), as in \`/metrics target set revenue 100000 org month\` for 600,000 every 6 months.`,
    );
    expect((await shown('set calls 100 org 10 days', admin)).text).toBe(
      'Targets are per day, week, month or quarter, not per 10 days: set one per day (a daily target counts working days) or per week.',
    );
    expect((await shown('set calls 8000 org 2 years', admin)).text).toContain(
      '`/metrics target set calls 1000 org quarter` for 8,000 every 2 years.',
    );
    expect(await listTargets(ctx.db())).toEqual([]);
    expect((await shown('set calls 900 org 3 months', admin)).text).toBe(
      'Target set: Calls 900 per quarter for the whole org.',
    );
    expect((await shown('set calls 300 org a week', admin)).text).toContain(
      'Target set: Calls 300 per week for the whole org.',
    );
  });

  it('reads period words as questions do: this month, 2w, 7d, fiscal quarter, and the fiscal calendar (helper-174)', async () => {
    const particular = (typed: string, write: string) =>
      `A target is per day, week, month or quarter, not for one particular period ("${typed}"): write "${write}". A target applies from when it is set; periods that ended before keep the one they had.`;
    // These said "I couldn't tell whose target that is."
    expect((await shown('set calls 400 org this month', admin)).text).toBe(particular('this month', 'month'));
    expect((await shown('set calls 400 org last quarter', admin)).text).toBe(
      particular('last quarter', 'quarter'),
    );
    expect((await shown('set calls 10 org 2w', admin)).text).toContain(
      '`/metrics target set calls 5 org week` for 10 a fortnight.',
    );
    expect(await listTargets(ctx.db())).toEqual([]);
    // `fiscal year` was answered with `… org fiscal quarter`, which then read "fiscal" as a team.
    expect((await shown('set calls 4800 org fiscal year', admin)).text).toContain(
      '`/metrics target set calls 1200 org quarter` for 4,800 a year.',
    );
    expect((await shown('set calls 1200 org fiscal quarter', admin)).text).toBe(
      'Target set: Calls 1,200 per quarter for the whole org.',
    );
    expect((await shown('set calls 70 org 7d', admin)).text).toContain(
      'Target set: Calls 70 per week for the whole org.',
    );
    // With a fiscal year from February, `q1` is Q1 FY2027 here too (it was named "2026-Q1"), and `q1 2026`,
    // which reads two ways, is refused as one particular period, not asked back with two commands both refused.
    await saveFiscalCalendar(ctx.db(), { kind: 'months', startMonth: 2 }, null);
    expect((await shown('set calls 400 org q1', admin)).text).toBe(
      particular('Q1 FY2027', 'month" or "quarter'),
    );
    expect((await shown('set calls 400 org q1 2026', admin)).text).toBe(
      particular('2026-Q1', 'month" or "quarter'),
    );
  });

  it('reads a metric named in several words, and asks which pipeline is meant (helper-171)', async () => {
    // `win rate 30%` was '"rate" is not a percentage (like 30%) target.'; `pipeline` was "no metric".
    expect((await shown('set win rate 30% org quarter', admin)).text).toBe(
      'Target set: Win rate 30.0% (quarterly) for the whole org.',
    );
    expect((await shown('set new pipeline 100 org month', admin)).text).toBe(
      'Target set: Opportunities created 100 per month for the whole org.',
    );
    expect((await shown('set pipeline 3 org quarter', admin)).text).toBe(
      '`pipeline` can mean two metrics; ask for one: `/metrics target set opps 3 org quarter` (pipeline created: opportunities created in the period and the value they carry) or `/metrics target set coverage 3 org quarter` (pipeline coverage: open pipeline expected to close in the period against the revenue target).',
    );
    expect((await shown('remove Pipeline org', admin)).text).toContain(
      'ask for one: `/metrics target remove opps org` (pipeline created',
    );
    expect((await shown('remove win rate org', admin)).text).toBe(
      'Removed: Win rate 30.0% (quarterly) for the whole org.',
    );
    expect((await listTargets(ctx.db())).map((t) => t.metric)).toEqual(['opps']);
  });

  it('reads `lost` as the lost deals metric `/metrics lost` breaks down', async () => {
    expect((await shown('set lost 10 org month', admin)).text).toBe(
      'Target set: Lost deals 10 per month for the whole org.',
    );
    expect((await listTargets(ctx.db())).map((t) => [t.metric, t.value])).toEqual([['lostdeals', 10]]);
    expect((await shown('remove lost org', admin)).text).toBe(
      'Removed: Lost deals 10 per month for the whole org.',
    );
  });

  // Fresh tester helper-403 (HIGH): with a team "Fiscal", `target set calls 46 fiscal week` and `team fiscal
  // week` set the caller's own team's target (a target's periods are the fiscal calendar's already, so
  // `fiscal` before a period word is dropped: helper-174), and `target remove calls fiscal week` removed it.
  // With such a team nothing is stored or removed now: both commands are offered.
  it('asks back for `fiscal` before a period word when a team is called Fiscal, storing nothing', async () => {
    const db = ctx.database();
    await run('set calls 47 team week', manager);
    const before = await listTargets(ctx.db());
    const fiscalTeam = await addTeam(db, 'Fiscal');
    await ctx.db().insert(teamManagers).values({ teamId: fiscalTeam, repId: manager.repId! });
    const mia = { ...manager, managedTeamIds: [...manager.managedTeamIds, fiscalTeam] };
    const head =
      "`fiscal` can be the team Fiscal or the fiscal calendar, so nothing was set. A target's periods are the fiscal calendar's already";
    expect((await shown('set calls 46 fiscal week', mia)).section).toBe(
      `${head}: for the team, type \`/metrics target set calls 46 team "Fiscal" week\`; otherwise, \`/metrics target set calls 46 week\`.`,
    );
    expect((await shown('set calls 46 team fiscal week', mia)).section).toBe(
      `${head}: for the team, type \`/metrics target set calls 46 team "Fiscal" week\`; otherwise, \`/metrics target set calls 46 team week\`.`,
    );
    expect((await shown('remove calls fiscal week', mia)).section).toContain('so nothing was removed.');
    expect((await shown('set calls 49 team fiscal quarter', admin)).section).toContain(
      '`/metrics target set calls 49 team "Fiscal" quarter`',
    );
    expect(await listTargets(ctx.db())).toEqual(before);
    // The team by its quoted name, or by `team fiscal` with no period word after it, is set as asked.
    expect((await shown('set calls 46 team "Fiscal" week', mia)).section).toBe(
      'Target set: Calls 46 per week for team Fiscal.',
    );
  });

  it('drops `fiscal` before a period word when no team is so called (helper-174)', async () => {
    expect((await shown('set calls 46 fiscal week', manager)).section).toMatch(
      /^Target set: Calls 46 per week for team /,
    );
  });

  // Fresh tester helper-403 (MED): with a team "The Team", `target set calls 43 the team week` was asked back
  // with `summary team` and `summary team "the team"`, which ask for a scorecard, not set the target.
  it('asks back `the team` with target commands to type, storing nothing', async () => {
    const theTeam = await addTeam(ctx.database(), 'The Team');
    // A manager of both teams may set either target, so both commands are offered (see below for others).
    const both = { ...manager, managedTeamIds: [...manager.managedTeamIds, theTeam] };
    const asked = (await shown('set calls 43 the team week', both)).section;
    expect(asked).toContain('ask `target set calls 43 team week`');
    expect(asked).toContain('ask `target set calls 43 team "the team" week`');
    expect(asked).not.toContain('summary');
    expect(await listTargets(ctx.db())).toEqual([]);
  });

  // Fresh tester helper-404 (MED): the ask-backs offered both commands whatever the caller could run: a
  // caller on no team got their own team's, and a manager the command for a team they may not set.
  it('offers in an ask-back only the target commands the caller can run', async () => {
    const db = ctx.database();
    await addTeam(db, 'Fiscal');
    await addTeam(db, 'The Team');
    const other = await addTeam(db, 'Other');
    const onNoTeam = { ...admin, teamIds: [], managedTeamIds: [] };
    const head =
      "`fiscal` can be the team Fiscal or the fiscal calendar, so nothing was set. A target's periods are the fiscal calendar's already";
    expect((await shown('set calls 46 fiscal week', manager)).section).toBe(
      `${head}, and the team's targets are not yours to set: type \`/metrics target set calls 46 week\`.`,
    );
    expect((await shown('set calls 46 fiscal week', onNoTeam)).section).toBe(
      `${head}: for the team, type \`/metrics target set calls 46 team "Fiscal" week\`.`,
    );
    // On a team they do not manage, a manager can set neither: said in one sentence.
    const elsewhere = { ...manager, teamIds: [other] };
    expect((await shown('set calls 46 fiscal week', elsewhere)).section).toBe(
      '`fiscal` can be the team Fiscal or the fiscal calendar, and neither target is yours to set, so nothing was set.',
    );
    expect((await shown('set calls 43 the team week', manager)).section).toBe(
      '`the team` can mean your own team or the team The Team, whose targets are not yours to set: for your own team, ask `target set calls 43 team week`.',
    );
    // Fresh tester helper-503 (MED): it offered the own team's reading to a caller on no team, and did not
    // say that nothing was set.
    expect((await shown('set calls 43 the team week', onNoTeam)).section).toBe(
      '`the team` can only be the team The Team here, as you are on no team, but nothing was set: for the team, ask `target set calls 43 team "the team" week`.',
    );
    expect((await shown('remove calls the team week', elsewhere)).section).toBe(
      '`the team` can mean your own team or the team The Team, and neither target is yours to remove, so nothing was removed.',
    );
    expect(await listTargets(ctx.db())).toEqual([]);
  });
});
