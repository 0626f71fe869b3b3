import { expect, it } from 'vitest';
import { buildCoachingMessage } from '../../src/coach/blocks.js';
import { getCoachingCard } from '../../src/coach/card.js';
import { trendPoint } from '../../src/coach/talking-points.js';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';
import { addActivity, addCall, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC; the card covers "last month" = October 2026, compared with September.
const now = new Date('2026-11-23T12:00:00Z');

describeDb('coaching card: unchanged values and no activity of one’s own', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA');
    const ana = await addRep(db, 'Ana', emea);
    const ben = await addRep(db, 'Ben', emea);
    const cy = await addRep(db, 'Cy', emea);
    const mia = await addRep(db, 'Mia', emea);
    // Ana 3 calls, Ben 5 calls in October; Cy no calls in September or October, one email in October.
    for (let i = 0; i < 3; i++) await addCall(db, ana, `2026-10-0${i + 1}T10:00:00Z`);
    // The org's data starts in August (Ana's call), so Cy's quiet September is a 0, not before the data.
    await addCall(db, ana, '2026-08-03T10:00:00Z');
    for (let i = 0; i < 5; i++) await addCall(db, ben, `2026-10-0${i + 1}T10:00:00Z`);
    await addActivity(db, {
      repId: cy,
      kind: 'email',
      direction: 'outbound',
      occurredAt: new Date('2026-10-05T10:00:00Z'),
    });
    return { db, cy, mia };
  }

  it('says "same as" for a value that did not change, never "up from 0"', async () => {
    const { db, cy } = await seed();
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: cy, period: 'last month', showPeers: true },
    );
    expect(card.ownActivity).toBe(true);
    const callsLine = card.lines.find((l) => l.metric.id === 'calls')!;
    // The team's reps in October: Ana 3, Ben 5, Cy 0 and Mia 0 (no calls is a real 0 for a rep on the
    // team, finding 1 of helper-207) → median 1.5; Cy's percentile (0 worse + ½ × (Mia + himself)) ÷ 4 =
    // 25th. Cy made no calls in September either.
    expect(callsLine.weak).toBe(true);
    expect(trendPoint(callsLine)).toBe(
      'Calls 0 vs team median 1.5 (25th percentile), same as September 2026.',
    );
    const text = JSON.stringify(buildCoachingMessage(card, { interactive: false }));
    expect(text).not.toContain('up from 0');
  });

  it('counts a change from 0 among the biggest changes (helper-209)', async () => {
    // Ben made no calls in September and 5 in October: "none to compare yet" said the card.
    const { db } = await seed();
    const [ben] = await queryRows<{ id: number }>(db, sql`select id from reps where name = 'Ben'`);
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: ben!.id, period: 'last month', showPeers: true },
    );
    expect(card.biggestChanges.map((l) => l.metric.id)).toContain('calls');
    expect(card.biggestChanges[0]!.metric.id).toBe('calls');
    const text = JSON.stringify(buildCoachingMessage(card, { interactive: false }));
    expect(text).not.toContain('none to compare yet');
    expect(text).toContain('*Calls* 5 vs September 2026');
  });

  // Fresh tester helper-218 (LOW): a rep whose only October records were two lost deals was told "no
  // activity of their own": every figure was 0, and a win rate of 0% over 2 deals is a figure.
  it('counts deals lost as activity of their own: a 0% win rate over deals is a figure', async () => {
    const { db } = await seed();
    const [emea] = await queryRows<{ id: number }>(db, sql`select id from teams where name = 'EMEA'`);
    const dee = await addRep(db, 'Dee', emea!.id);
    for (const closed of ['2026-10-06T10:00:00Z', '2026-10-20T10:00:00Z'])
      await addOpp(db, dee, { created: '2026-09-01T10:00:00Z', closed, outcome: 'lost', amount: 50_000 });
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: dee, period: 'last month', showPeers: true },
    );
    expect(card.ownActivity).toBe(true);
    const winrate = card.lines.find((l) => l.metric.id === 'winrate')!;
    expect(winrate.result.value).toEqual({ kind: 'value', value: 0 });
    expect(winrate.result.sampleSize).toBe(2);
    const text = JSON.stringify(buildCoachingMessage(card, { interactive: false }));
    expect(text).not.toContain('no activity of their own');
  });

  it('tells a manager with no activity of their own so once, instead of a talking point per metric', async () => {
    const { db, mia } = await seed();
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: mia, period: 'last month', showPeers: true },
    );
    expect(card.ownActivity).toBe(false);
    expect(card.lines.filter((l) => l.talkingPoint !== null)).toEqual([]);
    const text = JSON.stringify(buildCoachingMessage(card, { interactive: false }));
    expect(text.split('Mia has no activity of their own in October 2026').length - 1).toBe(1);
    expect(text).not.toContain('vs team median');
  });
});
