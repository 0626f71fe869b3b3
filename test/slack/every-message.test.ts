import type { KnownBlock } from '@slack/types';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildChannelPost, buildManagerNudge, buildOwnerNudge } from '../../src/alerts/slack/nudge-blocks.js';
import { reps, teams } from '../../src/db/schema/index.js';
import { METRICS } from '../../src/metrics/index.js';
import { guardMrkdwn } from '../../src/slack/mrkdwn.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { eventBody, postSigned } from '../helpers/slack-requests.js';
import { FORMATTING_NAMES, slackRuleViolations } from '../helpers/slack-rules.js';
import { seedFixture, USERS } from './fixtures.js';
import { clickButton, type RunningApp, SECRET, sendCommand, startApp } from './harness.js';

/**
 * Issue 10, item 3: every message the app can produce, built with hostile names, checked against
 * Slack's limits and escaping rules (test/helpers/slack-rules.ts). Bob is renamed to a name full of
 * mrkdwn markers and AMER to one with & < >; the fixture already has a rep called "<!channel> & Co".
 */
const HOSTILE_REP = `${FORMATTING_NAMES.join(' ')}`;
const HOSTILE_TEAM = 'A&B <Corp> *ops*';

describe('the outbound guard', () => {
  it('escapes stray < > & and keeps the entities Tally writes on purpose', () => {
    expect(guardMrkdwn('Ask `/metrics help <metric>` (<1%) R&D')).toBe(
      'Ask `/metrics help &lt;metric&gt;` (&lt;1%) R&amp;D',
    );
    const own =
      '<@U0ANA> in <#C0SALES> at <!date^1700000000^{time}|22:13 UTC> <https://x.example/a?b=1|CRM> &amp;';
    expect(guardMrkdwn(own)).toBe(own);
    expect(guardMrkdwn('<!channel> <javascript:x|y>')).toBe('&lt;!channel&gt; &lt;javascript:x|y&gt;');
  });
});

describe('nudges with hostile lead data', () => {
  const lead = {
    leadId: 7,
    crmId: 'L-7',
    name: '*Bob* <!channel>',
    company: '_the_ & <Co>',
    source: '~strike~',
    crmUrl: 'https://crm.example/leads/7?a=1&b=2',
    waitingSeconds: 1_200,
    ownerName: '`code`',
  };
  it('keeps owner, manager and channel nudges within the rules', () => {
    for (const msg of [
      buildOwnerNudge([lead], 600, true),
      buildManagerNudge([lead, { ...lead, leadId: 8, crmUrl: 'javascript:alert(1)' }], HOSTILE_TEAM, 600),
      buildChannelPost(lead, 600),
    ]) {
      expect(slackRuleViolations(msg)).toEqual([]);
    }
  });
});

describeDb('every message, hostile names', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;

  beforeEach(async () => {
    const f = await seedFixture(ctx.db());
    await ctx.db().update(reps).set({ name: HOSTILE_REP }).where(eq(reps.id, f.bob));
    await ctx.db().update(teams).set({ name: HOSTILE_TEAM }).where(eq(teams.id, f.amer));
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  const check = (what: string, message: { text?: string; blocks: KnownBlock[] }, maxBlocks?: number) =>
    expect(slackRuleViolations(message, maxBlocks ? { maxBlocks } : {}), what).toEqual([]);

  it('answers every metric by rep, for the hostile team and rep, and explains each calculation', async () => {
    for (const m of METRICS) {
      const board = await sendCommand(app, stub, USERS.ada.id, `${m.id} org by rep`);
      check(`${m.id} by rep`, board.reply);
      const team = await sendCommand(
        app,
        stub,
        USERS.ada.id,
        `${m.id} team A&amp;B &lt;Corp&gt; *ops* by rep`,
      );
      check(`${m.id} team`, team.reply);
      const rep = await sendCommand(app, stub, USERS.ada.id, `${m.id} <@${USERS.bob.id}|bob>`);
      check(`${m.id} rep`, rep.reply);
      const calc = await clickButton(app, stub, USERS.ada.id, rep.reply.blocks, 'How is this calculated?');
      check(`${m.id} calculation`, calc.reply);
    }
    // The hostile rep appears in a leaderboard, neutralised.
    const board = await sendCommand(app, stub, USERS.ada.id, 'winrate org by rep');
    const z = '\u200D';
    const shown = `${z}*${z}Bob${z}*${z} ${z}_${z}the${z}_${z} ${z}~${z}strike${z}~${z} ${z}\`${z}code${z}\`${z}`;
    expect(JSON.stringify(board.reply.blocks)).toContain(`3. ${shown} — 50.0% _n=2, small sample_`);
  });

  it('keeps help, usage, summaries, shares and every kind of error within the rules', async () => {
    const texts = [
      '',
      'help',
      'help winrate',
      'help nosuchmetric',
      'summary org',
      'summary team A&amp;B &lt;Corp&gt; *ops*',
      'winrate org share',
      'winrat team',
      'calls <!channel> *x* `y` _z_ ~w~',
      'calls last mnth',
      'target',
      'target set',
      'target set nosuch 5',
      'target set calls lots',
      'target list',
      'digest',
      'digest frobnicate',
      'digest remove',
      'digest list',
      'alerts',
      'alerts frobnicate',
      'alerts team A&amp;B &lt;Corp&gt; *ops*',
      `calls <@${USERS.bob.id}|bob> by team`,
      'calls \u0000',
    ];
    for (const text of texts) {
      for (const user of [USERS.ada.id, USERS.ana.id]) {
        const { reply } = await sendCommand(app, stub, user, text);
        check(`${user} ${JSON.stringify(text)}`, reply);
      }
    }
  });

  it('keeps a digest preview within the rules', async () => {
    const add = await sendCommand(
      app,
      stub,
      USERS.ada.id,
      'digest add <#C0AMER|amer> team A&amp;B &lt;Corp&gt; *ops*',
    );
    check('digest add', add.reply);
    const preview = await sendCommand(app, stub, USERS.ada.id, 'digest preview');
    check('digest preview', preview.reply);
  });

  it('keeps App Home within the rules', async () => {
    await ctx.db().update(reps).set({ name: HOSTILE_REP }).where(eq(reps.slackUserId, USERS.mia.id));
    const res = await postSigned(
      `${app.url}/slack/events`,
      eventBody({ type: 'app_home_opened', user: USERS.mia.id, channel: 'D0MIA', tab: 'home' }),
      { secret: SECRET, contentType: 'application/json' },
    );
    expect(res.status).toBe(200);
    const [publish] = await stub.waitFor('views.publish');
    const view = publish?.args.view as { blocks: KnownBlock[] };
    check('App Home', { blocks: view.blocks }, 100);
  });
});
