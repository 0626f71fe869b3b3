import { eq } from 'drizzle-orm';
import pg from 'pg';
import { pino } from 'pino';
import { beforeEach, expect, it, vi } from 'vitest';
import { runLeadNudges } from '../../src/alerts/nudges.js';
import type { Db } from '../../src/db/client.js';
import { leadNudges, reps, teamMemberships } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { addLead, blockText, makeDeps, seedWorld, type World } from './fixtures.js';

// Reps imported from a CRM carry an email but no Slack id until they use /metrics. Lead nudges (and the
// manager escalation) look them up in Slack by email (users.lookupByEmail) before giving up on the DM.
const stub = useSlackApiStub();
beforeEach(() => {
  stub.reset();
  stub.users.clear();
});

// Monday 23 Nov 2026, 10:00 UTC: the lead comes in. Team SLA 5 min, escalation 15 min (3 × SLA).
const CREATED = '2026-11-23T10:00:00Z';
const at = (hhmmss: string) => new Date(`2026-11-23T${hhmmss}Z`);

/** Eve Park, on the team since 1 Jan 2026, imported with an email and no Slack id. */
async function addEmailOnlyRep(db: Db, world: World): Promise<number> {
  const [eve] = await db.insert(reps).values({ name: 'Eve Park', email: 'Eve.Park@example.com' }).returning();
  await db
    .insert(teamMemberships)
    .values({ repId: eve!.id, teamId: world.teamId, validFrom: new Date('2026-01-01T00:00:00Z') });
  return eve!.id;
}

/** A logger that keeps every line (warn and up), parsed, plus the raw text to check no email leaks. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        raw.push(line);
        lines.push(JSON.parse(line));
      },
    },
  );
  return { logger, lines, raw };
}

describeDb('lead nudges to reps known only by email', (ctx) => {
  let world: World;
  let eve: number;
  beforeEach(async () => {
    world = await seedWorld(ctx.db());
    eve = await addEmailOnlyRep(ctx.db(), world);
  });
  const dms = () => stub.callsTo('chat.postMessage');
  const lookups = () => stub.callsTo('users.lookupByEmail').map((c) => c.args.email);
  const repRow = async (id: number) => (await ctx.db().select().from(reps).where(eq(reps.id, id)))[0];

  it('finds an email-only owner in Slack by email, links them and delivers the nudge', async () => {
    stub.users.set('U0EVE', { id: 'U0EVE', email: 'Eve.Park@example.com', tz: 'Europe/Berlin' });
    const leadId = await addLead(ctx.db(), eve, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    const summary = await runLeadNudges(deps, at('10:05:00'));
    expect(summary).toEqual({ claimed: 1, sent: 1, skipped: 0, failed: 0 });
    expect(lookups()).toEqual(['Eve.Park@example.com']);
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0EVE']);
    expect(dms()).toHaveLength(1);
    expect(dms()[0]?.args.channel).toBe('D0EVE');
    const row = await repRow(eve);
    expect([row?.slackUserId, row?.timezone]).toEqual(['U0EVE', 'Europe/Berlin']);
    const ledger = await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, leadId));
    expect(ledger.map((r) => [r.stage, r.status])).toEqual([['owner', 'sent']]);
    // Linked now: the next lead goes straight to the DM, without another lookup.
    await addLead(ctx.db(), eve, '2026-11-23T10:01:00Z');
    await runLeadNudges(deps, at('10:06:00'));
    expect(lookups()).toHaveLength(1);
    expect(dms()).toHaveLength(2);
  });

  it('skips an owner Slack does not know, warns naming the rep id (not the email), and looks them up once', async () => {
    const first = await addLead(ctx.db(), eve, CREATED);
    const second = await addLead(ctx.db(), eve, '2026-11-23T10:01:00Z');
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    const { logger, lines, raw } = capture();
    const summary = await runLeadNudges({ ...deps, logger }, at('10:05:00'));
    expect(summary).toEqual({ claimed: 1, sent: 0, skipped: 1, failed: 0 });
    expect(lookups()).toEqual(['Eve.Park@example.com']);
    expect(lines.filter((l) => l.msg === 'rep not found in Slack by email; DMs to them are skipped')).toEqual(
      [expect.objectContaining({ level: 40, repId: eve, reason: 'no Slack user with this email' })],
    );
    expect(lines.filter((l) => l.msg === 'lead nudges skipped')).toEqual([
      expect.objectContaining({
        level: 40,
        reason: 'owner_not_in_slack',
        count: 1,
        repIds: [eve],
        leadIds: [first],
      }),
    ]);
    // Every minute after: the second lead comes due and is skipped, but Slack is not asked again.
    for (const t of ['10:06:00', '10:07:00', '10:08:00']) await runLeadNudges({ ...deps, logger }, at(t));
    expect(lookups()).toHaveLength(1);
    expect(dms()).toHaveLength(0);
    const ledger = await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, second));
    expect(ledger.map((r) => [r.stage, r.status, r.error])).toEqual([
      ['owner', 'skipped', 'owner_not_in_slack'],
    ]);
    // The manager hears at the escalation, and is told the owner was not nudged.
    await runLeadNudges({ ...deps, logger }, at('10:16:00'));
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0MIA']);
    expect(blockText(dms()[0]?.args ?? {})).toContain(
      'No owner could be nudged: Eve Park has no active Slack account',
    );
    expect(raw.join('\n').toLowerCase()).not.toContain('eve.park@example.com');
  });

  it("asks again at once when the rep's email changed", async () => {
    await addLead(ctx.db(), eve, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    expect(lookups()).toHaveLength(1);
    // The CRM corrects the email: the new address is looked up on the next run that needs it.
    await ctx.db().update(reps).set({ email: 'eve@example.com' }).where(eq(reps.id, eve));
    stub.users.set('U0EVE', { id: 'U0EVE', email: 'eve@example.com' });
    await addLead(ctx.db(), eve, '2026-11-23T10:02:00Z');
    await runLeadNudges(deps, at('10:07:00'));
    expect(lookups()).toEqual(['Eve.Park@example.com', 'eve@example.com']);
    expect(dms()).toHaveLength(1);
    expect(dms()[0]?.args.channel).toBe('D0EVE');
  });

  it('looks up an unknown email again after 6 hours, not before', async () => {
    await addLead(ctx.db(), eve, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    await addLead(ctx.db(), eve, '2026-11-23T15:59:00Z');
    await runLeadNudges(deps, at('16:04:59')); // the miss is 5 h 59 min 59 s old
    expect(lookups()).toHaveLength(1);
    await addLead(ctx.db(), eve, '2026-11-23T16:00:00Z');
    await runLeadNudges(deps, at('16:05:00'));
    expect(lookups()).toHaveLength(2);
  });

  it('waits out a rate-limited lookup instead of skipping the nudge, and the manager hears the truth', async () => {
    stub.users.set('U0EVE', { id: 'U0EVE', email: 'Eve.Park@example.com' });
    const leadId = await addLead(ctx.db(), eve, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    stub.rateLimitNext('users.lookupByEmail', 1);
    const held = await runLeadNudges(deps, at('10:05:00'));
    expect(held).toEqual({ claimed: 0, sent: 0, skipped: 0, failed: 0 });
    expect(await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, leadId))).toHaveLength(0);
    expect((await repRow(eve))?.slackLookupMissedAt).toBeNull();
    const next = await runLeadNudges(deps, at('10:06:00'));
    expect(next.sent).toBe(1);
    expect(lookups()).toHaveLength(2);
    expect(blockText(dms()[0]?.args ?? {})).toContain('waiting *6m 00s*');
    await runLeadNudges(deps, at('10:15:00'));
    expect(dms()).toHaveLength(2);
    expect(blockText(dms()[1]?.args ?? {})).toContain('The owner was nudged at the SLA.');
  });

  it('escalates to a manager known only by email', async () => {
    await ctx.db().update(reps).set({ slackUserId: null }).where(eq(reps.id, world.mia));
    stub.users.set('U0MIA', { id: 'U0MIA', email: 'mia@example.com' });
    await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    expect(lookups()).toEqual([]); // Ana has a Slack id; nobody else is needed yet.
    await runLeadNudges(deps, at('10:15:00'));
    expect(lookups()).toEqual(['mia@example.com']);
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0ANA', 'U0MIA']);
    expect(dms()).toHaveLength(2);
    expect((await repRow(world.mia))?.slackUserId).toBe('U0MIA');
  });

  it('holds the escalation while a manager known only by email cannot be looked up yet', async () => {
    await ctx.db().update(reps).set({ slackUserId: null }).where(eq(reps.id, world.mia));
    stub.users.set('U0MIA', { id: 'U0MIA', email: 'mia@example.com' });
    const leadId = await addLead(ctx.db(), world.ana, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:05:00'));
    stub.rateLimitNext('users.lookupByEmail', 1);
    const held = await runLeadNudges(deps, at('10:15:00'));
    expect(held.claimed).toBe(0);
    const stages = async () =>
      (await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, leadId))).map((r) => r.stage);
    expect(await stages()).toEqual(['owner']);
    await runLeadNudges(deps, at('10:16:00'));
    expect(lookups()).toEqual(['mia@example.com', 'mia@example.com']);
    expect((await stages()).sort()).toEqual(['manager', 'owner']);
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0ANA', 'U0MIA']);
  });

  it('DMs an email-only owner once when two instances run at the same moment', async () => {
    stub.users.set('U0EVE', { id: 'U0EVE', email: 'Eve.Park@example.com' });
    const mine = await addLead(ctx.db(), eve, CREATED);
    await addLead(ctx.db(), world.ana, CREATED);
    const a = makeDeps(ctx.database(), stub, CREATED).deps;
    const b = makeDeps(ctx.database(), stub, CREATED).deps;
    const results = await Promise.all([runLeadNudges(a, at('10:06:00')), runLeadNudges(b, at('10:06:00'))]);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(2);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2);
    expect(results.reduce((n, r) => n + r.skipped, 0)).toBe(0);
    expect(
      dms()
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(['D0ANA', 'D0EVE']);
    expect((await repRow(eve))?.slackUserId).toBe('U0EVE');
    const ledger = await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, mine));
    expect(ledger.map((r) => [r.stage, r.status])).toEqual([['owner', 'sent']]);
  });

  it('DMs an email-only owner another instance links between listing the leads and the lookups', async () => {
    // The race behind a flaky run of the test above: instance B lists Eve's lead (no Slack id yet), instance
    // A links Eve by email, then B lists whom to look up (Eve no longer) and claims her nudge.
    stub.users.set('U0EVE', { id: 'U0EVE', email: 'Eve.Park@example.com' });
    const mine = await addLead(ctx.db(), eve, CREATED);
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    const query = pg.Client.prototype.query;
    let linked = false;
    const statements = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const q = args[0] as { text?: string } | string;
      const text = String(typeof q === 'string' ? q : q.text);
      const call = () => (query as (...a: unknown[]) => unknown).apply(this, args);
      if (linked || !/^select/i.test(text.trim()) || !/slack_user_id"? is null/i.test(text)) return call();
      linked = true;
      // On this statement's own connection (PGlite has one): the other instance's link, committed first.
      const link = (query as (...a: unknown[]) => unknown).call(
        this,
        'update reps set slack_user_id = $1 where id = $2',
        ['U0EVE', eve],
      );
      return (link as unknown as Promise<unknown>).then(call) as never;
    });
    const summary = await runLeadNudges(deps, at('10:06:00'));
    statements.mockRestore();
    expect(linked).toBe(true);
    expect(summary).toEqual({ claimed: 1, sent: 1, skipped: 0, failed: 0 });
    expect(dms().map((c) => c.args.channel)).toEqual(['D0EVE']);
    const ledger = await ctx.db().select().from(leadNudges).where(eq(leadNudges.leadId, mine));
    expect(ledger.map((r) => [r.stage, r.status])).toEqual([['owner', 'sent']]);
  });

  it('lists the reps to look up with one statement per run', async () => {
    // Mia, the manager, is known only by an email Slack does not know; Eve's is not known either.
    await ctx.db().update(reps).set({ slackUserId: null }).where(eq(reps.id, world.mia));
    await addLead(ctx.db(), world.ana, CREATED);
    await addLead(ctx.db(), eve, '2026-11-23T10:01:00Z');
    const { deps } = makeDeps(ctx.database(), stub, CREATED);
    await runLeadNudges(deps, at('10:06:00'));
    expect(lookups()).toEqual(['Eve.Park@example.com']);
    // 10:15: Ana's lead escalates to Mia (looked up once, in vain); 10:16: Eve's lead does, and Eve's and
    // Mia's misses are remembered, so Slack is not asked again.
    await runLeadNudges(deps, at('10:15:00'));
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    await runLeadNudges(deps, at('10:16:00'));
    const texts = statements.mock.calls.map(([q]) => String((q as { text?: string }).text ?? q));
    statements.mockRestore();
    expect(lookups()).toEqual(['Eve.Park@example.com', 'mia@example.com']);
    const listings = texts.filter((t) => /^select/i.test(t.trim()) && /slack_user_id"? is null/i.test(t));
    expect(listings, texts.join('\n')).toHaveLength(1);
  });
});
