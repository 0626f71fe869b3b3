import { expect, it } from 'vitest';
import { buildCoachingMessage } from '../../src/coach/blocks.js';
import { getCoachingCard } from '../../src/coach/card.js';
import { loadCoachingCard } from '../../src/coach/load.js';
import type { Caller } from '../../src/core/types.js';
import type { Deps } from '../../src/deps.js';
import { getMetric } from '../../src/metrics/index.js';
import { setTarget } from '../../src/metrics/targets.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC; the card covers "last month" = October 2026 (UTC).
const now = new Date('2026-11-23T12:00:00Z');

async function calls(
  db: Parameters<typeof addCall>[0],
  rep: number,
  hour: number,
  total: number,
  connected: number,
) {
  for (let i = 0; i < total; i++)
    await addCall(
      db,
      rep,
      `2026-10-${String(1 + i).padStart(2, '0')}T${String(hour).padStart(2, '0')}:15:00Z`,
      {
        connected: i < connected,
        seconds: 60,
      },
    );
}

describeDb('coaching card', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA');
    const ana = await addRep(db, 'Ana', emea);
    const ben = await addRep(db, 'Ben', emea);
    const cy = await addRep(db, 'Cy', emea);
    // Ana: 4 calls at 12:00 (1 connected), 1 at 10:00 → 5 calls, 20 % connect rate.
    await calls(db, ana, 12, 4, 1);
    await calls(db, ana, 10, 1, 0);
    // Ben: 10 at 10:00 (6 connected), 7 at 12:00 (1 connected) → 17 calls. Cy: 8 at 10:00 (4 connected).
    await calls(db, ben, 10, 10, 6);
    await calls(db, ben, 12, 7, 1);
    await calls(db, cy, 10, 8, 4);
    await setTarget(db, {
      metric: 'calls',
      scope: { kind: 'rep', repId: ana },
      periodKind: 'month',
      value: 10,
      setByRepId: null,
      now,
    });
    return { db, emea, ana, ben, cy };
  }

  it('shows the same numbers as asking each metric one by one, beside the team median and percentile', async () => {
    const { db, emea, ana } = await seed();
    const deps = { db, defaultTimezone: 'UTC', now };
    const card = await getCoachingCard(deps, { repId: ana, period: 'last month', showPeers: true });
    expect(card.rep.name).toBe('Ana');
    expect(card.team?.name).toBe('EMEA');
    expect(card.period.label).toBe('October 2026');
    for (const line of card.lines) {
      const alone = await getMetric(deps, {
        metric: line.metric.id,
        scope: { kind: 'rep', repId: ana },
        period: 'last month',
      });
      expect(line.result.value, line.metric.id).toEqual(alone.value);
      expect(line.result.target, line.metric.id).toEqual(alone.target);
      expect(line.result.trend, line.metric.id).toEqual(alone.trend);
      const team = await getMetric(deps, {
        metric: line.metric.id,
        scope: { kind: 'team', teamId: emea },
        period: 'last month',
        by: 'rep',
      });
      // The comparison is the rep's own figure and the teammates' (helper-207, finding 1): a count (calls,
      // emails…) counts every rep of the team with no record as 0 once the org has such records (activities
      // here): all three reps. The org has no deals: opportunities created and revenue won are Ana's own 0
      // alone (no median), and a rate or average on no deals has no figure at all.
      const teammates =
        line.metric.unit === 'count' && line.metric.id !== 'opps'
          ? 2
          : (team.segments?.rows.filter((r) => r.repId !== ana && r.value.kind === 'value').length ?? 0);
      expect(line.teamSize, line.metric.id).toBe(teammates + (alone.value.kind === 'value' ? 1 : 0));
      if (line.metric.id === 'opps') expect(line.teamMedian).toBeNull();
    }
    const callsLine = card.lines.find((l) => l.metric.id === 'calls')!;
    // Calls 5 / 17 / 8: median 8; Ana beats nobody → (0 + ½ × 1) ÷ 3 = 16.7th percentile.
    expect(callsLine.result.value).toEqual({ kind: 'value', value: 5 });
    expect(callsLine.teamMedian).toBe(8);
    expect(callsLine.percentile).toBeCloseTo(100 / 6, 10);
    expect(callsLine.weak).toBe(true);
    // 5 calls of a 10-call target: 50 % attained, the only metric with a target.
    expect(card.furthestBelowTarget?.metric.id).toBe('calls');
    expect(callsLine.result.target?.attainment).toBe(0.5);
    // Team: 30 calls, 12 connected (40 %); 12:00 has 11 calls, 2 connected (18 %); 10:00 has 19, 10 connected (53 %).
    expect(callsLine.talkingPoint).toBe(
      "Connect rate 20.0% vs team 40.0%: 80% of your calls are 12:00–13:00, the team's lowest connect hour (18%); its best is 10:00–11:00 (53%).",
    );
    // Calls went from 0 in September to 5: no relative change (previous 0), so nothing to rank.
    expect(card.biggestChanges.map((l) => l.metric.id)).not.toContain('calls');
  });

  it('leaves a change on a small sample out of the biggest changes, current or previous, as digest movers do', async () => {
    const { db, ana } = await seed();
    // September: 1 deal won at $985. October: 12 deals won at $15,000 (average deal size +1,423%, but up
    // from 1 deal), and revenue $985 → $180,000 (a sum, never a small sample).
    await addOpp(db, ana, {
      created: '2026-08-01T09:00:00Z',
      closed: '2026-09-10T09:00:00Z',
      outcome: 'won',
      amount: 98_500,
    });
    for (let i = 0; i < 12; i++)
      await addOpp(db, ana, {
        created: '2026-08-01T09:00:00Z',
        closed: `2026-10-${String(2 + i).padStart(2, '0')}T09:00:00Z`,
        outcome: 'won',
        amount: 1_500_000,
      });
    const card = await getCoachingCard(
      { db, defaultTimezone: 'UTC', now },
      { repId: ana, period: 'last month', showPeers: true },
    );
    const dealsize = card.lines.find((l) => l.metric.id === 'dealsize')!;
    expect(dealsize.result.trend?.change?.relative).toBeGreaterThan(10);
    expect(dealsize.result.trend?.previous.sampleSize).toBe(1);
    const changed = card.biggestChanges.map((l) => l.metric.id);
    expect(changed).not.toContain('dealsize');
    expect(changed).toContain('revenue');
  });

  it('hides percentiles from a rep when leaderboards are not public, and refuses other reps’ cards', async () => {
    const { db, emea, ana, ben } = await seed();
    const deps = {
      db,
      config: { leaderboardsPublic: false, defaultTimezone: 'UTC', grossMargin: 1 },
    } as unknown as Deps;
    const caller = (repId: number, role: Caller['role'], managed: number[] = []): Caller => ({
      slackUserId: `U${repId}`,
      repId,
      name: 'x',
      email: null,
      role,
      teamIds: [emea],
      managedTeamIds: managed,
      timezone: null,
    });
    const own = await loadCoachingCard(deps, caller(ana, 'rep'), ana, [emea], { now, period: 'last month' });
    expect(own.ok && own.card.showPeers).toBe(false);
    expect(own.ok && own.card.lines.every((l) => l.percentile === null)).toBe(true);
    expect(own.ok && own.card.lines.find((l) => l.metric.id === 'calls')?.teamMedian).toBe(8);
    // Fresh tester helper-207, finding 5: no percentile shown, so no percentile legend either.
    const ownText = own.ok ? JSON.stringify(buildCoachingMessage(own.card, { interactive: false })) : '';
    expect(ownText).toContain('below the team median or behind target.');
    expect(ownText).not.toContain('Percentile:');
    const other = await loadCoachingCard(deps, caller(ben, 'rep'), ana, [emea], { now });
    expect(other.ok).toBe(false);
    expect(!other.ok && JSON.stringify(other.reply.message)).toContain("for the rep's manager and admins");
    const manager = await loadCoachingCard(deps, caller(ben, 'manager', [emea]), ana, [emea], {
      now,
      period: 'last month',
    });
    expect(manager.ok && manager.card.lines.find((l) => l.metric.id === 'calls')?.percentile).toBeCloseTo(
      100 / 6,
      10,
    );
    expect(
      manager.ok && JSON.stringify(buildCoachingMessage(manager.card, { interactive: false })),
    ).toContain('Percentile: share of the team’s reps');
  });
});
