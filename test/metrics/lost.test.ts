import { expect, it } from 'vitest';
import { opportunities } from '../../src/db/schema/index.js';
import { getLossReasons, getMetric, topLossReasonsLine } from '../../src/metrics/index.js';
import { buildLostMessage } from '../../src/slack/blocks/lost.js';
import { describeDb } from '../helpers/db.js';
import { addOpp, addRep } from './fixtures.js';

const org = { kind: 'org' as const };
const v = (value: number) => ({ kind: 'value', value });
let n = 0;

describeDb('lost deals by reason', (ctx) => {
  async function lose(rep: number, closed: string, amount: number, reason: string | null) {
    await ctx
      .db()
      .insert(opportunities)
      .values({
        externalId: `lost-${++n}`,
        ownerRepId: rep,
        createdAt: new Date('2026-08-01T00:00:00Z'),
        closedAt: new Date(closed),
        outcome: 'lost',
        amountMinor: amount,
        lossReason: reason,
      });
  }

  it('groups normalised reasons with share, amount, change and a long tail as "Other (N reasons)"', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    // October: price ×3 in three spellings (one each: shown under the first in byte order, "PRICE"), timing ×2
    // ("Timing" before "timing"), five single reasons, one without a reason.
    await lose(ana, oct, 1_000, 'Price');
    await lose(ana, oct, 2_000, ' price ');
    await lose(ana, '2026-10-01T00:00:00Z', 3_000, 'PRICE');
    await lose(ana, oct, 500, 'Timing');
    await lose(ana, oct, 500, 'timing');
    for (const r of ['No budget', 'Competitor', 'Went  dark', 'Bad fit', 'Legal'])
      await lose(ana, oct, 100, r);
    await lose(ana, oct, 700, null);
    // September: price ×1, timing ×4. A won deal is no loss.
    await lose(ana, '2026-09-05T00:00:00Z', 100, 'price');
    for (let i = 0; i < 4; i++) await lose(ana, '2026-09-06T00:00:00Z', 100, 'Timing');
    await addOpp(db, ana, { created: '2026-09-01T00:00:00Z', closed: oct, outcome: 'won', amount: 9_999 });
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    expect(lr.result.value).toEqual(v(11));
    expect(lr.result.figures.find((f) => f.key === 'amount')?.value).toEqual(v(8_200));
    expect(lr.result.trend?.change?.absolute).toBe(6); // 11 vs 5
    expect(lr.hasReasons).toBe(true);
    expect(lr.rows.map((r) => [r.label, r.lost, r.amount, r.share, r.previousLost])).toEqual([
      ['PRICE', 3, 6_000, 3 / 11, 1],
      ['Timing', 2, 1_000, 2 / 11, 4],
      ['Bad fit', 1, 100, 1 / 11, 0],
      ['Competitor', 1, 100, 1 / 11, 0],
      ['Legal', 1, 100, 1 / 11, 0],
      ['Other (2 reasons)', 2, 200, 2 / 11, 0],
      ['No reason given', 1, 700, 1 / 11, 0],
    ]);
    expect(await topLossReasonsLine(deps, { scope: org, period: '2026-10' })).toBe(
      // Second probe (LOW): the deal with no reason was left out, so the shares did not add up.
      'Top loss reasons: PRICE (3 of 11 lost, 27%), Timing (2, 18%), Bad fit (1, 9%); no reason given: 1 (9%)',
    );
    // The same reasons as a split of the lostdeals metric.
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    const rows = new Map(split.segments?.rows.map((r) => [r.label, r.value]));
    expect(rows.get('PRICE')).toEqual(v(3));
    expect(rows.get('Went dark')).toEqual(v(1));
    expect(rows.get('No reason given')).toEqual(v(1));
    const text = JSON.stringify(buildLostMessage(lr));
    expect(text).toContain('*PRICE* — 3 (27%) · $60 · +2 vs 1');
    expect(text).toContain('_Other (2 reasons)_ — 2 (18%) · $2 · new');
  });

  // Fresh tester (MED): reasons were shown as their grouping key with a capital first letter, "Went with sap 🦄"
  // for "Went with SAP 🦄", "Chose <competitor> & co" for its only spelling "Chose <Competitor> & Co".
  it('shows each reason under its most used spelling as recorded, grouped by its normalised key', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    await lose(ana, oct, 1_000, 'Went with SAP 🦄');
    await lose(ana, oct, 1_000, '  Went with SAP 🦄 ');
    await lose(ana, oct, 1_000, 'went  with sap 🦄');
    await lose(ana, oct, 500, 'Chose <Competitor> & Co');
    // A tie is broken in byte order ("Legal" before "legal"); inner whitespace runs show as one space.
    await lose(ana, oct, 100, 'legal');
    await lose(ana, oct, 100, 'Legal\t\treview');
    await lose(ana, oct, 100, 'legal review');
    await lose(ana, oct, 100, '*Timing*');
    // A spelling used only in the previous period does not name the reason this period.
    for (let i = 0; i < 3; i++) await lose(ana, '2026-09-06T00:00:00Z', 100, 'CHOSE <COMPETITOR> & CO');
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    expect(lr.rows.map((r) => [r.label, r.lost, r.previousLost])).toEqual([
      ['Went with SAP 🦄', 3, 0],
      ['Legal review', 2, 0],
      ['*Timing*', 1, 0],
      ['Chose <Competitor> & Co', 1, 3],
      ['legal', 1, 0],
    ]);
    expect(await topLossReasonsLine(deps, { scope: org, period: '2026-10' })).toBe(
      'Top loss reasons: Went with SAP 🦄 (3 of 8 lost, 38%), Legal review (2, 25%), *Timing* (1, 13%)',
    );
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(new Set(split.segments?.rows.map((r) => r.label))).toEqual(
      new Set(['Went with SAP 🦄', 'Legal review', '*Timing*', 'Chose <Competitor> & Co', 'legal']),
    );
    // Escaped for mrkdwn as before.
    const text = JSON.stringify(buildLostMessage(lr));
    expect(text).toContain('Chose &lt;Competitor&gt; &amp; Co');
    expect(text).toContain('*Went with SAP 🦄* — 3');
  });

  // Fresh tester (MED): `lostdeals team by reason` ranked reasons fewest first, as a leaderboard of a "lower is
  // better" metric ranks reps, with "No reason given" between them.
  it('splits lost deals by reason most first, with "No reason given" last', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    for (const r of ['Legal', 'Price', 'Timing', 'Price', null, 'Timing', null, 'Price', null, null])
      await lose(ana, oct, 100, r);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Price', v(3)],
      ['Timing', v(2)],
      ['Legal', v(1)],
      ['No reason given', v(4)],
    ]);
    // A split by rep still ranks by the metric's direction (fewest lost first).
    const bob = await addRep(db, 'Bob');
    await lose(bob, oct, 100, 'Price');
    const byRep = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'rep' });
    expect(byRep.segments?.rows.map((r) => r.label)).toEqual(['Bob', 'Ana']);
  });

  // Tester (MED-LOW): `/metrics lost` and the win rate's loss-reason line broke a tie in deals by amount lost,
  // a split by reason by name, so "the third reason" differed between the views. One rule: most deals first,
  // then by name as people count ("Reason 9" before "Reason 10"), the catch-all last.
  it('orders tied reasons by name in /metrics lost, the win-rate line and a split by reason alike', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    await lose(ana, oct, 100, 'Price');
    await lose(ana, oct, 100, 'Price');
    await lose(ana, oct, 100, 'Timing');
    await lose(ana, oct, 9_000, 'Timing');
    await lose(ana, oct, 5_000, 'Reason 10');
    await lose(ana, oct, 100, 'Reason 9');
    await lose(ana, oct, 9_000, 'Budget');
    await lose(ana, oct, 700, null);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    const order = ['Price', 'Timing', 'Budget', 'Reason 9', 'Reason 10', 'No reason given'];
    expect(lr.rows.map((r) => r.label)).toEqual(order);
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(split.segments?.rows.map((r) => r.label)).toEqual(order);
    expect(await topLossReasonsLine(deps, { scope: org, period: '2026-10' })).toBe(
      'Top loss reasons: Price (2 of 8 lost, 25%), Timing (2, 25%), Budget (1, 13%); no reason given: 1 (13%)',
    );
  });

  // Tester (LOW): the split's definition note promised "Other (N reasons)", which only `/metrics lost` shows.
  it('lists every reason in a split by reason, and its definition says only /metrics lost groups the tail', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const reasons = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    for (const r of reasons) await lose(ana, '2026-10-10T10:00:00Z', 100, r);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(split.segments?.rows.map((r) => r.label)).toEqual(reasons);
    const definition = split.metric.definition;
    expect(definition).toMatch(/`\/metrics lost` [^.]*"Other \(N reasons\)"/);
    expect(definition).toContain('A split `by reason` lists every reason');
    expect((await getLossReasons(deps, { scope: org, period: '2026-10' })).rows.at(-1)?.label).toBe(
      'Other (2 reasons)',
    );
  });

  it('calls no reason "new" against a period before the data, and says there is no earlier data', async () => {
    // Tester helper-169 (MED): `lost org 2025` marked every reason "new", "change vs 2024", the data starting
    // in December 2025. Here every deal was created on 1 Aug 2026: July is before the data.
    const ana = await addRep(ctx.db(), 'Ana');
    await lose(ana, '2026-08-10T10:00:00Z', 1_000, 'Price');
    await lose(ana, '2026-08-11T10:00:00Z', 2_000, 'Timing');
    const deps = { db: ctx.db(), defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const text = JSON.stringify(
      buildLostMessage(await getLossReasons(deps, { scope: org, period: '2026-08' })),
    );
    expect(text).toContain('vs July 2026: no earlier data (the data starts on 1 Aug 2026)');
    expect(text).toContain('*Price* — 1 (50%) · $10\\n*Timing* — 1 (50%) · $20"');
    expect(text).not.toContain('new');
    expect(text).toContain('Share = of all 2 deals lost.');
    // `all time` has no period before it: no reason is "new" and there is no "change vs" (helper-171).
    const all = JSON.stringify(
      buildLostMessage(await getLossReasons(deps, { scope: org, period: 'all time' })),
    );
    expect(all).toContain('*Price* — 1 (50%) · $10\\n*Timing* — 1 (50%) · $20"');
    expect(all).not.toContain('new');
    expect(all).toContain('Share = of all 2 deals lost.');
  });

  // Probe (LOW): "Top loss reasons: Price (1 of 24,980 lost, 0%)" showed 0% for a share that is not zero.
  it('never shows a non-zero share of the top reasons as 0%', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await db.insert(opportunities).values(
      Array.from({ length: 250 }, (_, i) => ({
        externalId: `bulk-${i}`,
        ownerRepId: ana,
        createdAt: new Date('2026-08-01T00:00:00Z'),
        closedAt: new Date('2026-10-10T10:00:00Z'),
        outcome: 'lost' as const,
        lossReason: i === 0 ? 'Price' : 'Timing',
      })),
    );
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    expect(await topLossReasonsLine(deps, { scope: org, period: '2026-10' })).toBe(
      'Top loss reasons: Timing (249 of 250 lost, 99%), Price (1, under 1%)',
    );
  });

  // Tester (MED): a reason recorded as a placeholder ("No reason given", "N/A", "-", "Unknown", …) counted as a
  // reason: a split by reason had two "No reason given" rows and "With a loss reason" said 75% for 25%.
  it('counts a placeholder reason as no reason: one "No reason given" row, and not in the reason share', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    // 12 deals: 3 with a reason ("Price" twice, "Other", which is a reason; its trailing tab is trimmed, not
    // shown as a space), 9 with none: 7 placeholders, a blank of a tab and null.
    for (const r of ['Price', ' price', 'Other\t']) await lose(ana, oct, 1_000, r);
    for (const r of ['No reason given', 'N/A', 'n/a', ' None ', '-', '—', '  Unknown ', '\t', null])
      await lose(ana, oct, 100, r);
    // August: placeholders alone, no reason at all.
    // 'No\u00a0reason given': a no-break space, as text pasted from a web tool carries it (helper-218 MED).
    for (const r of ['n/a', 'none', 'TBD', '--None--', '(blank)', 'No\u00a0reason given', '#N/A', '0'])
      await lose(ana, '2026-08-10T10:00:00Z', 100, r);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    for (const useRollups of [true, false]) {
      const r = await getMetric(
        { ...deps, useRollups },
        { metric: 'lostdeals', scope: org, period: '2026-10' },
      );
      expect(r.value).toEqual(v(12));
      expect(r.figures.find((f) => f.key === 'with_reason')?.value).toEqual(v(3 / 12));
      const aug = await getMetric(
        { ...deps, useRollups },
        { metric: 'lostdeals', scope: org, period: '2026-08' },
      );
      expect(aug.figures.find((f) => f.key === 'with_reason')?.value).toEqual(v(0));
      expect(aug.notes).toContain('No loss reasons are recorded for these deals.');
    }
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Price', v(2)],
      ['Other', v(1)],
      ['No reason given', v(9)],
    ]);
    // `/metrics lost`: the same rows, the placeholders in the catch-all with the deals without a reason.
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    expect(lr.rows.map((r) => [r.label, r.kind, r.lost, r.amount, r.share])).toEqual([
      ['Price', 'reason', 2, 2_000, 2 / 12],
      ['Other', 'reason', 1, 1_000, 1 / 12],
      ['No reason given', 'none', 9, 900, 9 / 12],
    ]);
    expect(lr.withReason).toBe(3);
    expect(await topLossReasonsLine(deps, { scope: org, period: '2026-10' })).toBe(
      'Top loss reasons: Price (2 of 12 lost, 17%), Other (1, 8%); no reason given: 9 (75%)',
    );
    const text = JSON.stringify(buildLostMessage(lr));
    expect(text.match(/No reason given/g)).toHaveLength(1);
    expect(text).not.toMatch(/N\/A|Unknown|None/);
    const aug = await getLossReasons(deps, { scope: org, period: '2026-08' });
    expect(aug.hasReasons).toBe(false);
    expect(JSON.stringify(buildLostMessage(aug))).toContain(
      'No loss reasons are recorded for these 8 deals, so I can',
    );
    // Its advice says a placeholder is no reason: the column was imported, with placeholders (helper-218).
    expect(JSON.stringify(buildLostMessage(aug))).toContain('a placeholder such as \\"N/A\\"');
  });

  // helper-218 (MED): a no-break space inside a reason made it another reason than the same words with spaces.
  it('reads no-break and other Unicode spaces in a reason as spaces: one reason, one spelling', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    for (const r of ['Went with SAP', 'Went\u00a0with\u00a0SAP', 'Went with\u202fSAP\u00a0', 'Price'])
      await lose(ana, oct, 100, r);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Went with SAP', v(3)],
      ['Price', v(1)],
    ]);
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    expect(lr.rows.map((r) => [r.label, r.lost])).toEqual([
      ['Went with SAP', 3],
      ['Price', 1],
    ]);
  });

  // Fresh tester (LOW): a soft hyphen and full-width forms made "No budget" three reasons, and "0" (what a
  // spreadsheet formula writes for an empty cell) counted as a reason. Migration 0051 (loss_reason_variants).
  it('reads soft hyphens and full-width forms as the reason shown, and "0" alone as no reason', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    for (const r of ['No budget', 'No bud\u00adget', 'Ｎｏ ｂｕｄｇｅｔ', '0', '0 budget', 'Price'])
      await lose(ana, oct, 100, r);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-10', by: 'reason' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['No budget', v(3)],
      ['0 budget', v(1)],
      ['Price', v(1)],
      ['No reason given', v(1)],
    ]);
    for (const useRollups of [true, false]) {
      const r = await getMetric(
        { ...deps, useRollups },
        { metric: 'lostdeals', scope: org, period: '2026-10' },
      );
      expect(r.figures.find((f) => f.key === 'with_reason')?.value).toEqual(v(5 / 6));
    }
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    expect(lr.rows.map((r) => [r.label, r.lost])).toEqual([
      ['No budget', 3],
      ['0 budget', 1],
      ['Price', 1],
      ['No reason given', 1],
    ]);
  });

  // Tester: "Price too high", "Price too high!", "Price Too High." and "price-too-high" were four rows of
  // '/metrics lost org q4' (migration 0052, loss_reason_punctuation, makes them one key).
  it('reads end punctuation and hyphens between words as one reason, shown in its most used spelling', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const oct = '2026-10-10T10:00:00Z';
    for (const r of [
      'Price too high',
      'Price too high',
      'Price too high!',
      'Price Too High.',
      'price-too-high',
    ])
      await lose(ana, oct, 100, r);
    for (const r of ['Timing', 'None.', '?']) await lose(ana, oct, 100, r);
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const split = await getMetric(deps, { metric: 'lostdeals', scope: org, period: '2026-Q4', by: 'reason' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Price too high', v(5)],
      ['Timing', v(1)],
      ['No reason given', v(2)],
    ]);
    for (const useRollups of [true, false]) {
      const r = await getMetric(
        { ...deps, useRollups },
        { metric: 'lostdeals', scope: org, period: '2026-Q4' },
      );
      expect(r.figures.find((f) => f.key === 'with_reason')?.value).toEqual(v(6 / 8));
    }
    const lr = await getLossReasons(deps, { scope: org, period: '2026-Q4' });
    expect(lr.rows.map((r) => [r.label, r.lost])).toEqual([
      ['Price too high', 5],
      ['Timing', 1],
      ['No reason given', 2],
    ]);
  });

  it('says plainly when no loss reasons are recorded instead of showing zeros', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await lose(ana, '2026-10-10T10:00:00Z', 1_000, null);
    await lose(ana, '2026-10-11T10:00:00Z', 2_000, '   ');
    const deps = { db, defaultTimezone: 'UTC', now: new Date('2026-11-25T12:00:00Z') };
    const lr = await getLossReasons(deps, { scope: org, period: '2026-10' });
    expect(lr.hasReasons).toBe(false);
    expect(lr.result.notes).toContain('No loss reasons are recorded for these deals.');
    expect(JSON.stringify(buildLostMessage(lr))).toContain(
      'No loss reasons are recorded for these 2 deals, so I can',
    );
    expect(await topLossReasonsLine(deps, { scope: org, period: '2026-10' })).toBe(
      'Top loss reasons: none recorded for the 2 deals lost.',
    );
  });
});
