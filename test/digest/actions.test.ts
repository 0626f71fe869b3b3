import type { KnownBlock } from '@slack/types';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/app/slack-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { activities } from '../../src/db/schema/index.js';
import type { Deps } from '../../src/deps.js';
import { buildDigest } from '../../src/digest/build.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, postSigned } from '../helpers/slack-requests.js';
import { addRep, addTeam } from './fixtures.js';

// Tue 24 Nov 2026, 08:30 Berlin.
const NOW = new Date('2026-11-24T07:30:00Z');
const SECRET = 'digest-test-secret';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

describeDb('digest "By rep" button', (ctx) => {
  let app: SlackApp | undefined;
  let url = '';
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function start(env: Record<string, string> = {}) {
    const port = await freePort();
    const deps: Deps = {
      config: loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-t',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: stub.apiUrl,
        ...env,
      }),
      database: ctx.database(),
      db: ctx.db(),
      logger: silentLogger,
      clock: fixedClock(NOW),
      slack: null,
    };
    app = createSlackApp(deps, { mode: 'http', port });
    await app.start();
    url = `http://127.0.0.1:${port}`;
    return deps;
  }

  async function seedAndBuild(deps: Deps, options: { preview?: boolean } = {}) {
    const team = await addTeam(ctx.database(), 'EMEA', 'Europe/Berlin');
    const ana = await addRep(ctx.database(), { name: 'Ana', slackUserId: 'UANA', teamId: team });
    const bob = await addRep(ctx.database(), { name: 'Bob', slackUserId: 'UBOB', teamId: team });
    const at = new Date('2026-11-23T09:00:00Z');
    await ctx
      .db()
      .insert(activities)
      .values([
        { externalId: 'c1', repId: ana, kind: 'call', occurredAt: at },
        { externalId: 'c2', repId: ana, kind: 'call', occurredAt: at },
        { externalId: 'c3', repId: bob, kind: 'call', occurredAt: at },
      ]);
    return buildDigest(
      deps,
      {
        subscriptionId: 1,
        scope: { kind: 'team', teamId: team },
        scopeLabel: 'EMEA',
        metrics: ['calls'],
        cadence: 'daily',
        timezone: 'Europe/Berlin',
        slot: NOW,
        lateScheduledLocal: null,
        personal: false,
        ...(options.preview ? { preview: true } : {}),
      },
      NOW,
    );
  }

  const click = (blocks: KnownBlock[], user: string, responseId: string, ephemeral = false) => {
    const actionsBlock = blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    const button = actionsBlock.elements[0]!;
    const payload = {
      type: 'block_actions',
      user: { id: user, team_id: 'T0001' },
      api_app_id: 'A0TALLY',
      token: 'x',
      container: {
        type: 'message',
        message_ts: '1700000001.000100',
        channel_id: 'C0EMEA',
        ...(ephemeral ? { is_ephemeral: true } : {}),
      },
      trigger_id: 't',
      team: { id: 'T0001', domain: 'testco' },
      channel: { id: 'C0EMEA', name: 'sales-emea' },
      message: { ts: '1700000001.000100', text: 'digest', blocks },
      response_url: `${stub.responseBase}${responseId}`,
      actions: [
        { type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: '1' },
      ],
    };
    return postSigned(`${url}/slack/events`, interactionBody(payload), { secret: SECRET });
  };

  it("answers in the digest's thread, once", async () => {
    const deps = await start();
    const digest = await seedAndBuild(deps);
    expect((await click(digest.blocks, 'UANA', 'r1')).status).toBe(200);
    const [post] = await stub.waitFor('chat.postMessage');
    expect(post?.args).toMatchObject({ channel: 'C0EMEA', thread_ts: '1700000001.000100' });
    expect(String(post?.args.text)).toBe('By rep, November 2026: Calls');
    const table = JSON.stringify(post?.args.blocks);
    expect(table).toContain('1. Ana — 2');
    expect(table).toContain('2. Bob — 1');
    // A second click points at the thread instead of posting the table again.
    await click(digest.blocks, 'UBOB', 'r2');
    const [again] = await stub.waitFor('response_url');
    expect(String(again?.args.text)).toContain('already in this digest');
    expect(stub.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('keeps per-rep numbers to managers when leaderboards are private', async () => {
    const deps = await start({ TALLY_LEADERBOARDS_PUBLIC: 'false' });
    const digest = await seedAndBuild(deps);
    await click(digest.blocks, 'UBOB', 'r3');
    const [reply] = await stub.waitFor('response_url');
    expect(String(reply?.args.text)).toContain('Per-rep numbers are for managers');
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
  });

  // Fresh tester helper-213, finding 2: on Ana's `/metrics digest preview 1` (only she sees it), "By rep
  // (in thread)" posted the per-rep table to the channel, threaded on the preview's timestamp.
  it("answers a preview's button to the presser alone, never in the channel", async () => {
    const deps = await start();
    const preview = await seedAndBuild(deps, { preview: true });
    expect(JSON.stringify(preview.blocks)).not.toContain('in thread');
    await click(preview.blocks, 'UANA', 'p1', true);
    const [reply] = await stub.waitFor('response_url');
    expect(reply?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(reply?.args.text)).toBe('By rep, November 2026: Calls');
    expect(JSON.stringify(reply?.args.blocks)).toContain('1. Ana — 2');
    // Pressed again, it answers again (there is no thread to point at).
    await click(preview.blocks, 'UANA', 'p2', true);
    await stub.waitFor('response_url', 2);
    expect(String(stub.callsTo('response_url')[1]?.args.text)).toBe('By rep, November 2026: Calls');
    // A preview button without the mark (or any button) in an ephemeral message is answered privately too.
    const unmarked = JSON.parse(JSON.stringify(preview.blocks).replace(/,\\"preview\\":true/, ''));
    expect(JSON.stringify(unmarked)).not.toContain('preview');
    await click(unmarked, 'UANA', 'p3', true);
    await stub.waitFor('response_url', 3);
    expect(stub.callsTo('response_url')[2]?.args).toMatchObject({ response_type: 'ephemeral' });
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
  });

  // helper-218 (MED): the presser's lookup rate-limited for 30 s answered "try again in a minute".
  it("tells the presser Slack's own wait when their lookup is rate-limited", async () => {
    const deps = await start();
    const preview = await seedAndBuild(deps, { preview: true });
    stub.rateLimitNext('users.info', 30);
    await click(preview.blocks, 'UNEW1', 'p6', true);
    const [reply] = await stub.waitFor('response_url');
    expect(String(reply?.args.text)).toBe(
      'Tally is busy right now — Slack asked it to wait; try again in 30 seconds.',
    );
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it("keeps a preview's per-rep numbers to managers when leaderboards are private", async () => {
    const deps = await start({ TALLY_LEADERBOARDS_PUBLIC: 'false' });
    const preview = await seedAndBuild(deps, { preview: true });
    await click(preview.blocks, 'UBOB', 'p4', true);
    const [reply] = await stub.waitFor('response_url');
    expect(String(reply?.args.text)).toContain('Per-rep numbers are for managers');
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
