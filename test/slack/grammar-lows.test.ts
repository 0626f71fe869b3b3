import { expect, it } from 'vitest';
import { teams } from '../../src/db/schema/index.js';
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
      '`2 weeks` could mean the last 14 days or the 2 calendar weeks before this one: ask `14d` for the days (today included), or `last week`, `this week` or a date range (`2026-09-01..2026-11-30`) for calendar weeks.',
    );
    expect(await ask(USERS.mia.id, 'calls EMEA a week')).toBe(
      '`a week` could mean the last 7 days or the calendar week before this one: ask `7d` for the days (today included), or `last week`, `this week` or a date range (`2026-09-01..2026-11-30`) for calendar weeks.',
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
      'That names more than one scope; ask for one at a time.',
    );
    // Beside one quoted name, a mistyped period is a mistyped period, as after an unquoted name.
    expect(await ask(USERS.mia.id, 'calls "EMEA" lst week')).toBe(
      "I don't know the period `lst week`. Did you mean `last week`?",
    );
    expect(await ask(USERS.mia.id, 'calls "EMEA" banana split')).toBe(
      'That names more than one scope; ask for one at a time.',
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

  it('refuses two splits', async () => {
    expect(await ask(USERS.mia.id, 'calls team by rep by team')).toBe(
      'One split at a time: `by rep` or `by team`.',
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
});
