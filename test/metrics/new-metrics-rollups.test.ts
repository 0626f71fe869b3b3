import { expect, it } from 'vitest';
import { activities, opportunities } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricId } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addLead, addOpp, addRep } from './fixtures.js';

const org = { kind: 'org' as const };

describeDb('new metrics: rollups and raw rows agree', (ctx) => {
  it('gives the same answers, series and splits with and without rollups', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const bob = await addRep(db, 'Bob');
    for (const [i, rep] of [ana, bob, ana, bob, ana].entries()) {
      const day = `2026-10-${String(3 + i * 4).padStart(2, '0')}T10:00:00Z`;
      const lead = await addLead(db, rep, {
        created: '2026-09-20T00:00:00Z',
        touched: '2026-09-22T00:00:00Z',
      });
      await addOpp(db, rep, {
        created: '2026-09-25T00:00:00Z',
        closed: day,
        outcome: 'won',
        amount: 1_000 * (i + 1),
        leadId: lead,
      });
      await db.insert(opportunities).values({
        externalId: `x-${i}`,
        ownerRepId: rep,
        createdAt: new Date('2026-09-01T00:00:00Z'),
        closedAt: new Date(day),
        outcome: 'lost',
        amountMinor: 500,
        lossReason: i % 2 ? 'Price' : 'timing',
      });
      await db.insert(activities).values({
        externalId: `em-${i}`,
        repId: rep,
        kind: 'email',
        occurredAt: new Date(day),
        emailTemplate: i % 2 ? 'A' : 'B',
        emailRepliedAt: i % 3 ? new Date(day) : null,
      });
    }
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const cases: [MetricId, 'rep' | 'reason' | 'template' | 'product' | undefined][] = [
      ['lostdeals', 'reason'],
      ['lostdeals', 'rep'],
      ['leadcycle', 'rep'],
      ['emails', 'template'],
      ['coverage', undefined],
      ['arpu', 'product'],
    ];
    for (const [metric, by] of cases) {
      const q = { metric, scope: org, period: '2026-10', ...(by ? { by } : {}) };
      const withRollups = await getMetric({ ...deps, useRollups: true }, q);
      const raw = await getMetric({ ...deps, useRollups: false }, q);
      expect(withRollups.value, metric).toEqual(raw.value);
      expect(
        withRollups.series.map((p) => p.value),
        metric,
      ).toEqual(raw.series.map((p) => p.value));
      expect(withRollups.segments, metric).toEqual(raw.segments);
    }
  });
});
