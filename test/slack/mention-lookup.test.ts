import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { reps } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// Eve was imported with her email but no Slack id (fixtures.ts); the Slack stand-in's users.info knows her
// email. A question (`winrate @eve`) found her through users.info; `coach`, `target set` and `lost` said
// "Tally doesn't know @eve yet." Every command that takes a mention now looks her up the same way.
describeDb('a mention of a rep Slack has not linked yet', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const eve = `<@${USERS.eve.id}|eve>`;

  const eveSlackId = async () => {
    const [row] = await ctx
      .db()
      .select({ slack: reps.slackUserId })
      .from(reps)
      .where(eq(reps.name, 'Eve Early'));
    return row?.slack ?? null;
  };

  it.each([
    ['winrate', `winrate ${eve}`, 'Win rate · Eve Early'],
    ['coach', `coach ${eve}`, 'Coaching card · Eve Early'],
    ['target set', `target set calls 10 ${eve} week`, 'Target set: Calls 10 per week for Eve Early.'],
    ['lost', `lost ${eve}`, 'Eve Early'],
  ])(
    '%s: finds her by the email users.info gives, answers an admin and links her',
    async (_, text, expected) => {
      const { reply } = await sendCommand(app, stub, USERS.ada.id, text);
      expect(reply.text).not.toContain("doesn't know");
      expect(reply.text).toContain(expected);
      expect(stub.callsTo('users.info').map((c) => c.args.user)).toEqual([USERS.eve.id]);
      expect(await eveSlackId()).toBe(USERS.eve.id);
    },
  );

  it.each([
    ['coach', `coach ${eve}`, "a coaching card is for the rep's manager and admins"],
    ['target set', `target set calls 10 ${eve} week`, 'Targets are set by managers and admins'],
    ['lost', `lost ${eve}`, "other people's numbers are for their managers"],
  ])('%s: a caller who may not see her is refused, and she is not linked', async (_, text, refusal) => {
    // Bob is a rep on another team (AMER): neither her card, her losses nor her targets are his.
    const { reply } = await sendCommand(app, stub, USERS.bob.id, text);
    expect(reply.text).toContain(refusal);
    expect(await eveSlackId()).toBeNull();
  });
});
