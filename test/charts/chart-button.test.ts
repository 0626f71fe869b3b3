import { afterEach, beforeEach, expect, it } from 'vitest';
import { UPLOAD_TIMEOUT_MS } from '../../src/chart-button/deliver.js';
import {
  CHART_FAILED,
  CHART_NO_PERMISSION,
  CHART_SLOW,
  chartRateLimited,
} from '../../src/chart-button/index.js';
import { describeDb } from '../helpers/db.js';
import { decodePng } from '../helpers/png.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { eventBody, postSigned } from '../helpers/slack-requests.js';
import { seedFixture, USERS } from '../slack/fixtures.js';
import {
  allText,
  clickButton,
  pressButton,
  type RunningApp,
  SECRET,
  sendCommand,
  startApp,
} from '../slack/harness.js';

type ImageBlock = { type: string; slack_file?: { id: string }; alt_text?: string; title?: { text: string } };

describeDb('the "Chart" button through Bolt, signed HTTP and the files API stand-in', (ctx) => {
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

  it('uploads the trend chart with files.uploadV2 and answers with an image block and alt text', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    const { status, reply } = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect(status).toBe(200);
    // The upload flow as Slack documents it: URL with a length, bytes to that URL, then completion.
    const [getUrl] = stub.callsTo('files.getUploadURLExternal');
    expect(getUrl?.args.filename).toBe('tally-trend.png');
    expect(stub.callsTo('file_upload')).toHaveLength(1);
    const [complete] = stub.callsTo('files.completeUploadExternal');
    expect(complete?.args.channel_id).toBeUndefined();
    const file = [...stub.files.values()][0]!;
    expect(file.completed).toBe(true);
    expect(file.bytes?.length).toBe(file.length);
    const png = decodePng(file.bytes!);
    expect(png.width).toBeGreaterThan(1_000);
    // A new ephemeral message beside the answer, never replacing it.
    expect(reply.replace_original).toBe(false);
    expect(reply.response_type).toBe('ephemeral');
    const image = reply.blocks[0] as unknown as ImageBlock;
    expect(image.type).toBe('image');
    expect(image.slack_file).toEqual({ id: file.id });
    expect(image.alt_text).toMatch(/^Win rate for Ana López over the last 8 quarters, .*\.$/);
    expect(file.altText).toBe(image.alt_text);
    expect(reply.text).toContain('Win rate for Ana López');
  });

  it('re-uses the upload when the same chart is asked again on unchanged data', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    const first = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    const second = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect((second.reply.blocks[0] as unknown as ImageBlock).slack_file).toEqual(
      (first.reply.blocks[0] as unknown as ImageBlock).slack_file,
    );
  });

  // Tester (LOW): two presses at once drew, uploaded and posted the chart twice.
  it('draws, uploads and posts a chart once when the same button is pressed twice at once', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    stub.setDelay('files.getUploadURLExternal', 500);
    const presses = await Promise.all([
      pressButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart'),
      pressButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart'),
    ]);
    const ids = new Set(presses.map((p) => p.id));
    await stub.waitFor('files.completeUploadExternal', 1, 10_000);
    const deadline = Date.now() + 10_000;
    while (!stub.callsTo('response_url').some((c) => ids.has(c.responseId!)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const answers = stub.callsTo('response_url').filter((c) => ids.has(c.responseId!));
    expect(answers).toHaveLength(1);
    expect((answers[0]!.args.blocks as ImageBlock[])[0]!.type).toBe('image');
  });

  // Tester (LOW): a slow upload was answered "Couldn't draw that chart", then finished unseen.
  it('says a slow upload is slow, then posts the picture once Slack has taken it', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    stub.setDelay('files.completeUploadExternal', UPLOAD_TIMEOUT_MS + 1_000);
    const { id } = await pressButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    const answers = () => stub.callsTo('response_url').filter((c) => c.responseId === id);
    const deadline = Date.now() + UPLOAD_TIMEOUT_MS + 8_000;
    while (answers().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [slow, picture] = answers();
    expect(slow?.args.text).toBe(CHART_SLOW);
    expect(slow?.args.replace_original).toBe(false);
    const image = (picture?.args.blocks as ImageBlock[] | undefined)?.[0];
    expect(image?.type).toBe('image');
    expect(image?.slack_file).toEqual({ id: [...stub.files.values()][0]!.id });
    expect(answers()).toHaveLength(2);
  }, 30_000);

  // Tester: an upload slower than the answer's own 10 s limit ended in "Couldn't draw", though the app had
  // already said the picture would follow (the Web API client gave up on the request after 10 s).
  it('lets a slow upload finish past 10 s once it has said the picture follows', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    stub.setDelay('files.completeUploadExternal', 12_000);
    const { id } = await pressButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    const answers = () => stub.callsTo('response_url').filter((c) => c.responseId === id);
    const deadline = Date.now() + 25_000;
    while (answers().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [slow, picture] = answers();
    expect(slow?.args.text).toBe(CHART_SLOW);
    expect(picture?.args.text).not.toBe(CHART_FAILED);
    const image = (picture?.args.blocks as ImageBlock[] | undefined)?.[0];
    expect(image?.type).toBe('image');
    expect(image?.slack_file).toEqual({ id: [...stub.files.values()][0]!.id });
    // One completion, taken once: the request was not timed out and sent again.
    expect(stub.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(answers()).toHaveLength(2);
  }, 40_000);

  it('draws the leaderboard of a "by rep" answer with the caller’s bar marked', async () => {
    const answer = await sendCommand(app, stub, USERS.mia.id, 'winrate team by rep');
    const { reply } = await clickButton(app, stub, USERS.mia.id, answer.reply.blocks, 'Chart');
    const image = reply.blocks[0] as unknown as ImageBlock;
    expect(image.type).toBe('image');
    expect(image.alt_text).toContain('Win rate by rep for EMEA');
    expect([...stub.files.values()][0]?.filename).toBe('tally-leaderboard.png');
  });

  // Tester (LOW): missing_scope said "try again in a minute", but it lasts until an admin reinstalls the app.
  it('keeps the text answer and says an admin must grant files:write when the upload lacks it', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    stub.failNext('files.getUploadURLExternal', 'missing_scope');
    const { reply } = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect(reply.replace_original).toBe(false);
    expect(reply.text).toBe(CHART_NO_PERMISSION);
    expect(reply.text).toContain('files:write');
    expect(reply.text).not.toContain('try again');
    expect(JSON.stringify(reply.blocks)).not.toContain('"image"');
    expect(stub.callsTo('files.completeUploadExternal')).toHaveLength(0);
    // A later press, once the scope is granted, works (the failure was not cached).
    const retry = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect((retry.reply.blocks[0] as unknown as ImageBlock).type).toBe('image');
  });

  it('says "try again in a minute" for a passing upload failure, and Slack\'s wait for a rate limit', async () => {
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    stub.failNext('files.getUploadURLExternal', 'internal_error', 4);
    const failed = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect(failed.reply.text).toBe(CHART_FAILED);
    stub.reset();
    stub.rateLimitNext('files.getUploadURLExternal', 20, 1);
    const limited = await clickButton(app, stub, USERS.ana.id, answer.reply.blocks, 'Chart');
    expect(limited.reply.text).toBe(chartRateLimited(20));
    expect(limited.reply.text).toContain('again in 20 seconds');
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(1);
  });

  it('re-checks permissions: a rep cannot chart a colleague with a copied button', async () => {
    const answer = await sendCommand(app, stub, USERS.mia.id, `winrate <@${USERS.ana.id}|ana>`);
    const { reply } = await clickButton(app, stub, USERS.bob.id, answer.reply.blocks, 'Chart');
    expect(reply.text).toContain('Sorry');
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('answers /metrics coach for a manager, with a Chart button that uploads the card’s chart', async () => {
    const card = await sendCommand(app, stub, USERS.mia.id, `coach <@${USERS.ana.id}|ana> last month`);
    expect(card.reply.text).toContain('Coaching card · Ana López · October 2026');
    expect(allText(card.reply)).toContain('Win rate');
    const { reply } = await clickButton(app, stub, USERS.mia.id, card.reply.blocks, 'Chart');
    const image = reply.blocks[0] as unknown as ImageBlock;
    expect(image.type).toBe('image');
    // One metric has a percentile here: '1 metric' since helper-218's LOW (it read '1 metrics').
    expect(image.alt_text).toMatch(/^Ana López's percentile in the team for 1 metric, October 2026/);
    const refused = await sendCommand(app, stub, USERS.bob.id, `coach <@${USERS.ana.id}|ana>`);
    expect(refused.reply.text).toContain("for the rep's manager and admins");
  });

  it('shows a manager the coaching section on App Home', async () => {
    await postSigned(
      `${app.url}/slack/events`,
      eventBody({ type: 'app_home_opened', user: USERS.mia.id, channel: 'D0MIA', tab: 'home' }),
      { secret: SECRET, contentType: 'application/json' },
    );
    const [publish] = await stub.waitFor('views.publish');
    const text = JSON.stringify(publish?.args.view);
    expect(text).toContain('Coaching · Team EMEA');
    expect(text).toContain('/metrics coach @person');
  });
});
