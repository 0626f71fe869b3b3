import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import type { Scope } from '../types.js';
import { rollupRanges, rollupRows } from './rollup.js';
import { scopedRows, type Window } from './rows.js';

const HOUR = 3_600_000;

/**
 * Sorted distinct instants (epoch ms): the bounds of the intervals `closedByInterval` counts between.
 * Interval k is [instants[k], instants[k + 1]).
 */
export function intervalBounds(instants: Date[]): number[] {
  return [...new Set(instants.map((t) => t.getTime()))].sort((a, b) => a - b);
}

/**
 * Won and lost opportunities (by `closed_at`) of the scope between consecutive instants of `bounds`
 * (`intervalBounds`), as relation rows (k, currency, won_n, won_minor, lost_n): k = interval index, one
 * row per interval and currency with deals (rollup rows emptied by deletions may add zero rows).
 * Exact for any instants: the whole UTC hours inside each interval come from the counter rollups
 * (`metric_rollups` for a rep, the team twin `metric_team_rollups` for a team or the org, both keyed by
 * the team at the close), the parts of an hour at its edges from the raw rows, attributed as
 * `scopedRows` does (membership at the close). Money is in minor units of the deal's currency.
 */
export function closedByInterval(scope: Scope, bounds: number[]): SQL {
  const pieces: Window[] = [];
  const pieceK: number[] = [];
  const raw: { from: number; to: number }[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k]!;
    const to = bounds[k + 1]!;
    const h0 = Math.ceil(from / HOUR) * HOUR;
    const h1 = Math.floor(to / HOUR) * HOUR;
    if (h0 >= h1) {
      raw.push({ from, to });
      continue;
    }
    if (from < h0) raw.push({ from, to: h0 });
    if (h1 < to) raw.push({ from: h1, to });
    pieces.push({ start: new Date(h0), end: new Date(h1), asOf: new Date(h1) });
    pieceK.push(k);
  }
  const arms: SQL[] = [];
  const ranges = pieces.length > 0 ? rollupRanges(pieces) : null;
  if (ranges) {
    const relation =
      scope.kind === 'rep' ? rollupRows(ranges, scope) : rollupRows(ranges, scope, sql`metric_team_rollups`);
    const ks = sql.raw(`array[${pieceK.join(',')}]::int[]`);
    arms.push(sql`select (${ks})[w.i + 1] as k, r.currency, sum(r.deals_won)::bigint as won_n,
        sum(r.won_minor)::numeric as won_minor, sum(r.deals_lost)::bigint as lost_n
      from ${relation} group by 1, 2`);
  }
  if (raw.length > 0) {
    const tarr = sql`${`{${bounds.map((t) => new Date(t).toISOString()).join(',')}}`}::timestamptz[]`;
    const within = sql.join(
      raw.map(
        (p) =>
          sql`(x.closed_at >= ${new Date(p.from).toISOString()}::timestamptz and x.closed_at < ${new Date(p.to).toISOString()}::timestamptz)`,
      ),
      sql` or `,
    );
    const rows = scopedRows(
      {
        from: sql`opportunities x`,
        ts: sql`x.closed_at`,
        rep: sql`x.owner_rep_id`,
        where: sql`x.outcome in ('won', 'lost') and (${within})`,
        columns: sql`x.outcome, x.currency::text as currency, x.amount_minor`,
      },
      scope,
      new Date(raw[0]!.from),
      new Date(raw.at(-1)!.to),
    );
    arms.push(sql`select width_bucket(x.ts, ${tarr}) - 1 as k, x.currency,
        count(*) filter (where x.outcome = 'won')::bigint as won_n,
        coalesce(sum(x.amount_minor) filter (where x.outcome = 'won'), 0)::numeric as won_minor,
        count(*) filter (where x.outcome = 'lost')::bigint as lost_n
      from (${rows}) x group by 1, 2`);
  }
  if (arms.length === 0)
    arms.push(
      sql`select 0 as k, ''::text as currency, 0::bigint as won_n, 0::numeric as won_minor, 0::bigint as lost_n where false`,
    );
  return sql.join(arms, sql` union all `);
}
