import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { beforeEach, expect, it } from 'vitest';
import { runLeadNudges } from '../../src/alerts/nudges.js';
import { updateAlertSettings } from '../../src/alerts/settings.js';
import { handleAlertClick } from '../../src/alerts/slack/actions.js';
import { leadNudges, leads } from '../../src/db/schema/index.js';
import { recordTouch } from '../../src/ingest/first-touch.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { addLead, blockText, makeDeps, seedWorld, type World } from './fixtures.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

// Monday 23 Nov 2026, 10:00 UTC: the lead comes in. Team SLA 5 min, escalation 15 min (3 × SLA).
const CREATED = '2026-11-23T10:00:00Z';
const at = (hhmmss: string) => new Date(`2026-11-23T${hhmmss}Z`);

describeDb('lead nudges', (ctx) => {
  let world: World;
  beforeEach(async () => {
    world = await seedWorld(ctx.db());
  });
  const dms = () => stub.callsTo('chat.postMessage');

  it('sends no nudge before the SLA has passed', async () => {
    await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:04:59'));
    expect(dms()).toHaveLength(0);
  });

  it('sends exactly one owner nudge after the SLA, across runs', async () => {
    const leadId = await addLead(ctx.db(), world.ana, CREATED, {
      name: 'Jane <Doe>',
      crmUrl: 'https://crm.example.com/l/1',
    });
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    await runLeadNudges(deps, at('10:06:00'));
    await runLeadNudges(deps, at('10:07:00'));
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0ANA']);
    expect(dms()).toHaveLength(1);
    const text = blockText(dms()[0]?.args ?? {});
    expect(text).toContain('<https://crm.example.com/l/1|Jane &lt;Doe&gt;>');
    expect(text).toContain('Acme &amp; Co');
    expect(text).toContain('waiting *5m 00s*');
    expect(text).toContain('alerts_contacted');
    expect(text).toContain('Snooze 15 min');
    // No business hours set (the default): every hour counts, and the footer says so (fresh tester helper-304,
    // MED: it said "waiting counts business hours only").
    expect(text).toContain('waiting counts every hour (your team has no business hours set)');
    expect(text).not.toContain('business hours only');
    const ledger = await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, leadId));
    expect(ledger.map((r) => [r.stage, r.status])).toEqual([['owner', 'sent']]);
  });

  it('sends nothing for a lead touched within the SLA', async () => {
    const leadId = await addLead(ctx.db(), world.ana, CREATED);
    await recordTouch(ctx.db(), { leadId, repId: world.ana, kind: 'email', at: at('10:03:00') });
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    for (const t of ['10:05:00', '10:15:00', '10:45:00']) await runLeadNudges(deps, at(t));
    expect(dms()).toHaveLength(0);
  });

  it('escalates to the team manager once, at 3 × SLA', async () => {
    await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    await runLeadNudges(deps, at('10:14:59'));
    expect(dms()).toHaveLength(1);
    await runLeadNudges(deps, at('10:15:00'));
    await runLeadNudges(deps, at('10:16:00'));
    await runLeadNudges(deps, at('11:30:00'));
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0ANA', 'U0MIA']);
    expect(dms()).toHaveLength(2);
    expect(blockText(dms()[1]?.args ?? {})).toContain('owner: Ana López');
  });

  it('stops further nudges once the lead is marked contacted, and metrics see the touch', async () => {
    const leadId = await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    const outcome = await handleAlertClick(deps, 'contacted', {
      leadId,
      slackUserId: 'U0ANA',
      now: at('10:07:00'),
    });
    expect(outcome.kind).toBe('update');
    const [lead] = await ctx.db().select().from(leads).where(eq(leads.id, leadId));
    expect(lead?.firstTouchAt?.toISOString()).toBe('2026-11-23T10:07:00.000Z');
    for (const t of ['10:15:00', '10:30:00', '12:00:00']) await runLeadNudges(deps, at(t));
    expect(dms()).toHaveLength(1);
  });

  it('holds the next nudge while a lead is snoozed', async () => {
    const leadId = await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    await handleAlertClick(deps, 'snoozed', { leadId, slackUserId: 'U0ANA', now: at('10:10:00') });
    await runLeadNudges(deps, at('10:15:00')); // escalation is due, but the snooze runs to 10:25
    await runLeadNudges(deps, at('10:24:59'));
    expect(dms()).toHaveLength(1);
    await runLeadNudges(deps, at('10:25:00'));
    expect(dms()).toHaveLength(2);
    expect(stub.callsTo('conversations.open')[1]?.args.users).toBe('U0MIA');
  });

  it('pauses the SLA clock outside business hours, across a weekend', async () => {
    await updateAlertSettings(
      ctx.db(),
      world.teamId,
      {
        hours: {
          kind: 'hours',
          days: [1, 2, 3, 4, 5],
          startMinute: 540,
          endMinute: 1050,
          timezone: 'Europe/London',
        },
      },
      null,
      new Date(CREATED),
    );
    // Friday 20 Nov 2026 17:28 London (GMT = UTC): 2 business minutes left that day.
    await addLead(ctx.db(), world.ana, '2026-11-20T17:28:00Z');
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, new Date('2026-11-20T17:35:00Z')); // Friday after hours
    await runLeadNudges(deps, new Date('2026-11-21T12:00:00Z')); // Saturday noon
    await runLeadNudges(deps, new Date('2026-11-23T09:02:59Z')); // Monday: 2 + 2:59 business minutes
    expect(dms()).toHaveLength(0);
    await runLeadNudges(deps, new Date('2026-11-23T09:03:00Z')); // Monday: 5 business minutes
    expect(dms()).toHaveLength(1);
    expect(blockText(dms()[0]?.args ?? {})).toContain('waiting *5m 00s*');
    expect(blockText(dms()[0]?.args ?? {})).toContain('waiting counts business hours only');
  });

  it('sends once when two instances run at the same moment', async () => {
    await addLead(ctx.db(), world.ana, CREATED);
    await addLead(ctx.db(), world.bob, CREATED);
    const a = makeDeps(ctx.database(), stub, CREATED).deps;
    const b = makeDeps(ctx.database(), stub, CREATED).deps;
    const results = await Promise.all([runLeadNudges(a, at('10:06:00')), runLeadNudges(b, at('10:06:00'))]);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(2);
    expect(dms()).toHaveLength(2);
    expect(
      stub
        .callsTo('conversations.open')
        .map((c) => c.args.users)
        .sort(),
    ).toEqual(['U0ANA', 'U0BOB']);
  });

  it('groups many waiting leads into one DM with a capped list', async () => {
    for (let i = 0; i < 25; i++)
      await addLead(ctx.db(), world.ana, `2026-11-23T09:${String(30 + i).padStart(2, '0')}:00Z`);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    const summary = await runLeadNudges(deps, at('10:00:00'));
    expect(summary).toEqual({ claimed: 25, sent: 25, skipped: 0, failed: 0 });
    expect(dms()).toHaveLength(1);
    const args = dms()[0]?.args ?? {};
    expect(String(args.text)).toMatch(/^25 new leads are waiting for you: Lead \d+/);
    const blocks = args.blocks as { type: string }[];
    expect(blocks.filter((b) => b.type === 'actions')).toHaveLength(10);
    expect(blockText(args)).toContain('and 15 more waiting leads');
    // Longest-waiting first: the 09:30 lead (30 min) tops the list.
    expect(blockText(args)).toContain('waiting *30m 00s*');
  });

  it('ignores leads older than the look-back window', async () => {
    await addLead(ctx.db(), world.ana, '2026-11-15T10:00:00Z'); // 8 days before Monday 23 Nov
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:00:00'));
    expect(dms()).toHaveLength(0);
  });

  it('logs and skips a person Slack cannot DM, without retrying', async () => {
    await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    stub.failNext('conversations.open', 'user_not_found');
    const first = await runLeadNudges(deps, at('10:05:00'));
    expect(first.skipped).toBe(1);
    await runLeadNudges(deps, at('10:06:00'));
    expect(stub.callsTo('conversations.open')).toHaveLength(1);
    expect(dms()).toHaveLength(0);
  });

  it('logs the nudges it could not deliver once per reason and run, with a count', async () => {
    await addLead(ctx.db(), world.ana, CREATED);
    await addLead(ctx.db(), world.bob, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    stub.failNext('conversations.open', 'user_not_found', 2);
    const summary = await runLeadNudges({ ...deps, logger }, at('10:05:00'));
    expect(summary.skipped).toBe(2);
    const undelivered = lines.filter((l) => String(l.msg).startsWith('lead nudge'));
    expect(undelivered).toHaveLength(1);
    expect(undelivered[0]).toMatchObject({ msg: 'lead nudges not delivered', count: 2 });
    expect(undelivered[0]!.examples).toHaveLength(2);
  });

  it('waits out a 429 and delivers once', async () => {
    await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    stub.rateLimitNext('chat.postMessage', 1);
    const summary = await runLeadNudges(deps, at('10:05:00'));
    expect(summary.sent).toBe(1);
    expect(dms()).toHaveLength(2); // the 429 and the retry
  });
});
