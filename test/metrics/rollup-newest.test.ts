import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { opportunities, teamMemberships } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricId, Scope } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import {
  COUNTER_METRICS,
  expectRollupsEqualRaw,
  orgScopes,
  prng,
  seedOrg,
} from '../helpers/rollup-equality.js';
import { addActivity, addCall, addLead, addMembership, addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

/**
 * An answer's freshness ("Data as of") is the newest record of the kinds its metric reads: a calls answer read
 * from the rollups must not take the time of a deal closed later in the same month row (helper-168's report).
 */
describeDb('rollup freshness per kind', (ctx) => {
  /** One rep in Berlin with one record of every kind, each on its own day of November 2026. */
  async function seedKinds() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA', { timezone: 'Europe/Berlin' });
    const ana = await addRep(db, 'Ana', emea);
    await addCall(db, ana, '2026-11-02T09:00:00Z');
    await addActivity(db, {
      repId: ana,
      kind: 'email',
      direction: 'outbound',
      occurredAt: new Date('2026-11-04T09:00:00Z'),
    });
    await addActivity(db, {
      repId: ana,
      kind: 'meeting',
      direction: 'outbound',
      occurredAt: new Date('2026-11-05T09:00:00Z'),
      meetingBookedAt: new Date('2026-11-05T09:00:00Z'),
      meetingHeldAt: new Date('2026-11-09T09:00:00Z'),
    });
    await addOpp(db, ana, {
      created: '2026-11-03T09:00:00Z',
      closed: '2026-11-16T09:00:00Z',
      outcome: 'lost',
    });
    await addOpp(db, ana, {
      created: '2026-11-06T09:00:00Z',
      closed: '2026-11-20T09:00:00Z',
      outcome: 'won',
      amount: 5000,
    });
    await addLead(db, ana, { created: '2026-11-10T09:00:00Z', qualified: '2026-11-18T09:00:00Z' });
    return { emea, ana, deps: { db, defaultTimezone: 'UTC', now } };
  }

  /** Newest record of each metric, worked out by hand from `seedKinds`. */
  const NEWEST: Record<string, string> = {
    calls: '2026-11-02T09:00:00.000Z',
    emails: '2026-11-04T09:00:00.000Z',
    meetings: '2026-11-09T09:00:00.000Z', // held after it was booked
    opps: '2026-11-06T09:00:00.000Z',
    winrate: '2026-11-20T09:00:00.000Z', // the won close, after the lost one
    dealsize: '2026-11-20T09:00:00.000Z',
    revenue: '2026-11-20T09:00:00.000Z',
    lostdeals: '2026-11-16T09:00:00.000Z',
    conversion: '2026-11-18T09:00:00.000Z', // qualified after created
  };

  it('gives every metric the newest record of its own kind, for a rep, a team and the org', async () => {
    const { emea, ana, deps } = await seedKinds();
    const scopes: Scope[] = [{ kind: 'rep', repId: ana }, { kind: 'team', teamId: emea }, { kind: 'org' }];
    expect(Object.keys(NEWEST).sort()).toEqual([...COUNTER_METRICS].sort());
    for (const metric of Object.keys(NEWEST) as MetricId[])
      for (const scope of scopes)
        for (const useRollups of [true, false]) {
          const r = await getMetric({ ...deps, useRollups }, { metric, scope, period: 'this month' });
          expect(
            r.freshness.newestRecordAt?.toISOString(),
            `${metric} ${scope.kind} rollups=${useRollups}`,
          ).toBe(NEWEST[metric]);
        }
  });

  it('keeps each kind apart in the hour, day and month rows of a split by rep', async () => {
    // A team's or the org's split by rep reads its newest record from the team rows, its segments from the
    // rep rows (one statement): the same time as without the split, for every metric.
    const { emea, deps } = await seedKinds();
    for (const metric of Object.keys(NEWEST) as MetricId[])
      for (const scope of [{ kind: 'org' }, { kind: 'team', teamId: emea }] as Scope[]) {
        const r = await getMetric(deps, { metric, scope, period: 'this month', by: 'rep' });
        expect(r.freshness.newestRecordAt?.toISOString(), `${metric} ${scope.kind}`).toBe(NEWEST[metric]);
      }
  });

  it('does not date a team by a record its rep moved to another team, nor by a deleted one', async () => {
    // Helper-173: Alpha's "Data as of" was a deal Cat closed after moving to Beta: the team's day row lost its
    // only win and kept its newest time (a maximum cannot be taken back). Days 16–23 November read day rows.
    const db = ctx.db();
    const alpha = await addTeam(db, 'Alpha');
    const beta = await addTeam(db, 'Beta');
    const ann = await addRep(db, 'Ann', alpha);
    const cat = await addRep(db, 'Cat', alpha, '2026-01-01T00:00:00Z');
    await addCall(db, ann, '2026-11-17T09:00:00Z');
    await addOpp(db, ann, {
      created: '2026-11-02T09:00:00Z',
      closed: '2026-11-18T09:00:00Z',
      outcome: 'won',
      amount: 100,
    });
    await addOpp(db, cat, {
      created: '2026-11-03T09:00:00Z',
      closed: '2026-11-20T09:00:00Z',
      outcome: 'won',
      amount: 5000,
    });
    await addCall(db, cat, '2026-11-19T09:00:00Z');
    const gone = await addOpp(db, ann, {
      created: '2026-11-04T09:00:00Z',
      closed: '2026-11-21T09:00:00Z',
      outcome: 'lost',
    });
    // Cat moves to Beta on 16 November, before her win and her call; Ann's lost deal of the 21st is deleted.
    await db
      .update(teamMemberships)
      .set({ validTo: new Date('2026-11-16T00:00:00Z') })
      .where(eq(teamMemberships.repId, cat));
    await addMembership(db, cat, beta, '2026-11-16T00:00:00Z');
    await db.delete(opportunities).where(eq(opportunities.id, gone));
    const deps = { db, defaultTimezone: 'UTC', now };
    const period = '2026-11-16..2026-11-23';
    const expected: [MetricId, string | undefined][] = [
      ['winrate', '2026-11-18T09:00:00.000Z'],
      ['revenue', '2026-11-18T09:00:00.000Z'],
      ['lostdeals', undefined],
      ['calls', '2026-11-17T09:00:00.000Z'],
    ];
    for (const [metric, newest] of expected)
      for (const useRollups of [true, false]) {
        const r = await getMetric(
          { ...deps, useRollups },
          { metric, scope: { kind: 'team', teamId: alpha }, period },
        );
        expect(r.freshness.newestRecordAt?.toISOString(), `${metric} rollups=${useRollups}`).toBe(newest);
      }
    // Beta has Cat's win.
    const won = await getMetric(deps, { metric: 'winrate', scope: { kind: 'team', teamId: beta }, period });
    expect(won.freshness.newestRecordAt?.toISOString()).toBe('2026-11-20T09:00:00.000Z');
  });

  it('equals the raw rows’ newest record for every counter metric, scope and period of a messy org', async () => {
    const db = ctx.db();
    const org = await seedOrg(db);
    const rnd = prng(11);
    const at = (daysBack: number) => new Date(now.getTime() - Math.floor(rnd() * daysBack * 86_400_000));
    const kinds = ['call', 'email', 'meeting'] as const;
    for (let i = 0; i < 90; i++) {
      const occurred = at(100);
      const kind = kinds[i % 3]!;
      await addActivity(db, {
        repId: org.reps[i % org.reps.length]!,
        kind,
        direction: 'outbound',
        occurredAt: occurred,
        meetingBookedAt: kind === 'meeting' && rnd() < 0.7 ? at(120) : null,
        meetingHeldAt: kind === 'meeting' && rnd() < 0.5 ? occurred : null,
      });
    }
    for (let i = 0; i < 45; i++) {
      const created = at(120);
      const outcome = (['open', 'won', 'lost'] as const)[i % 3]!;
      const closed = new Date(created.getTime() + rnd() * 30 * 86_400_000);
      await addOpp(db, org.reps[i % org.reps.length]!, {
        created: created.toISOString(),
        ...(outcome !== 'open' && closed < now ? { closed: closed.toISOString(), outcome } : {}),
        amount: 1000 + i,
      });
      const lead = at(120);
      await addLead(db, org.reps[i % org.reps.length]!, {
        created: lead.toISOString(),
        ...(i % 2 ? { qualified: new Date(lead.getTime() + rnd() * 9 * 86_400_000).toISOString() } : {}),
      });
    }
    let withNewest = 0;
    const compared = await expectRollupsEqualRaw(
      { db, defaultTimezone: 'UTC', now },
      {
        metrics: COUNTER_METRICS,
        scopes: orgScopes(org),
        periods: ['this month', 'last month', 'this quarter', 'last 30 days', 'this year'],
        bys: [undefined, 'rep'],
        include: { trend: false, series: false },
      },
      {
        same: (r) => r.freshness.newestRecordAt?.toISOString() ?? null,
        each: (raw) => {
          if (raw.freshness.newestRecordAt) withNewest++;
        },
      },
    );
    expect(compared).toBe(COUNTER_METRICS.length * 5 * 5 * 2);
    // Most answers have a newest record to compare (not null = null throughout).
    expect(withNewest).toBeGreaterThan(compared * 0.8);
  });
});
