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

  it('50 posts to one channel from two instances leave at least 1 s apart, and a 429 pauses both', async () => {
    const a = instance();
    const b = instance();
    // The 10th post overall is answered 429 with Retry-After 2 s.
    stub.everyNth('chat.postMessage', 10, { kind: 'rate_limited', retryAfterSeconds: 2 });
    const sends: Promise<SendResult>[] = [];
    for (let i = 0; i < 25; i++) {
      sends.push(a.send(message(`a${i}`)));
      sends.push(b.send(message(`b${i}`)));
    }
    const results = await Promise.all(sends);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(stub.messages.map((m) => m.text)).size).toBe(50);
    expect(stub.messages).toHaveLength(50);
    // Every attempt (the 429s included) took its own turn; successful ones are ≥ 1 s apart.
    const times = results.map((r) => (r.ok ? r.sentAt : Number.NaN)).sort((x, y) => x - y);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    // The pause the 429s set: nobody's post left inside its 2 s, whichever instance got the 429.
    const [pace] = await queryRows<{ paused_until: string | Date }>(
      ctx.db(),
      sql`select paused_until from slack_pace where key = 'workspace'`,
    );
    const pausedUntil = new Date(pace!.paused_until).getTime();
    const inside = times.filter((t) => t > pausedUntil - 2000 && t < pausedUntil);
    if (inside.length)
      console.log(
        JSON.stringify({
          pausedUntil,
          times: times.map((t) => t - times[0]!),
          calls: stub.callsTo('chat.postMessage').map((c) => c.at.getTime() - times[0]!),
        }),
      );
    expect(inside).toEqual([]);
    expect(stub.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(55);
  }, 120_000);
});
