import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDb, type Database, queryRows, sql } from '../../src/db/client.js';
import { digestSubscriptions, slackSeenRequests } from '../../src/db/schema/index.js';
import { seenRequestsInDb } from '../../src/http/seen-requests.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb, openTestDatabase, postgresAdminUrl } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { signBody, slashCommandBody } from '../helpers/slack-requests.js';
import { seedFixture, USERS } from './fixtures.js';
import { type RunningApp, SECRET, startApp } from './harness.js';

/**
 * Several instances behind a load balancer share one database: a captured request replayed to a
 * SECOND instance is refused too (the seen-signature record lives in the database), and Slack's own
 * retry of a handled request is answered with an empty 200 by either instance.
 */
describeDb('replay check shared by instances', (ctx) => {
  const stub = useSlackApiStub();
  let first: RunningApp;
  let second: RunningApp;

  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    first = await startApp(ctx.database(), stub);
    second = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await first.stop();
    await second.stop();
  });

  const nowSec = () => Math.floor(Date.now() / 1000);
  const send = (app: RunningApp, body: string, ts: number, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signBody(SECRET, body, ts),
        ...headers,
      },
      body,
    });
  const command = (text: string, id: string) =>
    slashCommandBody({ text, userId: USERS.ada.id, responseUrl: `${stub.responseBase}${id}` });
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('refuses a request replayed to a second instance: one digest, not two', async () => {
    const body = command('digest add <#C0SALES|sales> team EMEA', 'two1');
    const ts = nowSec();
    expect((await send(first, body, ts)).status).toBe(200);
    const replay = await send(second, body, ts);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ ok: false, error: 'replayed request' });
    await stub.waitFor('response_url', 1);
    await settle();
    expect(stub.callsTo('response_url')).toHaveLength(1);
    expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
  });

  it("answers Slack's retry on the other instance with an empty 200 and runs nothing twice", async () => {
    const body = command('digest add <#C0SALES|sales> team EMEA', 'two2');
    expect((await send(first, body, nowSec())).status).toBe(200);
    await stub.waitFor('response_url', 1);
    const retry = await send(second, body, nowSec() + 1, { 'x-slack-retry-num': '1' });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe('');
    await settle();
    expect(stub.callsTo('response_url')).toHaveLength(1);
    expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
  });

  it('lets exactly one of two instances take the same request sent to both at once', async () => {
    const body = command('digest add <#C0SALES|sales> team EMEA', 'two3');
    const ts = nowSec();
    const statuses = (await Promise.all([send(first, body, ts), send(second, body, ts)])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([200, 401]);
    await stub.waitFor('response_url', 1);
    await settle();
    expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
  });

  it('acks at once while the shared record waits on a lock, and runs a request and its replay once', async () => {
    // Instances that wait for the record not at all: every verdict comes after the ack.
    const fast = [
      await startApp(ctx.database(), stub, {}, { replayWaitMs: 0 }),
      await startApp(ctx.database(), stub, {}, { replayWaitMs: 0 }),
    ] as const;
    const body = command('digest add <#C0SALES|sales> team EMEA', 'slow1');
    const ts = nowSec();
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    // Inserts into the record wait until this transaction ends.
    const holding = ctx.db().transaction(async (tx) => {
      await tx.execute(sql`lock table slack_seen_requests in exclusive mode`);
      locked();
      await released;
    });
    try {
      await isLocked;
      const [taken, replayed] = [await send(fast[0], body, ts), await send(fast[1], body, ts)];
      // Both answered while the lock is still held: the ack did not wait for the record.
      expect(taken.status).toBe(200);
      // Postgres: the replay's verdict is pending too, so it is acked and then dropped. The embedded
      // database keeps the record in memory, so there the replay is refused at once.
      expect(replayed.status).toBe(ctx.backend === 'postgres' ? 200 : 401);
      expect(stub.callsTo('response_url')).toHaveLength(0);
      release();
      await holding;
      await stub.waitFor('response_url', 1);
      await settle();
      expect(stub.callsTo('response_url')).toHaveLength(1);
      expect(await ctx.db().select().from(digestSubscriptions)).toHaveLength(1);
    } finally {
      release();
      await holding.catch(() => undefined);
      for (const app of fast) await app.stop();
    }
  });

  it('records requests that arrive together in shared statements, each key new for its first request only', async () => {
    const seen = seenRequestsInDb(ctx.db(), silentLogger);
    const other = seenRequestsInDb(ctx.db(), silentLogger);
    const t0 = Date.now();
    // 20 at once on one instance (the first goes alone, the rest queue into the next statements); the
    // same body comes twice under two signatures, and one signature is also sent to a second instance.
    const verdicts = await Promise.all([
      ...Array.from({ length: 18 }, (_, i) => seen.record(`v0=burst${i}`, `body ${i}`, t0)),
      seen.record('v0=retry-a', 'the same body', t0),
      seen.record('v0=retry-b', 'the same body', t0),
      other.record('v0=burst17', 'body 17', t0),
    ]);
    for (const v of verdicts.slice(0, 17)) expect(v).toEqual({ signatureNew: true, bodyNew: true });
    expect(verdicts[18]).toEqual({ signatureNew: true, bodyNew: true });
    expect(verdicts[19]).toEqual({ signatureNew: true, bodyNew: false });
    // The request sent to both instances at once: exactly one of them takes it.
    expect([verdicts[17], verdicts[20]].filter((v) => v?.signatureNew && v.bodyNew)).toHaveLength(1);
    expect([verdicts[17], verdicts[20]].filter((v) => !v?.signatureNew && !v?.bodyNew)).toHaveLength(1);
    expect(await seen.record('v0=burst3', 'body 3', t0)).toEqual({ signatureNew: false, bodyNew: false });
    expect(await ctx.db().select().from(slackSeenRequests)).toHaveLength(2 * 18 + 3);
  });

  it('never deadlocks when two instances record the same burst in opposite orders', async () => {
    // Found by a tester: batches took their key locks in arrival order, so two instances holding the same
    // keys in opposite orders deadlocked; after 1 s both fell back to their own memory and ran the request.
    // On Postgres two handles on the same database, each with its own edge pool, as two processes have.
    const handles: Database[] = [];
    if (ctx.backend === 'postgres') {
      const [row] = await queryRows<{ name: string }>(ctx.db(), sql`select current_database() as name`);
      const url = new URL(postgresAdminUrl()!);
      url.pathname = `/${row!.name}`;
      for (let i = 0; i < 2; i++) handles.push(await createDb({ databaseUrl: url.toString() }));
    }
    const edge = (i: number) => handles[i]?.edgeDb ?? ctx.db();
    const a = seenRequestsInDb(edge(0), silentLogger);
    const b = seenRequestsInDb(edge(1), silentLogger);
    const t0 = Date.now();
    try {
      for (let round = 0; round < 20; round++) {
        const requests = Array.from({ length: 40 }, (_, i) => ({
          sig: `v0=r${round}-${i}`,
          body: `b${round}-${i}`,
        }));
        const [onA, onB] = await Promise.all([
          Promise.all(requests.map((r) => a.record(r.sig, r.body, t0))),
          Promise.all([...requests].reverse().map((r) => b.record(r.sig, r.body, t0))),
        ]);
        const backOnB = [...onB].reverse();
        // Each request is new to exactly one instance, and no statement failed.
        for (const [i, v] of onA.entries()) {
          expect([v.signatureNew, backOnB[i]!.signatureNew].filter(Boolean)).toHaveLength(1);
          expect([v.bodyNew, backOnB[i]!.bodyNew].filter(Boolean)).toHaveLength(1);
        }
      }
    } finally {
      for (const h of handles) await h.close();
    }
  });

  it('purges seen keys older than 15 minutes, keeping newer ones', async () => {
    const seen = seenRequestsInDb(ctx.db(), silentLogger);
    const t0 = Date.parse('2026-11-23T09:00:00Z');
    expect(await seen.record('v0=old', 'old body', t0)).toEqual({ signatureNew: true, bodyNew: true });
    expect(await seen.record('v0=old', 'old body', t0)).toEqual({ signatureNew: false, bodyNew: false });
    // 14 minutes later: still kept; one purge a minute at most, and this is past the first one.
    await seen.record('v0=mid', 'mid body', t0 + 14 * 60_000);
    // 16 minutes later: the t0 keys are past 15 minutes and go; the 14-minute ones stay.
    await seen.record('v0=new', 'new body', t0 + 16 * 60_000);
    let count = 6;
    for (let i = 0; i < 50 && count !== 4; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      count = (await ctx.db().select().from(slackSeenRequests)).length;
    }
    expect(count).toBe(4);
    expect(await seen.record('v0=mid', 'mid body', t0 + 16 * 60_000)).toEqual({
      signatureNew: false,
      bodyNew: false,
    });
  });

  it('with the database down, answers from this instance memory: taken once, its replay refused', async () => {
    const own = await openTestDatabase(ctx.backend);
    const app = await startApp(own, stub);
    try {
      await own.close();
      const body = command('help', 'down1');
      const ts = nowSec();
      expect((await send(app, body, ts)).status).toBe(200);
      const replay = await send(app, body, ts);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toEqual({ ok: false, error: 'replayed request' });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
    } finally {
      await app.stop();
      await own.drop().catch(() => undefined);
    }
  });
});
