import { expect, it } from 'vitest';
import { getMetric } from '../../src/metrics/index.js';
import type { MetricDeps, MetricQuery, MetricResult, Period, Scope } from '../../src/metrics/types.js';
import type { FiscalCalendar } from '../../src/time/fiscal.js';
import { describeDb } from '../helpers/db.js';
import { COUNTER_METRICS, combinations, prng } from '../helpers/rollup-equality.js';
import { addActivity, addLead, addOpp, addRep, addTeam } from './fixtures.js';

// Wednesday 4 Nov 2026, 15:00 UTC: three days after New York left summer time (1 Nov) and ten after Berlin
// did (25 Oct), so week series cross both changes; Berlin's spring change (29 Mar) is inside a custom range.
const now = new Date('2026-11-04T15:00:00Z');
const PERIODS = [
  'today',
  'this week',
  '30d',
  'this month',
  'this quarter',
  'this year',
  '2026-03-25..2026-04-02',
  // Before any data: every window of the series is empty.
  '2019-05',
];
const FISCAL: FiscalCalendar[] = [
  { kind: 'months', startMonth: 2 },
  { kind: 'weeks', startMonth: 1, pattern: '445', endWeekday: 6, rule: 'last' },
];

const headlineOnly = { target: false, trend: false, series: false };

describeDb('one-pass full answers', (ctx) => {
  async function seed() {
    const db = ctx.db();
    const rnd = prng(11);
    // Spread over ~2.2 years, denser in the last months, so year and quarter series have data too.
    const at = () => {
      const back = rnd() < 0.5 ? rnd() * 120 : rnd() * 800;
      return new Date(now.getTime() - Math.floor(back * 86_400_000));
    };
    const berlin = await addTeam(db, 'Berlin', { timezone: 'Europe/Berlin' });
    const ny = await addTeam(db, 'New York', { timezone: 'America/New_York', weekStartsOn: 0 });
    const reps = [await addRep(db, 'Ana', berlin), await addRep(db, 'Ben', ny), await addRep(db, 'Cy', ny)];
    const kinds = ['call', 'email', 'meeting'] as const;
    for (let i = 0; i < 210; i++) {
      const occurred = at();
      const kind = kinds[i % 3]!;
      await addActivity(db, {
        repId: reps[i % reps.length]!,
        kind,
        direction: i % 10 === 0 ? 'inbound' : 'outbound',
        occurredAt: occurred,
        connected: kind === 'call' ? rnd() < 0.4 : null,
        durationSeconds: kind === 'call' ? Math.floor(rnd() * 600) : null,
        emailOpenedAt: kind === 'email' && rnd() < 0.5 ? occurred : null,
        emailRepliedAt: kind === 'email' && rnd() < 0.2 ? occurred : null,
        meetingBookedAt: kind === 'meeting' ? occurred : null,
        meetingHeldAt: kind === 'meeting' && rnd() < 0.5 ? occurred : null,
      });
    }
    for (let i = 0; i < 80; i++) {
      const created = at();
      const outcome = (['open', 'won', 'lost'] as const)[i % 3]!;
      const closed = new Date(created.getTime() + rnd() * 30 * 86_400_000);
      await addOpp(db, reps[i % reps.length]!, {
        created: created.toISOString(),
        ...(outcome !== 'open' && closed < now ? { closed: closed.toISOString(), outcome } : {}),
        amount: 1000 + Math.floor(rnd() * 9000),
      });
    }
    for (let i = 0; i < 60; i++) {
      const created = at();
      await addLead(db, reps[i % reps.length]!, {
        created: created.toISOString(),
        ...(i % 2 ? { qualified: new Date(created.getTime() + 86_400_000).toISOString() } : {}),
        ...(i % 3 === 0 ? { converted: new Date(created.getTime() + 3 * 86_400_000).toISOString() } : {}),
      });
    }
    return { db, scopes: [{ kind: 'org' }, { kind: 'team', teamId: ny }, { kind: 'rep', repId: reps[0]! }] };
  }

  /** The full answer's series and previous period, each asked again on its own as a headline-only answer. */
  async function expectSameAsSeparate(deps: MetricDeps, q: MetricQuery, what: string): Promise<number> {
    const full = await getMetric(deps, q);
    const alone = (period: Period) => getMetric(deps, { ...q, period, include: headlineOnly });
    const head = await alone(full.period);
    const figures = (r: MetricResult) => ({ value: r.value, figures: r.figures, n: r.sampleSize });
    expect(figures(full), `${what} headline`).toEqual(figures(head));
    // With no money in the headline window a full answer names the series' currency; alone there is none.
    if (head.currency !== null) expect(full.currency).toBe(head.currency);
    expect(full.series).toHaveLength(8);
    expect(full.series.at(-1)!.value, `${what} last of series`).toEqual(full.value);
    for (const [i, point] of full.series.entries())
      expect(point.value, `${what} series ${i} ${point.period.label}`).toEqual(
        (await alone(point.period)).value,
      );
    expect(full.trend, `${what} trend`).not.toBeNull();
    const prev = full.trend!.previous;
    expect(prev.value, `${what} previous ${prev.period.label}`).toEqual((await alone(prev.period)).value);
    return full.series.filter((p) => p.value.kind === 'value').length;
  }

  it('gives the headline, previous period and 8-period series of every rollup metric as separate answers would', async () => {
    const { db, scopes } = await seed();
    let compared = 0;
    let withData = 0;
    for (const fiscal of [undefined, ...FISCAL]) {
      const deps: MetricDeps = {
        db,
        defaultTimezone: 'America/New_York',
        now,
        ...(fiscal ? { fiscalDefault: fiscal } : {}),
      };
      const periods = fiscal ? ['this quarter', 'this year'] : PERIODS;
      for (const q of combinations({ metrics: COUNTER_METRICS, scopes: scopes as Scope[], periods })) {
        const what = `${q.metric} ${JSON.stringify(q.scope)} ${q.period} ${fiscal?.kind ?? ''}`;
        withData += await expectSameAsSeparate(deps, q, what);
        compared++;
      }
    }
    expect(compared).toBe(COUNTER_METRICS.length * 3 * (PERIODS.length + 2 * 2));
    // Not a comparison of empty answers: most series points carry a value.
    expect(withData).toBeGreaterThan(compared * 2);
  }, 300_000);
});
