import { afterEach, beforeEach, expect, it } from 'vitest';
import { CHART_CLAIM_MS, claimChart, releaseChart } from '../../src/chart-button/claim.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from '../slack/fixtures.js';
import { clickButton, pressButton, type RunningApp, sendCommand, startApp } from '../slack/harness.js';

type ImageBlock = { type: string; slack_file?: { id: string } };

/**
 * Two app instances on one database (a load balancer in front): a double click on "Chart" whose two
 * presses reach different instances draws, uploads and posts the chart once, as Share posts once.
 */
describeDb('the "Chart" button across two instances', (ctx) => {
  const stub = useSlackApiStub();
  let first: RunningApp;
  let second: RunningApp;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    first = await startApp(ctx.database(), stub);
    second = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await first.stop();
    await second.stop();
  });

  // Tester: the dedupe of Chart presses was per process, so each instance drew one chart.
  it('draws, uploads and posts once when a double click reaches both instances, and draws again later', async () => {
    const answer = await sendCommand(first, stub, USERS.ana.id, 'winrate');
    stub.setDelay('files.getUploadURLExternal', 500);
    const presses = await Promise.all([
      pressButton(first, stub, USERS.ana.id, answer.reply.blocks, 'Chart'),
      pressButton(second, stub, USERS.ana.id, answer.reply.blocks, 'Chart'),
    ]);
    const ids = new Set(presses.map((p) => p.id));
    await stub.waitFor('files.completeUploadExternal', 1, 10_000);
    const deadline = Date.now() + 10_000;
    while (!stub.callsTo('response_url').some((c) => ids.has(c.responseId!)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const answers = stub.callsTo('response_url').filter((c) => ids.has(c.responseId!));
    expect(answers).toHaveLength(1);
    expect((answers[0]!.args.blocks as ImageBlock[])[0]!.type).toBe('image');

    // Answered, so the claim was given back: a later press on the instance that did not draw draws it.
    // Which instance won the claim is a race: the one whose press was answered drew (and caches its file).
    const drewOnFirst = answers[0]!.responseId === presses[0]!.id;
    stub.setDelay('files.getUploadURLExternal', 0);
    const other = drewOnFirst ? second : first;
    const later = await clickButton(other, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect((later.reply.blocks[0] as unknown as ImageBlock).type).toBe('image');
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(2);
  }, 40_000);

  it('lets one claim of a press win, frees it on release, and lets a stale claim be taken over', async () => {
    const press = { userId: 'U1', channelId: 'C1', messageTs: '1.2', actionId: 'metrics_chart', value: 's' };
    // Monday 23 Nov 2026, 10:00 UTC.
    const at = new Date('2026-11-23T10:00:00Z');
    const later = (ms: number) => new Date(at.getTime() + ms);
    const [a, b] = await Promise.all([claimChart(ctx.db(), press, at), claimChart(ctx.db(), press, at)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    // Another person, or another message, is another press.
    expect(await claimChart(ctx.db(), { ...press, userId: 'U2' }, at)).not.toBeNull();
    expect(await claimChart(ctx.db(), { ...press, messageTs: '1.3' }, at)).not.toBeNull();
    // Released: the next press claims it.
    await releaseChart(ctx.db(), (a ?? b)!);
    const next = await claimChart(ctx.db(), press, later(1_000));
    expect(next).not.toBeNull();
    // Its instance died before releasing it: held until CHART_CLAIM_MS, then taken over.
    expect(await claimChart(ctx.db(), press, later(1_000 + CHART_CLAIM_MS - 1))).toBeNull();
    const taken = await claimChart(ctx.db(), press, later(1_000 + CHART_CLAIM_MS + 1));
    expect(taken).not.toBeNull();
    // The dead press's late release does not free the claim that took over.
    await releaseChart(ctx.db(), next!);
    expect(await claimChart(ctx.db(), press, later(1_000 + CHART_CLAIM_MS + 2))).toBeNull();
  });
});
