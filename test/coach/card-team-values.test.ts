import { expect, it } from 'vitest';
import { buildCoachingMessage } from '../../src/coach/blocks.js';
import { getCoachingCard } from '../../src/coach/card.js';
import { buildCoachChart } from '../../src/coach/chart.js';
import { teamManagers } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addLead, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// Sunday 6 Dec 2026, 12:00 UTC; "last month" = November 2026 (UTC).
const now = new Date('2026-12-06T12:00:00Z');

const text = (m: ReturnType<typeof buildCoachingMessage>) => JSON.stringify(m.blocks);

describeDb('coaching card: the team distribution', (ctx) => {
  // Fresh tester helper-207, finding 1: in November Bob created 0 opportunities and Carol 1. Bob's card
  // said "0 · team 1 · 25th pct" (a median of Carol's 1 alone); Carol's showed no team figure at all.
  it('counts a rep with no record of a count metric as a real 0 on every card, with the true median', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const bob = await addRep(db, 'Bob', sales);
    const carol = await addRep(db, 'Carol', sales);
    // A manager on the team who does not sell is no rep to compare with.
    const mia = await addRep(db, 'Mia', sales);
    await db.insert(teamManagers).values({ teamId: sales, repId: mia });
    // Both active in November (calls), Bob had 5 opportunities in October, Carol 1 in November.
    for (const rep of [bob, carol]) await addCall(db, rep, '2026-11-10T10:00:00Z');
    for (let i = 1; i <= 5; i++) await addOpp(db, bob, { created: `2026-10-0${i}T10:00:00Z` });
    await addOpp(db, carol, { created: '2026-11-12T10:00:00Z' });
    const deps = { db, defaultTimezone: 'UTC', now };
    const card = async (repId: number) =>
      (await getCoachingCard(deps, { repId, period: 'last month', showPeers: true })).lines.find(
        (l) => l.metric.id === 'opps',
      )!;
    const b = await card(bob);
    const c = await card(carol);
    // Median of {0, 1} = 0.5 on both cards; Bob beats nobody (¼ → 25th), Carol beats Bob (¾ → 75th).
    expect(b.result.value).toEqual({ kind: 'value', value: 0 });
    expect(b).toMatchObject({ teamMedian: 0.5, teamSize: 2, percentile: 25, weak: true });
    expect(c.result.value).toEqual({ kind: 'value', value: 1 });
    expect(c).toMatchObject({ teamMedian: 0.5, teamSize: 2, percentile: 75, weak: false });
    expect(b.talkingPoint).toBe(
      'Opportunities created 0 vs team median 0.5 (25th percentile), down from 5 in October 2026.',
    );
  });

  // Fresh tester helper-213, finding 1: Ana, NA East's manager with no record of her own, got a card
  // "Compared with the 10 reps" whose median her 0 calls pulled down (102), at the 5th percentile on every
  // count; Zoe's card on the same team and period compared with 9 reps (median 109).
  it('compares a manager’s card with the same reps and medians as the reps’ cards, and says she is not ranked', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const mia = await addRep(db, 'Mia', sales);
    await db.insert(teamManagers).values({ teamId: sales, repId: mia });
    const bob = await addRep(db, 'Bob', sales);
    const carol = await addRep(db, 'Carol', sales);
    const dan = await addRep(db, 'Dan', sales);
    // Zed joined the team after November: none of its reps then, no record on it.
    const zed = await addRep(db, 'Zed', sales, '2026-12-01T00:00:00Z');
    // November calls: Bob 1, Carol 3, Dan 5 (median 3); Mia none.
    for (const [rep, n] of [
      [bob, 1],
      [carol, 3],
      [dan, 5],
    ] as const)
      for (let i = 1; i <= n; i++) await addCall(db, rep, `2026-11-0${i}T10:00:00Z`);
    const deps = { db, defaultTimezone: 'UTC', now };
    const card = (repId: number) => getCoachingCard(deps, { repId, period: 'last month', showPeers: true });
    const calls = (c: Awaited<ReturnType<typeof getCoachingCard>>) =>
      c.lines.find((l) => l.metric.id === 'calls')!;
    const carolCard = await card(carol);
    expect(calls(carolCard)).toMatchObject({ teamMedian: 3, teamSize: 3, percentile: 50 });
    const miaCard = await card(mia);
    // Her own answer is still her 0, but the team's median is the reps' (3, not 2 with her 0) and she is
    // not ranked among them.
    expect(calls(miaCard).result.value).toEqual({ kind: 'value', value: 0 });
    expect(calls(miaCard)).toMatchObject({ teamMedian: 3, teamSize: 3, percentile: null, weak: false });
    expect(miaCard.lines.every((l) => l.percentile === null)).toBe(true);
    expect(miaCard.notCompared).toBe('manager');
    const miaText = text(buildCoachingMessage(miaCard, { interactive: false }));
    expect(miaText).toContain(
      'Mia is team Sales’s manager, not one of its reps: not compared with them. Team figures are the medians of the 3 reps with data, as on their cards.',
    );
    expect(miaText).not.toMatch(/Compared with|pct/);
    expect(buildCoachingMessage(miaCard, { interactive: false }).text).toContain(
      'not compared with the team’s reps',
    );
    const zedCard = await card(zed);
    expect(calls(zedCard)).toMatchObject({ teamMedian: 3, teamSize: 3, percentile: null });
    expect(zedCard.notCompared).toBe('not_a_rep');
    expect(text(buildCoachingMessage(zedCard, { interactive: false }))).toContain(
      'Zed was not one of team Sales’s reps in November 2026: not compared with them.',
    );
    // A rep of the team with no call is a real 0 and is compared, as on every teammate's card.
    const eve = await addRep(db, 'Eve', sales);
    const eveCalls = calls(await card(eve));
    expect(eveCalls).toMatchObject({ teamMedian: 2, teamSize: 4, percentile: 12.5 });
    expect(calls(await card(carol))).toMatchObject({ teamMedian: 2, teamSize: 4 });
  });

  // helper-218 (MED): a manager who sells was in the team's values (her row of the team's split): on her card
  // ranked at the 95th percentile with no manager line, and every rep's median moved.
  it('leaves a manager who sells out of every card’s values, hers included', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const mia = await addRep(db, 'Mia', sales);
    await db.insert(teamManagers).values({ teamId: sales, repId: mia });
    const bob = await addRep(db, 'Bob', sales);
    const carol = await addRep(db, 'Carol', sales);
    const dan = await addRep(db, 'Dan', sales);
    // November calls: Bob 1, Carol 3, Dan 5 (the reps' median 3); Mia 9 (with her, the median would be 4).
    for (const [rep, n] of [
      [bob, 1],
      [carol, 3],
      [dan, 5],
      [mia, 9],
    ] as const)
      for (let i = 1; i <= n; i++) await addCall(db, rep, `2026-11-0${i}T10:00:00Z`);
    const deps = { db, defaultTimezone: 'UTC', now };
    const card = (repId: number) => getCoachingCard(deps, { repId, period: 'last month', showPeers: true });
    const calls = (c: Awaited<ReturnType<typeof getCoachingCard>>) =>
      c.lines.find((l) => l.metric.id === 'calls')!;
    expect(calls(await card(carol))).toMatchObject({ teamMedian: 3, teamSize: 3, percentile: 50 });
    const miaCard = await card(mia);
    expect(calls(miaCard).result.value).toEqual({ kind: 'value', value: 9 });
    expect(calls(miaCard)).toMatchObject({ teamMedian: 3, teamSize: 3, percentile: null, weak: false });
    expect(miaCard.notCompared).toBe('manager');
    expect(text(buildCoachingMessage(miaCard, { interactive: false }))).toContain(
      'Mia is team Sales’s manager, not one of its reps: not compared with them.',
    );
    // Its chart of one metric (only calls have a team median above 0) says "1 metric" (helper-218 LOW).
    const solo = await getCoachingCard(deps, { repId: carol, period: 'last month', showPeers: false });
    expect(buildCoachChart(solo).alt).toContain('value as a share of the team median for 1 metric, ');
  });

  it('leaves a count without records in the org out of the comparison', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const bob = await addRep(db, 'Bob', sales);
    const carol = await addRep(db, 'Carol', sales);
    for (const rep of [bob, carol]) await addCall(db, rep, '2026-11-10T10:00:00Z');
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: bob, period: 'last month', showPeers: true },
    );
    // No opportunity anywhere in the org: nothing to rank, as before.
    expect(card.lines.find((l) => l.metric.id === 'opps')).toMatchObject({
      teamMedian: null,
      percentile: null,
    });
    expect(text(buildCoachingMessage(card, { interactive: false }))).toContain(
      '*Calls*  1 · team 1 · 50th pct',
    );
  });

  // Fresh tester helper-207, finding 4: "Average deal size $4,936 · team $18,656" on 6 won deals had no
  // small-sample mark and still became a talking point.
  it('marks a rate or average on a small sample on its row and makes no talking point of it', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const bob = await addRep(db, 'Bob', sales);
    const carol = await addRep(db, 'Carol', sales);
    // November: Bob wins 6 deals at $1,000, Carol 12 at $10,000.
    for (let i = 1; i <= 6; i++)
      await addOpp(db, bob, {
        created: '2026-10-01T10:00:00Z',
        closed: `2026-11-0${i}T10:00:00Z`,
        outcome: 'won',
        amount: 100_000,
      });
    for (let i = 10; i < 22; i++)
      await addOpp(db, carol, {
        created: '2026-10-01T10:00:00Z',
        closed: `2026-11-${i}T10:00:00Z`,
        outcome: 'won',
        amount: 1_000_000,
      });
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: bob, period: 'last month', showPeers: true },
    );
    const dealsize = card.lines.find((l) => l.metric.id === 'dealsize')!;
    expect(dealsize.result.sampleSize).toBe(6);
    expect(dealsize.weak).toBe(true);
    expect(dealsize.talkingPoint).toBeNull();
    const blocks = text(buildCoachingMessage(card, { interactive: false }));
    expect(blocks).toContain('*Average deal size*  $1,000 (n=6, small sample) · team $5,500');
    expect(blocks).not.toContain('Average deal size $1,000 vs team median');
    // Revenue won is a sum, never a small sample: still a talking point.
    expect(blocks).toContain('Revenue won $6,000 vs team median');
  });

  // Fresh tester helper-207, finding 2: the 30-day card's #1 biggest change was "Lead conversion rate 0.0%
  // vs the previous 30 days: −100%", a cohort whose leads had not had time to convert.
  it('never ranks a cohort rate whose leads are still converting among the biggest changes, and says so', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const bob = await addRep(db, 'Bob', sales);
    // October: 10 leads qualified, 5 converted (50%). November: 10 qualified, none converted yet.
    for (let i = 0; i < 10; i++) {
      await addLead(db, bob, {
        created: `2026-10-0${1 + (i % 9)}T09:00:00Z`,
        qualified: `2026-10-1${i % 10}T09:00:00Z`,
        ...(i < 5 ? { converted: '2026-10-28T09:00:00Z' } : {}),
      });
      await addLead(db, bob, {
        created: `2026-11-0${1 + (i % 9)}T09:00:00Z`,
        qualified: `2026-11-1${i % 10}T09:00:00Z`,
      });
    }
    const conversion = (card: Awaited<ReturnType<typeof getCoachingCard>>) =>
      card.lines.find((l) => l.metric.id === 'conversion')!;
    const recent = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: bob, period: '2026-11', showPeers: true },
    );
    expect(conversion(recent).result.trend?.change?.relative).toBe(-1);
    expect(recent.biggestChanges.map((l) => l.metric.id)).not.toContain('conversion');
    expect(text(buildCoachingMessage(recent, { interactive: false }))).toContain(
      'Lead conversion rate: a cohort rate (leads qualified in the period that have converted by now); leads qualified in November 2026 are still converting, so it is not ranked among the biggest changes.',
    );
    // On 10 January 2027 November ended 40 days ago: its cohort has had its time, and the change ranks.
    const later = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now: new Date('2027-01-10T12:00:00Z') },
      { repId: bob, period: '2026-11', showPeers: true },
    );
    expect(later.biggestChanges.map((l) => l.metric.id)).toContain('conversion');
    expect(text(buildCoachingMessage(later, { interactive: false }))).not.toContain('still converting');
  });

  // Tester (LOW): the "still converting" note was on the cards of reps with no leads, whose conversion line
  // reads "no data": there is no cohort of theirs to be still converting.
  it('says a cohort is still converting only on a card that shows a conversion figure', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const bob = await addRep(db, 'Bob', sales);
    const dan = await addRep(db, 'Dan', sales);
    for (let i = 0; i < 10; i++)
      await addLead(db, bob, { created: '2026-11-02T09:00:00Z', qualified: `2026-11-1${i}T09:00:00Z` });
    await addCall(db, dan, '2026-11-10T10:00:00Z');
    const deps = { db, defaultTimezone: 'UTC', now };
    const card = (repId: number) => getCoachingCard(deps, { repId, period: '2026-11', showPeers: true });
    const dans = await card(dan);
    expect(dans.lines.find((l) => l.metric.id === 'conversion')?.result.value.kind).not.toBe('value');
    expect(dans.stillConverting).toEqual([]);
    expect(text(buildCoachingMessage(dans, { interactive: false }))).not.toContain('still converting');
    // Bob's November cohort is still converting: his card says so.
    expect((await card(bob)).stillConverting).toEqual(['Lead conversion rate']);
  });
});
