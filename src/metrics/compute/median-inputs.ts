import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { medianOf } from '../calculation.js';
import type { CalculationMedian, Unit } from '../types.js';
import { type Row, toNumber } from './aggregate.js';

/**
 * The middle value(s) behind a `percentile_cont(0.5)` median, for "How is this calculated?": `mid_lo` is
 * `percentile_disc(0.5)` (0-based rank ⌊(n − 1)/2⌋) and `mid_hi` the same over the descending order (rank
 * ⌊n/2⌋), so the median is their mean. Only the headline window (`x.wi = headline`) needs them; splits
 * (headline null) get nothing. Returns a select-list tail starting with a comma, or nothing.
 */
export function middleValues(value: SQL, headline: number | null): SQL {
  if (headline === null) return sql``;
  const only = sql`x.wi = ${headline}`;
  return sql`, (percentile_disc(0.5) within group (order by ${value}) filter (where ${only}))::float8 as mid_lo,
    (percentile_disc(0.5) within group (order by ${value} desc) filter (where ${only}))::float8 as mid_hi`;
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
