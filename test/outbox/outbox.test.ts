import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/delivery/outbox.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';
import { createVirtualTime } from './virtual-time.js';

const message = (channel: string, text = 'hello') => ({
  channel,
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});

describe('outbox', () => {
  let stub: SlackApiStub;
  let client: WebClient;

  beforeAll(async () => {
    stub = await startSlackApiStub();
    // The outbox owns the retry policy: the client neither retries nor queues 429s itself.
    client = new WebClient('xoxb-test', {
      slackApiUrl: stub.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => stub.reset());

  it('paces messages globally and per channel', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, {
      globalIntervalMs: 200,
      perChannelIntervalMs: 1000,
      now: vt.now,
      sleep: vt.sleep,
    });
    const results = await Promise.all([
      outbox.send(message('C1', 'a')),
      outbox.send(message('C1', 'b')),
      outbox.send(message('C2', 'c')),
      outbox.send(message('C1', 'd')),
    ]);
    const sentAt = results.map((r) => (r.ok ? r.sentAt : -1));
    // a at 0; b waits for C1 (1000); c takes the next global slot after b (1200); d waits for C1 again (2000).
    expect(sentAt).toEqual([0, 1000, 1200, 2000]);
    expect(stub.callsTo('chat.postMessage').map((c) => c.args.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('waits out a 429 Retry-After and retries', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep });
    stub.rateLimitNext('chat.postMessage', 7, 2);
    const result = await outbox.send(message('C1'));
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    // Two waits of 7 s each before the third attempt went out.
    expect(result.ok && result.sentAt).toBe(14_000);
    expect(stub.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('gives up after the bounded number of attempts on repeated 429s', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep, maxAttempts: 3 });
    stub.rateLimitNext('chat.postMessage', 1, 5);
    const result = await outbox.send(message('C1'));
    expect(result).toEqual({ ok: false, reason: 'failed', error: 'ratelimited', attempts: 3 });
    expect(stub.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('returns destination errors as unreachable without retrying', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep });
    for (const error of ['not_in_channel', 'channel_not_found', 'is_archived']) {
      stub.failNext('chat.postMessage', error);
      expect(await outbox.send(message('C9'))).toEqual({
        ok: false,
        reason: 'unreachable',
        error,
        attempts: 1,
      });
    }
    expect(stub.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('retries server errors and transient Slack errors, then succeeds', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep });
    stub.httpErrorNext('chat.postMessage', 503);
    stub.failNext('chat.postMessage', 'internal_error');
    const result = await outbox.send(message('C1'));
    expect(result).toMatchObject({ ok: true, attempts: 3 });
  });

  it('fails at once on a request Slack rejects', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep });
    stub.failNext('chat.postMessage', 'invalid_blocks');
    expect(await outbox.send(message('C1'))).toEqual({
      ok: false,
      reason: 'failed',
      error: 'invalid_blocks',
      attempts: 1,
    });
  });

  it('opens a DM once per user and reports users it cannot DM', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep });
    expect(await outbox.sendDm('U1', message('ignored'))).toMatchObject({ ok: true, channel: 'D1' });
    expect(await outbox.sendDm('U1', message('ignored'))).toMatchObject({ ok: true, channel: 'D1' });
    expect(stub.callsTo('conversations.open')).toHaveLength(1);
    stub.failNext('conversations.open', 'cannot_dm_bot');
    expect(await outbox.sendDm('UBOT', message('x'))).toEqual({
      ok: false,
      reason: 'unreachable',
      error: 'cannot_dm_bot',
      attempts: 1,
    });
  });

  it('keeps every message within Block Kit limits', async () => {
    const vt = createVirtualTime(0);
    const outbox = createOutbox(client, { now: vt.now, sleep: vt.sleep });
    const long = 'x'.repeat(5000);
    await outbox.send(message('C1', long));
    const args = stub.callsTo('chat.postMessage')[0]?.args as {
      text: string;
      blocks: { text: { text: string } }[];
    };
    expect(args.text.length).toBe(3000);
    expect(args.blocks[0]?.text.text.length).toBe(3000);
  });
});
