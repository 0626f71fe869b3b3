import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { type Db, queryRows } from '../../src/db/client.js';
import { opportunities, teamMemberships } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import {
  expectRollupsEqualRaw,
  moveBenAfterTheFact,
  orgScopes,
  prng,
  seedOrg,
} from '../helpers/rollup-equality.js';
import { addMembership, addOpp } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

/** Histogram totals next to the raw won deals: they must always agree. */
async function totals(db: Db) {
  const [r] = await queryRows<Record<string, number | string>>(
    db,
    sql`select (select coalesce(sum(n), 0) from cycle_rollups where grain = 'h')::int as rep_h,
               (select coalesce(sum(n), 0) from cycle_rollups where grain = 'm')::int as rep_m,
               (select coalesce(sum(n), 0) from cycle_team_rollups where grain = 'd')::int as team_d,
               (select coalesce(sum(micros), 0) from cycle_team_rollups where grain = 'm')::text as team_micros,
               (select coalesce(sum(skewed), 0) from cycle_rollups where grain = 'd')::int as rep_skewed,
               (select count(*) from opportunities where outcome = 'won')::int as won,
               (select coalesce(sum(tally_duration_micros(created_at, closed_at)), 0) from opportunities where outcome = 'won')::text as micros,
               (select count(*) from opportunities where outcome = 'won' and closed_at < created_at)::int as skewed`,
  );
  return r!;
}

describeDb('sales-cycle histogram', (ctx) => {
  async function seedMessy() {
    const db = ctx.db();
    const rnd = prng(5);
    const org = await seedOrg(db); // Pune (+05:30): raw fallback
    const { reps } = org;
    // Cycles from a small set (ties, bucket edges such as exactly 1 hour and 1 day, fractions of a second),
    // some closed before they were created (count as 0 days), some with no owner, some lost or open.
    const cycles = [
      0,
      0.25,
      3_600,
      3_600.5,
      86_400,
      86_400,
      90_000,
      7 * 86_400,
      30 * 86_400,
      45.5 * 86_400,
      -7_200,
    ];
    for (let i = 0; i < 300; i++) {
      const closed = new Date(now.getTime() - Math.floor(rnd() * 200 * 86_400_000));
      const cycle = cycles[Math.floor(rnd() * cycles.length)]! * 1000 + (i % 5 === 0 ? rnd() * 1e6 : 0);
      const owner = i % 19 === 0 ? null : reps[i % reps.length]!;
      const outcome = i % 7 === 0 ? 'lost' : i % 11 === 0 ? 'open' : 'won';
      await addOpp(db, owner, {
        created: new Date(closed.getTime() - cycle).toISOString(),
        ...(outcome === 'open' ? {} : { closed: closed.toISOString() }),
        outcome,
        amount: 1000,
        product: i % 2 ? 'Core' : 'Plus',
      });
    }
    // Later changes the triggers must follow: outcomes flip, closes move, deals go away, owners change,
    // an amount changes (not a cycle input), a membership is fixed after the fact.
    await db
      .update(opportunities)
      .set({ outcome: 'won' })
      .where(sql`${opportunities.outcome} = 'lost' and ${opportunities.id} % 2 = 0`);
    await db
      .update(opportunities)
      .set({ closedAt: sql`${opportunities.closedAt} + interval '36 hours'` })
      .where(sql`${opportunities.id} % 9 = 0 and ${opportunities.closedAt} is not null`);
    await db.delete(opportunities).where(sql`${opportunities.id} % 13 = 0`);
    await db.update(opportunities).set({ ownerRepId: reps[0]! }).where(sql`${opportunities.id} % 17 = 0`);
    await db.update(opportunities).set({ amountMinor: 5 }).where(sql`${opportunities.id} % 3 = 0`);
    await moveBenAfterTheFact(db, org);
    return { db, ...org };
  }

  it('gives exactly the raw answers for every scope, period and split', async () => {
    const { db, ...org } = await seedMessy();
    let medians = 0;
    let skewNotes = 0;
    const compared = await expectRollupsEqualRaw(
      { db, defaultTimezone: 'America/New_York', now },
      {
        metrics: ['cycle'],
        scopes: orgScopes(org),
        // 180d and this year hold the whole UTC quarter Jul–Sep 2026: read from the quarter rows.
        periods: ['this month', '30d', 'this week', 'this quarter', 'last month', '180d', 'this year'],
        bys: [undefined, 'rep', 'team', 'product'],
      },
      {
        each: (a) => {
          medians += a.series.filter((p) => p.value.kind === 'value').length;
          if (a.notes.some((n) => n.includes('closed before'))) skewNotes++;
        },
      },
    );
    expect(compared).toBe(7 * 5 * 4);
    // The comparison covered real medians (even and odd counts) and clamped durations, not only empty windows.
    expect(medians).toBeGreaterThan(300);
    expect(skewNotes).toBeGreaterThan(10);
    const t = await totals(db);
    expect(t).toMatchObject({
      rep_h: t.won,
      rep_m: t.won,
      team_d: t.won,
      team_micros: t.micros,
      rep_skewed: t.skewed,
    });
  }, 180_000);

  it('is rebuilt with the other rollups (membership change, tally_rollup_rebuild_all, TRUNCATE)', async () => {
    const { db, berlin, india, reps } = await seedMessy();
    const snapshot = () =>
      queryRows<Record<string, unknown>>(
        db,
        sql`select grain, bucket, team_id, vb, n, micros::text, skewed from cycle_team_rollups where n <> 0
            order by 1, 2, 3, 4`,
      );
    const before = await snapshot();
    await db.execute(sql`select tally_rollup_rebuild_all()`);
    expect(await snapshot()).toEqual(before);
    // Chi spent October in Berlin, fixed after the fact: the team-level rows move with the rep-level ones.
    await db.delete(teamMemberships).where(eq(teamMemberships.repId, reps[2]!));
    await addMembership(db, reps[2]!, india, '2020-01-01T00:00:00Z', '2026-10-01T00:00:00Z');
    await addMembership(db, reps[2]!, berlin, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z');
    await addMembership(db, reps[2]!, india, '2026-11-01T00:00:00Z');
    const moved = await snapshot();
    expect(moved).not.toEqual(before);
    await db.execute(sql`select tally_rollup_rebuild_all()`);
    expect(await snapshot()).toEqual(moved);
    const t = await totals(db);
    expect(t).toMatchObject({ rep_h: t.won, team_d: t.won, team_micros: t.micros });
    await db.execute(sql`truncate opportunities cascade`);
    const [r] = await queryRows<{ n: number }>(
      db,
      sql`select (select coalesce(sum(n), 0) from cycle_rollups) + (select coalesce(sum(n), 0) from cycle_team_rollups) as n`,
    );
    expect(Number(r!.n)).toBe(0);
  }, 120_000);
});
