import { eq } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { digestRuns, digestSubscriptions } from '../../src/db/schema/index.js';
import type { DigestBuilder } from '../../src/digest/build.js';
import { claimRun, listRuns } from '../../src/digest/ledger.js';
import { runDueDigests } from '../../src/digest/run.js';
import { removeSubscription, setPaused } from '../../src/digest/store.js';
import { describeDb } from '../helpers/db.js';
import { type SlackApiStub, useSlackApiStub } from '../helpers/slack-api.js';
import { addDigest, recordingOutbox, testClient, testDeps } from './fixtures.js';

// Mon 23 Nov 2026. Berlin is UTC+1 (CET): 08:30 local = 07:30 UTC.
const SLOT = '2026-11-23T07:30:00.000Z';
const CREATED = new Date('2026-11-23T05:00:00Z'); // Mon 23 Nov 2026, 06:00 Berlin: before the day's slots

/** A small real builder for ledger tests: what was asked for, as text (the content has its own tests). */
const plainBuild: DigestBuilder = async (_deps, spec) => {
  const late = spec.lateScheduledLocal ? ` (posted late: scheduled ${spec.lateScheduledLocal})` : '';
  return { text: `Digest ${spec.subscriptionId} for ${spec.scopeLabel}${late}`, blocks: [] };
};

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

describeDb('runDueDigests', (ctx) => {
  const setup = (now: string) => {
    const client = testClient(stub);
    return { client, deps: testDeps(ctx.database(), client, now), outbox: recordingOutbox(client) };
  };
  const posts = () => stub.callsTo('chat.postMessage');

  it('posts a due digest at 08:30 Berlin once, however often the job runs', async () => {
    const id = await addDigest(ctx.database(), { now: CREATED });
    const { deps, outbox } = setup(SLOT);
    expect(
      await runDueDigests(deps, new Date('2026-11-23T07:29:00Z'), { outbox, build: plainBuild }),
    ).toMatchObject({
      posted: 0,
    });
    expect(posts()).toHaveLength(0);
    await runDueDigests(deps, new Date(SLOT), { outbox, build: plainBuild });
    await runDueDigests(deps, new Date('2026-11-23T07:31:00Z'), { outbox, build: plainBuild });
    await runDueDigests(deps, new Date('2026-11-23T08:30:00Z'), { outbox, build: plainBuild });
    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.args).toMatchObject({ channel: 'C0SALES', text: `Digest ${id} for Whole org` });
    const runs = await listRuns(ctx.db(), id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: 'posted', recipient: 'C0SALES', attempts: 1 });
    expect(runs[0]?.slot.toISOString()).toBe(SLOT);
    expect(runs[0]?.postedTs).toMatch(/^\d+\.\d+$/);
  });

  it('posts once with two scheduler instances running at the same time on one database', async () => {
    for (let i = 0; i < 20; i++) await addDigest(ctx.database(), { now: CREATED, target: `C${1000 + i}` });
    const a = setup(SLOT);
    const b = setup(SLOT);
    const now = new Date(SLOT);
    const [ra, rb] = await Promise.all([
      runDueDigests(a.deps, now, { outbox: a.outbox, build: plainBuild, instanceId: 'A' }),
      runDueDigests(b.deps, now, { outbox: b.outbox, build: plainBuild, instanceId: 'B' }),
    ]);
    expect(ra.posted + rb.posted).toBe(20);
    const channels = posts().map((c) => c.args.channel);
    expect(channels).toHaveLength(20);
    expect(new Set(channels).size).toBe(20);
    const rows = await ctx.db().select().from(digestRuns);
    expect(rows.filter((r) => r.state === 'posted')).toHaveLength(20);
  });

  it('finishes a run whose instance crashed between claim and post, once the lease expires', async () => {
    const id = await addDigest(ctx.database(), { now: CREATED });
    // Instance "dead" claimed the 08:30 slot and never posted.
    expect(
      await claimRun(
        ctx.db(),
        { subscriptionId: id, slot: new Date(SLOT), recipient: 'C0SALES' },
        new Date(SLOT),
        'dead',
      ),
    ).not.toBeNull();
    const { deps, outbox } = setup(SLOT);
    // 07:31 UTC: the claim is 1 minute old, within the 2-minute lease: the owner may still be posting.
    expect(
      (await runDueDigests(deps, new Date('2026-11-23T07:31:00Z'), { outbox, build: plainBuild })).posted,
    ).toBe(0);
    expect(posts()).toHaveLength(0);
    // 07:33 UTC: expired; re-taken and posted, on time enough to need no "late" note.
    const report = await runDueDigests(deps, new Date('2026-11-23T07:33:00Z'), {
      outbox,
      build: plainBuild,
      instanceId: 'B',
    });
    expect(report).toMatchObject({ posted: 1, retaken: 1 });
    expect(posts()).toHaveLength(1);
    const [run] = await listRuns(ctx.db(), id);
    expect(run).toMatchObject({ state: 'posted', attempts: 2, claimedBy: 'B' });
    // Later ticks leave the posted run alone.
    await runDueDigests(deps, new Date('2026-11-23T07:40:00Z'), { outbox, build: plainBuild });
    expect(posts()).toHaveLength(1);
  });

  it('does not post again when the crashed attempt had posted (found by its metadata)', async () => {
    const id = await addDigest(ctx.database(), { now: CREATED });
    const runId = await claimRun(
      ctx.db(),
      { subscriptionId: id, slot: new Date(SLOT), recipient: 'C0SALES' },
      new Date(SLOT),
      'dead',
    );
    // What the dead instance sent before dying: the digest, tagged with its run id.
    const client = testClient(stub);
    const sent = await client.chat.postMessage({
      channel: 'C0SALES',
      text: 'digest',
      metadata: { event_type: 'tally_digest', event_payload: { run_id: runId! } },
    });
    stub.reset();
    // Slack's history shows that message (the stand-in only knows ok answers, so serve this one here).
    const { deps, outbox } = setup(SLOT);
    const history = {
      ok: true,
      messages: [{ ts: sent.ts, metadata: { event_type: 'tally_digest', event_payload: { run_id: runId } } }],
    };
    deps.slack = testClientWithHistory(stub, history);
    const report = await runDueDigests(deps, new Date('2026-11-23T07:35:00Z'), { outbox, build: plainBuild });
    expect(report).toMatchObject({ posted: 1, retaken: 1 });
    expect(posts()).toHaveLength(0);
    const [run] = await listRuns(ctx.db(), id);
    expect(run).toMatchObject({ state: 'posted', postedTs: sent.ts });
  });

  it('catches up a slot missed by less than the grace window, late and saying so, and skips older ones', async () => {
    const friday = new Date('2026-11-20T12:00:00Z'); // Fri 20 Nov 2026, 13:00 Berlin
    const id830 = await addDigest(ctx.database(), { now: friday, target: 'C830' });
    const id700 = await addDigest(ctx.database(), { now: friday, target: 'C700', localTime: '07:00' });
    const { deps, outbox } = setup(SLOT);
    // Back from downtime at 10:00 Berlin (09:00 UTC): 08:30 is 90 min late (grace 120), 07:00 is 180 min late.
    const report = await runDueDigests(deps, new Date('2026-11-23T09:00:00Z'), { outbox, build: plainBuild });
    expect(report).toMatchObject({ posted: 1 });
    expect(posts().map((c) => c.args.text)).toEqual([
      `Digest ${id830} for Whole org (posted late: scheduled 08:30)`,
    ]);
    const skipped = await listRuns(ctx.db(), id700);
    // Skipped: today's 07:00 and the weekend's (Sat 21, Sun 22) — the subscription was created Fri 20 Nov 12:00 UTC.
    expect(skipped.map((r) => [r.state, r.slot.toISOString()])).toEqual([
      ['skipped', '2026-11-23T06:00:00.000Z'],
      ['skipped', '2026-11-22T06:00:00.000Z'],
      ['skipped', '2026-11-21T06:00:00.000Z'],
    ]);
    // 08:30 on Sat and Sun were missed too (the process was down all weekend): 3 + 2.
    expect(report.skipped).toBe(5);
    expect((await listRuns(ctx.db(), id830)).map((r) => r.state)).toEqual(['posted', 'skipped', 'skipped']);
  });

  it('waits out a 429 and posts once', async () => {
    await addDigest(ctx.database(), { now: CREATED });
    stub.rateLimitNext('chat.postMessage', 30, 1);
    const { deps, outbox } = setup(SLOT);
    const report = await runDueDigests(deps, new Date(SLOT), { outbox, build: plainBuild });
    expect(report.posted).toBe(1);
    expect(posts()).toHaveLength(2); // the 429 and the retry
    expect(outbox.results[0]).toMatchObject({ ok: true, attempts: 2, sentAt: 30_000 });
  });

  it('tries a run that failed on a Slack outage again on a later tick, within the grace window', async () => {
    const id = await addDigest(ctx.database(), { now: CREATED });
    // Slack answers 500 to all five attempts the outbox makes at 08:30.
    stub.httpErrorNext('chat.postMessage', 500, 5);
    const { deps, outbox } = setup(SLOT);
    expect((await runDueDigests(deps, new Date(SLOT), { outbox, build: plainBuild })).failed).toBe(1);
    expect((await listRuns(ctx.db(), id))[0]).toMatchObject({
      state: 'failed',
      error: 'http_500',
      attempts: 1,
    });
    // 07:33 UTC: Slack is back; the failed run is re-taken and posted, still once.
    const report = await runDueDigests(deps, new Date('2026-11-23T07:33:00Z'), { outbox, build: plainBuild });
    expect(report).toMatchObject({ posted: 1, retaken: 1 });
    expect((await listRuns(ctx.db(), id))[0]).toMatchObject({ state: 'posted', attempts: 2 });
    expect(posts()).toHaveLength(6);
  });

  it('marks a channel broken and tells its creator once', async () => {
    const id = await addDigest(ctx.database(), {
      now: CREATED,
      target: 'CGONE',
      createdBySlackUserId: 'UADMIN',
    });
    stub.failNext('chat.postMessage', 'not_in_channel');
    const { deps, outbox } = setup(SLOT);
    const report = await runDueDigests(deps, new Date(SLOT), { outbox, build: plainBuild });
    expect(report.failed).toBe(1);
    const [sub] = await ctx.db().select().from(digestSubscriptions).where(eq(digestSubscriptions.id, id));
    expect(sub).toMatchObject({ brokenReason: 'not_in_channel' });
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['UADMIN']);
    const dm = posts().filter((c) => c.args.channel === 'DADMIN');
    expect(dm).toHaveLength(1);
    expect(String(dm[0]?.args.text)).toContain(`/metrics digest resume ${id}`);
    expect(String(dm[0]?.args.text)).toContain('invite Tally');
    // The next days: the broken subscription is not tried again and nobody is told twice.
    await runDueDigests(deps, new Date('2026-11-24T07:30:00Z'), { outbox, build: plainBuild });
    await runDueDigests(deps, new Date('2026-11-25T07:30:00Z'), { outbox, build: plainBuild });
    expect(posts()).toHaveLength(2); // the failed post and the one DM
    const runs = await listRuns(ctx.db(), id);
    expect(runs.map((r) => r.state)).toEqual(['failed']);
    expect(runs[0]?.error).toBe('unreachable:not_in_channel');
  });

  it('takes added, paused and removed subscriptions into account on the next tick', async () => {
    const { deps, outbox } = setup(SLOT);
    const a = await addDigest(ctx.database(), { now: CREATED, target: 'CA' });
    const b = await addDigest(ctx.database(), { now: CREATED, target: 'CB' });
    await setPaused(ctx.db(), a, true, CREATED);
    await removeSubscription(ctx.db(), b);
    await addDigest(ctx.database(), { now: CREATED, target: 'CC' });
    await runDueDigests(deps, new Date(SLOT), { outbox, build: plainBuild });
    expect(posts().map((c) => c.args.channel)).toEqual(['CC']);
    // Resumed after its slot: it starts with the next one, not a late post for a paused day.
    await setPaused(ctx.db(), a, false, new Date('2026-11-23T07:45:00Z'));
    await runDueDigests(deps, new Date('2026-11-23T08:00:00Z'), { outbox, build: plainBuild });
    expect(posts()).toHaveLength(1);
    await runDueDigests(deps, new Date('2026-11-24T07:30:00Z'), { outbox, build: plainBuild });
    expect(
      posts()
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(['CA', 'CC', 'CC']);
  });

  it('posts 300 digests due on the same minute, each once, paced one per second', async () => {
    for (let i = 0; i < 300; i++) await addDigest(ctx.database(), { now: CREATED, target: `C${10_000 + i}` });
    const { deps, outbox } = setup(SLOT);
    const report = await runDueDigests(deps, new Date(SLOT), { outbox, build: plainBuild });
    expect(report.posted).toBe(300);
    const channels = posts().map((c) => c.args.channel);
    expect(new Set(channels).size).toBe(300);
    expect(channels).toHaveLength(300);
    const times = outbox.results.map((r) => (r.ok ? r.sentAt : Number.NaN)).sort((x, y) => x - y);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    // 300 messages at one per second: the last leaves 299 s (virtual) after the first.
    expect(times[299]! - times[0]!).toBe(299_000);
    // A second tick (or instance) finds nothing left to do.
    expect(
      (await runDueDigests(deps, new Date('2026-11-23T07:31:00Z'), { outbox, build: plainBuild })).posted,
    ).toBe(0);
    expect(posts()).toHaveLength(300);
  });
});

/** A client whose conversations.history answers `history`; every other call goes to the stand-in. */
function testClientWithHistory(stub: SlackApiStub, history: unknown) {
  const client = testClient(stub);
  const original = client.conversations.history.bind(client.conversations);
  client.conversations.history = (async () => history) as unknown as typeof original;
  return client;
}
