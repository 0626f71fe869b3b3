import { describe, expect, it } from 'vitest';
import { activities } from '../../src/db/schema/index.js';
import { pValueText } from '../../src/metrics/email-ab.js';
import { getEmailTemplates, getMetric, twoProportionTest } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { addRep } from './fixtures.js';

const org = { kind: 'org' as const };
let n = 0;

describe('two-proportion z-test', () => {
  it('matches the pooled z-test computed by hand (z = 2.140, p = 0.0324 for 51/812 vs 31/790)', () => {
    const t = twoProportionTest(51, 812, 31, 790);
    expect(t?.z).toBeCloseTo(2.13996, 4);
    expect(t?.p).toBeCloseTo(0.032358, 5);
    expect(twoProportionTest(12, 150, 10, 160)?.p).toBeCloseTo(0.548722, 5);
    // Too few emails, or too few expected replies: no test.
    expect(twoProportionTest(5, 99, 1, 500)).toBeNull();
    expect(twoProportionTest(1, 200, 2, 200)).toBeNull();
  });

  // Fresh tester: 45/312 vs 32/336 read "could well be chance (p = 0.05" — at α = 0.05 that reads as a
  // contradiction; the p-value shows the digits that put it on its side of α.
  it('writes p with two significant digits, more when they would round onto α or across it', () => {
    const p = twoProportionTest(45, 312, 32, 336)!.p;
    expect(p).toBeCloseTo(0.0539, 3);
    expect(pValueText(p)).toBe('p = 0.054');
    expect(pValueText(0.032358)).toBe('p = 0.032');
    expect(pValueText(0.548722)).toBe('p = 0.55');
    expect(pValueText(0.0496)).toBe('p = 0.0496');
    expect(pValueText(0.0504)).toBe('p = 0.0504');
    expect(pValueText(0.0004)).toBe('p < 0.001');
  });
});

describeDb('email templates (A/B)', (ctx) => {
  async function send(rep: number, template: string | null, count: number, opened: number, replied: number) {
    const rows = Array.from({ length: count }, (_, i) => ({
      externalId: `e-${++n}`,
      repId: rep,
      kind: 'email' as const,
      occurredAt: new Date('2026-10-10T10:00:00Z'),
      emailTemplate: template,
      emailOpenedAt: i < opened ? new Date('2026-10-10T11:00:00Z') : null,
      emailRepliedAt: i < replied ? new Date('2026-10-10T12:00:00Z') : null,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await ctx
        .db()
        .insert(activities)
        .values(rows.slice(i, i + 500));
  }

  // Fresh tester: the verdict printed `n = 7873 / 7359` where every other count has thousands separators.
  it("writes the verdict's counts with thousands separators", async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await send(ana, 'Short', 1200, 600, 120);
    await send(ana, 'Long', 1100, 500, 66);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const t = await getEmailTemplates(deps, { scope: org, period: '2026-10' });
    expect(t.verdict).toContain('n = 1,200 / 1,100)');
  });

  it('shows sent, open and reply rate per template and a verdict when the gap is unlikely to be chance', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await send(ana, 'Intro B', 812, 330, 51);
    await send(ana, ' Intro A ', 790, 300, 31);
    await send(ana, null, 20, 5, 1);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const t = await getEmailTemplates(deps, { scope: org, period: '2026-10' });
    expect(t.rows.map((r) => [r.template, r.sent, r.openRate, r.replyRate])).toEqual([
      ['Intro B', 812, 330 / 812, 51 / 812],
      ['Intro A', 790, 300 / 790, 31 / 790],
      [null, 20, 5 / 20, 1 / 20],
    ]);
    expect(t.verdict).toBe(
      "Intro B's reply rate is higher than Intro A's (6.3% vs 3.9%), and the gap is unlikely to be chance (p = 0.032, n = 812 / 790).",
    );
    const split = await getMetric(deps, { metric: 'emails', scope: org, period: '2026-10', by: 'template' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Intro B', { kind: 'value', value: 812 }],
      ['Intro A', { kind: 'value', value: 790 }],
      ['No template', { kind: 'value', value: 20 }],
    ]);
  });

  it('says the gap could be chance, or that there is not enough data yet', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await send(ana, 'Short', 150, 60, 12);
    await send(ana, 'Long', 160, 60, 10);
    await send(ana, 'Tiny', 30, 10, 9);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const t = await getEmailTemplates(deps, { scope: org, period: '2026-10' });
    // Tiny has too few sends to be compared; Short (8.0%) leads Long (6.3%). Tiny replies better (30.0%):
    // named, so the manager does not read Short as the best template.
    expect(t.verdict).toBe(
      "Short's reply rate is higher than Long's (8.0% vs 6.3%), but the gap could well be chance (p = 0.55, n = 150 / 160): not enough evidence yet to call it. Tiny replies more (30.0%) but on only 30 emails, too few to compare yet (100 needed).",
    );
    const early = await getEmailTemplates(deps, { scope: org, period: '2026-09' });
    expect(early.rows).toEqual([]);
    expect(early.verdict).toBeNull();
    const bob = await addRep(db, 'Bob');
    await send(bob, 'Tiny', 30, 10, 9);
    await send(bob, 'Tiny B', 40, 10, 2);
    const small = await getEmailTemplates(deps, { scope: { kind: 'rep', repId: bob }, period: '2026-10' });
    expect(small.test).toBeNull();
    expect(small.verdict).toBe(
      'Not enough data yet to call it: Tiny replies 30.0%, Tiny B 5.0% (n = 30 / 40); the test needs at least 100 emails per template and at least 5 replies and 5 non-replies expected in each.',
    );
  });
});
