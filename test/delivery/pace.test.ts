import { WebClient } from '@slack/web-api';
import { beforeEach, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { createOutbox, type SendResult } from '../../src/delivery/outbox.js';
import { createPgPacer } from '../../src/delivery/pacer.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

const message = (text: string) => ({
  channel: 'CPACE',
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});

describeDb('shared pace across instances', (ctx) => {
  /** One "instance": its own WebClient and outbox, pacing through the shared database. */
  const instance = () => {
    const client = new WebClient('xoxb-test', {
      slackApiUrl: stub.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    return createOutbox(client, {
      pacer: createPgPacer(ctx.db(), { globalIntervalMs: 100, perChannelIntervalMs: 1000 }),
    });
  };

  it('50 posts to one channel from two instances leave at least 1 s apart', async () => {
    const a = instance();
    const b = instance();
    const sends: Promise<SendResult>[] = [];
    for (let i = 0; i < 25; i++) {
      sends.push(a.send(message(`a${i}`)));
      sends.push(b.send(message(`b${i}`)));
    }
    const results = await Promise.all(sends);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(stub.messages.map((m) => m.text)).size).toBe(50);
    expect(stub.messages).toHaveLength(50);
    // The instants the shared pacer let each post leave, on the database clock: never two within 1 s.
    const times = results.map((r) => (r.ok ? r.sentAt : Number.NaN)).sort((x, y) => x - y);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    // Both instances took turns (neither ran alone).
    expect(stub.messages.slice(0, 10).some((m) => m.text.startsWith('a'))).toBe(true);
    expect(stub.messages.slice(0, 10).some((m) => m.text.startsWith('b'))).toBe(true);
  }, 120_000);

  it('a 429 seen by one instance pauses the other until Retry-After has passed', async () => {
    const a = instance();
    const b = instance();
    stub.rateLimitNext('chat.postMessage', 3, 1);
    const first = a.send({ ...message('a0'), channel: 'CONE' });
    // Wait (bounded) until A's 429 has set the shared pause.
    let pausedUntil = 0;
    for (let i = 0; i < 200 && pausedUntil === 0; i++) {
      const [row] = await queryRows<{ paused_until: string | Date | null }>(
        ctx.db(),
        sql`select paused_until from slack_pace where key = 'workspace'`,
      );
      if (row?.paused_until) pausedUntil = new Date(row.paused_until).getTime();
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(pausedUntil).toBeGreaterThan(0);
    // B posts to another channel: without the pause it could go at once; it waits for the pause to end.
    const [ra, rb] = await Promise.all([first, b.send({ ...message('b0'), channel: 'CTWO' })]);
    expect(ra).toMatchObject({ ok: true, attempts: 2 });
    expect(rb).toMatchObject({ ok: true, attempts: 1 });
    expect(ra.ok && ra.sentAt).toBeGreaterThanOrEqual(pausedUntil);
    expect(rb.ok && rb.sentAt).toBeGreaterThanOrEqual(pausedUntil);
    expect(stub.messages.map((m) => m.text).sort()).toEqual(['a0', 'b0']);
  }, 60_000);
});
