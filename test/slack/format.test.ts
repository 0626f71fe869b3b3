import { describe, expect, it } from 'vitest';
import { computeAttainment, findMetric, parsePeriod } from '../../src/metrics/index.js';
import type { TargetInfo } from '../../src/metrics/types.js';
import {
  formatAge,
  formatAttainment,
  formatChange,
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  formatSparkline,
  formatStatus,
  formatTarget,
} from '../../src/slack/format.js';

describe('formatting numbers for Slack', () => {
  it('shows attainment and target figures that agree with the status', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const quarter = parsePeriod('2026-Q3', { now, timezone: 'UTC' });
    if (!quarter.ok) throw new Error(quarter.error);
    const target: TargetInfo = {
      value: 0.25,
      currency: null,
      periodKind: 'quarter',
      scope: { kind: 'org' },
      setByName: null,
      setAt: now,
    };
    // A 21.2% win rate of a 25.0% target is 84.8%: off track (at risk from 85%), so not "85% attained".
    const a = computeAttainment(
      findMetric('winrate')!,
      { kind: 'value', value: 0.212 },
      target,
      quarter.period,
      now,
    );
    expect(a.status).toBe('off_track');
    expect(formatAttainment(a.attainment!)).toBe('84%');
    // Exactly at a threshold stays there (0.85 is 84.99999… in floating point).
    expect(formatAttainment(0.85)).toBe('85%');
    expect(formatAttainment(0.17 / 0.2)).toBe('85%');
    expect(formatAttainment(0.999)).toBe('99%');
    expect(formatAttainment(1)).toBe('100%');
    expect(formatAttainment(0.91)).toBe('91%');
    // 3 calls of a prorated 3.22: shown 3.2, not 3 (which "93% attained" would contradict).
    expect(formatTarget(3.22, 'count')).toBe('3.2');
    expect(formatTarget(92.001, 'count')).toBe('92');
    expect(formatTarget(374.9, 'count')).toBe('375');
    expect(formatTarget(40, 'count')).toBe('40');
  });

  it('formats durations', () => {
    expect(formatDuration(252)).toBe('4m 12s');
    expect(formatDuration(38)).toBe('38s');
    expect(formatDuration(3900)).toBe('1h 05m');
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe('2d 3h');
    // Rounded to the last unit shown, as seconds are (fresh tester: a p90 of 15h 04m 54s showed "15h 04m").
    expect(formatDuration(54293.6)).toBe('15h 05m');
    expect(formatDuration(1990.6)).toBe('33m 11s');
    expect(formatDuration(3599.6)).toBe('1h 00m');
    expect(formatDuration(86399)).toBe('1d 0h');
    expect(formatDuration(2 * 86400 + 3 * 3600 + 40 * 60)).toBe('2d 4h');
    expect(formatDuration(-3930)).toBe('−1h 06m');
  });

  it('formats ratios, money and counts', () => {
    expect(formatPercent(0.27272)).toBe('27.3%');
    // 5,329 won / 1 lost is not 100 %: a ratio short of 1 (or above 0) is never rounded to it.
    expect(formatPercent(5329 / 5330)).toBe('99.9%');
    expect(formatNumber(5329 / 5330, 'ratio')).toBe('99.9%');
    expect(formatPercent(0.996, 0)).toBe('99%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(0.0004)).toBe('under 0.1%');
    expect(formatPercent(0.004, 0)).toBe('under 1%');
    expect(formatMoney(1_240_000, 'USD')).toBe('$12,400');
    expect(formatMoney(995, 'EUR')).toBe('€9.95');
    expect(formatMoney(1_240_000, 'SEK')).toBe('12,400 SEK');
    expect(formatNumber(1204, 'count')).toBe('1,204');
    expect(formatNumber(12.5, 'days')).toBe('12.5 days');
    expect(formatNumber(3.25, 'per_day')).toBe('3.3/day');
  });

  it('never shows a small non-zero rate, count, ratio or multiple as zero, and keeps small changes flat', () => {
    expect(formatNumber(0.04, 'per_day')).toBe('0.04/day');
    expect(formatNumber(0.0032, 'per_day')).toBe('0.003/day');
    expect(formatNumber(0.05, 'per_day')).toBe('0.1/day');
    expect(formatNumber(0, 'per_day')).toBe('0.0/day');
    expect(formatNumber(0.02, 'days')).toBe('0.02 days');
    expect(formatNumber(0.04, 'multiple')).toBe('0.04×');
    expect(formatNumber(0.04, 'count')).toBe('0.04');
    expect(formatNumber(0.0003, 'ratio')).toBe('0.03%');
    expect(formatNumber(0, 'ratio')).toBe('0.0%');
    for (const text of [formatNumber(0.04, 'per_day'), formatNumber(0.0003, 'ratio')])
      expect(text).not.toContain('<');
    // A change that rounds to nothing at the unit's precision stays flat, as before.
    expect(formatChange({ absolute: 0.03, relative: 0.002, better: true }, 'per_day')).toBe(
      ':white_circle: ▶ ±0.0/day — flat',
    );
  });

  it('marks change good or bad by direction, not by sign', () => {
    // Response time fell by 40 s: lower is better, so it is good.
    expect(formatChange({ absolute: -40, relative: -0.2, better: true }, 'seconds')).toBe(
      ':large_green_circle: ▼ −40s (−20%) — better',
    );
    expect(formatChange({ absolute: 0.021, relative: 0.08, better: false }, 'ratio')).toBe(
      ':red_circle: ▲ +2.1 pts (+8%) — worse',
    );
    expect(formatChange({ absolute: 0, relative: null, better: null }, 'count')).toBe(
      ':white_circle: ▶ ±0 — flat',
    );
  });

  it('draws sparklines with gaps for missing points', () => {
    expect(formatSparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(formatSparkline([null, 2, 2])).toBe('·▄▄');
    expect(formatSparkline([null, null])).toBe('');
    // One period with a value is no trend (helper-170: `·······▄` drew it at half height).
    expect(formatSparkline([null, null, null, null, null, null, null, 4])).toBe('');
    expect(formatSparkline([0])).toBe('');
  });

  it('names statuses and ages', () => {
    expect(formatStatus('at_risk')).toBe(':large_yellow_circle: at risk');
    // 27 minutes and 3 days before Monday 23 Nov 2026 10:00 UTC.
    const now = new Date('2026-11-23T10:00:00Z');
    expect(formatAge(new Date('2026-11-23T09:33:00Z'), now)).toBe('27 minutes ago');
    expect(formatAge(new Date('2026-11-20T10:00:00Z'), now)).toBe('3 days ago');
    // After `now` (a record dated in the future): how far ahead, not "just now".
    expect(formatAge(new Date('2026-12-11T10:00:00Z'), now)).toBe('in 18 days');
    expect(formatAge(new Date('2026-11-23T13:00:00Z'), now)).toBe('in 3 hours');
    expect(formatAge(new Date('2026-11-23T10:01:00Z'), now)).toBe('in 1 minute');
    expect(formatAge(new Date('2026-11-23T10:00:20Z'), now)).toBe('just now');
    expect(formatAge(new Date('2026-11-23T09:59:40Z'), now)).toBe('just now');
  });
});
