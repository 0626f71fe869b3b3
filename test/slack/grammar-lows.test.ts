import { expect, it } from 'vitest';
import { activities, reps, teams } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// Now: Monday 23 Nov 2026, 10:00 UTC (fixtures.ts): already Tuesday 24 Nov, 00:00, at UTC+14.
// A fresh tester's low findings, asked as a sales manager types them; each reply's exact text.
describeDb('the grammar as a sales manager types it', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  it('asks back `2 weeks` and `a week` after a team, and answers `30 days ago` with the text to type', async () => {
    expect(await ask(USERS.mia.id, 'calls EMEA 2 weeks')).toBe(
      // The calendar weeks' own dates (the 2 before this one), not a fixed 3-month example range.
      '`2 weeks` could mean the last 14 days or the 2 calendar weeks before this one: ask `14d` for the days (today included), or `2026-11-09..2026-11-22` for the calendar weeks.',
    );
    expect(await ask(USERS.mia.id, 'calls EMEA a week')).toBe(
      '`a week` could mean the last 7 days or the calendar week before this one: ask `7d` for the days (today included), or `last week` for the calendar week.',
    );
    expect(await ask(USERS.mia.id, 'calls 30 days ago')).toBe(
      "I can't read `30 days ago` as a period: it is one day. Ask `2026-10-24` for that day, or `2026-10-24..2026-11-23` for the days from then to today.",
    );
  });

  it('hints the period, not the known name, for a mistyped period after a team or person', async () => {
    expect(await ask(USERS.mia.id, 'calls EMEA lst week')).toBe(
      "I don't know the period `lst week`. Did you mean `last week`?",
    );
    expect(await ask(USERS.mia.id, 'lost ana nxt month')).toBe(
      "I don't know the period `nxt month`. Did you mean `next month`?",
    );
    // An unknown name followed by a mistyped period still says the name is unknown.
    expect(await ask(USERS.mia.id, 'calls Zed lst week')).toBe(
      'I don\'t know a team or person called "Zed lst week". Did you mean `last week`?',
    );
  });

  it('asks whether a lone unknown word where a metric stands was meant as a metric (helper-185)', async () => {
    const lone =
      'I don\'t know a metric, team or person called "frobnicate". `/metrics help` lists the metrics.';
    expect(await ask(USERS.mia.id, 'frobnicate')).toBe(lone);
    expect(await ask(USERS.mia.id, 'frobnicate last month')).toBe(lone);
    // After a metric, or after `team`, it can only be a name.
    expect(await ask(USERS.mia.id, 'calls frobnicate')).toBe(
      'I don\'t know a team or person called "frobnicate".',
    );
    expect(await ask(USERS.mia.id, 'team frobnicate')).toBe('I don\'t know a team called "frobnicate".');
  });

  it("words `since` and `ago` hints in the zone of the team asked about, not the caller's", async () => {
    await ctx.db().insert(teams).values({ name: 'Line Islands', timezone: 'Pacific/Kiritimati' });
    expect(await ask(USERS.ada.id, 'calls team Line Islands since oct')).toBe(
      "I can't read `since oct` as a period. Did you mean `2026-10-01..2026-11-24`?",
    );
    expect(await ask(USERS.ada.id, 'calls team Line Islands since 26 oct')).toBe(
      "I can't read `since 26 oct` as a period. Did you mean `2026-10-26..2026-11-24`?",
    );
    expect(await ask(USERS.ada.id, 'lost team Line Islands since oct')).toContain(
      'Did you mean `2026-10-01..2026-11-24`?',
    );
    expect(await ask(USERS.ada.id, 'calls team Line Islands 30 days ago')).toBe(
      "I can't read `30 days ago` as a period: it is one day. Ask `2026-10-25` for that day, or `2026-10-25..2026-11-24` for the days from then to today.",
    );
    // The caller's own scope keeps the caller's team's zone (EMEA: Berlin, still 23 Nov).
    expect(await ask(USERS.mia.id, 'calls since 26 oct')).toBe(
      "I can't read `since 26 oct` as a period. Did you mean `2026-10-26..2026-11-23`?",
    );
  });

  it('says an unclosed quote is not closed, and two quoted names are two scopes', async () => {
    expect(await ask(USERS.mia.id, 'calls "Sales & Success 30d')).toBe(
      'The quote in `"Sales` is not closed: put the whole name between two quotes, as in `"Sales &amp; Success"`.',
    );
    expect(await ask(USERS.mia.id, 'calls "EMEA" "AMER"')).toBe(
      'That names more than one scope: `"EMEA"` and `"AMER"`; ask for one at a time.',
    );
    // Beside one quoted name, a mistyped period is a mistyped period, as after an unquoted name.
    expect(await ask(USERS.mia.id, 'calls "EMEA" lst week')).toBe(
      "I don't know the period `lst week`. Did you mean `last week`?",
    );
    expect(await ask(USERS.mia.id, 'calls "EMEA" banana split')).toBe(
      'That names more than one scope: `"EMEA"` and `banana split`; ask for one at a time.',
    );
  });

  it('reads a quoted name as the name even when it is a period word, and offers it back as no period', async () => {
    await ctx.db().insert(teams).values({ name: 'Last Month', timezone: 'UTC' });
    expect(await ask(USERS.ada.id, 'calls "Last Month"')).toMatch(
      /^Calls · Last Month · Week of 23 Nov 2026: /,
    );
    expect(await ask(USERS.ada.id, 'calls team "last month" this month')).toMatch(
      /^Calls · Last Month · November 2026: /,
    );
    expect(await ask(USERS.ada.id, 'calls Last Month')).toMatch(/^Calls · Ada Admin · October 2026: /);
    expect(await ask(USERS.ada.id, 'target set calls 40 team "Last Month" week')).toBe(
      'Target set: Calls 40 per week for team Last Month.',
    );
    expect(await ask(USERS.ada.id, 'calls "Nxt Month"')).toBe(
      'I don\'t know a team or person called "Nxt Month".',
    );
  });

  it('refuses two splits, and the same split said twice', async () => {
    expect(await ask(USERS.mia.id, 'calls team by rep by team')).toBe(
      'One split at a time: `by rep` or `by team`.',
    );
    expect(await ask(USERS.mia.id, 'calls team by rep by rep')).toBe(
      'That asks `by rep` twice; one split at a time.',
    );
  });

  // Tester (LOW): `share share` was accepted silently while a split said twice is refused.
  it('refuses share said twice, like a split said twice', async () => {
    expect(await ask(USERS.mia.id, 'calls team today share share')).toBe(
      'That asks `share` twice; say it once.',
    );
    expect(await ask(USERS.mia.id, 'calls team share today post')).toBe(
      '`share` and `post` both ask to share; say it once.',
    );
  });

  // Fresh tester (LOW): `from 03/04/2026 to 2026-05-01` was answered "I don't know a team called …".
  it('asks back about slash dates and `from … to …` instead of reading them as a name', async () => {
    expect(await ask(USERS.mia.id, 'winrate team from 03/04/2026 to 2026-05-01')).toBe(
      '`03/04/2026` could be `2026-04-03` (day first) or `2026-03-04` (month first): write dates as YYYY-MM-DD.',
    );
    expect(await ask(USERS.mia.id, 'winrate 13/04/2026')).toBe(
      'Write dates as YYYY-MM-DD. Did you mean `2026-04-13`?',
    );
    // `from A to B` with ISO days is now read as the range (see the next test); with only a start, the
    // range up to today is offered.
    expect(await ask(USERS.mia.id, 'winrate from 2026-03-04')).toBe(
      'Write a range with two dots. Did you mean `2026-03-04..2026-11-23`?',
    );
  });

  // Tester: `from A – B` was tidied into `from A..B` and then refused ("Write a range with two dots, as in
  // …" with an unrelated example), and `from A to B` was refused though it says just what it means.
  it('reads `from A to B` and `from A – B` as the range A..B', async () => {
    const range = await ask(USERS.mia.id, 'calls 2026-03-04..2026-05-01');
    expect(range).toMatch(/^Calls · Mia Manager · 4 Mar – 1 May 2026: /);
    for (const text of [
      'calls from 2026-03-04 to 2026-05-01',
      'calls from 2026-03-04 – 2026-05-01',
      'calls from 2026-03-04 - 2026-05-01',
      'calls from 2026-03-04–2026-05-01',
      'calls from 2026-03-04..2026-05-01',
      'calls 2026-03-04 to 2026-05-01',
    ])
      expect(await ask(USERS.mia.id, text), text).toBe(range);
    // After a bare `team`, `from` starts the period, not a team's name.
    expect(await ask(USERS.mia.id, 'calls team from 2026-03-04 to 2026-05-01')).toBe(
      await ask(USERS.mia.id, 'calls team 2026-03-04..2026-05-01'),
    );
  });

  // Tester: a range the wrong way round was refused in words the user had not typed
  // ("2026-03-10..2026-03-01"), or as two periods (`2026-03-10 to 2026-03-01`), or as an ambiguous
  // `mar 10`; now it is refused in their words with the range in order to type.
  it('refuses a date range the wrong way round in the words typed, offering it in order', async () => {
    const cases: [string, string][] = [
      ['calls 2026-03-10 - 2026-03-01', '`2026-03-10 - 2026-03-01`'],
      ['calls 2026-03-10 – 2026-03-01', '`2026-03-10 – 2026-03-01`'],
      ['calls 2026-03-10–2026-03-01', '`2026-03-10–2026-03-01`'],
      ['calls 2026-03-10 to 2026-03-01', '`2026-03-10 to 2026-03-01`'],
      ['calls from 2026-03-10 to 2026-03-01', '`from 2026-03-10 to 2026-03-01`'],
      ['calls from 2026-03-10 – 2026-03-01', '`from 2026-03-10 – 2026-03-01`'],
      ['calls mar 10 to mar 1', '`mar 10 to mar 1`'],
      ['calls EMEA mar 10 – mar 1', '`mar 10 – mar 1`'],
    ];
    for (const [text, typed] of cases)
      expect(await ask(USERS.mia.id, text), text).toBe(
        `${typed} ends before it starts. Did you mean \`2026-03-01..2026-03-10\`?`,
      );
    // A day that does not exist is said to, in the words typed, with nothing to guess.
    expect(await ask(USERS.mia.id, 'calls 2026-02-27 - 2026-02-30')).toBe(
      '`2026-02-27 - 2026-02-30` has a date that does not exist: February 2026 has 28 days.',
    );
    expect(await ask(USERS.mia.id, 'calls feb 27 to feb 30')).toBe(
      '`feb 27 to feb 30` has a date that does not exist: February 2026 has 28 days.',
    );
    // A month and a day on each side in order is never guessed (`mar 1` alone may be March 2001): the
    // range to type, the second month the first such month from the first (`dec-feb`).
    expect(await ask(USERS.mia.id, 'calls from mar 1 to mar 10')).toBe(
      "I can't read `from mar 1 to mar 10` as a period. Did you mean `2026-03-01..2026-03-10`?",
    );
    expect(await ask(USERS.mia.id, 'calls dec 20 to jan 5')).toBe(
      "I can't read `dec 20 to jan 5` as a period. Did you mean `2025-12-20..2026-01-05`?",
    );
    // The suggestions are answered.
    expect(await ask(USERS.mia.id, 'calls 2026-03-01..2026-03-10')).toMatch(
      /^Calls · Mia Manager · 1 Mar – 10 Mar 2026: /,
    );
  });

  // Tester: a year on a month-and-day range was dropped, and days first or beside an ISO day lost the end.
  it('answers ranges with years, days first or beside an ISO day with the whole range to type', async () => {
    for (const text of [
      'calls 1 mar to 10 mar',
      'calls 1 mar 2026 - 10 mar 2026',
      'calls 2026-03-01 - mar 10',
      'calls 2026-03-01 – mar 10',
      'calls 2026-03-01 to mar 10',
      'calls mar 1 2026 to mar 10 2026',
    ])
      expect(await ask(USERS.mia.id, text), text).toBe(
        `I can't read \`${text.slice(6)}\` as a period. Did you mean \`2026-03-01..2026-03-10\`?`,
      );
    expect(await ask(USERS.mia.id, 'calls dec 28 2025 to jan 3 2026')).toBe(
      "I can't read `dec 28 2025 to jan 3 2026` as a period. Did you mean `2025-12-28..2026-01-03`?",
    );
    expect(await ask(USERS.mia.id, 'calls 2025-12-28..2026-01-03')).toMatch(/^Calls · Mia Manager · /);
  });

  // Tester: `winrate team – 2026-03-10` and `winrate team to 2026-03-10` said "I don't know a team called "–"".
  it('answers a range word with one date as a range that needs two dates, never as a name', async () => {
    expect(await ask(USERS.mia.id, 'winrate team – 2026-03-10')).toBe(
      '`– 2026-03-10` has one date: a range needs two, as in `2026-03-01..2026-03-10`.',
    );
    expect(await ask(USERS.mia.id, 'winrate team to 2026-03-10')).toBe(
      '`to 2026-03-10` has one date: a range needs two, as in `2026-03-01..2026-03-10`.',
    );
    expect(await ask(USERS.mia.id, 'winrate team 2026-03-01 to')).toBe(
      '`2026-03-01 to` has one date: a range needs two, as in `2026-03-01..2026-03-31`.',
    );
    expect(await ask(USERS.mia.id, 'winrate EMEA until mar 10')).toBe(
      '`until mar 10` has one date: a range needs two, as in `2026-03-01..2026-03-10`.',
    );
  });

  // Third fresh tester: period words written short or loosely were read as a name.
  it('reads `2w`, `2 wks`, `a fortnight`, `an hour ago`, a bare `since` or `ago` as periods, never as names', async () => {
    const twoWeeks =
      'could mean the last 14 days or the 2 calendar weeks before this one: ask `14d` for the days (today included), or `2026-11-09..2026-11-22` for the calendar weeks.';
    expect(await ask(USERS.mia.id, 'calls EMEA 2w')).toBe(`\`2w\` ${twoWeeks}`);
    expect(await ask(USERS.mia.id, 'calls 2 wks')).toBe(`\`2 wks\` ${twoWeeks}`);
    expect(await ask(USERS.mia.id, 'calls a fortnight')).toBe(`\`a fortnight\` ${twoWeeks}`);
    expect(await ask(USERS.mia.id, 'calls an hour ago')).toBe(
      "I can't read `an hour ago` as a period: periods are whole days. Ask `today` or `yesterday`.",
    );
    expect(await ask(USERS.mia.id, 'calls 2 wks ago')).toBe(
      "I can't read `2 wks ago` as a period: it is one day. Ask `2026-11-09` for that day, or `2026-11-09..2026-11-23` for the days from then to today.",
    );
    expect(await ask(USERS.mia.id, 'calls since')).toBe(
      '`since` when? Write a date range, as in `2026-10-01..2026-11-23`.',
    );
    expect(await ask(USERS.mia.id, 'calls ago')).toBe(
      "I can't read `ago` as a period. Try `this month`, `last month`, `next month`, `last quarter`, `q3 2026`, `october`, `30d`, `2026-10`, `2026-10-01..2026-10-31` or `all time`.",
    );
    expect(await ask(USERS.mia.id, 'calls last 3 months')).toBe(
      '`last 3 months` could mean the last 90 days or the 3 calendar months before this one: ask `90d` for the days (today included), or `2026-08-01..2026-10-31` for the calendar months.',
    );
  });

  it('answers a mistyped period alone as a period, and empty quotes as empty', async () => {
    expect(await ask(USERS.mia.id, 'calls nxt month')).toBe(
      "I don't know the period `nxt month`. Did you mean `next month`?",
    );
    expect(await ask(USERS.mia.id, 'calls ""')).toBe(
      'The quotes in `""` are empty: put a team\'s or person\'s name between them, as in `"Sales &amp; Success"`.',
    );
  });

  it('suggests a rep for a swapped pair of letters and for a name without its middle initial', async () => {
    await ctx.db().insert(reps).values({ name: 'Amara J. Khan', email: 'amara@example.com', role: 'rep' });
    expect(await ask(USERS.ada.id, 'calls Amaar')).toBe(
      'I don\'t know a team or person called "Amaar". Did you mean "Amara J. Khan"?',
    );
    expect(await ask(USERS.ada.id, 'calls Amara Khan')).toBe(
      'I don\'t know a team or person called "Amara Khan". Did you mean "Amara J. Khan"?',
    );
    // Second fresh tester: after `@` (the documented form for a person) no name was suggested.
    expect(await ask(USERS.ada.id, 'calls @Amaar')).toBe(
      'I don\'t know anyone called "@amaar". Did you mean "Amara J. Khan"?',
    );
  });

  it('refuses a name that is both a team and a person, and answers each when asked for by kind', async () => {
    // Fresh tester: an import whose owner_name was a team's name made a rep "R&D Team"; the team won
    // silently, and `rep "R&D Team"` said only "more than one scope".
    await ctx.db().insert(teams).values({ name: 'R&D Team', timezone: 'UTC' });
    const [rnd] = await ctx
      .db()
      .insert(reps)
      .values({ name: 'R&D Team', email: 'rnd@example.com', role: 'rep' })
      .returning();
    // The person made one call this week; the team (no members) made none.
    await ctx
      .db()
      .insert(activities)
      .values({
        externalId: 'rnd-call-1',
        repId: rnd!.id,
        kind: 'call',
        occurredAt: new Date('2026-11-23T09:00:00Z'),
      });
    expect(await ask(USERS.ada.id, 'calls "R&D Team"')).toBe(
      '"R&amp;D Team" is the name of a team and of a person. For the team, ask `team "R&amp;D Team"`; for the person, `rep "R&amp;D Team"`.',
    );
    // Second fresh tester: both answers read "Calls · R&D Team"; each now says which it is.
    expect(await ask(USERS.ada.id, 'calls team "R&D Team" this week')).toBe(
      'Calls · R&amp;D Team (team) · Week of 23 Nov 2026: 0, n=0',
    );
    expect(await ask(USERS.ada.id, 'calls rep "R&D Team" this week')).toBe(
      'Calls · R&amp;D Team (rep) · Week of 23 Nov 2026: 1, n=1',
    );
    // A team without a namesake keeps its plain name.
    expect(await ask(USERS.ada.id, 'calls team EMEA this week')).toMatch(/^Calls · EMEA · /);
    // `rep` looks at people only (`person` is the same word): the team is named as such, not answered.
    expect(await ask(USERS.ada.id, 'calls person EMEA')).toBe(
      '"EMEA" is a team, not a person: ask `team EMEA`.',
    );
    expect(await ask(USERS.ada.id, 'calls me "R&D Team"')).toBe(
      'That names more than one scope: `me` and `"R&amp;D Team"`; ask for one at a time.',
    );
  });

  it('asks whose for a bare `person`, calls `team EMEA org` two scopes, and offers `winrate` for `win rat`', async () => {
    // Third fresh tester's lows: each was "I don't know a team or person called …".
    expect(await ask(USERS.mia.id, 'calls person')).toBe(
      'Whose? `person` needs a name after it (`person "Ana Lopez"`) or a mention (`@ana`).',
    );
    expect(await ask(USERS.mia.id, 'calls rep last week')).toBe(
      'Whose? `rep` needs a name after it (`rep "Ana Lopez"`) or a mention (`@ana`).',
    );
    expect(await ask(USERS.mia.id, 'calls team EMEA org')).toBe(
      'That names more than one scope: `team EMEA` and `org`; ask for one at a time.',
    );
    expect(await ask(USERS.mia.id, 'calls EMEA me last week')).toBe(
      'That names more than one scope: `EMEA` and `me`; ask for one at a time.',
    );
    expect(await ask(USERS.mia.id, 'calls org team EMEA')).toBe(
      'That names more than one scope: `org` and `team EMEA`; ask for one at a time.',
    );
    // An unknown name before `org` is still unknown.
    expect(await ask(USERS.mia.id, 'calls team Zed org')).toBe('I don\'t know a team called "Zed org".');
    expect(await ask(USERS.mia.id, 'win rat team')).toBe(
      'I don\'t know a team or person called "rat team". Did you mean `winrate team`?',
    );
    expect(await ask(USERS.mia.id, 'win rat last month')).toBe(
      'I don\'t know a team or person called "rat". Did you mean `winrate last month`?',
    );
    // Two slips from a metric word is a name, not a mistyped metric.
    expect(await ask(USERS.mia.id, 'win ratna')).toBe('I don\'t know a team or person called "ratna".');
  });

  it('says a team asked for as a person is a team, and the other way round, never guessing namesakes', async () => {
    // Fourth fresh tester (helper-169, MED): `rep EMEA` offered three Emmas; `team isabel` said no such team.
    expect(await ask(USERS.mia.id, 'calls rep EMEA')).toBe(
      '"EMEA" is a team, not a person: ask `team EMEA`.',
    );
    expect(await ask(USERS.mia.id, 'calls person "AMER" last week')).toBe(
      '"AMER" is a team, not a person: ask `team "AMER"`.',
    );
    expect(await ask(USERS.mia.id, 'calls team ana')).toBe(
      '"ana" is a person, not a team: ask `person ana`.',
    );
    // One scope said twice is not two scopes.
    expect(await ask(USERS.mia.id, 'calls org org')).toBe('That names `org` twice; say it once.');
    expect(await ask(USERS.mia.id, 'calls EMEA emea')).toBe('That names `EMEA` twice; say it once.');
    // `win rat team EMEA` was "I couldn't make sense of `rat EMEA`", words never typed together.
    expect(await ask(USERS.mia.id, 'win rat team EMEA')).toBe(
      "I couldn't make sense of `rat`. Did you mean `winrate team EMEA`?",
    );
  });

  it('asks which pipeline is meant, created in the period or its coverage, and answers each when named', async () => {
    // helper-170 (MED): `pipeline` answered "Opportunities created" and "No records behind this answer yet".
    const choice = (rest: string) =>
      `\`pipeline\` can mean two metrics; ask for one: \`opps${rest}\` (pipeline created: opportunities created in the period and the value they carry) or \`coverage${rest}\` (pipeline coverage: open pipeline expected to close in the period against the revenue target).`;
    expect(await ask(USERS.mia.id, 'pipeline team this quarter')).toBe(choice(' team this quarter'));
    expect(await ask(USERS.mia.id, 'Pipeline')).toBe(choice(''));
    expect(await ask(USERS.mia.id, 'help pipeline')).toBe(
      '`pipeline` can mean two metrics; ask for one: `help opps` (pipeline created: opportunities created in the period and the value they carry) or `help coverage` (pipeline coverage: open pipeline expected to close in the period against the revenue target).',
    );
    expect(await ask(USERS.mia.id, 'pipeline created team')).toContain('Opportunities created');
    expect(await ask(USERS.mia.id, 'pipeline coverage team')).toContain('Pipeline coverage');
  });

  it('says a count of no weeks has no days in it', async () => {
    // Second fresh tester: `0w` offered "the last 0 days" and a range of a week.
    expect(await ask(USERS.ada.id, 'calls 0w')).toBe(
      "I can't read `0w` as a period: it has no days in it. Ask `7d`, `last week` or `this month`.",
    );
  });

  it("suggests the team for a target's unknown team, and tells a refused manager where they can set or remove targets", async () => {
    expect(await ask(USERS.ada.id, 'target set calls 400 team EMAE week')).toBe(
      'I don\'t know a team called "EMAE". Did you mean "EMEA"?',
    );
    expect(await ask(USERS.mia.id, 'target remove calls team EMAE week')).toBe(
      'I don\'t know a team called "EMAE". Did you mean "EMEA"?',
    );
    expect(await ask(USERS.mia.id, 'target set calls 400 team AMER week')).toBe(
      'Managers can set targets for the teams they manage and their reps; org targets are for admins. You can set them for team EMEA and its reps.',
    );
    expect(await ask(USERS.mia.id, 'target remove calls team AMER week')).toBe(
      'Managers can remove targets for the teams they manage and their reps; org targets are for admins. You can remove them for team EMEA and its reps.',
    );
    expect(await ask(USERS.ana.id, 'target remove calls team week')).toBe(
      'Targets are removed by managers and admins. You can see them with `/metrics target list`.',
    );
  });

  it('reads `@` typed before a full name as that person', async () => {
    // Fresh tester helper-180: `@Bob Ray 2026` answered "I couldn't make sense of `Ray`".
    const typed = await ask(USERS.ada.id, 'winrate @Ana López last month');
    expect(typed).toContain('Win rate · Ana López · October 2026: 100.0%');
    expect(typed).toBe(await ask(USERS.ada.id, 'winrate Ana López last month'));
    // helper-181: beside `me`, it was named back as `person Ana López`, which was not typed.
    expect(await ask(USERS.ada.id, 'winrate @Ana López me')).toBe(
      'That names more than one scope: `@Ana López` and `me`; ask for one at a time.',
    );
    expect(await ask(USERS.ada.id, 'winrate @Ana Lopz last month')).toBe(
      'I don\'t know anyone called "Ana Lopz". Did you mean "Ana López"?',
    );
  });
});
