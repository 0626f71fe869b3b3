import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { headlineWindow } from '../../src/metrics/compute/aggregate.js';
import { middleValues } from '../../src/metrics/compute/median-inputs.js';
import { describeDb } from '../helpers/db.js';

/**
 * The middle values behind a median read the ascending order the median sorts (median-inputs.ts): `mid_hi`
 * is `percentile_disc` just above 0.5, which must be the value at 0-based rank ⌊n/2⌋ for every n, the value
 * the descending `percentile_disc(0.5)` it replaced gave. Checked against that and against the sorted list
 * itself, for n = 1…60 with ties, in a query over one window (no FILTER) and over two (FILTER per window).
 */
describeDb('middle values of a median', (ctx) => {
  it('are the values at ranks ⌊(n − 1)/2⌋ and ⌊n/2⌋ for every n, with and without a window FILTER', async () => {
    const db = ctx.db();
    for (const windows of [1, 2]) {
      const headline = headlineWindow(windows - 1, windows);
      const rows = await queryRows<{
        n: number;
        mid_lo: number;
        mid_hi: number;
        hi_desc: number;
        sorted: number[];
      }>(
        db,
        sql`with s as (select n from generate_series(1, 60) n),
          x as (
            select s.n, w.wi, (v * 7 % 11)::float8 / 4 as v
            from s cross join generate_series(1, s.n) v cross join generate_series(0, ${windows - 1}) w(wi)
          )
          select x.n, array_agg(x.v order by x.v) filter (where x.wi = ${windows - 1}) as sorted,
            (percentile_disc(0.5) within group (order by x.v desc) filter (where x.wi = ${windows - 1}))::float8 as hi_desc
            ${middleValues(sql`x.v`, headline)}
          from x group by x.n order by x.n`,
      );
      expect(rows).toHaveLength(60);
      for (const r of rows) {
        const sorted = r.sorted.map(Number);
        expect(sorted).toHaveLength(r.n);
        expect(Number(r.mid_lo)).toBe(sorted[Math.floor((r.n - 1) / 2)]);
        expect(Number(r.mid_hi)).toBe(sorted[Math.floor(r.n / 2)]);
        expect(Number(r.mid_hi)).toBe(Number(r.hi_desc));
      }
    }
  });
});
