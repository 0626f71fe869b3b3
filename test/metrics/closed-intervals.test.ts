import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { closedByInterval, intervalBounds } from '../../src/metrics/compute/closed-intervals.js';
import { scopedRows } from '../../src/metrics/compute/rows.js';
import type { Scope } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { orgScopes, prng, seedOrg } from '../helpers/rollup-equality.js';
import { addOpp } from './fixtures.js';

type Counts = { k: number; currency: string; won_n: number; won_minor: string; lost_n: number };

describeDb('closed deals between instants: rollups plus raw edges equal the raw rows', (ctx) => {
  it('counts won and lost deals and won amounts per interval and currency for every scope', async () => {
    const db = ctx.db();
    const org = await seedOrg(db);
    const rnd = prng(7);
    const start = Date.parse('2025-09-01T00:00:00Z');
    const span = 450 * 86_400_000;
    for (let i = 0; i < 160; i++) {
      // Instants anywhere (mid-hour mostly), some exactly on a bound below.
      const at = i % 20 === 0 ? Date.parse('2026-11-15T12:34:56Z') : start + Math.floor(rnd() * span);
      await addOpp(db, i % 11 === 0 ? null : org.reps[i % org.reps.length]!, {
        created: '2025-01-01T00:00:00Z',
        closed: new Date(at).toISOString(),
        outcome: i % 3 === 0 ? 'lost' : 'won',
        amount: 1_000 + i,
        currency: i % 5 === 0 ? 'EUR' : 'USD',
      });
    }
    const bounds = intervalBounds(
      [
        '2025-11-15T12:34:56Z',
        '2026-01-01T00:00:00Z',
        '2026-10-31T18:30:00Z',
        '2026-11-01T00:00:00Z',
        '2026-11-04T14:37:12Z',
        '2026-11-15T12:34:56Z',
        '2026-11-15T12:50:00Z',
        '2027-01-01T00:00:00Z',
      ].map((t) => new Date(t)),
    );
    const tarr = sql`${`{${bounds.map((t) => new Date(t).toISOString()).join(',')}}`}::timestamptz[]`;
    const summed = (rel: ReturnType<typeof sql>) =>
      queryRows<Counts>(
        db,
        sql`select x.k::int as k, x.currency::text as currency, sum(x.won_n)::int as won_n,
            sum(x.won_minor)::text as won_minor, sum(x.lost_n)::int as lost_n
          from (${rel}) x group by 1, 2 having sum(x.won_n) + sum(x.lost_n) > 0 order by 1, 2`,
      );
    const scopes: Scope[] = [...orgScopes(org), { kind: 'rep', repId: org.reps[0]! }];
    let deals = 0;
    for (const scope of scopes) {
      const rows = scopedRows(
        {
          from: sql`opportunities x`,
          ts: sql`x.closed_at`,
          rep: sql`x.owner_rep_id`,
          where: sql`x.outcome in ('won', 'lost')`,
          columns: sql`x.outcome, x.currency, x.amount_minor`,
        },
        scope,
        new Date(bounds[0]!),
        new Date(bounds.at(-1)!),
      );
      const raw = await summed(sql`select width_bucket(x.ts, ${tarr}) - 1 as k, x.currency,
          count(*) filter (where x.outcome = 'won') as won_n,
          coalesce(sum(x.amount_minor) filter (where x.outcome = 'won'), 0) as won_minor,
          count(*) filter (where x.outcome = 'lost') as lost_n
        from (${rows}) x group by 1, 2`);
      expect(await summed(closedByInterval(scope, bounds)), JSON.stringify(scope)).toEqual(raw);
      deals += raw.reduce((s, r) => s + r.won_n + r.lost_n, 0);
    }
    // Deals in every scope, not empty comparisons.
    expect(deals).toBeGreaterThan(150);
  });
});
