import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { alertSettings, leads } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import {
  expectRollupsEqualRaw,
  moveBenAfterTheFact,
  orgScopes,
  prng,
  seedOrg,
} from '../helpers/rollup-equality.js';
import { addLead } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

describeDb('lead response histogram', (ctx) => {
  async function seedMessy() {
    const db = ctx.db();
    const rnd = prng(11);
    const org = await seedOrg(db, { berlinSla: 600 }); // Pune (+05:30): raw fallback
    const { reps } = org;
    // New York answers in business hours: its headlines need every lead's business time (raw rows).
    await db.insert(alertSettings).values({
      teamId: org.ny,
      businessDays: [1, 2, 3, 4, 5],
      dayStartMinute: 540,
      dayEndMinute: 1020,
      timezone: 'America/New_York',
    });
    // Response seconds from a small set (ties across bucket edges), some touches before creation
    // (count as 0 s), some never touched, some leads with no owner; whole and fractional seconds.
    const delays = [0, 0.5, 1, 59, 60, 61, 299.999, 300, 301, 1800, 1800, 3600.25, 86_400, 400_000];
    for (let i = 0; i < 260; i++) {
      const created = new Date(now.getTime() - Math.floor(rnd() * 200 * 86_400_000));
      const pick = Math.floor(rnd() * (delays.length + 3));
      const touched =
        pick === delays.length
          ? undefined
          : pick === delays.length + 1
            ? new Date(created.getTime() - 90_000)
            : new Date(created.getTime() + (delays[pick % delays.length] ?? 7) * 1000);
      const owner = i % 23 === 0 ? null : reps[i % reps.length]!;
      await addLead(db, owner, {
        created: created.toISOString(),
        ...(touched && touched < now ? { touched: touched.toISOString() } : {}),
        source: i % 2 ? 'Web' : 'Event',
      });
    }
    // Later changes the triggers must follow: first touches arrive and move, leads go away, owners change,
    // a membership is fixed after the fact.
    await db
      .update(leads)
      .set({ firstTouchAt: sql`${leads.createdAt} + interval '42 seconds'` })
      .where(sql`${leads.firstTouchAt} is null and ${leads.id} % 2 = 0`);
    await db
      .update(leads)
      .set({ firstTouchAt: sql`${leads.createdAt} + interval '2 hours'` })
      .where(sql`${leads.id} % 7 = 0`);
    await db.delete(leads).where(sql`${leads.id} % 11 = 0`);
    await db.update(leads).set({ ownerRepId: reps[0]! }).where(sql`${leads.id} % 13 = 0`);
    await moveBenAfterTheFact(db, org);
    return { db, org };
  }

  it('gives exactly the raw answers for every scope, period and split', async () => {
    const { db, org } = await seedMessy();
    let medians = 0;
    const compared = await expectRollupsEqualRaw(
      { db, defaultTimezone: 'America/New_York', now },
      {
        metrics: ['response'],
        scopes: orgScopes(org),
        // 180d and this year hold the whole UTC quarter Jul–Sep 2026: read from the quarter rows.
        periods: ['this month', '30d', 'this week', 'this quarter', 'last month', '180d', 'this year'],
        bys: [undefined, 'rep', 'team', 'source'],
      },
      {
        each: (a) => {
          medians += a.series.filter((p) => p.value.kind === 'value').length;
        },
      },
    );
    expect(compared).toBe(7 * 5 * 4);
    // The comparison covered real medians, not only empty windows.
    expect(medians).toBeGreaterThan(300);
    const [counts] = await queryRows<{
      h: number;
      d: number;
      m: number;
      q: number;
      raw: number;
      answered: number;
    }>(
      db,
      sql`select (select sum(n) from response_rollups where grain = 'h')::int as h,
                 (select sum(n) from response_rollups where grain = 'd')::int as d,
                 (select sum(n) from response_rollups where grain = 'm')::int as m,
                 (select sum(n) from response_rollups where grain = 'q')::int as q,
                 (select count(*) from leads)::int as raw,
                 (select sum(n) from response_rollups where grain = 'd' and vb >= 0)::int as answered`,
    );
    expect(counts).toMatchObject({ h: counts!.raw, d: counts!.raw, m: counts!.raw, q: counts!.raw });
    // The team-level histogram is the rep-level one summed over reps, bucket by bucket.
    const [diff] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from (
            select grain, bucket, team_id, vb, sum(n) as n, sum(micros) as micros, sum(skewed) as skewed
            from response_rollups group by 1, 2, 3, 4
          ) r full join response_team_rollups t using (grain, bucket, team_id, vb)
          where (coalesce(r.n, 0), coalesce(r.micros, 0), coalesce(r.skewed, 0))
            is distinct from (coalesce(t.n, 0), coalesce(t.micros, 0), coalesce(t.skewed, 0))`,
    );
    expect(diff!.n).toBe(0);
    const [touched] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from leads where first_touch_at is not null`,
    );
    expect(counts!.answered).toBe(touched!.n);
  }, 120_000);

  it('is rebuilt with the other rollups (TRUNCATE, tally_rollup_rebuild_all)', async () => {
    const { db } = await seedMessy();
    const before = await queryRows<{ n: number }>(
      db,
      sql`select coalesce(sum(n), 0)::int as n from response_rollups where vb = 3`,
    );
    await db.execute(sql`select tally_rollup_rebuild_all()`);
    const after = await queryRows<{ n: number }>(
      db,
      sql`select coalesce(sum(n), 0)::int as n from response_rollups where vb = 3`,
    );
    expect(after).toEqual(before);
    await db.execute(sql`truncate leads cascade`);
    const [r] = await queryRows<{ n: number }>(
      db,
      sql`select coalesce(sum(n), 0)::int as n from response_rollups`,
    );
    expect(r!.n).toBe(0);
  });
});
