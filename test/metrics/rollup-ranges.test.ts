import { describe, expect, it } from 'vitest';
import { rollupRanges } from '../../src/metrics/compute/rollup.js';

const w = (start: string, end: string) => ({
  start: new Date(start),
  end: new Date(end),
  asOf: new Date(end),
});
const show = (ranges: ReturnType<typeof rollupRanges>) =>
  ranges?.map(
    (r) => `${r.window}${r.grain} ${r.start.toISOString().slice(0, 13)}..${r.end.toISOString().slice(0, 13)}`,
  );

describe('rollupRanges', () => {
  it('covers a Berlin year with hours, days and months, exactly once', () => {
    // 2026 in Berlin: 31 Dec 2025 23:00 UTC to 31 Dec 2026 23:00 UTC.
    expect(show(rollupRanges([w('2025-12-31T23:00:00Z', '2026-12-31T23:00:00Z')]))).toEqual([
      '0h 2025-12-31T23..2026-01-01T00',
      '0h 2026-12-31T00..2026-12-31T23',
      '0m 2026-01-01T00..2026-12-01T00',
      '0d 2026-12-01T00..2026-12-31T00',
    ]);
  });

  it('uses days only when no whole month fits, and hours only inside one day', () => {
    expect(show(rollupRanges([w('2026-11-16T05:00:00Z', '2026-11-23T05:00:00Z')]))).toEqual([
      '0h 2026-11-16T05..2026-11-17T00',
      '0h 2026-11-23T00..2026-11-23T05',
      '0d 2026-11-17T00..2026-11-23T00',
    ]);
    expect(show(rollupRanges([w('2026-11-23T05:00:00Z', '2026-11-23T09:00:00Z')]))).toEqual([
      '0h 2026-11-23T05..2026-11-23T09',
    ]);
  });

  it('gives up on bounds that are not whole hours (a +05:30 zone)', () => {
    expect(rollupRanges([w('2026-11-22T18:30:00Z', '2026-11-23T18:30:00Z')])).toBeNull();
  });
});
