import { inArray } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { updateAlertSettings } from '../../src/alerts/settings.js';
import { runSlipAlerts } from '../../src/alerts/slip.js';
import { reps } from '../../src/db/schema/index.js';
import { recordTouch } from '../../src/ingest/first-touch.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { addLead, blockText, makeDeps, seedWorld, type World } from './fixtures.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

/** A lead created at `created` and first touched `afterSeconds` later by its owner. */
async function answered(
  ctx: { db(): import('../../src/db/client.js').Db },
  rep: number,
  created: string,
  afterSeconds: number,
) {
  const leadId = await addLead(ctx.db(), rep, created);
  const at = new Date(new Date(created).getTime() + afterSeconds * 1000);
  await recordTouch(ctx.db(), { leadId, repId: rep, kind: 'call', at });
}

describeDb('slip alerts', (ctx) => {
  let world: World;
  beforeEach(async () => {
    world = await seedWorld(ctx.db());
    // Thursday 19 Nov 2026: Ana answers in 10 min (over the 5 min SLA), Bob in 2 min.
    for (const h of ['08', '09', '10']) {
      await answered(ctx, world.ana, `2026-11-19T${h}:00:00Z`, 600);
      await answered(ctx, world.bob, `2026-11-19T${h}:30:00Z`, 120);
    }
    // Thursday 12 Nov 2026 (the 7 days before): Bob answered in 1 min, so 2 min is 100% worse.
    for (const h of ['08', '09', '10']) await answered(ctx, world.bob, `2026-11-12T${h}:30:00Z`, 60);
  });
  const dmsTo = (user: string) => {
    const channel = `D${user.replace(/^U/, '')}`;
    return stub.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  };

  it('DMs each slipped rep once per day, with their number, the team’s and a tip', async () => {
    const { deps } = makeDeps(ctx.database(), stub, '2026-11-20T10:00:00Z');
    // Friday 20 Nov 2026, 10:00 / 10:15 / 15:00 UTC: same local day, one alert each.
    for (const t of ['10:00', '10:15', '15:00']) await runSlipAlerts(deps, new Date(`2026-11-20T${t}:00Z`));
    expect(dmsTo('U0ANA')).toHaveLength(1);
    expect(dmsTo('U0BOB')).toHaveLength(1);
    expect(dmsTo('U0MIA')).toHaveLength(0);
    const ana = blockText(dmsTo('U0ANA')[0]?.args ?? {});
    expect(ana).toContain('*10m 00s*'); // her median
    expect(ana).toContain('Inbound: *6m 00s*'); // team median of 3 × 600 s and 3 × 120 s
    expect(ana).toContain('One thing to try');
    const bob = blockText(dmsTo('U0BOB')[0]?.args ?? {});
    expect(bob).toContain('*2m 00s* (1m 00s the 7 days before)');
    expect(bob).toContain('Hi Bob,');
    // Saturday 21 Nov: a new day, still slipped, one more each.
    await runSlipAlerts(deps, new Date('2026-11-21T10:00:00Z'));
    expect(dmsTo('U0ANA')).toHaveLength(2);
  });

  it('waits for the local morning and respects the team switch', async () => {
    const { deps } = makeDeps(ctx.database(), stub, '2026-11-20T08:45:00Z');
    await runSlipAlerts(deps, new Date('2026-11-20T08:45:00Z')); // Friday 08:45 UTC: too early
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
    await updateAlertSettings(ctx.db(), world.teamId, { slipEnabled: false }, null, new Date());
    await runSlipAlerts(deps, new Date('2026-11-20T10:00:00Z'));
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('sends managers one weekly roll-up of who slipped', async () => {
    const { deps } = makeDeps(ctx.database(), stub, '2026-11-20T10:00:00Z');
    await runSlipAlerts(deps, new Date('2026-11-20T10:00:00Z')); // Friday: Ana and Bob alerted
    await runSlipAlerts(deps, new Date('2026-11-23T10:00:00Z')); // Monday 23 Nov: roll-up of last week
    await runSlipAlerts(deps, new Date('2026-11-23T11:00:00Z'));
    const rollups = dmsTo('U0MIA');
    expect(rollups).toHaveLength(1);
    const text = blockText(rollups[0]?.args ?? {});
    expect(text).toContain('Ana López — 10m 00s median, alerted on 1 day');
    expect(text).toContain('Bob &lt;Smith&gt; — 2m 00s median');
  });

  it('finds a slipped rep and a manager known only by email in Slack, and DMs them', async () => {
    // Imported from a CRM: Ana and Mia have their emails but no Slack ids.
    await ctx
      .db()
      .update(reps)
      .set({ slackUserId: null })
      .where(inArray(reps.id, [world.ana, world.mia]));
    stub.users.clear();
    stub.users.set('U0ANA', { id: 'U0ANA', email: 'ana@example.com' });
    stub.users.set('U0MIA', { id: 'U0MIA', email: 'mia@example.com' });
    const { deps } = makeDeps(ctx.database(), stub, '2026-11-20T10:00:00Z');
    await runSlipAlerts(deps, new Date('2026-11-20T10:00:00Z'));
    expect(dmsTo('U0ANA')).toHaveLength(1);
    expect(blockText(dmsTo('U0ANA')[0]?.args ?? {})).toContain('*10m 00s*');
    await runSlipAlerts(deps, new Date('2026-11-23T10:00:00Z')); // Monday: the roll-up
    expect(dmsTo('U0MIA')).toHaveLength(1);
    expect(stub.callsTo('users.lookupByEmail').map((c) => c.args.email)).toEqual([
      'ana@example.com',
      'mia@example.com',
    ]);
  });
});
