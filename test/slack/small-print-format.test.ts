import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { buildTrendChart } from '../../src/charts/trend.js';
import { buildCoachingMessage } from '../../src/coach/blocks.js';
import { compareWithTeam } from '../../src/coach/card.js';
import type { CoachingCard } from '../../src/coach/types.js';
import { templateLines } from '../../src/metrics/email-ab.js';
import { findMetric } from '../../src/metrics/index.js';
import type { MetricResult, Period } from '../../src/metrics/types.js';
import { buildMetricHelpMessage } from '../../src/slack/blocks/help.js';
import { answerFallback, buildMetricMessage } from '../../src/slack/blocks/metric.js';
import { scorecardFallback, scorecardLine } from '../../src/slack/blocks/scorecard.js';
import { formatChange, formatNumber, periodInWords } from '../../src/slack/format.js';
import { formatDateTime } from '../../src/time/format.js';

/** Issue 10, "anything of the same kind": small print of answers, help, scorecards, charts and coaching. */

// Monday 23 Nov 2026, 10:00 UTC.
const NOW = new Date('2026-11-23T10:00:00Z');
const week: Period = {
  spec: 'this week',
  label: 'Week of 23 Nov 2026',
  kind: 'week',
  start: new Date('2026-11-23T00:00:00Z'),
  end: new Date('2026-11-30T00:00:00Z'),
  timezone: 'UTC',
  running: true,
};
const v = (value: number) => ({ kind: 'value' as const, value });

function result(metric: string, overrides: Partial<MetricResult> = {}): MetricResult {
  return {
    metric: findMetric(metric)!,
    scope: { kind: 'team', teamId: 1, label: 'EMEA' },
    period: week,
    value: v(524),
    figures: [],
    sampleSize: 524,
    calculation: {
      formula: 'count',
      inputs: [],
      window: '23 Nov 2026 00:00 – 30 Nov 2026 00:00 (UTC)',
      n: 524,
    },
    currency: null,
    notes: [],
    target: null,
    trend: null,
    series: [],
    segments: null,
    freshness: { newestRecordAt: new Date('2026-11-23T09:33:00Z'), lastArrival: null },
    ...overrides,
  };
}

const calcTarget = (targetForPeriod: number) => ({
  target: {
    value: 1650,
    currency: null,
    periodKind: 'month' as const,
    scope: { kind: 'team' as const, teamId: 1 },
    setByName: 'Mia',
    setAt: NOW,
  },
  targetForPeriod,
  attainment: 1.38,
  pace: null,
  status: 'on_track' as const,
});

const texts = (blocks: KnownBlock[]) => JSON.stringify(blocks);

describe('small print', () => {
  it('shows a prorated count target as whole calls in the scorecard, the chart and the coaching card', () => {
    // 1,650 a month prorated to a week: 1,650 × 7 / 30.4375 = 379.47.
    const calls = result('calls', { target: calcTarget(379.47) });
    expect(scorecardLine(calls)).toBe(
      '*Calls* _Week of 23 Nov 2026_  *524* · target 379 :large_green_circle: on track',
    );
    expect(
      JSON.stringify(buildTrendChart({ ...calls, series: [{ period: week, value: v(524) }] })),
    ).toContain('"Target 379"');
    const line = {
      metric: calls.metric,
      result: { ...calls, value: v(120), target: { ...calcTarget(379.47), attainment: 0.32 } },
      teamMedian: 300,
      teamSize: 1,
      percentile: 0,
      weak: true,
      talkingPoint: null,
    };
    const card: CoachingCard = {
      rep: { id: 1, name: 'Ana' },
      team: { id: 1, name: 'EMEA' },
      period: { ...week, spec: '30d', label: 'Last 30 days', kind: 'rolling' },
      lines: [line],
      biggestChanges: [],
      furthestBelowTarget: line,
      showPeers: true,
      ownActivity: false,
    };
    const coach = texts(buildCoachingMessage(card, { interactive: false }).blocks);
    expect(coach).toContain('*Furthest below target:* Calls 120 of 379 (32% attained)');
    // One rep with data is "the one rep", and the period reads as English inside the sentence.
    expect(coach).toContain('Compared with the one rep of team EMEA with data.');
    expect(coach).toContain('Ana has no activity of their own in the last 30 days.');
    // Fresh tester (MED): a rep alone in their team read "Compared with the 0 reps", beside a "team" figure
    // that was their own and a percentile against nobody.
    const alone = { ...line, teamMedian: null, teamSize: 1, percentile: null };
    const aloneText = texts(buildCoachingMessage({ ...card, lines: [alone] }, { interactive: false }).blocks);
    expect(aloneText).toContain(
      'No one else on team EMEA has data in the last 30 days, so there is no one to compare with.',
    );
    expect(aloneText).not.toMatch(/Compared with|· team |pct/);
    // Fresh tester (LOW): the card's notification text showed "*Star*_" as markup; the team and the rep's
    // name in sentences were escaped but not neutralised either.
    const marked = buildCoachingMessage(
      { ...card, rep: { id: 1, name: '*Star*_' }, team: { id: 1, name: 'A_B_' }, ownActivity: false },
      { interactive: false },
    );
    const Z = '\u200D';
    expect(marked.text).toContain(`${Z}*${Z}Star${Z}*${Z}${Z}_${Z}`);
    expect(marked.text).not.toContain('*Star*_');
    expect(texts(marked.blocks)).toContain(`team A${Z}_${Z}B${Z}_${Z} with data`);
    // The header is plain_text, where the name is shown as written; every mrkdwn block has it neutralised.
    expect(texts(marked.blocks.filter((b) => b.type !== 'header'))).not.toMatch(/\*Star\*_|A_B_/);
    // The comparison itself: the team's only row with data is the rep's own, so no median, no percentile.
    const row = (repId: number, value: number) => ({
      key: `rep:${repId}`,
      label: `R${repId}`,
      value: v(value),
      sampleSize: 1,
      repId,
    });
    const team = (rows: ReturnType<typeof row>[]) =>
      result('calls', { segments: { by: 'rep', rows } as never });
    const own = result('calls', { value: v(120) });
    expect(compareWithTeam(own, team([row(1, 120)]), 1, true)).toMatchObject({
      teamMedian: null,
      teamSize: 1,
      percentile: null,
      weak: false,
    });
    // One other rep: a median of both, and a percentile (Ana 120 beats nobody at 300: ½ ÷ 2 = 25th).
    expect(compareWithTeam(own, team([row(1, 120), row(2, 300)]), 1, true)).toMatchObject({
      teamMedian: 210,
      teamSize: 2,
      percentile: 25,
      weak: true,
    });
  });

  it('gives the reason a scorecard row has no data, pipeline coverage included', () => {
    const coverage = result('coverage', {
      value: { kind: 'no_data', reason: 'the revenue target is already reached' },
      currency: 'USD',
      sampleSize: 3,
    });
    expect(scorecardLine(coverage)).toBe(
      '*Pipeline coverage* _Week of 23 Nov 2026_  _No data: the revenue target is already reached_',
    );
  });

  it('marks a scorecard row on a small sample like an answer, and a count or 0 records not at all', () => {
    // Yesterday's win rate on 3 closed deals: 2 won.
    const winRate = result('winrate', { value: v(2 / 3), sampleSize: 3 });
    expect(scorecardLine(winRate)).toBe('*Win rate* _Week of 23 Nov 2026_  *66.7%* _(n=3, small sample)_');
    expect(scorecardFallback('EMEA today', [winRate])).toContain('Win rate 66.7% (n=3, small sample)');
    expect(scorecardLine(result('winrate', { value: v(0.5), sampleSize: 10 }))).not.toContain('small sample');
    expect(scorecardLine(result('calls', { value: v(2), sampleSize: 2 }))).not.toContain('small sample');
    expect(scorecardLine(result('coverage', { value: v(0), sampleSize: 0, currency: 'USD' }))).not.toContain(
      'small sample',
    );
  });

  it('marks a scorecard change against a previous figure on a small sample (helper-303, finding 3)', () => {
    const trend = (sampleSize: number) => ({
      previous: { period: { ...week, label: 'Week of 16 Nov 2026' }, value: v(0.4), sampleSize },
      change: { absolute: 0.1, relative: 0.25, better: true },
    });
    expect(scorecardLine(result('winrate', { value: v(0.5), sampleSize: 200, trend: trend(9) }))).toBe(
      '*Win rate* _Week of 23 Nov 2026_  *50.0%* · :large_green_circle: ▲ +10.0 pts (+25%) — better _(Week of 16 Nov 2026: n=9, small sample)_',
    );
    expect(
      scorecardLine(result('winrate', { value: v(0.5), sampleSize: 200, trend: trend(10) })),
    ).not.toContain('small sample');
    // A count is never a small sample, before or now.
    expect(
      scorecardLine(
        result('calls', {
          value: v(20),
          sampleSize: 20,
          trend: { ...trend(2), change: { absolute: 18, relative: 9, better: true } },
        }),
      ),
    ).not.toContain('small sample');
  });

  it('keeps an acronym in the headline label', () => {
    const arpu = result('arpu', { value: v(90_890), currency: 'USD' });
    const section = buildMetricMessage({
      result: arpu,
      state: { metric: 'arpu', scope: { kind: 'org' }, period: 'this month', by: null },
      now: NOW,
      staleAfterHours: 24,
      interactive: false,
    }).blocks.find((b) => b.type === 'section');
    expect(section && 'text' in section ? section.text?.text : '').toBe(
      '*$908.90*  ARPU (annual revenue per license)',
    );
    expect(
      JSON.stringify(
        buildMetricMessage({
          result: result('calls'),
          state: { metric: 'calls', scope: { kind: 'org' }, period: 'this week', by: null },
          now: NOW,
          staleAfterHours: 24,
          interactive: false,
        }),
      ),
    ).toContain('"*524*  calls"');
  });

  it('offers only splits a metric has in its help, and says what its unit looks like', () => {
    const coverage = texts(buildMetricHelpMessage(findMetric('coverage')!).blocks);
    expect(coverage).toContain('Split by: none (one number for the scope)');
    expect(coverage).toContain('Unit: a multiple (2.4×), higher is better');
    expect(coverage).toContain('Try `/metrics coverage team` or `/metrics coverage org`.');
    expect(coverage).not.toContain('by rep');
    const calls = texts(buildMetricHelpMessage(findMetric('calls')!).blocks);
    expect(calls).toContain('Try `/metrics calls team` or `/metrics calls team by rep`.');
    expect(texts(buildMetricHelpMessage(findMetric('response')!).blocks)).toContain(
      'Unit: a duration (4m 12s), lower is better',
    );
  });

  it('calls a change that rounds to nothing flat, in the line and in the fallback', () => {
    // 18.45% → 18.46%: "+0.0 pts" can be neither better nor worse.
    expect(formatChange({ absolute: 0.0001, relative: 0.0005, better: true }, 'ratio')).toBe(
      ':white_circle: ▶ ±0.0 pts — flat',
    );
    expect(formatChange({ absolute: -0.3, relative: -0.001, better: true }, 'seconds')).toBe(
      ':white_circle: ▶ ±0s — flat',
    );
    expect(formatChange({ absolute: 0.002, relative: 0.01, better: true }, 'ratio')).toBe(
      ':large_green_circle: ▲ +0.2 pts (+1%) — better',
    );
    const conv = result('conversion', {
      value: v(0.1846),
      sampleSize: 2977,
      trend: {
        previous: { period: { ...week, label: 'Q2 2026' }, value: v(0.1845) },
        change: { absolute: 0.0001, relative: 0.0005, better: true },
      },
    });
    expect(answerFallback(conv)).toBe(
      'Lead conversion rate · EMEA · Week of 23 Nov 2026: 18.5%, flat vs Q2 2026, n=2,977',
    );
  });

  it('writes big relative changes and template counts with thousands separators', () => {
    expect(formatChange({ absolute: 1300, relative: 36.11, better: false }, 'count')).toBe(
      ':red_circle: ▲ +1,300 (+3,611%) — worse',
    );
    const lines = templateLines({
      period: week,
      rows: [{ template: null, sent: 3972, opened: 1983, replied: 433, openRate: 0.4992, replyRate: 0.109 }],
      test: null,
      verdict: null,
    } as unknown as Parameters<typeof templateLines>[0]);
    expect(lines).toEqual(['No template: 3,972 sent · open 49.9% · reply 10.9%']);
  });

  it('shows days and rates per day with one decimal, so a column lines up', () => {
    expect(formatNumber(26, 'days')).toBe('26.0 days');
    expect(formatNumber(1, 'days')).toBe('1.0 days');
    expect(formatNumber(21.84, 'days')).toBe('21.8 days');
    expect(formatNumber(12, 'per_day')).toBe('12.0/day');
    expect(formatNumber(3, 'multiple')).toBe('3.0×');
  });

  it('puts period labels into sentences', () => {
    expect(periodInWords('Last 30 days')).toBe('in the last 30 days');
    expect(periodInWords('Week of 16 Nov 2026')).toBe('in the week of 16 Nov 2026');
    expect(periodInWords('November 2026')).toBe('in November 2026');
    expect(periodInWords('Q3 2026')).toBe('in Q3 2026');
    expect(periodInWords('Today (30 Nov)')).toBe('today (30 Nov)');
    expect(periodInWords('All time (since 3 Jun 2026)')).toBe('since 3 Jun 2026');
  });

  it('writes September as "Sep" in freshness lines, like every other date', () => {
    expect(formatDateTime(new Date('2026-09-30T20:09:00Z'), 'UTC')).toBe('Wed, 30 Sep 2026, 20:09');
    expect(formatDateTime(new Date('2026-11-23T09:14:00Z'), 'UTC')).toBe('Mon, 23 Nov 2026, 09:14');
  });
});
