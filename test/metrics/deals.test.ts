import { expect, it } from 'vitest';
import { findMetric, getMetric } from '../../src/metrics/index.js';
import type { MetricResult } from '../../src/metrics/types.js';
import { segmentTable } from '../../src/slack/blocks/answer-parts.js';
import { describeDb } from '../helpers/db.js';
import { addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');
const fig = (r: MetricResult, key: string) => r.figures.find((f) => f.key === key)?.value;
const v = (value: number) => ({ kind: 'value', value });

describeDb('deal metrics', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA', { timezone: 'Europe/Berlin' });
    const ana = await addRep(db, 'Ana', emea);
    const ben = await addRep(db, 'Ben');
    const won = 'won' as const;
    await addOpp(db, ana, {
      created: '2026-10-01T00:00:00Z',
      closed: '2026-11-05T00:00:00Z',
      outcome: won,
      amount: 100_000,
      product: 'Core',
    });
    await addOpp(db, ana, {
      created: '2026-11-01T00:00:00Z',
      closed: '2026-11-11T00:00:00Z',
      outcome: won,
      amount: 300_000,
      product: 'Plus',
    });
    await addOpp(db, ana, {
      created: '2026-10-20T00:00:00Z',
      closed: '2026-11-15T00:00:00Z',
      outcome: 'lost',
      amount: 50_000,
    });
    // Closed 31 Oct 23:30 UTC = 1 Nov 00:30 in Berlin: October for the org (UTC), November for EMEA.
    await addOpp(db, ana, {
      created: '2026-09-01T00:00:00Z',
      closed: '2026-10-31T23:30:00Z',
      outcome: won,
      amount: 500_000,
    });
    await addOpp(db, ana, {
      created: '2026-11-10T00:00:00Z',
      closed: '2026-11-20T00:00:00Z',
      outcome: won,
      amount: 900_000,
      currency: 'EUR',
    });
    await addOpp(db, ana, { created: '2026-11-12T00:00:00Z', amount: 200_000 });
    await addOpp(db, ben, {
      created: '2026-11-02T00:00:00Z',
      closed: '2026-11-03T00:00:00Z',
      outcome: won,
      amount: 50_000,
      product: 'Core',
    });
    await addOpp(db, ben, {
      created: '2026-11-02T00:00:00Z',
      closed: '2026-11-04T00:00:00Z',
      outcome: 'lost',
    });
    return { db, emea, ana, ben, deps: { db, defaultTimezone: 'UTC', now } };
  }
  const org = { kind: 'org' as const };

  it('computes win rate over deals closed in the period, in the scope zone', async () => {
    const { emea, deps } = await seed();
    const r = await getMetric(deps, { metric: 'winrate', scope: org, period: 'this month' });
    expect(r.value).toEqual(v(4 / 6));
    expect(r.calculation.inputs.map((i) => i.value)).toEqual([4, 6]);
    expect(r.calculation.n).toBe(6);
    // The month read up to now: its days so far, not through 30 Nov.
    expect(r.calculation.window).toBe('1 Nov – 23 Nov 2026 so far (UTC)');
    expect(r.series.at(-2)?.value).toEqual(v(1)); // October: the boundary deal, won
    const team = await getMetric(deps, {
      metric: findMetric('win-rate')!.id,
      scope: { kind: 'team', teamId: emea },
      period: 'this month',
    });
    expect(team.value).toEqual(v(4 / 5));
  });

  it('says no data when no deals closed, never 0 %', async () => {
    const { deps } = await seed();
    const r = await getMetric(deps, { metric: 'winrate', scope: org, period: '2025-Q1' });
    expect(r.value).toEqual({ kind: 'no_data', reason: 'no deals closed in this period' });
    expect(r.trend?.change).toBeNull();
  });

  it('uses the main currency for money and says how many deals were left out', async () => {
    const { deps } = await seed();
    const size = await getMetric(deps, { metric: 'dealsize', scope: org, period: 'this month' });
    expect(size.currency).toBe('USD');
    expect(size.value).toEqual(v(150_000));
    expect(size.sampleSize).toBe(3);
    expect(size.notes).toEqual([
      '1 won deal in another currency left out (no exchange rates); figures are in USD.',
    ]);
    const revenue = await getMetric(deps, { metric: 'revenue', scope: org, period: 'this month' });
    expect(revenue.value).toEqual(v(450_000));
    expect(fig(revenue, 'deals')).toEqual(v(3));
  });

  it('takes the median and mean sales cycle of deals won in the period', async () => {
    const { deps } = await seed();
    const r = await getMetric(deps, { metric: 'cycle', scope: org, period: 'this month' });
    expect(r.value).toEqual(v(10));
    expect(fig(r, 'mean')).toEqual(v(14));
    expect(r.sampleSize).toBe(4);
  });

  it('counts opportunities created and their pipeline value', async () => {
    const { deps } = await seed();
    const r = await getMetric(deps, {
      metric: findMetric('pipelinecreated')!.id,
      scope: org,
      period: 'this month',
    });
    expect(r.metric.id).toBe('opps');
    expect(r.value).toEqual(v(5));
    expect(fig(r, 'pipeline')).toEqual(v(550_000));
    expect(r.currency).toBe('USD');
    expect(r.notes).toHaveLength(1);
  });

  it('splits win rate by product and rep, best first and sample size breaking ties', async () => {
    const { deps } = await seed();
    const byProduct = await getMetric(deps, {
      metric: 'winrate',
      scope: org,
      period: 'this month',
      by: 'product',
    });
    expect(byProduct.segments?.rows.map((s) => [s.key, s.label, s.value, s.sampleSize])).toEqual([
      ['Core', 'Core', v(1), 2],
      ['Plus', 'Plus', v(1), 1],
      ['none', 'No product', v(1 / 3), 3],
    ]);
    const byRep = await getMetric(deps, { metric: 'winrate', scope: org, period: 'this month', by: 'rep' });
    expect(byRep.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['Ana', v(3 / 4)],
      ['Ben', v(1 / 2)],
    ]);
  });

  it('splits deal size per rep in the one currency, with no data for a rep who won only in another', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    await addOpp(db, ana, {
      created: '2026-11-01T00:00:00Z',
      closed: '2026-11-02T00:00:00Z',
      outcome: 'won',
      amount: 1000,
    });
    await addOpp(db, ana, {
      created: '2026-11-01T00:00:00Z',
      closed: '2026-11-02T00:00:00Z',
      outcome: 'won',
      amount: 3000,
    });
    await addOpp(db, ben, {
      created: '2026-11-01T00:00:00Z',
      closed: '2026-11-02T00:00:00Z',
      outcome: 'won',
      amount: 5000,
      currency: 'GBP',
    });
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'dealsize', scope: org, period: 'this month', by: 'rep' },
    );
    expect(r.value).toEqual(v(2000));
    expect(r.segments?.rows.map((s) => [s.label, s.value.kind])).toEqual([
      ['Ana', 'value'],
      ['Ben', 'no_data'],
    ]);
  });

  // Fresh tester: Ben's row read "— no data n=0" beside a headline that said why in a note.
  it('says in a split by rep that a rep won only in other currencies, as the headline note does', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    const deal = { created: '2026-11-01T00:00:00Z', closed: '2026-11-02T00:00:00Z', outcome: 'won' as const };
    await addOpp(db, ana, { ...deal, amount: 1000 });
    await addOpp(db, ana, { ...deal, amount: 3000 });
    await addOpp(db, ben, { ...deal, amount: 5000, currency: 'GBP' });
    await addOpp(db, ben, { ...deal, amount: 7000, currency: 'EUR' });
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'dealsize', scope: org, period: 'this month', by: 'rep' },
    );
    expect(r.notes).toContain(
      '2 won deals in other currencies left out (no exchange rates); figures are in USD.',
    );
    expect(r.segments?.rows.map((s) => [s.label, s.otherCurrenciesOnly])).toEqual([
      ['Ana', undefined],
      ['Ben', 2],
    ]);
    const table = JSON.stringify(segmentTable(r));
    expect(table).toContain('no data in USD');
    expect(table).toContain('n=0, 2 in other currencies');
    expect(table).not.toMatch(/no data n=0/);
  });

  // Fresh tester: a revenue leaderboard row read "no data, n=0" for a rep whose one win has no amount,
  // as if the rep had won nothing; the row now says why, as the headline does.
  it('says in a split by rep why a row has no value: every deal won lacks an amount', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    const deal = { created: '2026-11-01T00:00:00Z', closed: '2026-11-02T00:00:00Z', outcome: 'won' as const };
    await addOpp(db, ana, { ...deal, amount: 1000 });
    await addOpp(db, ben, deal);
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'revenue', scope: org, period: 'this month', by: 'rep' },
    );
    const table = JSON.stringify(segmentTable(r));
    expect(table).toContain('Ana — $10 _n=1_');
    expect(table).toContain('Ben — no data _n=0, no deal won in this period has an amount_');
  });

  // helper-186 / helper-189: a 1-of-1 win rate topped the table; ranked after the full samples, the table
  // says why a higher rate is listed lower.
  it('ranks a small-sample row after the full samples and says so under the table', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    const closed = { created: '2026-11-01T00:00:00Z', closed: '2026-11-02T00:00:00Z' };
    for (let i = 0; i < 10; i++) await addOpp(db, ana, { ...closed, outcome: i < 4 ? 'won' : 'lost' });
    await addOpp(db, ben, { ...closed, outcome: 'won' });
    const r = await getMetric(
      { db, defaultTimezone: 'UTC', now },
      { metric: 'winrate', scope: org, period: 'this month', by: 'rep' },
    );
    expect(r.segments?.rows.map((s) => s.label)).toEqual(['Ana', 'Ben']);
    expect(segmentTable(r)).toMatchObject({
      text: {
        text: '1. Ana — 40.0% _n=10_\n2. Ben — 100.0% _n=1, small sample_\n_Rows on fewer than 10 records (small samples) are ranked after the rest._',
      },
    });
  });

  // Second fresh tester: an empty split read "_No rows._".
  it('says what is missing when a split has no rows', async () => {
    const r = await getMetric(
      { db: ctx.db(), defaultTimezone: 'UTC', now },
      { metric: 'revenue', scope: org, period: 'this month', by: 'team' },
    );
    expect(r.segments?.rows).toEqual([]);
    expect(segmentTable(r)).toMatchObject({
      text: { text: '_Nothing to list: no team has revenue won for November 2026._' },
    });
  });
});
