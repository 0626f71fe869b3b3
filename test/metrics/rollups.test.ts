import { sql } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { activities, leads, opportunities } from '../../src/db/schema/index.js';
import { COMPUTERS } from '../../src/metrics/compute/registry.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricId } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import {
  COUNTER_METRICS,
  expectRollupsEqualRaw,
  moveBenAfterTheFact,
  orgScopes,
  prng,
  seedOrg,
} from '../helpers/rollup-equality.js';
import { addActivity, addLead, addOpp } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const ROLLUP_METRICS: MetricId[] = [...COUNTER_METRICS, 'cycle'];
const LOSS_REASONS = [
  'Price',
  ' price  ',
  'PRICE',
  'Went  dark',
  '   ',
  null,
  '\t',
  'Timing',
  'N/A',
  ' None ',
  '-',
];

describeDb('metric rollups', (ctx) => {
  async function seedMessy() {
    const db = ctx.db();
    const rnd = prng(7);
    const at = (daysBack: number) => new Date(now.getTime() - Math.floor(rnd() * daysBack * 86_400_000));
    const org = await seedOrg(db); // Pune (+05:30): raw fallback
    const { reps } = org;
    const kinds = ['call', 'email', 'meeting'] as const;
    for (let i = 0; i < 240; i++) {
      const occurred = at(120);
      const kind = kinds[i % 3]!;
      await addActivity(db, {
        repId: i % 17 === 0 ? null : reps[i % reps.length]!,
        kind,
        direction: i % 11 === 0 ? 'inbound' : 'outbound',
        occurredAt: occurred,
        connected: kind === 'call' ? rnd() < 0.4 : null,
        durationSeconds: kind === 'call' ? Math.floor(rnd() * 600) : null,
        emailOpenedAt: kind === 'email' && rnd() < 0.5 ? occurred : null,
        emailRepliedAt: kind === 'email' && rnd() < 0.2 ? occurred : null,
        meetingBookedAt: kind === 'meeting' && rnd() < 0.7 ? at(150) : null,
        meetingHeldAt: kind === 'meeting' && rnd() < 0.5 ? occurred : null,
      });
    }
    for (let i = 0; i < 90; i++) {
      const created = at(150);
      const outcome = (['open', 'won', 'lost'] as const)[i % 3]!;
      const closed = outcome === 'open' ? undefined : new Date(created.getTime() + rnd() * 40 * 86_400_000);
      await addOpp(db, reps[i % reps.length]!, {
        created: created.toISOString(),
        ...(closed && closed < now ? { closed: closed.toISOString(), outcome } : {}),
        amount: 1000 + Math.floor(rnd() * 9000),
        currency: i % 7 === 0 ? 'EUR' : 'USD',
        product: i % 2 ? 'Core' : 'Plus',
        // Reasons in several spellings, blank ones and placeholders (no reason once normalised) and none.
        lossReason: LOSS_REASONS[i % LOSS_REASONS.length] ?? null,
      });
    }
    for (let i = 0; i < 90; i++) {
      const created = at(150);
      await addLead(db, reps[i % reps.length]!, {
        created: created.toISOString(),
        ...(i % 2 ? { qualified: new Date(created.getTime() + 86_400_000 * 2).toISOString() } : {}),
        ...(i % 5 === 0 ? { converted: now.toISOString() } : {}),
      });
    }
    // Later changes the triggers must follow: outcomes flip, amounts change, rows go away, owners change.
    await db
      .update(opportunities)
      .set({ outcome: 'won' })
      .where(sql`${opportunities.outcome} = 'lost' and ${opportunities.id} % 4 = 0`);
    await db.update(opportunities).set({ amountMinor: 777 }).where(sql`${opportunities.id} % 5 = 0`);
    // Deals won and reopened become lost, lost ones reopen; reasons, amounts and currencies of lost deals change.
    await db
      .update(opportunities)
      .set({ outcome: 'lost', lossReason: ' Budget ' })
      .where(sql`${opportunities.outcome} = 'won' and ${opportunities.id} % 6 = 1`);
    await db
      .update(opportunities)
      .set({ outcome: 'open' })
      .where(sql`${opportunities.outcome} = 'lost' and ${opportunities.id} % 8 = 3`);
    await db
      .update(opportunities)
      .set({ lossReason: sql`case when ${opportunities.lossReason} is null then 'price' end` })
      .where(sql`${opportunities.outcome} = 'lost' and ${opportunities.id} % 3 = 2`);
    await db
      .update(opportunities)
      .set({ amountMinor: null, currency: 'GBP' })
      .where(sql`${opportunities.outcome} = 'lost' and ${opportunities.id} % 10 = 2`);
    // Won deals without an amount (left out of deal size, counted as wins), in their own and another currency.
    await db
      .update(opportunities)
      .set({ amountMinor: null })
      .where(sql`${opportunities.outcome} = 'won' and ${opportunities.id} % 7 = 3`);
    await db
      .update(opportunities)
      .set({ amountMinor: null, currency: 'GBP' })
      .where(sql`${opportunities.outcome} = 'won' and ${opportunities.id} % 13 = 5`);
    await db
      .delete(opportunities)
      .where(sql`${opportunities.outcome} = 'lost' and ${opportunities.id} % 11 = 0`);
    await db.delete(activities).where(sql`${activities.id} % 9 = 0`);
    await db.update(activities).set({ repId: reps[0]! }).where(sql`${activities.id} % 13 = 0`);
    await db.update(leads).set({ convertedAt: now }).where(sql`${leads.id} % 7 = 0`);
    await moveBenAfterTheFact(db, org);
    return { db, org };
  }

  it('gives exactly the raw answers for every rollup metric, scope, period and split', async () => {
    const { db, org } = await seedMessy();
    const compared = await expectRollupsEqualRaw(
      { db, defaultTimezone: 'America/New_York', now },
      {
        metrics: ROLLUP_METRICS,
        scopes: orgScopes(org),
        periods: ['this month', '30d', 'today', 'this quarter'],
        bys: [undefined, 'rep', 'team'],
      },
    );
    expect(compared).toBe(ROLLUP_METRICS.length * 5 * 4 * 3);
    const [counts] = await queryRows<{ h: number; d: number; raw: number }>(
      db,
      sql`select (select sum(calls) from metric_rollups where grain = 'h')::int as h,
                 (select sum(calls) from metric_rollups where grain = 'd')::int as d,
                 (select count(*) from activities where kind = 'call' and direction = 'outbound')::int as raw`,
    );
    expect(counts!.h).toBe(counts!.raw);
    expect(counts!.d).toBe(counts!.raw);
    expect(counts!.raw).toBeGreaterThan(40);
  }, 120_000);

  it('gives the raw answers for a split of a lone headline, headline and split read together', async () => {
    const { db, org } = await seedMessy();
    const deps = { db, defaultTimezone: 'America/New_York', now };
    // A digest's by-rep tables and leaderboard: the split with its headline alone (headlineWithSegments: one
    // statement, or for a team's or the org's split by rep the split's lean rows beside the team twin's).
    const include = { target: false, trend: false, series: false };
    const compared = await expectRollupsEqualRaw(deps, {
      metrics: COUNTER_METRICS,
      scopes: orgScopes(org),
      periods: ['this month', '30d', 'today', 'this quarter'],
      bys: ['rep', 'team'],
      include,
    });
    expect(compared).toBe(COUNTER_METRICS.length * 5 * 4 * 2);
    // The headline came with the split, not from `windows`, and the calling reps are the split's.
    const windows = vi.spyOn(COMPUTERS.calls, 'windows');
    const calls = await getMetric(deps, {
      metric: 'calls',
      scope: { kind: 'org' },
      period: '30d',
      by: 'rep',
      include,
    });
    expect(windows).not.toHaveBeenCalled();
    const full = await getMetric(deps, { metric: 'calls', scope: { kind: 'org' }, period: '30d', by: 'rep' });
    expect(windows).toHaveBeenCalledTimes(1);
    expect(calls.value).toEqual(full.value);
    expect(calls.figures).toEqual(full.figures);
    expect(calls.segments).toEqual(full.segments);
    expect(calls.figures.find((f) => f.key === 'per_rep_day')?.value.kind).toBe('value');
    windows.mockRestore();
  }, 120_000);

  it('is rebuilt when a source table is truncated', async () => {
    const { db } = await seedMessy();
    await db.execute(sql`truncate activities`);
    const [r] = await queryRows<{ calls: number; opps: number; lost: number; lostMinor: number }>(
      db,
      sql`select coalesce(sum(calls), 0)::int as calls, coalesce(sum(opps_created), 0)::int as opps,
            coalesce(sum(deals_lost), 0)::int as lost, coalesce(sum(lost_minor), 0)::int as "lostMinor"
          from metric_rollups where grain = 'd'`,
    );
    // 90 opportunities less the lost ones seedMessy deleted.
    const [raw] = await queryRows<{ opps: number; lost: number; lostMinor: number }>(
      db,
      sql`select count(*)::int as opps, (count(*) filter (where outcome = 'lost'))::int as lost,
            coalesce(sum(amount_minor) filter (where outcome = 'lost'), 0)::int as "lostMinor"
          from opportunities`,
    );
    expect(raw!.opps).toBe(88);
    expect(raw!.lost).toBeGreaterThan(10);
    expect(r).toEqual({ calls: 0, ...raw });
  });
});
