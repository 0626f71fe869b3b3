import { expect, it } from 'vitest';
import { reps, teams } from '../../src/db/schema/index.js';
import { escapeMrkdwn } from '../../src/slack/mrkdwn.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

/** `* _ ~` and backticks as escapeName shows them: a zero-width joiner on each side, so never formatting. */
const literal = (text: string) => text.replace(/[*_~`]/g, (c) => `\u200D${c}\u200D`);

// Tester (LOW): the words a user typed were echoed back in refusals with their `*`, `_` and `~` read as
// formatting (`team *boss* _x_ ~y~` came back bold, italic and struck through).
describeDb('user words echoed back in a refusal', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  it('shows a typed name as typed, not as bold, italic or struck through', async () => {
    expect(await ask(USERS.mia.id, 'calls team *boss* _x_ ~y~')).toBe(
      `I don't know a team called "${literal('*boss* _x_ ~y~')}".`,
    );
    expect(await ask(USERS.mia.id, 'calls *boss* _x_ ~y~')).toBe(
      `I don't know a team or person called "${literal('*boss* _x_ ~y~')}".`,
    );
    expect(await ask(USERS.mia.id, 'calls rep *boss*')).toBe(
      `I don't know anyone called "${literal('*boss*')}".`,
    );
    expect(await ask(USERS.mia.id, 'calls @_x_')).toBe(`I don't know anyone called "@${literal('_x_')}".`);
  });

  it("undoes Slack's escaping once: `&`, `<` and `>` are shown as typed, never as `&amp;`", async () => {
    // Slack sends what the user typed as `Sales & <UK> *Team*` escaped; the reply escapes it once again
    // for mrkdwn, which Slack shows as `Sales & <UK>` (not `&amp;amp;`, shown as "&amp;").
    expect(await ask(USERS.mia.id, 'win rat Sales &amp; &lt;UK&gt; *Team*')).toBe(
      `I don't know a team or person called "rat Sales &amp; &lt;UK&gt; ${literal('*Team*')}". Did you mean \`winrate Sales &amp; &lt;UK&gt; *Team*\`?`,
    );
  });

  // Tester (LOW): `calls team Zoë *Star* …` suggested `person Zoë ‍*‍Star‍*‍ …` with zero-width joiners
  // inside the code span and the name cut with "…" there: not the text to type back.
  it('suggests the other kind in a code span holding exactly the text to type back', async () => {
    const name = 'Zoë *Star* <!channel> & _Lo_ ~Müller-Weißenfels~ of the Northern Region';
    await ctx.db().insert(reps).values({ name, email: 'zoe@example.com', role: 'rep' });
    // As Slack sends it: the user's `&`, `<` and `>` escaped.
    const reply = await ask(USERS.ada.id, `calls team ${escapeMrkdwn(name)}`);
    const shownName = literal(`${name.slice(0, 40)}…`);
    expect(reply).toBe(escapeMrkdwn(`"${shownName}" is a person, not a team: ask \`person ${name}\`.`));
    // What Slack shows in the code span, copied and sent back (Slack escapes it again), answers.
    const code = /`([^`]*)`/.exec(reply)![1]!;
    expect(code).not.toContain('\u200D');
    const copied = code.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(copied).toBe(`person ${name}`);
    expect(await ask(USERS.ada.id, `calls ${escapeMrkdwn(copied)}`)).toMatch(/^Calls · Zoë /);
  });

  // Fresh tester helper-218 (LOW): a suggestion holding a typed backtick sat in a code span it closed early.
  it('gives a suggestion with a backtick as plain text that types back, and echoes the word as ˋ', async () => {
    expect(await ask(USERS.mia.id, 'winrat `east')).toBe(
      `I don't know \`winrat\`. Did you mean this: winrate ${literal('`')}east`,
    );
    expect(await ask(USERS.mia.id, 'calls by `quux')).toMatch(/^I don't know the split `ˋquux`\./);
  });

  it('gives a name with a backtick, which no code span can hold, in quotes that type back', async () => {
    await ctx.db().insert(teams).values({ name: 'EMEA `ops _x', timezone: 'UTC' });
    const reply = await ask(USERS.ada.id, 'calls rep EMEA `ops _x');
    expect(reply).toBe(
      `"${literal('EMEA `ops _x')}" is a team, not a person: ask team “${literal('EMEA `ops _x')}”.`,
    );
    // Copied as shown (the joiners come along) and sent back.
    const copied = /ask (team “.*”)\.$/.exec(reply)![1]!;
    expect(await ask(USERS.ada.id, `calls ${copied}`)).toContain(`Calls · ${literal('EMEA `ops _x')} · `);
  });

  it('repeats typed words in a code span as typed, without zero-width joiners', async () => {
    await ctx.db().insert(teams).values({ name: 'R*D_x', timezone: 'UTC' });
    expect(await ask(USERS.ada.id, 'calls team R*D_x org')).toBe(
      'That names more than one scope: `team R*D_x` and `org`; ask for one at a time.',
    );
    expect(await ask(USERS.ada.id, 'calls R*D_x R*D_x')).toBe('That names `R*D_x` twice; say it once.');
  });
});
