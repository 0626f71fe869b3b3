import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { beforeEach, expect, it } from 'vitest';
import { runLeadNudges } from '../../src/alerts/nudges.js';
import { publishWithRetry } from '../../src/answers/home.js';
import { createDb, queryRows, sql } from '../../src/db/client.js';
import { deliveries, digestRuns, leadNudges } from '../../src/db/schema/index.js';
import { drainDeliveries } from '../../src/delivery/deliver.js';
import { createOutbox } from '../../src/delivery/outbox.js';
import { readAuthLost } from '../../src/delivery/pacer.js';
import { purgeOldDeliveries } from '../../src/delivery/retention.js';
import { claimNext, enqueueDeliveries } from '../../src/delivery/store.js';
import { describeError } from '../../src/errors.js';
import { addLead, blockText, makeDeps, seedWorld } from '../alerts/fixtures.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

const msg = (text: string) => ({ text, blocks: [] });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps every line, to check one line per state change. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

describeDb('delivery layer', (ctx) => {
  const client = () =>
    new WebClient('xoxb-test', {
      slackApiUrl: stub.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  const outbox = (c = client()) => createOutbox(c, { globalIntervalMs: 0, perChannelIntervalMs: 0 });

  it('stamps the lease when it claims, sends once, and logs one line per state change with the key', async () => {
    const { logger, lines } = recordingLogger();
    await enqueueDeliveries(ctx.db(), [
      { key: 'k:1', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('one') },
      { key: 'k:2', kind: 'slip_alert', to: { userId: 'U2' }, message: msg('two') },
    ]);
    // Enqueuing twice changes nothing: the key is unique.
    expect(
      await enqueueDeliveries(ctx.db(), [
        { key: 'k:1', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('x') },
      ]),
    ).toEqual([]);
    const drained = await drainDeliveries(
      { db: ctx.db(), logger },
      { outbox: outbox(), handlers: { slip_alert: { settled: async () => {} } } },
    );
    expect(drained.map((d) => [d.row.key, d.row.state])).toEqual([
      ['k:1', 'sent'],
      ['k:2', 'sent'],
    ]);
    expect(stub.messages.map((m) => [m.channel, m.text, m.metadata?.event_payload?.delivery_key])).toEqual([
      ['C1', 'one', 'k:1'],
      ['D2', 'two', 'k:2'],
    ]);
    const rows = await ctx.db().select().from(deliveries).orderBy(deliveries.id);
    for (const r of rows) {
      // Claimed after it was queued, by the database clock, with a lease 60 s after the claim.
      expect(r.claimedAt!.getTime()).toBeGreaterThanOrEqual(r.createdAt.getTime());
      expect(r.leaseUntil).toBeNull();
      expect(r.attempts).toBe(1);
    }
    expect(rows[1]?.dmChannel).toBe('D2');
    const states = lines.filter((l) => l.msg === 'delivery state').map((l) => [l.key, l.state]);
    expect(states).toEqual([
      ['k:1', 'claimed'],
      ['k:1', 'sent'],
      ['k:2', 'claimed'],
      ['k:2', 'sent'],
    ]);
  });

  // Fresh tester (LOW): an `ok` answer without a ts was stored as the string "undefined".
  it('records a post Slack answered ok without a ts as sent with no ts, never "undefined"', async () => {
    stub.answers.set('chat.postMessage', { ok: true, channel: 'C1' });
    try {
      await enqueueDeliveries(ctx.db(), [
        { key: 'k:no-ts', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('one') },
      ]);
      const drained = await drainDeliveries(
        { db: ctx.db(), logger: pino({ level: 'silent' }) },
        { outbox: outbox(), handlers: { slip_alert: { settled: async () => {} } } },
      );
      expect(drained.map((d) => [d.row.key, d.row.state, d.row.sentTs])).toEqual([['k:no-ts', 'sent', null]]);
      const [row] = await ctx.db().select().from(deliveries).where(eq(deliveries.key, 'k:no-ts'));
      expect([row?.state, row?.sentTs]).toEqual(['sent', null]);
    } finally {
      stub.answers.delete('chat.postMessage');
    }
  });

  it('re-takes an expired claim and finds the earlier post in Slack instead of posting twice', async () => {
    await enqueueDeliveries(ctx.db(), [
      { key: 'dm:1', kind: 'slip_alert', to: { userId: 'U7' }, message: msg('hello') },
      { key: 'ch:1', kind: 'slip_alert', to: { channel: 'C7' }, message: msg('hello') },
      { key: 'ch:2', kind: 'slip_alert', to: { channel: 'C8' }, message: msg('never sent') },
    ]);
    // A "dead" instance claims all three with a 3 s lease, posts the first two, and dies.
    for (let i = 0; i < 3; i++) expect(await claimNext(ctx.db(), 'dead', 3000, null)).not.toBeNull();
    await ctx.db().update(deliveries).set({ dmChannel: 'D7' }).where(eq(deliveries.key, 'dm:1'));
    const c = client();
    await c.chat.postMessage({
      channel: 'D7',
      text: 'hello',
      metadata: { event_type: 'tally_delivery', event_payload: { delivery_key: 'dm:1' } },
    });
    await c.chat.postMessage({
      channel: 'C7',
      text: 'hello',
      metadata: { event_type: 'tally_delivery', event_payload: { delivery_key: 'ch:1' } },
    });
    // Within the lease nobody else touches them.
    const handlers = { slip_alert: { settled: async () => {} } };
    expect(
      await drainDeliveries(
        { db: ctx.db(), logger: pino({ level: 'silent' }) },
        { outbox: outbox(), handlers, slack: c },
      ),
    ).toEqual([]);
    await wait(3100);
    const drained = await drainDeliveries(
      { db: ctx.db(), logger: pino({ level: 'silent' }) },
      { outbox: outbox(), handlers, slack: c, instanceId: 'B' },
    );
    expect(drained.map((d) => [d.row.key, d.row.state, d.row.attempts, d.row.claimedBy])).toEqual([
      ['dm:1', 'sent', 2, 'B'],
      ['ch:1', 'sent', 2, 'B'],
      ['ch:2', 'sent', 2, 'B'],
    ]);
    // Two posts by the dead instance, one by B: nothing twice.
    expect(stub.messages.map((m) => m.channel)).toEqual(['D7', 'C7', 'C8']);
    // Every re-taken row with a known channel is looked up first (C8 too: the dead one might have posted).
    expect(stub.callsTo('conversations.history').map((h) => h.args.channel)).toEqual(['D7', 'C7', 'C8']);
  });

  it('retries a transient failure with backoff, then fails for good after its attempts', async () => {
    await enqueueDeliveries(ctx.db(), [
      { key: 'r:1', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('x'), maxAttempts: 2 },
    ]);
    stub.httpErrorNext('chat.postMessage', 503, 100);
    const o = createOutbox(client(), { globalIntervalMs: 0, perChannelIntervalMs: 0, maxAttempts: 1 });
    const deps = { db: ctx.db(), logger: pino({ level: 'silent' }) };
    const handlers = { slip_alert: { settled: async () => {} } };
    const [first] = await drainDeliveries(deps, { outbox: o, handlers });
    expect(first?.row).toMatchObject({ state: 'due', reason: 'http_503', attempts: 1 });
    // Backoff: 30 s after the first attempt.
    const [row] = await queryRows<{ s: number }>(
      ctx.db(),
      sql`select extract(epoch from next_attempt_at - updated_at)::float8 as s from deliveries`,
    );
    expect(Math.round(row!.s)).toBe(30);
    expect(await drainDeliveries(deps, { outbox: o, handlers })).toEqual([]); // not yet due
    await ctx
      .db()
      .update(deliveries)
      .set({ nextAttemptAt: new Date(0) });
    const [second] = await drainDeliveries(deps, { outbox: o, handlers });
    expect(second?.row).toMatchObject({ state: 'failed', reason: 'http_503', attempts: 2 });
  });

  it('stops every send on a lost token, says so once, and resumes by itself once Slack accepts it', async () => {
    const { logger, lines } = recordingLogger();
    await enqueueDeliveries(
      ctx.db(),
      ['a', 'b', 'c'].map((k) => ({
        key: `t:${k}`,
        kind: 'slip_alert' as const,
        to: { channel: `C${k}` },
        message: msg(k),
      })),
    );
    const { createPgPacer } = await import('../../src/delivery/pacer.js');
    const c = client();
    const o = createOutbox(c, {
      pacer: createPgPacer(ctx.db(), { globalIntervalMs: 0, perChannelIntervalMs: 0 }),
      logger,
    });
    const handlers = { slip_alert: { settled: async () => {} } };
    stub.failNext('chat.postMessage', 'token_revoked');
    stub.failNext('auth.test', 'token_revoked');
    const first = await drainDeliveries({ db: ctx.db(), logger }, { outbox: o, handlers });
    expect(first.map((d) => [d.row.key, d.row.state, d.row.reason, d.row.attempts])).toEqual([
      ['t:a', 'due', 'auth_lost:token_revoked', 0],
    ]);
    expect(await readAuthLost(ctx.db())).toBe('token_revoked');
    expect(lines.filter((l) => String(l.msg).startsWith('Slack rejected the bot token'))).toHaveLength(1);
    expect(stub.callsTo('chat.postMessage')).toHaveLength(1);
    // A later drain (another instance) probes auth.test first: still refused, so nothing is posted.
    await ctx
      .db()
      .update(deliveries)
      .set({ nextAttemptAt: new Date(0) });
    const stopped = createOutbox(c, {
      pacer: createPgPacer(ctx.db(), { globalIntervalMs: 0, perChannelIntervalMs: 0 }),
      logger,
    });
    const still = await drainDeliveries({ db: ctx.db(), logger }, { outbox: stopped, handlers });
    expect(still.map((d) => d.row.state)).toEqual(['due']);
    expect(stub.callsTo('chat.postMessage')).toHaveLength(1);
    expect(stub.callsTo('auth.test')).toHaveLength(1);
    // Slack takes the token again: the next probe succeeds, the flag clears and everything is sent.
    await ctx
      .db()
      .update(deliveries)
      .set({ nextAttemptAt: new Date(0) });
    const o2 = createOutbox(c, {
      pacer: createPgPacer(ctx.db(), { globalIntervalMs: 0, perChannelIntervalMs: 0 }),
      logger,
    });
    const second = await drainDeliveries({ db: ctx.db(), logger }, { outbox: o2, handlers });
    expect(second.map((d) => [d.row.state, d.row.reason])).toEqual([
      ['sent', null],
      ['sent', null],
      ['sent', null],
    ]);
    expect(await readAuthLost(ctx.db())).toBeNull();
    expect(lines.filter((l) => String(l.msg).startsWith('Slack accepts the token again'))).toHaveLength(1);
  });

  it('escalates to the manager only once the owner nudge was delivered, or says the owner was not reached', async () => {
    const world = await seedWorld(ctx.db());
    await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z');
    const { deps } = makeDeps(ctx.database(), stub, '2026-11-23T10:00:00Z');
    // Slack has a bad spell at 10:05: the owner's DM cannot be opened (transient, retried later).
    stub.failNext('conversations.open', 'internal_error', 5);
    await runLeadNudges(deps, new Date('2026-11-23T10:05:00Z'));
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
    // 10:15 is the escalation time, but the owner was not told yet: no manager DM, and no second owner row.
    await runLeadNudges(deps, new Date('2026-11-23T10:15:00Z'));
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
    const ledger = await ctx.db().select().from(leadNudges);
    expect(ledger.map((r) => [r.stage, r.status])).toEqual([['owner', 'claimed']]);
    // The retry comes due: the owner is told, and only then the manager.
    await ctx
      .db()
      .update(deliveries)
      .set({ nextAttemptAt: new Date(0) });
    await runLeadNudges(deps, new Date('2026-11-23T10:16:00Z'));
    await runLeadNudges(deps, new Date('2026-11-23T10:17:00Z'));
    expect(stub.callsTo('chat.postMessage').map((c) => c.args.channel)).toEqual(['D0ANA', 'D0MIA']);
    expect(blockText(stub.callsTo('chat.postMessage')[1]?.args ?? {})).toContain(
      'The owner was nudged at the SLA',
    );

    // Bob cannot be DMed at all: his manager hears about his lead, and that Bob was not reached.
    stub.reset();
    await addLead(ctx.db(), world.bob, '2026-11-23T11:00:00Z');
    stub.failNext('conversations.open', 'user_not_found');
    await runLeadNudges(deps, new Date('2026-11-23T11:05:00Z'));
    await runLeadNudges(deps, new Date('2026-11-23T11:15:00Z'));
    expect(stub.callsTo('chat.postMessage').map((c) => c.args.channel)).toEqual(['D0MIA']);
    expect(blockText(stub.callsTo('chat.postMessage')[0]?.args ?? {})).toContain('No owner could be nudged');
  });

  it('removes finished rows older than the retention and keeps the rest', async () => {
    await enqueueDeliveries(ctx.db(), [
      { key: 'old', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('x') },
      { key: 'new', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('x') },
      { key: 'old-due', kind: 'slip_alert', to: { channel: 'C1' }, message: msg('x') },
    ]);
    const old = new Date(Date.now() - 91 * 86_400_000);
    await ctx.db().update(deliveries).set({ state: 'sent', updatedAt: old }).where(eq(deliveries.key, 'old'));
    await ctx.db().update(deliveries).set({ state: 'sent' }).where(eq(deliveries.key, 'new'));
    await ctx.db().update(deliveries).set({ updatedAt: old }).where(eq(deliveries.key, 'old-due'));
    const report = await purgeOldDeliveries(ctx.db(), 90);
    expect(report.deliveries).toBe(1);
    expect((await ctx.db().select().from(deliveries).orderBy(deliveries.key)).map((r) => r.key)).toEqual([
      'new',
      'old-due',
    ]);
    expect(await ctx.db().select().from(digestRuns)).toEqual([]);
  });
});

it('logs a database error with its cause chain (ECONNREFUSED), never the password', async () => {
  const database = await createDb({
    databaseUrl: 'postgres://tally:s3cret-pw@127.0.0.1:1/nothing',
    poolSize: 1,
  });
  let described: ReturnType<typeof describeError> | undefined;
  try {
    await queryRows(database.db, sql`select 1 from deliveries`);
  } catch (err) {
    described = describeError(err);
  }
  await database.close();
  expect(described?.code).toBe('ECONNREFUSED');
  expect(JSON.stringify(described)).toContain('ECONNREFUSED');
  expect(JSON.stringify(described)).not.toContain('s3cret-pw');
});

it('retries views.publish answered `ratelimited` with HTTP 200, bounded', async () => {
  const c = new WebClient('xoxb-test', { slackApiUrl: stub.apiUrl, retryConfig: { retries: 0 } });
  stub.failNext('views.publish', 'ratelimited', 1);
  const slept: number[] = [];
  const logger = pino({ level: 'silent' });
  const publish = () => c.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [] } });
  expect(await publishWithRetry(publish, { logger }, async (ms) => void slept.push(ms))).toBe(true);
  expect(stub.callsTo('views.publish')).toHaveLength(2);
  expect(slept).toEqual([1000]);
  stub.failNext('views.publish', 'ratelimited', 5);
  expect(await publishWithRetry(publish, { logger }, async (ms) => void slept.push(ms))).toBe(false);
  expect(stub.callsTo('views.publish')).toHaveLength(5);
});
