import { expect, it } from 'vitest';
import { getMetric } from '../../src/metrics/index.js';
import { parseCommand } from '../../src/slack/grammar/parse.js';
import { describeDb } from '../helpers/db.js';
import { addLead, addOpp, addRep } from './fixtures.js';

const org = { kind: 'org' as const };
const v = (value: number) => ({ kind: 'value', value });

describeDb('lead-to-close cycle', (ctx) => {
  it('counts calendar days from first contact (touch, else creation) to the won close', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    // Touched 3 Oct, its opportunity won 20 Oct: 17 days.
    const a = await addLead(db, ana, {
      created: '2026-10-01T08:00:00Z',
      touched: '2026-10-03T15:00:00Z',
      source: 'web',
    });
    await addOpp(db, ana, {
      created: '2026-10-04T00:00:00Z',
      closed: '2026-10-20T09:00:00Z',
      outcome: 'won',
      leadId: a,
    });
    // No touch recorded, the win is on the lead (as in Olist): 5 Oct → 12 Oct = 7 days, from creation.
    await addLead(db, ana, {
      created: '2026-10-05T00:00:00Z',
      converted: '2026-10-12T23:30:00Z',
      source: 'ads',
    });
    // Won 9 Oct, before its first touch on 11 Oct: −2 days, counted as 0.
    const c = await addLead(db, ana, { created: '2026-10-10T00:00:00Z', touched: '2026-10-11T00:00:00Z' });
    await addOpp(db, ana, {
      created: '2026-10-01T00:00:00Z',
      closed: '2026-10-09T00:00:00Z',
      outcome: 'won',
      leadId: c,
    });
    // Lost, and won in September: not October's.
    const d = await addLead(db, ana, { created: '2026-10-01T00:00:00Z' });
    await addOpp(db, ana, {
      created: '2026-10-02T00:00:00Z',
      closed: '2026-10-15T00:00:00Z',
      outcome: 'lost',
      leadId: d,
    });
    await addLead(db, ana, { created: '2026-09-01T00:00:00Z', converted: '2026-09-30T12:00:00Z' });
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const r = await getMetric(deps, { metric: 'leadcycle', scope: org, period: '2026-10' });
    expect(r.value).toEqual(v(7)); // 0, 7, 17
    expect(r.figures.find((f) => f.key === 'mean')?.value).toEqual(v(8));
    expect(r.figures.find((f) => f.key === 'from_creation')?.value).toEqual(v(1));
    expect(r.notes).toEqual([
      '1 of 3 cycles start at the lead’s creation (no outbound touch recorded); the rest at the first outbound touch.',
      '1 lead won before its first contact (clock skew or bad data) counts as 0 days.',
    ]);
    expect(r.series.at(-2)?.value).toEqual(v(29)); // 1 Sep → 30 Sep
    const bySource = await getMetric(deps, {
      metric: 'leadcycle',
      scope: org,
      period: '2026-10',
      by: 'source',
    });
    // The leads of no source come last, whatever their figure (fresh tester helper-503: "1. No source").
    expect(bySource.segments?.rows.map((s) => [s.label, s.value])).toEqual([
      ['ads', v(7)],
      ['web', v(17)],
      ['No source', v(0)],
    ]);
  });

  it('takes each lead’s first won deal by close then id, and the lead’s own conversion only without one', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const ben = await addRep(db, 'Ben');
    const won = (owner: number, leadId: number | undefined, closed: string, product: string) =>
      addOpp(db, owner, {
        created: '2026-09-01T00:00:00Z',
        closed,
        outcome: 'won',
        product,
        ...(leadId ? { leadId } : {}),
      });
    // Two wins: the earlier close (11 Oct, Ana's) is the lead's, not the one on 21 Oct: 10 days.
    const l1 = await addLead(db, ana, { created: '2026-10-01T00:00:00Z' });
    await won(ben, l1, '2026-10-21T00:00:00Z', 'basic');
    await won(ana, l1, '2026-10-11T00:00:00Z', 'pro');
    // Converted on 5 Oct and won on 25 Oct: the won deal is the close (23 days, Ben's).
    const l2 = await addLead(db, ben, { created: '2026-10-02T00:00:00Z', converted: '2026-10-05T00:00:00Z' });
    await won(ben, l2, '2026-10-25T00:00:00Z', 'basic');
    // Two wins at the same instant: the lower id (Ben's, inserted first) is the lead's: 10 days.
    const l3 = await addLead(db, ana, { created: '2026-10-03T00:00:00Z' });
    await won(ben, l3, '2026-10-13T00:00:00Z', 'x');
    await won(ana, l3, '2026-10-13T00:00:00Z', 'pro');
    // Converted in November but won on 30 Oct: an October close (10 days, Ana's); November has none.
    const l4 = await addLead(db, ben, { created: '2026-10-20T00:00:00Z', converted: '2026-11-02T00:00:00Z' });
    await won(ana, l4, '2026-10-30T00:00:00Z', 'pro');
    // A won deal with no lead is not a lead's close.
    await won(ana, undefined, '2026-10-15T00:00:00Z', 'pro');
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const october = await getMetric(deps, { metric: 'leadcycle', scope: org, period: '2026-10', by: 'rep' });
    expect(october.sampleSize).toBe(4); // 10, 23, 10, 10
    expect(october.value).toEqual(v(10));
    expect(october.figures.find((f) => f.key === 'mean')?.value).toEqual(v(13.25));
    expect(october.segments?.rows.map((s) => [s.label, s.value, s.sampleSize])).toEqual([
      ['Ana', v(10), 2],
      ['Ben', v(16.5), 2],
    ]);
    const byProduct = await getMetric(deps, {
      metric: 'leadcycle',
      scope: org,
      period: '2026-10',
      by: 'product',
    });
    expect(byProduct.segments?.rows.map((s) => [s.label, s.value, s.sampleSize])).toEqual([
      ['pro', v(10), 2],
      ['x', v(10), 1],
      ['basic', v(23), 1],
    ]);
    const november = await getMetric(deps, { metric: 'leadcycle', scope: org, period: '2026-11' });
    expect(november.sampleSize).toBe(0);
  });

  it('reads `cycle … from lead` as the lead-to-close cycle', () => {
    const ctxGrammar = { now: new Date('2026-11-25T12:00:00Z'), timezone: 'UTC', subcommands: [] };
    expect(parseCommand('cycle team from lead last quarter', ctxGrammar)).toMatchObject({
      kind: 'ask',
      metric: { id: 'leadcycle' },
      scope: { kind: 'my_team' },
      period: 'last quarter',
    });
    expect(parseCommand('cycle from first contact', ctxGrammar)).toMatchObject({
      metric: { id: 'leadcycle' },
    });
    expect(parseCommand('cycle team', ctxGrammar)).toMatchObject({ metric: { id: 'cycle' } });
  });
});
