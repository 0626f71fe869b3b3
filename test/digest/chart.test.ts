import pino from 'pino';
import { beforeEach, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/charts/types.js';
import { activities } from '../../src/db/schema/index.js';
import { withDigestChart } from '../../src/digest/chart.js';
import { listRuns } from '../../src/digest/ledger.js';
import { parseDigestCommand } from '../../src/digest/parse-command.js';
import { runDueDigests } from '../../src/digest/run.js';
import { getSubscription, setChart } from '../../src/digest/store.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { addDigest, addRep, recordingOutbox, testClient, testDeps } from './fixtures.js';

// Mon 23 Nov 2026, 08:30 Berlin (CET) = 07:30 UTC; the subscription exists from 06:00 Berlin.
const SLOT = '2026-11-23T07:30:00.000Z';
const CREATED = new Date('2026-11-23T05:00:00Z');

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

interface Block {
  type: string;
  slack_file?: { id: string };
  alt_text?: string;
}

describeDb('the headline chart in a digest', (ctx) => {
  /** Ana made 3 calls in November and 2 in October: the calls trend has data. */
  async function seed(): Promise<void> {
    const ana = await addRep(ctx.database(), { name: 'Ana', slackUserId: 'UANA' });
    const call = (n: number, at: string) => ({
      externalId: `c${n}`,
      repId: ana,
      kind: 'call' as const,
      direction: 'outbound' as const,
      occurredAt: new Date(at),
    });
    await ctx
      .db()
      .insert(activities)
      .values([
        call(1, '2026-10-14T09:00:00Z'),
        call(2, '2026-10-15T09:00:00Z'),
        call(3, '2026-11-10T09:00:00Z'),
        call(4, '2026-11-20T09:00:00Z'),
        call(5, '2026-11-22T09:00:00Z'),
      ]);
  }

  /** Every log line of the runs, parsed. */
  let lines: Record<string, unknown>[] = [];
  async function runOnce(): Promise<void> {
    lines = [];
    const client = testClient(stub);
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const deps = { ...testDeps(ctx.database(), client, SLOT), logger };
    const outbox = recordingOutbox(client);
    await runDueDigests(deps, new Date(SLOT), { outbox });
    // A second tick must neither post nor upload again.
    await runDueDigests(deps, new Date('2026-11-23T07:31:00Z'), { outbox });
  }

  const posts = () => stub.callsTo('chat.postMessage');
  const blocksOf = (i: number) => JSON.parse(JSON.stringify(posts()[i]?.args.blocks ?? [])) as Block[];
  const images = (i: number) => blocksOf(i).filter((b) => b.type === 'image');

  it('uploads the trend chart once and posts one image block with alt text (chart on by default)', async () => {
    await seed();
    const id = await addDigest(ctx.database(), { now: CREATED, metrics: ['calls'] });
    expect((await getSubscription(ctx.db(), id))?.chart).toBe(true);
    await runOnce();

    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(stub.callsTo('files.completeUploadExternal')).toHaveLength(1);
    const [file] = [...stub.files.values()];
    expect(file).toMatchObject({ completed: true, channelId: null, filename: 'tally-trend.png' });
    expect(file?.bytes?.subarray(1, 4).toString('latin1')).toBe('PNG');

    expect(posts()).toHaveLength(1);
    const imgs = images(0);
    expect(imgs).toHaveLength(1);
    expect(imgs[0]?.slack_file).toEqual({ id: file!.id });
    expect(imgs[0]?.alt_text).toMatch(/calls/i);
    expect(imgs[0]?.alt_text).toBe(file!.altText);
    // The text digest is all there too.
    expect(String(posts()[0]?.args.text)).toContain('Calls');
    expect((await listRuns(ctx.db(), id))[0]).toMatchObject({ state: 'posted', attempts: 1 });
  });

  it('with the chart turned off, uploads nothing and posts no image block', async () => {
    await seed();
    const id = await addDigest(ctx.database(), { now: CREATED, metrics: ['calls'] });
    await setChart(ctx.db(), id, false, CREATED);
    await runOnce();

    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(stub.files.size).toBe(0);
    expect(posts()).toHaveLength(1);
    expect(images(0)).toHaveLength(0);
    expect(String(posts()[0]?.args.text)).toContain('Calls');
  });

  it('posts the text digest once, without an image, when the upload fails', async () => {
    await seed();
    const id = await addDigest(ctx.database(), { now: CREATED, metrics: ['calls'] });
    stub.failNext('files.getUploadURLExternal', 'internal_error');
    await runOnce();

    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(stub.callsTo('files.completeUploadExternal')).toHaveLength(0);
    expect(posts()).toHaveLength(1);
    expect(images(0)).toHaveLength(0);
    expect(String(posts()[0]?.args.text)).toContain('Calls');
    expect((await listRuns(ctx.db(), id))[0]).toMatchObject({ state: 'posted', attempts: 1 });
    const said = lines.filter((l) => String(l.msg).includes('digest chart'));
    expect(said).toHaveLength(1);
    expect(JSON.stringify(said[0])).toContain('internal_error');
    // Tester (LOW): it said "could not be rendered or uploaded" though the chart was drawn; it names the step.
    expect(said[0]).toMatchObject({
      step: 'upload',
      msg: 'digest chart was rendered but its upload to Slack failed; the digest goes out without it',
    });
  });

  it('says the chart could not be rendered, and uploads nothing, when drawing it fails', async () => {
    const logged: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void logged.push(JSON.parse(l)) });
    const message = { text: 'Calls', blocks: [] };
    // A spec Vega-Lite cannot compile: the render step throws before any upload.
    const broken = {
      kind: 'trend',
      title: 'Calls',
      alt: 'Calls by month',
      width: 400,
      height: 200,
      vegaLite: { mark: 'no-such-mark', data: { values: [] } },
    } as unknown as ChartSpec;
    const out = await withDigestChart({ slack: testClient(stub), logger }, message, broken, {
      subscriptionId: 1,
      runId: 1,
    });
    expect(out).toBe(message);
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      step: 'render',
      msg: 'digest chart could not be rendered; the digest goes out without it',
    });
  });

  it('draws no chart when there is no data to draw', async () => {
    await addDigest(ctx.database(), { now: CREATED, metrics: ['calls'] });
    await runOnce();
    expect(stub.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(posts()).toHaveLength(1);
    expect(images(0)).toHaveLength(0);
  });
});

it('parses `digest chart on|off <id>` and `nochart` on add', () => {
  expect(parseDigestCommand(['chart', 'off', '3'])).toEqual({
    ok: true,
    command: { action: 'chart', id: 3, chart: false },
  });
  expect(parseDigestCommand(['chart', 'ON', '#12'])).toEqual({
    ok: true,
    command: { action: 'chart', id: 12, chart: true },
  });
  expect(parseDigestCommand(['chart', '3'])).toMatchObject({ ok: false });
  expect(parseDigestCommand(['chart', 'off'])).toMatchObject({ ok: false });
  const add = parseDigestCommand(['add', 'dm', 'org', 'nochart']);
  expect(add).toMatchObject({ ok: true, command: { add: { chart: false, target: { kind: 'dm' } } } });
  expect(parseDigestCommand(['add', 'dm', 'org'])).toMatchObject({
    ok: true,
    command: { add: { chart: true } },
  });
});
