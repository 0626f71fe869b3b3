import { expect, it } from 'vitest';
import { negativeDurationNote } from '../../src/metrics/compute/durations.js';
import { formatAge } from '../../src/slack/format.js';

it('puts thousands separators in the counts of notes and ages', () => {
  expect(negativeDurationNote(2249, ['lead answered early', 'leads answered early'], '0 s')).toEqual([
    '2,249 leads answered early (clock skew or bad data) count as 0 s each.',
  ]);
  // 3,256 days before Monday 23 Nov 2026 10:00 UTC.
  const now = new Date('2026-11-23T10:00:00Z');
  expect(formatAge(new Date(now.getTime() - 3256 * 86_400_000), now)).toBe('3,256 days ago');
});
