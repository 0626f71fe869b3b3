import { expect, it } from 'vitest';
import { reps, teamMemberships, teams } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// Now: Monday 23 Nov 2026, 10:00 UTC (fixtures.ts). Ana won 12 Oct, 2 Nov and 16 Nov, lost 5 Nov.
describeDb('month names as periods', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  it('reads october, oct, oct 2026 and 2026 october as October 2026, and a month still to come as last year’s', async () => {
    for (const text of ['winrate october', 'winrate Oct', 'winrate oct 2026', 'winrate 2026 october'])
      expect(await ask(USERS.ana.id, text), text).toBe('Win rate · Ana López · October 2026: 100.0%, n=1');
    // The running month, then the latest December that has started.
    expect(await ask(USERS.ana.id, 'winrate november')).toContain(
      'Win rate · Ana López · November 2026: 66.7%',
    );
    expect(await ask(USERS.ana.id, 'winrate dec')).toContain('Win rate · Ana López · December 2025: no data');
    // The tester's question: the caller's team in October, not a team called "october".
    // The activity log starts on 23 Nov: October has no calls data, said so, not 0.
    expect(await ask(USERS.mia.id, 'calls team october')).toBe('Calls · EMEA · October 2026: no data, n=0');
    expect(await ask(USERS.mia.id, 'winrate team EMEA sept')).toContain('Win rate · EMEA · September 2026');
  });

  it('asks which was meant when a month is also a team’s or a person’s name, and answers each when told', async () => {
    const db = ctx.db();
    const [october] = await db.insert(teams).values({ name: 'October' }).returning({ id: teams.id });
    const [may] = await db
      .insert(reps)
      .values({ name: 'May Fisher', role: 'rep' })
      .returning({ id: reps.id });
    await db
      .insert(teamMemberships)
      .values({ repId: may!.id, teamId: october!.id, validFrom: new Date('2025-01-01T00:00:00Z') });

    expect(await ask(USERS.ada.id, 'calls team october')).toContain(
      '"october" can be the month or the team October. For the month, write `2026-10`; for the team, add a period (`team October this month`).',
    );
    expect(await ask(USERS.ada.id, 'calls October')).toContain(
      '"October" can be the month or the team October. For the month, write `2026-10`; for the team, add a period (`October this month`).',
    );
    expect(await ask(USERS.ada.id, 'calls may')).toContain(
      '"may" can be the month or May Fisher. For the month, write `2026-05`; for the person, add a period (`may this month`).',
    );
    // Each reading, asked so that it reads one way only.
    expect(await ask(USERS.ada.id, 'calls team October this week')).toContain(
      'Calls · October · Week of 23 Nov 2026',
    );
    expect(await ask(USERS.ada.id, 'calls may this month')).toContain('Calls · May Fisher · November 2026');
    expect(await ask(USERS.ada.id, 'calls org 2026-10')).toBe(
      'Calls · Whole org · October 2026: no data, n=0',
    );
    expect(await ask(USERS.ada.id, 'calls org october')).toBe(
      'Calls · Whole org · October 2026: no data, n=0',
    );
    expect(await ask(USERS.ada.id, 'calls me may')).toContain('Calls · Ada Admin · May 2026');
    // A target is never for one month: there the month word is the name.
    expect(await ask(USERS.ada.id, 'target set calls 50 team October week')).toContain(
      'Target set: Calls 50 per week for team October.',
    );
    expect(await ask(USERS.ada.id, 'target set calls 10 may week')).toContain(
      'Target set: Calls 10 per week for May Fisher.',
    );
    expect(await ask(USERS.mia.id, 'target set calls 50 team EMEA october')).toContain(
      'not for one particular period ("2026-10")',
    );
  });

  it('suggests the month for a misspelt month that names no one, and the period list names months and next', async () => {
    expect(await ask(USERS.mia.id, 'calls octobr')).toContain(
      'I don\'t know a team or person called "octobr". Did you mean the month `october`?',
    );
    // A name close to a team's is still suggested as the team.
    expect(await ask(USERS.mia.id, 'calls EMAE')).toContain('Did you mean "EMEA"?');
    expect(await ask(USERS.mia.id, 'calls this fortnight')).toContain(
      '`next month`, `last quarter`, `q3 2026`, `october`',
    );
  });

  // Tester (issue 10): each of these answered a plain "I don't know a team or person called …".
  it('reads oct. and next-month as periods, suggests mistyped ones and refuses oct 26, in questions, lost and coach', async () => {
    expect(await ask(USERS.ana.id, 'winrate oct.')).toBe('Win rate · Ana López · October 2026: 100.0%, n=1');
    expect(await ask(USERS.mia.id, 'calls team sept.')).toContain('Calls · EMEA · September 2026');
    expect(await ask(USERS.mia.id, 'calls team next-month')).toContain(
      'Calls · EMEA · December 2026: not started yet',
    );
    expect(await ask(USERS.mia.id, 'calls team last-quarter')).toContain('Calls · EMEA · Q3 2026');
    expect(await ask(USERS.mia.id, 'lost team last-quarter')).toContain('Lost deals · EMEA · Q3 2026');
    expect(await ask(USERS.mia.id, 'calls nxt month')).toContain(
      "I don't know the period `nxt month`. Did you mean `next month`?",
    );
    expect(await ask(USERS.mia.id, 'calls lst week')).toContain('Did you mean `last week`?');
    expect(await ask(USERS.mia.id, 'calls septembre')).toContain('Did you mean the month `september`?');
    expect(await ask(USERS.mia.id, 'lost nxt month')).toContain('Did you mean `next month`?');
    expect(await ask(USERS.mia.id, 'coach lst week')).toContain('Did you mean `last week`?');
    const ambiguous =
      '`oct 26` could be 26 October or October 2026: write `oct 2026` for the month or `2026-10-26` for the day.';
    expect(await ask(USERS.mia.id, 'calls oct 26')).toContain(ambiguous);
    expect(await ask(USERS.mia.id, 'lost team oct 26')).toContain(ambiguous);
    expect(await ask(USERS.mia.id, 'coach me oct 26')).toContain(ambiguous);
    expect(await ask(USERS.mia.id, 'calls team oct 2026')).toContain('Calls · EMEA · October 2026');
    // A target is never for one period: the hyphenated word is one too.
    expect(await ask(USERS.mia.id, 'target set calls 50 team EMEA next-month')).toContain(
      'not for one particular period ("next month")',
    );
  });
});

// Fresh tester 5: each of these answered "I don't know a team or person called …".
describeDb('periods as people type them (fresh tester 5)', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  it('reads `30 days`, `lastmonth` and `oct-nov`, and shows the text to type for `26 oct` and `since oct`', async () => {
    expect(await ask(USERS.mia.id, 'calls team 30 days')).toContain('Calls · EMEA · Last 30 days');
    expect(await ask(USERS.mia.id, 'calls team lastmonth')).toContain('Calls · EMEA · October 2026');
    expect(await ask(USERS.mia.id, 'calls team nextmonth')).toContain('Calls · EMEA · December 2026');
    expect(await ask(USERS.mia.id, 'calls team thisweek')).toContain('Calls · EMEA · Week of 23 Nov 2026');
    for (const text of ['calls team oct-nov', 'calls team oct..nov'])
      expect(await ask(USERS.mia.id, text), text).toContain('Calls · EMEA · 1 Oct – 30 Nov 2026');
    expect(await ask(USERS.mia.id, 'calls team 26 oct')).toContain(
      "I can't read `26 oct` as a period. Did you mean `2026-10-26`?",
    );
    expect(await ask(USERS.mia.id, 'calls since oct')).toContain(
      "I can't read `since oct` as a period. Did you mean `2026-10-01..2026-11-23`?",
    );
    expect(await ask(USERS.mia.id, 'lost team since oct')).toContain(
      'Did you mean `2026-10-01..2026-11-23`?',
    );
  });

  it('hints a mistyped period after `me` or a name in coach and lost, as in questions', async () => {
    for (const text of ['coach me nxt month', 'lost me nxt month', 'coach ana nxtmonth', 'lost ana nxtmonth'])
      expect(await ask(USERS.mia.id, text), text).toContain('Did you mean `next month`?');
    expect(await ask(USERS.mia.id, 'coach me nextmonth')).toContain(
      'Coaching card · Mia Manager · December 2026',
    );
  });
});

// A month word is part of a name when, with the name words beside it, it spells a team's name or a
// person's full name; otherwise it is the period. Two periods stay an error when no name is spelt.
describeDb('month words inside names', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;
  const seed = async () => {
    const db = ctx.db();
    const [madness] = await db.insert(teams).values({ name: 'March Madness' }).returning({ id: teams.id });
    const [may] = await db
      .insert(reps)
      .values({ name: 'May Fisher', role: 'rep' })
      .returning({ id: reps.id });
    await db
      .insert(teamMemberships)
      .values({ repId: may!.id, teamId: madness!.id, validFrom: new Date('2025-01-01T00:00:00Z') });
  };

  it('reads "may fisher" as May Fisher over the default period, not May 2026 for "fisher"', async () => {
    await seed();
    for (const text of ['revenue may fisher', 'winrate May Fisher']) {
      const answer = await ask(USERS.ada.id, text);
      expect(answer, text).toContain(' · May Fisher · ');
      expect(answer, text).not.toContain('May 2026');
    }
    // The month beside the full name is still the period.
    expect(await ask(USERS.ada.id, 'winrate may fisher october')).toContain(
      'Win rate · May Fisher · October 2026',
    );
    expect(await ask(USERS.ada.id, 'winrate may fisher oct 2026')).toContain(
      'Win rate · May Fisher · October 2026',
    );
    // Not a full name: "may" stays the month and "fisher" finds her by surname.
    expect(await ask(USERS.ada.id, 'winrate fisher may')).toContain('Win rate · May Fisher · May 2026');
  });

  it('sets and removes a target for May Fisher by her full name', async () => {
    await seed();
    expect(await ask(USERS.ada.id, 'target set calls 60 may fisher month')).toContain(
      'Target set: Calls 60 per month for May Fisher.',
    );
    expect(await ask(USERS.ada.id, 'target remove calls may fisher')).toContain(
      'Removed: Calls 60 per month for May Fisher.',
    );
  });

  it('reads a team named March Madness whole, with and without `team`, and for a target', async () => {
    await seed();
    expect(await ask(USERS.ada.id, 'calls team March Madness')).toContain('Calls · March Madness · ');
    expect(await ask(USERS.ada.id, 'calls March Madness')).toContain('Calls · March Madness · ');
    expect(await ask(USERS.ada.id, 'calls march madness last month')).toContain(
      'Calls · March Madness · October 2026',
    );
    expect(await ask(USERS.ada.id, 'target set calls 100 team March Madness month')).toContain(
      'Target set: Calls 100 per month for team March Madness.',
    );
  });

  it('refuses two periods when the month word names no team', async () => {
    for (const text of [
      'calls team october last year',
      'calls team october september',
      'calls team last year october',
    ])
      expect(await ask(USERS.mia.id, text), text).toContain('That names more than one period');
  });
});
