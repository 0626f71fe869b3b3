import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { reps } from '../../src/db/schema/index.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { eventBody, postSigned } from '../helpers/slack-requests.js';
import { NOW, USERS } from './fixtures.js';
import { allText, clickButton, SECRET, sendCommand, useRunningApp } from './harness.js';

/**
 * Tester: a deactivated rep (`reps.active` false) linked to their Slack id was told "Tally doesn't know you
 * yet… ask an admin to import a reps CSV with your Slack email", which an import without `active` would not
 * change. They are told that their profile is deactivated and how an admin reactivates it; they still see
 * no figures (who may ask is unchanged).
 */
describeDb('a deactivated rep asking', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  const deactivate = (name: string) =>
    ctx.db().update(reps).set({ active: false }).where(eq(reps.name, name));
  const DEACTIVATED =
    "Your Tally profile is deactivated, so Tally can't show you any figures, not even the org's.";

  it('tells a deactivated rep linked to their Slack id that their profile is deactivated, with no figures', async () => {
    await deactivate('Bob Baker');
    for (const text of ['winrate', 'winrate org', 'calls team']) {
      const { reply } = await sendCommand(app, stub, USERS.bob.id, text);
      expect(reply.response_type, text).toBe('ephemeral');
      expect(reply.text, text).toBe(DEACTIVATED);
      expect(allText(reply), text).not.toContain("doesn't know you");
      expect(allText(reply), text).not.toContain('%');
      expect(allText(reply), text).toContain(
        'ask a Tally admin to reactivate it: they import your row of the reps CSV with `active` set to `yes`',
      );
    }
  });

  it('tells a deactivated rep found by the email of their Slack profile the same, and does not link them', async () => {
    await deactivate('Eve Early');
    const { reply } = await sendCommand(app, stub, USERS.eve.id, 'winrate team');
    expect(reply.text).toBe(DEACTIVATED);
    const [eve] = await ctx
      .db()
      .select({ slack: reps.slackUserId })
      .from(reps)
      .where(eq(reps.name, 'Eve Early'));
    expect(eve?.slack).toBeNull();
  });

  it('says the same on a button of an answer given before the rep was deactivated', async () => {
    const first = await sendCommand(app, stub, USERS.bob.id, 'winrate');
    expect(first.reply.text).toContain('Win rate · Bob Baker');
    await deactivate('Bob Baker');
    const { reply } = await clickButton(app, stub, USERS.bob.id, first.reply.blocks, 'Last month');
    expect(reply.text).toBe(DEACTIVATED);
  });

  it('says so on App Home', async () => {
    await deactivate('Bob Baker');
    await postSigned(
      `${app.url}/slack/events`,
      eventBody({ type: 'app_home_opened', user: USERS.bob.id, channel: 'D0BOB', tab: 'home' }),
      { secret: SECRET, contentType: 'application/json' },
    );
    const [publish] = await stub.waitFor('views.publish');
    expect(publish?.args.user_id).toBe(USERS.bob.id);
    const view = JSON.stringify(publish?.args.view);
    expect(view).toContain('Your Tally profile is deactivated, so there are no numbers to show.');
    expect(view).not.toContain("doesn't know you");
  });

  it('answers again once an admin sends the rep with `"active": true`, as the message says', async () => {
    await deactivate('Bob Baker');
    expect((await sendCommand(app, stub, USERS.bob.id, 'winrate')).reply.text).toBe(DEACTIVATED);
    const written = await ingestBatch(
      ctx.db(),
      { entity: 'reps', items: [{ name: 'Bob Baker', email: USERS.bob.email, active: true }] },
      { timezone: 'UTC', now: NOW, source: 'api' },
    );
    expect(written.errors).toEqual([]);
    expect((await sendCommand(app, stub, USERS.bob.id, 'winrate')).reply.text).toContain(
      'Win rate · Bob Baker',
    );
  });

  it('still tells someone on no reps row that Tally does not know them', async () => {
    await deactivate('Bob Baker');
    const { reply } = await sendCommand(app, stub, USERS.stranger.id, 'winrate');
    expect(reply.text).toContain("Tally doesn't know you yet");
  });
});
