import { expect, it } from 'vitest';
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
});
