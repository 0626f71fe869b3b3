import { eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runLeadNudges } from '../../src/alerts/nudges.js';
import { updateAlertSettings } from '../../src/alerts/settings.js';
import { createSlackApp, type SlackApp } from '../../src/app/slack-app.js';
import { activities, leadNudges, leadSnoozes, leads, reps } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, postSigned } from '../helpers/slack-requests.js';
import { addLead, blockText, makeDeps, SIGNING_SECRET, seedWorld, type World } from './fixtures.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

// Monday 23 Nov 2026, 10:00 UTC: leads come in; SLA 5 min, escalation 15 min, channel step at 30 min.
const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);

interface Posted {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

/** A button click exactly as Slack sends it: signed form body with a block_actions payload. */
function click(
  url: string,
  userId: string,
  actionId: string,
  leadId: number,
  message: Posted,
  { withMessage = true } = {},
) {
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0TALLY',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: '1.2.3',
    team: { id: 'T0001', domain: 'testco' },
    channel: { id: message.channel, name: 'whatever' },
    // Slack leaves the message out of some payloads (then Tally answers the clicker instead of editing it).
    ...(withMessage
      ? { message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks } }
      : {}),
    response_url: `${stub.responseBase}r-${userId}`,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: `alert_lead:${leadId}`,
        value: String(leadId),
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1700000000.000001',
      },
    ],
  };
  return postSigned(`${url}/slack/events`, interactionBody(payload), { secret: SIGNING_SECRET });
}

describeDb('alert buttons through the Bolt app', (ctx) => {
  let world: World;
  let slackApp: SlackApp | undefined;
  let baseUrl = '';
  let setup: ReturnType<typeof makeDeps>;

  beforeEach(async () => {
    world = await seedWorld(ctx.db());
    setup = makeDeps(ctx.database(), stub, '2026-11-23T10:00:00Z');
    const port = await freePort();
    slackApp = createSlackApp(setup.deps, { mode: 'http', port });
    await slackApp.start();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    await slackApp?.stop();
  });

  /** The message a ledger row points at, as the stand-in recorded it. */
  async function posted(leadId: number, stage: 'owner' | 'channel'): Promise<Posted> {
    const [row] = await ctx
      .db()
      .select()
      .from(leadNudges)
      .where(eq(leadNudges.leadId, leadId))
      .then((rows) => rows.filter((r) => r.stage === stage));
    const call = stub.callsTo('chat.postMessage').find((c) => c.args.channel === row?.slackChannel);
    return {
      channel: row?.slackChannel as string,
      ts: row?.slackTs as string,
      text: String(call?.args.text),
      blocks: call?.args.blocks as unknown[],
    };
  }

  it('"Contacted" records the touch, stops nudges, updates the DM in place and shows in metrics', async () => {
    const first = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'First Lead' });
    // Sunday 22 Nov 2026, 10:00: waiting a day already, outside "today" for the metric below.
    const second = await addLead(ctx.db(), world.ana, '2026-11-22T10:00:00Z', { name: 'Second Lead' });
    await runLeadNudges(setup.deps, at('10:05'));
    const dm = await posted(first, 'owner');
    setup.clock.set(at('10:07'));
    const res = await click(baseUrl, 'U0ANA', 'alerts_contacted', first, dm);
    expect(res.status).toBe(200);
    const [update] = await stub.waitFor('chat.update');
    expect(update?.args.channel).toBe('D0ANA');
    expect(update?.args.ts).toBe(dm.ts);
    const blocks = update?.args.blocks as { type: string; block_id?: string }[];
    // The clicked lead's buttons became a note; the other lead keeps its buttons.
    expect(blocks.find((b) => b.block_id === `alert_lead:${first}`)?.type).toBe('context');
    expect(blocks.find((b) => b.block_id === `alert_lead:${second}`)?.type).toBe('actions');
    expect(blockText(update?.args ?? {})).toContain('Contacted — logged by <@U0ANA>');
    // Fresh tester helper-213, finding 3: the header still said "2 new leads are waiting for you".
    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { text: ':hourglass_flowing_sand: 1 of 2 new leads is still waiting for you' },
    });
    expect(String(update?.args.text)).toMatch(/^1 of 2 new leads is still waiting for you: /);
    // The notification text lists only the lead still waiting, as the blocks show it (tester: it kept
    // "First Lead", already contacted).
    expect(update?.args.text).toBe('1 of 2 new leads is still waiting for you: Second Lead (Acme &amp; Co)');

    const [lead] = await ctx.db().select().from(leads).where(eq(leads.id, first));
    expect(lead?.firstTouchAt?.toISOString()).toBe('2026-11-23T10:07:00.000Z');
    const metric = await getMetric(
      { db: ctx.db(), defaultTimezone: 'UTC', now: at('10:07') },
      {
        metric: 'response',
        scope: { kind: 'rep', repId: world.ana },
        period: 'today',
        include: { target: false, trend: false, series: false },
      },
    );
    expect(metric.value).toEqual({ kind: 'value', value: 420 }); // 10:00 → 10:07
    expect(metric.sampleSize).toBe(1);

    // Escalation time: only the untouched second lead reaches the manager.
    await runLeadNudges(setup.deps, at('10:15'));
    const managerDm = stub.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0MIA');
    expect(managerDm).toHaveLength(1);
    expect(managerDm[0]?.args.text).toBe('A lead is still waiting in Inbound: Second Lead (Acme &amp; Co)');
  });

  // Fresh tester helper-221 (LOW): with no message in the payload, a second "Contacted" click was told
  // "Contacted — logged by" itself, though the lead's one touch stayed the first clicker's.
  it('"Contacted" clicked twice without the message in the payload names whoever logged the touch', async () => {
    const lead = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Only Lead' });
    await runLeadNudges(setup.deps, at('10:05'));
    const dm = await posted(lead, 'owner');
    setup.clock.set(at('10:07'));
    expect((await click(baseUrl, 'U0ANA', 'alerts_contacted', lead, dm, { withMessage: false })).status).toBe(
      200,
    );
    await stub.waitFor('response_url', 1);
    setup.clock.set(at('10:09'));
    expect((await click(baseUrl, 'U0BOB', 'alerts_contacted', lead, dm, { withMessage: false })).status).toBe(
      200,
    );
    const replies = await stub.waitFor('response_url', 2);
    const second = replies.find((c) => c.responseId === 'r-U0BOB');
    expect(String(second?.args.text)).toContain('Contacted — logged by <@U0ANA>');
    expect(String(second?.args.text)).not.toContain('U0BOB');
    const touches = await ctx.db().select().from(activities).where(eq(activities.leadId, lead));
    expect(touches.map((t) => t.repId)).toEqual([world.ana]);
  });

  it('counts in the DM header the leads still waiting: a snoozed one is, a contacted one is not', async () => {
    const first = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'First Lead' });
    const second = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Second Lead' });
    await runLeadNudges(setup.deps, at('10:05'));
    const dm = await posted(first, 'owner');
    const title = (args: Record<string, unknown> | undefined) =>
      ((args?.blocks ?? []) as { text: { text: string } }[])[0]?.text.text;
    setup.clock.set(at('10:06'));
    await click(baseUrl, 'U0ANA', 'alerts_snooze', second, dm);
    const [snoozed] = await stub.waitFor('chat.update');
    expect(title(snoozed?.args)).toBe(':hourglass_flowing_sand: 2 new leads are waiting for you');
    const seen = { ...dm, text: String(snoozed?.args.text), blocks: snoozed?.args.blocks as unknown[] };
    await click(baseUrl, 'U0ANA', 'alerts_contacted', first, seen);
    const [, one] = await stub.waitFor('chat.update', 2);
    expect(title(one?.args)).toBe(':hourglass_flowing_sand: 1 of 2 new leads is still waiting for you');
    // The snoozed lead still waits, so the notification text names it; the contacted one it does not.
    expect(one?.args.text).toBe('1 of 2 new leads is still waiting for you: Second Lead (Acme &amp; Co)');
    const seen2 = { ...dm, text: String(one?.args.text), blocks: one?.args.blocks as unknown[] };
    await click(baseUrl, 'U0ANA', 'alerts_contacted', second, seen2);
    const [, , none] = await stub.waitFor('chat.update', 3);
    expect(title(none?.args)).toBe(':white_check_mark: No lead is waiting for you any more');
    // Deliberately changed: this pinned the defect (the fallback listed both leads, though contacted).
    expect(String(none?.args.text)).toBe('No lead is waiting for you any more');
  });

  it('two quick clicks in one DM: the second update, built from a stale copy, keeps the first note', async () => {
    const first = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'First Lead' });
    const second = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Second Lead' });
    const third = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Third Lead' });
    await runLeadNudges(setup.deps, at('10:05'));
    const dm = await posted(first, 'owner');
    setup.clock.set(at('10:07'));
    await click(baseUrl, 'U0ANA', 'alerts_contacted', first, dm);
    await stub.waitFor('chat.update');
    // Slack sends each click with the message as the user saw it: here the DM before the first update.
    await click(baseUrl, 'U0ANA', 'alerts_snooze', second, dm);
    const updates = await stub.waitFor('chat.update', 2);
    const last = updates.at(-1)?.args.blocks as { type: string; block_id?: string }[];
    const kind = (leadId: number) => last.find((b) => b.block_id === `alert_lead:${leadId}`)?.type;
    expect([kind(first), kind(second), kind(third)]).toEqual(['context', 'context', 'actions']);
    expect(blockText(updates.at(-1)?.args ?? {})).toContain('Contacted — logged by <@U0ANA>');
    expect(blockText(updates.at(-1)?.args ?? {})).toContain('Snoozed by <@U0ANA>');
    // One update per click when no other click changed the state in between.
    expect(stub.callsTo('chat.update')).toHaveLength(2);
  });

  it('"Claim" on the channel post lets the first person take the lead and edits the post', async () => {
    await updateAlertSettings(ctx.db(), world.teamId, { channelId: 'C0LEADS' }, world.mia, at('09:00'));
    const leadId = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z');
    for (const t of ['10:05', '10:15', '10:29', '10:30', '10:31']) await runLeadNudges(setup.deps, at(t));
    const posts = stub.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0LEADS');
    expect(posts).toHaveLength(1);
    const post = await posted(leadId, 'channel');

    await click(baseUrl, 'U0BOB', 'alerts_claim', leadId, post);
    const [update] = await stub.waitFor('chat.update');
    expect(update?.args.channel).toBe('C0LEADS');
    expect(blockText(update?.args ?? {})).toContain('Claimed by <@U0BOB>');
    expect(blockText(update?.args ?? {})).not.toContain('alerts_claim');
    const [row] = await ctx.db().select().from(leadNudges).where(eq(leadNudges.stage, 'channel'));
    expect(row?.pickedByRepId).toBe(world.bob);

    // A second, late click: told who has it, the post is not edited again.
    await click(baseUrl, 'U0ANA', 'alerts_claim', leadId, post);
    const [late] = await stub.waitFor('response_url');
    expect(late?.args.text).toBe('Bob &lt;Smith&gt; already claimed this lead.');
    expect(stub.callsTo('chat.update')).toHaveLength(1);
  });

  // Tester (LOW): the buttons did not check `active`: a rep deactivated after their DM went out could still
  // log a call in their name, snooze the lead or claim a channel lead, and was told it was done.
  it('records nothing for a rep whose profile is deactivated, and tells them why and how to fix it', async () => {
    await updateAlertSettings(ctx.db(), world.teamId, { channelId: 'C0LEADS' }, world.mia, at('09:00'));
    const leadId = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z');
    for (const t of ['10:05', '10:15', '10:30']) await runLeadNudges(setup.deps, at(t));
    const dm = await posted(leadId, 'owner');
    const post = await posted(leadId, 'channel');
    await ctx
      .db()
      .update(reps)
      .set({ active: false })
      .where(inArray(reps.id, [world.ana, world.bob]));
    setup.clock.set(at('10:31'));

    await click(baseUrl, 'U0ANA', 'alerts_contacted', leadId, dm);
    await click(baseUrl, 'U0ANA', 'alerts_snooze', leadId, dm);
    await click(baseUrl, 'U0BOB', 'alerts_claim', leadId, post);
    const replies = await stub.waitFor('response_url', 3);
    const deactivated =
      'Your Tally profile is deactivated, so nothing was saved for this lead. If that is a mistake, ask a Tally admin to reactivate it: they import your row of the reps CSV with `active` set to `yes` or send it with `"active": true` through the ingest API.';
    expect(replies.map((r) => [r.args.response_type, r.args.replace_original, r.args.text])).toEqual([
      ['ephemeral', false, deactivated],
      ['ephemeral', false, deactivated],
      ['ephemeral', false, deactivated],
    ]);
    expect(stub.callsTo('chat.update')).toHaveLength(0);
    const [lead] = await ctx.db().select().from(leads).where(eq(leads.id, leadId));
    expect(lead?.firstTouchAt).toBeNull();
    expect(await ctx.db().select().from(activities)).toEqual([]);
    expect(await ctx.db().select().from(leadSnoozes)).toEqual([]);
    const [channelRow] = await ctx.db().select().from(leadNudges).where(eq(leadNudges.stage, 'channel'));
    expect(channelRow?.pickedByRepId).toBeNull();

    // Reactivated, a rep's click counts again (Ana here: the edge refuses a replay of Bob's exact request).
    await ctx.db().update(reps).set({ active: true }).where(eq(reps.id, world.ana));
    await click(baseUrl, 'U0ANA', 'alerts_claim', leadId, post);
    const [update] = await stub.waitFor('chat.update');
    expect(blockText(update?.args ?? {})).toContain('Claimed by <@U0ANA>');
  });

  // Tester (LOW): a lead disqualified or converted in the CRM after its alert could still be claimed from
  // the channel post (and snoozed), with "Claimed by you" for a lead nobody should work any more.
  it('claims and snoozes nothing on a lead closed since its alert, and says so', async () => {
    await updateAlertSettings(ctx.db(), world.teamId, { channelId: 'C0LEADS' }, world.mia, at('09:00'));
    const dropped = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Dropped Lead' });
    const won = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Won Lead' });
    for (const t of ['10:05', '10:15', '10:30']) await runLeadNudges(setup.deps, at(t));
    const droppedPost = await posted(dropped, 'channel');
    const dm = await posted(won, 'owner');
    await ctx
      .db()
      .update(leads)
      .set({ disqualifiedAt: at('10:20') })
      .where(eq(leads.id, dropped));
    await ctx
      .db()
      .update(leads)
      .set({ convertedAt: at('10:20') })
      .where(eq(leads.id, won));
    setup.clock.set(at('10:31'));

    await click(baseUrl, 'U0BOB', 'alerts_claim', dropped, droppedPost);
    await click(baseUrl, 'U0ANA', 'alerts_snooze', won, dm);
    const replies = await stub.waitFor('response_url', 2);
    // Each click is handled after its ack, so the two replies may land in either order.
    expect(replies.map((r) => [r.args.response_type, r.args.text]).sort()).toEqual([
      [
        'ephemeral',
        'That lead was converted in the CRM after this alert went out, so no more nudges go out about it; nothing was saved.',
      ],
      [
        'ephemeral',
        'That lead was disqualified in the CRM after this alert went out, so it can no longer be claimed; nothing was saved.',
      ],
    ]);
    expect(stub.callsTo('chat.update')).toHaveLength(0);
    const channelRows = await ctx.db().select().from(leadNudges).where(eq(leadNudges.stage, 'channel'));
    expect(channelRows.map((r) => r.pickedByRepId)).toEqual([null, null]);
    expect(await ctx.db().select().from(leadSnoozes)).toEqual([]);
  });

  it('tells a Slack user Tally does not know that it cannot record their click', async () => {
    const leadId = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z');
    await runLeadNudges(setup.deps, at('10:05'));
    await click(baseUrl, 'U0WHO', 'alerts_snooze', leadId, await posted(leadId, 'owner'));
    const [reply] = await stub.waitFor('response_url');
    expect(String(reply?.args.text)).toContain("Tally doesn't know you yet");
    expect(stub.callsTo('chat.update')).toHaveLength(0);
  });
});
