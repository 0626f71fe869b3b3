import { afterEach, beforeEach, expect, it } from 'vitest';
import { formatDateTime } from '../../src/time/format.js';
import { describeDb, openTestDatabase } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { eventBody, postSigned, signBody, slashCommandBody } from '../helpers/slack-requests.js';
import { NOW, seedFixture, USERS } from './fixtures.js';
import { allText, clickButton, type RunningApp, SECRET, sendCommand, startApp } from './harness.js';

describeDb('/metrics buttons, App Home and signatures', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('switches split in place when "By rep" is clicked', async () => {
    const first = await sendCommand(app, stub, USERS.mia.id, 'winrate team');
    const { status, reply } = await clickButton(app, stub, USERS.mia.id, first.reply.blocks, 'By rep');
    expect(status).toBe(200);
    expect(reply.replace_original).toBe(true);
    expect(reply.text).toContain('Win rate by rep · EMEA');
    // Ana 3/4 = 75.0%, "<!channel> & Co" 1/1 = 100.0%: best first.
    expect(allText(reply)).toContain(
      '1. &lt;!channel&gt; &amp; Co — 100.0% _n=1, small sample_\\n2. Ana López — 75.0% _n=4, small sample_',
    );
  });

  it('switches period in place when "Last month" is clicked', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    const { reply } = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Last month');
    expect(reply.replace_original).toBe(true);
    // October 2026: Ana won 1 (closed 12 Oct), lost none.
    expect(reply.text).toContain('Win rate · Ana López · October 2026: 100.0%');
    expect(allText(reply)).toContain('Small sample');
  });

  it('shares a read-only copy in the channel', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    const { reply } = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.replace_original).toBe(false);
    expect(reply.blocks.some((b) => b.type === 'actions')).toBe(false);
    // Tester (MED): a share computes the answer again, so it says when its figures are from.
    expect(allText(reply)).toContain(
      `Shared by Ana López · figures as of ${formatDateTime(NOW, 'Europe/Berlin')}, when shared`,
    );
  });

  // Tester: two clicks 0.3 s apart posted the answer to the channel twice.
  it('shares an answer once: a second click on the same message says it was shared', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    const [a, b] = await Promise.all([
      clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel'),
      clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel'),
    ]);
    const types = [a.reply.response_type, b.reply.response_type].sort();
    expect(types).toEqual(['ephemeral', 'in_channel']);
    const refused = a.reply.response_type === 'ephemeral' ? a.reply : b.reply;
    expect(refused.text).toBe('You already shared this answer in the channel.');
    expect(refused.replace_original).toBe(false);
    // Another person may still share the same answer.
    const mia = await clickButton(app, stub, USERS.mia.id, first.reply.blocks, 'Share in channel');
    expect(mia.reply.response_type).toBe('in_channel');
  });

  // Tester (HIGH): the response_url answered 404 (expired or used up): nothing reached the channel, the
  // person was told nothing, and a second press said "You already shared this answer in the channel."
  it('a share Slack refused is not recorded: the person is told, and a second press posts it', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    stub.httpErrorNext('response_url', 404, 1);
    const failed = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    expect(failed.reply.response_type).toBe('in_channel');
    const [told] = await stub.waitFor('chat.postEphemeral', 1);
    expect(told!.args.channel).toBe('C0SALES');
    expect(told!.args.user).toBe(USERS.ana.id);
    expect(String(told!.args.text)).toContain("Your share didn't go through");
    expect(String(told!.args.text)).toContain('HTTP 404');
    // 404 is never retried: one post, refused.
    expect(stub.callsTo('response_url').filter((c) => c.args.response_type === 'in_channel')).toHaveLength(1);
    const again = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    expect(again.reply.response_type).toBe('in_channel');
    // And once it went through, the claim holds again.
    const third = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    expect(third.reply.text).toBe('You already shared this answer in the channel.');
  });

  // Tester: the shared scorecard had no "figures as of …, when shared" line, as shared metric answers have.
  it('ends a shared scorecard with who shared it and when its figures are from', async () => {
    const own = await sendCommand(app, stub, USERS.ana.id, 'team');
    expect(own.reply.text).toMatch(/^Scorecard · EMEA/);
    expect(allText(own.reply)).not.toContain('when shared');
    const shared = await sendCommand(app, stub, USERS.ana.id, 'team share');
    expect(shared.reply.response_type).toBe('in_channel');
    expect(shared.reply.text).toMatch(/^Scorecard · EMEA/);
    const last = shared.reply.blocks.at(-1) as { type: string; elements?: { text?: string }[] };
    expect(last.type).toBe('context');
    expect(last.elements?.map((e) => e.text)).toEqual([
      `Shared by Ana López · figures as of ${formatDateTime(NOW, 'Europe/Berlin')}, when shared`,
    ]);
  });

  // helper-218 (HIGH): a typed `share` whose post Slack refused vanished: the log said so, the person nothing.
  it('a typed share Slack refused is not lost in silence: the person is told', async () => {
    stub.httpErrorNext('response_url', 404, 1);
    const shared = await sendCommand(app, stub, USERS.ana.id, 'winrate team share');
    expect(shared.reply.response_type).toBe('in_channel');
    const [told] = await stub.waitFor('chat.postEphemeral', 1);
    expect(told!.args.channel).toBe('C0SALES');
    expect(told!.args.user).toBe(USERS.ana.id);
    expect(String(told!.args.text)).toContain("Your share didn't go through");
    expect(String(told!.args.text)).toContain('HTTP 404');
    expect(stub.callsTo('response_url').filter((c) => c.args.response_type === 'in_channel')).toHaveLength(1);
  });

  it('a share Slack answered 500 is retried and posted once, and stays shared', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    stub.httpErrorNext('response_url', 500, 1);
    await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    const posts = await stub.waitFor('response_url', 3);
    expect(posts.filter((c) => c.args.response_type === 'in_channel')).toHaveLength(2);
    const again = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    expect(again.reply.text).toBe('You already shared this answer in the channel.');
    expect(stub.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('explains the calculation with its inputs, working, window and n', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    const { reply } = await clickButton(
      app,
      stub,
      USERS.ana.id,
      first.reply.blocks,
      'How is this calculated?',
    );
    const text = allText(reply);
    expect(reply.replace_original).toBe(false);
    expect(text).toContain('How is this calculated?');
    expect(text).toContain('n = 5');
    expect(text).toContain('Europe/Berlin');
    // EMEA this quarter: 4 won of 5 closed.
    expect(text).toContain('*Deals won*\\n4');
    expect(text).toContain('*Calculation:* 4 ÷ 5 = 80%\\n*Result:* 80.0%');
  });

  it('re-checks permissions on a click: a rep cannot use a copied button to see someone else', async () => {
    const first = await sendCommand(app, stub, USERS.mia.id, `winrate <@${USERS.ana.id}|ana>`);
    const { reply } = await clickButton(app, stub, USERS.bob.id, first.reply.blocks, 'Last month');
    expect(reply.text).toContain('Sorry');
    expect(reply.replace_original).toBe(false);
  });

  it('publishes App Home with the scorecard, and the team scorecard for a manager', async () => {
    const res = await postSigned(
      `${app.url}/slack/events`,
      eventBody({ type: 'app_home_opened', user: USERS.mia.id, channel: 'D0MIA', tab: 'home' }),
      { secret: SECRET, contentType: 'application/json' },
    );
    expect(res.status).toBe(200);
    const [publish] = await stub.waitFor('views.publish');
    expect(publish?.args.user_id).toBe(USERS.mia.id);
    const view = publish?.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Your scorecard');
    expect(text).toContain('Team EMEA');
    expect(text).toContain('*Win rate* _Q4 2026_  *80.0%*');
  });

  it('tells a Slack user Tally does not know, on App Home, how to be added', async () => {
    await postSigned(
      `${app.url}/slack/events`,
      eventBody({ type: 'app_home_opened', user: USERS.stranger.id, channel: 'D0WHO', tab: 'home' }),
      { secret: SECRET, contentType: 'application/json' },
    );
    const [publish] = await stub.waitFor('views.publish');
    expect(publish?.args.user_id).toBe(USERS.stranger.id);
    expect(JSON.stringify(publish?.args.view)).toContain("Tally doesn't know you yet");
  });

  it('refuses a bad signature with 401 and does no work', async () => {
    const body = slashCommandBody({
      text: 'winrate',
      userId: USERS.ana.id,
      responseUrl: `${stub.responseBase}bad`,
    });
    const res = await postSigned(`${app.url}/slack/events`, body, {
      secret: SECRET,
      signature: 'v0=deadbeef',
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    // Bolt's own start-up auth.test aside, nothing reached Slack: no users.info, no response_url.
    expect(stub.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('refuses a stale timestamp (replay older than 5 minutes) with 401', async () => {
    const body = slashCommandBody({
      text: 'winrate',
      userId: USERS.ana.id,
      responseUrl: `${stub.responseBase}old`,
    });
    const timestamp = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await postSigned(`${app.url}/slack/events`, body, {
      secret: SECRET,
      timestamp,
      signature: signBody(SECRET, body, timestamp),
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    // Bolt's own start-up auth.test aside, nothing reached Slack: no users.info, no response_url.
    expect(stub.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('answers GET /healthz with 200 when the database is up', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'up' });
  });

  it('keeps Block Kit limits on a huge leaderboard of hostile names', async () => {
    // 60 extra reps with 3,000-character hostile names, each winning one deal in EMEA.
    const { reps, teamMemberships, opportunities } = await import('../../src/db/schema/index.js');
    const emea = (await ctx.db().query.teams.findFirst({ where: (t, { eq }) => eq(t.name, 'EMEA') }))!.id;
    for (let i = 0; i < 60; i++) {
      const [r] = await ctx
        .db()
        .insert(reps)
        .values({ name: `${i} <!here> & ${'x'.repeat(3000)}` })
        .returning({ id: reps.id });
      await ctx
        .db()
        .insert(teamMemberships)
        .values({ repId: r!.id, teamId: emea, validFrom: new Date('2025-01-01') });
      await ctx
        .db()
        .insert(opportunities)
        .values({
          externalId: `big-${i}`,
          ownerRepId: r!.id,
          outcome: 'won',
          amountMinor: 100,
          createdAt: new Date('2026-10-01T00:00:00Z'),
          closedAt: new Date('2026-11-10T00:00:00Z'),
        });
    }
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team by rep');
    expect(reply.blocks.length).toBeLessThanOrEqual(50);
    for (const block of reply.blocks) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    }
    expect(allText(reply)).not.toContain('<!here>');
  });
});

describeDb('/metrics during a database outage', (ctx) => {
  const stub = useSlackApiStub();

  it('acks, answers "couldn\'t load metrics right now", reports 503 and keeps serving', async () => {
    const database = await openTestDatabase(ctx.backend);
    await seedFixture(database.db);
    const app = await startApp(database, stub);
    try {
      await database.close();
      const { status, reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
      expect(status).toBe(200);
      expect(reply.text).toBe("Couldn't load metrics right now — please try again in a minute.");
      expect(allText(reply)).not.toMatch(/at .*\.ts:\d+/);
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(503);
      // Still serving: a second command is acked and answered the same way.
      const again = await sendCommand(app, stub, USERS.ana.id, 'calls');
      expect(again.status).toBe(200);
      expect(again.reply.text).toContain("Couldn't load metrics");
    } finally {
      await app.stop();
      await database.drop().catch(() => {});
    }
  });

  // Five commands, each waiting out the closed database (slower on PGlite): more than the default 30 s.
  it('says a change could not be saved (not that metrics could not load): target, digest, alerts, fiscal', async () => {
    const database = await openTestDatabase(ctx.backend);
    await seedFixture(database.db);
    const app = await startApp(database, stub);
    try {
      await database.close();
      for (const text of [
        'target set calls 400 team week',
        'digest pause 1',
        'alerts set sla 10m',
        'fiscal set february',
      ]) {
        const { status, reply } = await sendCommand(app, stub, USERS.ana.id, text);
        expect(status).toBe(200);
        expect(reply.text, text).toBe(
          "Couldn't save that right now — nothing was changed; please try again in a minute.",
        );
      }
      // Reading stays a load failure.
      const list = await sendCommand(app, stub, USERS.ana.id, 'target list');
      expect(list.reply.text).toContain("Couldn't load metrics");
    } finally {
      await app.stop();
      await database.drop().catch(() => {});
    }
  }, 60_000);
});
