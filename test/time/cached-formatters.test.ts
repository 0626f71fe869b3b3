import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/time/format.js';
import { isTimeZone } from '../../src/time/zone.js';

// Both functions now remember what they built; the answers must not depend on what was asked before.
describe('cached time-zone checks and formatters', () => {
  it('answers the same for a zone asked twice, known or not', () => {
    expect([isTimeZone('Europe/Berlin'), isTimeZone('Europe/Berlin')]).toEqual([true, true]);
    expect([isTimeZone('Nowhere/Else'), isTimeZone('Nowhere/Else')]).toEqual([false, false]);
    expect(isTimeZone('  ')).toBe(false);
  });

  it('formats each zone with its own formatter', () => {
    // Mon 23 Nov 2026, 08:14 UTC: 09:14 in Berlin, 03:14 in New York.
    const at = new Date('2026-11-23T08:14:00Z');
    expect(formatDateTime(at, 'Europe/Berlin')).toBe('Mon, 23 Nov 2026, 09:14');
    expect(formatDateTime(at, 'America/New_York')).toBe('Mon, 23 Nov 2026, 03:14');
    expect(formatDateTime(at, 'Europe/Berlin')).toBe('Mon, 23 Nov 2026, 09:14');
    // September is "Sep", as everywhere else in Tally.
    expect(formatDateTime(new Date('2026-09-07T12:00:00Z'), 'UTC')).toBe('Mon, 7 Sep 2026, 12:00');
  });

  it('still refuses an unknown zone', () => {
    expect(() => formatDateTime(new Date(), 'Nowhere/Else')).toThrow(RangeError);
  });
});
