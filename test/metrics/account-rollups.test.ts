import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { type Db, queryRows } from '../../src/db/client.js';
import { accounts, contracts, opportunities } from '../../src/db/schema/index.js';
import type { MetricId } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import {
  expectRollupsEqualRaw,
  moveBenAfterTheFact,
  orgScopes,
  prng,
  seedOrg,
} from '../helpers/rollup-equality.js';
import { addOpp } from './fixtures.js';

// Monday 23 Nov 2026, 12:34:56 UTC: mid-hour, so running windows end between whole hours.
const now = new Date('2026-11-23T12:34:56Z');
const ACCOUNT_METRICS: MetricId[] = ['retention', 'clv', 'arr', 'arpu'];

/** Answers compared with money rounded to 12 significant digits (exact sums vs float sums in another order). */
function normalise(x: unknown): unknown {
  if (typeof x === 'number') return Number.isInteger(x) ? x : Number(x.toPrecision(12));
  if (Array.isArray(x)) return x.map(normalise);
  if (x instanceof Date) return x.toISOString();
  if (x && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalise(v)]));
  return x;
}

const count = async (db: Db, q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db, q))[0]!.n;

describeDb('account state: retention, CLV, ARR and ARPU from range sums equal the raw walk', (ctx) => {
  async function seedMessy() {
    const db = ctx.db();
    const rnd = prng(11);
    const at = (daysBack: number, ahead = 0) =>
      new Date(now.getTime() + Math.floor((rnd() * (daysBack + ahead) - daysBack) * 86_400_000));
    // Dee moves from Berlin to New York at 14:37:12 on 4 Oct: mid-hour, mid-day.
    const org = await seedOrg(db, { deeMovesAt: '2026-10-04T14:37:12Z' });
    const { reps } = org;
    const ids: number[] = [];
    for (let i = 0; i < 70; i++) {
      const became = i % 13 === 5 ? null : at(800);
      // Churned accounts; some churn dates before the customer date (bad data), some in the future.
      const churned =
        became && i % 3 === 0
          ? i % 7 === 0
            ? new Date(became.getTime() - 5 * 86_400_000)
            : new Date(became.getTime() + rnd() * 400 * 86_400_000)
          : null;
      const [row] = await db
        .insert(accounts)
        .values({
          externalId: `acc-${i}`,
          name: `Account ${i}`,
          becameCustomerAt: became,
          churnedAt: churned,
        })
        .returning({ id: accounts.id });
      ids.push(row!.id);
      // Won deals (the first decides the owner), some accounts with none (org only), a null owner and amount.
      const deals = i % 9 === 4 ? 0 : 1 + (i % 3);
      for (let d = 0; d < deals; d++) {
        const closed = became ? new Date(became.getTime() + d * rnd() * 200 * 86_400_000) : at(800);
        await addOpp(db, i % 17 === 3 && d === 0 ? null : reps[(i + d) % reps.length]!, {
          created: new Date(closed.getTime() - 86_400_000).toISOString(),
          closed: (closed < now ? closed : now).toISOString(),
          outcome: 'won',
          amount: i % 19 === 2 ? undefined : 1_000 + Math.floor(rnd() * 90_000),
          currency: i % 8 === 1 ? 'EUR' : 'USD',
          accountId: row!.id,
        });
      }
      for (let c = 0; c < i % 4; c++) {
        const starts = at(700, 100);
        const perLicense = c % 2 === 1;
        await db.insert(contracts).values({
          externalId: `c-${i}-${c}`,
          accountId: row!.id,
          startsAt: starts,
          endsAt: new Date(starts.getTime() + (30 + rnd() * 700) * 86_400_000),
          currency: i % 10 === 3 ? 'EUR' : 'USD',
          ...(perLicense
            ? { licenses: 1 + (i % 7), revenuePerLicenseMinor: 12_000 + i * 10 }
            : {
                totalValueMinor: 100_000 + Math.floor(rnd() * 3_000_000),
                contractYears: c === 2 ? null : 1 + (i % 3),
              }),
        });
      }
    }
    // Later changes the triggers must follow: a churned customer comes back (churn cleared), another churns,
    // a first won deal is lost after all (the owner moves to the next win), deals and contracts go away,
    // an account is deleted, an account becomes a customer late, a membership is fixed after the fact.
    await db.update(accounts).set({ churnedAt: null }).where(eq(accounts.id, ids[3]!));
    await db
      .update(accounts)
      .set({ churnedAt: new Date('2026-11-02T09:30:00Z') })
      .where(eq(accounts.id, ids[10]!));
    await db
      .update(accounts)
      .set({ becameCustomerAt: new Date('2026-11-23T12:10:00Z') })
      .where(eq(accounts.id, ids[5]!));
    const firstWins = await queryRows<{ id: number }>(
      db,
      sql`select distinct on (account_id) id from opportunities where outcome = 'won' and account_id is not null
          order by account_id, closed_at, id limit 6`,
    );
    await db
      .update(opportunities)
      .set({ outcome: 'lost' })
      .where(
        sql`${opportunities.id} in (${sql.join(
          firstWins.slice(0, 3).map((r) => sql`${r.id}`),
          sql`, `,
        )})`,
      );
    await db.update(opportunities).set({ amountMinor: 777 }).where(sql`${opportunities.id} % 5 = 0`);
    await db.delete(opportunities).where(sql`${opportunities.id} % 11 = 0`);
    await db.delete(contracts).where(sql`${contracts.id} % 7 = 0`);
    await db.delete(accounts).where(eq(accounts.id, ids[20]!));
    await moveBenAfterTheFact(db, org);
    return { db, org };
  }

  it('gives exactly the raw answers for every account metric, scope, period and split', async () => {
    const { db, org } = await seedMessy();
    let nonEmpty = 0;
    const compared = await expectRollupsEqualRaw(
      {
        db,
        defaultTimezone: 'America/New_York',
        now,
        fiscalDefault: { kind: 'months', startMonth: 2 },
      },
      {
        metrics: ACCOUNT_METRICS,
        scopes: [...orgScopes(org), { kind: 'rep', repId: org.reps[0]! }],
        // Running, finished (across DST changes), fiscal (February start), a year and an empty past period.
        periods: ['this month', '30d', 'today', 'last month', 'this quarter', 'last year', '2019-03'],
        bys: [undefined, 'rep', 'team'],
      },
      {
        // Freshness included, money to 12 significant digits.
        same: normalise,
        each: (a) => {
          if (a.value.kind === 'value' && a.value.value !== 0) nonEmpty++;
        },
      },
    );
    expect(compared).toBe(ACCOUNT_METRICS.length * 6 * 7 * 3);
    // The data set exercises real numbers, not only empty answers.
    expect(nonEmpty).toBeGreaterThan(150);
  }, 300_000);

  it('keeps the facts equal to a full rebuild, and rebuilds on TRUNCATE', async () => {
    const { db } = await seedMessy();
    const snapshot = () =>
      queryRows<Record<string, unknown>>(
        db,
        sql`select grain, kind, rep_id, team_id, owned, currency, sum(n)::int as n, sum(amount)::text as amount
            from account_rollups group by 1, 2, 3, 4, 5, 6 having sum(n) <> 0 or sum(amount) <> 0 order by 1, 2, 3, 4, 5, 6`,
      );
    const facts = () =>
      queryRows<Record<string, unknown>>(
        db,
        sql`select 'a' as t, account_id as id, rep_id, team_id, owned::text as o, became::text as x from account_facts
            union all select 'c', contract_id, rep_id, team_id, owned::text, arr::text || '/' || coalesce(licenses::text, '-') from contract_facts
            union all select 'd', opportunity_id, rep_id, team_id, currency, amount_minor::text from deal_facts
            order by 1, 2`,
      );
    const [beforeRollups, beforeFacts] = [await snapshot(), await facts()];
    expect(beforeFacts.length).toBeGreaterThan(100);
    const version = await count(db, sql`select last_value::int as n from tally_data_version`);
    await db.execute(sql`select tally_account_rebuild_all()`);
    expect(await count(db, sql`select last_value::int as n from tally_data_version`)).toBeGreaterThan(
      version,
    );
    expect(await snapshot()).toEqual(beforeRollups);
    expect(await facts()).toEqual(beforeFacts);
    await db.execute(sql`truncate contracts`);
    expect(await count(db, sql`select count(*)::int as n from contract_facts`)).toBe(0);
    expect(
      await count(
        db,
        sql`select coalesce(sum(n), 0)::int as n from account_rollups where kind in (4, 5, 7, 8, 9, 10)`,
      ),
    ).toBe(0);
    expect(await count(db, sql`select count(*)::int as n from account_facts`)).toBeGreaterThan(40);
  }, 120_000);
});
