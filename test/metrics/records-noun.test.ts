import { describe, expect, it } from 'vitest';
import { metricRecords, recordsNoun } from '../../src/metrics/all-time.js';
import type { MetricId } from '../../src/metrics/types.js';

/**
 * Tester (LOW): a period before the data said "no records before 4 Dec 2025, the first record" whatever the
 * metric read. The reason names the records in plain words when they are one kind or an obvious group.
 */
describe('what "no … before" calls the records a metric reads', () => {
  it('names one kind or an obvious group, and says "records" when the kinds are mixed', () => {
    const noun = (m: MetricId) => recordsNoun(metricRecords(m));
    expect((['calls', 'emails', 'meetings'] as const).map(noun)).toEqual([
      'activity',
      'activity',
      'activity',
    ]);
    expect(
      (['winrate', 'cycle', 'dealsize', 'revenue', 'opps', 'lostdeals', 'coverage'] as const).map(noun),
    ).toEqual(Array(7).fill('deals'));
    expect((['arr', 'retention', 'clv', 'arpu'] as const).map(noun)).toEqual(Array(4).fill('customers'));
    expect(noun('conversion')).toBe('leads');
    // Leads with activities (response time) or with deals (lead cycle): mixed.
    expect(noun('response')).toBe('records');
    expect(noun('leadcycle')).toBe('records');
    expect(recordsNoun(['leads', 'accounts'])).toBe('records');
  });
});
