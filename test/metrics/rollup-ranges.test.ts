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

  it('reads whole UTC quarters as quarters where the table keeps them (duration histograms)', () => {
    const berlinYear = w('2025-12-31T23:00:00Z', '2026-12-31T23:00:00Z');
    expect(show(rollupRanges([berlinYear], { quarters: true }))).toEqual([
      '0h 2025-12-31T23..2026-01-01T00',
      '0h 2026-12-31T00..2026-12-31T23',
      '0q 2026-01-01T00..2026-10-01T00',
      '0m 2026-10-01T00..2026-12-01T00',
      '0d 2026-12-01T00..2026-12-31T00',
    ]);
    // Months before and after the whole quarters; no quarter when none fits whole.
    expect(
      show(rollupRanges([w('2026-02-15T00:00:00Z', '2026-08-20T00:00:00Z')], { quarters: true })),
    ).toEqual([
      '0d 2026-02-15T00..2026-03-01T00',
      '0m 2026-03-01T00..2026-04-01T00',
      '0q 2026-04-01T00..2026-07-01T00',
      '0m 2026-07-01T00..2026-08-01T00',
      '0d 2026-08-01T00..2026-08-20T00',
    ]);
    expect(
      show(rollupRanges([w('2026-02-01T00:00:00Z', '2026-05-01T00:00:00Z')], { quarters: true })),
    ).toEqual(['0m 2026-02-01T00..2026-05-01T00']);
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
