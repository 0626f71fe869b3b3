import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { medianOf } from '../calculation.js';
import type { CalculationMedian, Unit } from '../types.js';
import { type HeadlineWindow, type Row, toNumber } from './aggregate.js';

/**
 * The middle value(s) behind a `percentile_cont(0.5)` median, for "How is this calculated?": `mid_lo` is
 * `percentile_disc(0.5)`, the value at 0-based rank ⌊(n − 1)/2⌋, and `mid_hi` the value at rank ⌊n/2⌋, so
 * the median is their mean. Both read the ascending order the median sorts: Postgres's `percentile_disc(p)`
 * takes the value at 1-based position ⌈p × n⌉ (float8), and ⌈(0.5 + 10⁻¹²) × n⌉ = ⌊n/2⌋ + 1 for every
 * n < 5 × 10¹¹ (the 10⁻¹² tips an even n's n/2 up by one and leaves an odd n's n/2 + ½ under the next
 * whole number). Only the headline window needs them; splits (headline null) get nothing. Returns a
 * select-list tail starting with a comma, or nothing.
 */
export function middleValues(value: SQL, headline: HeadlineWindow | null): SQL {
  if (headline === null) return sql``;
  const f = headline.filter;
  return sql`, (percentile_disc(0.5) within group (order by ${value})${f})::float8 as mid_lo,
    (percentile_disc(0.500000000001) within group (order by ${value})${f})::float8 as mid_hi`;
}

/** `{ median }` for a Calculation when the row carries the middle values (headline windows), else `{}`. */
export function optionalMedian(
  of: string,
  unit: Unit,
  n: number,
  r: Row,
): { median: CalculationMedian } | Record<string, never> {
  if (r.mid_lo === null || r.mid_lo === undefined || r.mid_hi === null || r.mid_hi === undefined) return {};
  const median = medianOf(of, unit, n, toNumber(r.mid_lo), toNumber(r.mid_hi));
  return median ? { median } : {};
}
