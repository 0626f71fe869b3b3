import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import type { Dimension, Scope } from '../types.js';

/** One window a metric is computed over. `asOf` = min(end, now), for "state at the end" metrics. */
export interface Window {
  start: Date;
  end: Date;
  asOf: Date;
}

/** How a row source is attributed to a scope: rep id column and the instant that decides team membership. */
export interface RowSource {
  /** `from` clause, aliased `x`, with any extra joins. */
  from: SQL;
  /** The timestamp that puts a row in a period (and in a team, via membership at that instant). */
  ts: SQL;
  rep: SQL;
  /** Extra filter (kind, direction, outcome…); true when absent. */
  where?: SQL;
  /** Extra select list (aliased columns) the aggregates read. */
  columns: SQL;
  /** Expression per supported dimension beyond rep/team (product, source). */
  dims?: Partial<Record<Dimension, SQL>>;
  /** Always join the membership at `ts` (alias `m`, left join outside team scope), then these joins. */
  teamJoins?: SQL;
}

const iso = (d: Date) => d.toISOString();

/**
 * Rows of `src` with ts in [min, max) that belong to `scope`: a rep's own rows; a team's rows by membership
 * at the row's instant ([valid_from, valid_to)); the org's rows all. Output columns: ts, rep_id,
 * team_id (when `by` is team or the scope is a team), seg (when `by` is given), plus `src.columns`.
 */
export function scopedRows(src: RowSource, scope: Scope, min: Date, max: Date, by?: Dimension): SQL {
  const needTeam = scope.kind === 'team' || by === 'team' || src.teamJoins !== undefined;
  const membership = sql`m.rep_id = ${src.rep} and m.valid_from <= ${src.ts} and (m.valid_to is null or ${src.ts} < m.valid_to)`;
  const teamJoin = !needTeam
    ? sql``
    : scope.kind === 'team'
      ? sql`join team_memberships m on ${membership} and m.team_id = ${scope.teamId}`
      : sql`left join team_memberships m on ${membership}`;
  const repFilter = scope.kind === 'rep' ? sql`and ${src.rep} = ${scope.repId}` : sql``;
  const seg = by ? sql`, ${segmentExpr(src, by)} as seg` : sql``;
  const team = needTeam ? sql`, m.team_id as team_id` : sql``;
  return sql`select ${src.ts} as ts, ${src.rep} as rep_id${team}${seg}, ${src.columns}
    from ${src.from} ${teamJoin} ${src.teamJoins ?? sql``}
    where ${src.ts} >= ${iso(min)}::timestamptz and ${src.ts} < ${iso(max)}::timestamptz ${repFilter}
      and (${src.where ?? sql`true`})`;
}

function segmentExpr(src: RowSource, by: Dimension): SQL {
  switch (by) {
    case 'rep':
      return sql`${src.rep}::text`;
    case 'team':
      return sql`m.team_id::text`;
    case 'product':
    case 'source':
    case 'reason':
    case 'template':
      return src.dims?.[by] ?? sql`null::text`;
  }
}

/** `(values (0, s, e, asOf), …) as w(i, s, e, asof)`: the windows as a relation to join rows against. */
export function windowsRelation(windows: Window[]): SQL {
  const rows = windows.map(
    (w, i) =>
      sql`(${i}::int, ${iso(w.start)}::timestamptz, ${iso(w.end)}::timestamptz, ${iso(w.asOf)}::timestamptz)`,
  );
  return sql`(values ${sql.join(rows, sql`, `)}) as w(i, s, e, asof)`;
}

/** The span covering every window, so the inner scan uses one index range. */
export function span(windows: Window[]): { min: Date; max: Date } {
  let min = windows[0]!.start;
  let max = windows[0]!.end;
  for (const w of windows) {
    if (w.start < min) min = w.start;
    if (w.end > max) max = w.end;
  }
  return { min, max };
}

/** Label for a segment key: rep and team names from their tables; product/source as they are. */
export function segmentLabelJoin(by: Dimension): { join: SQL; label: SQL } {
  switch (by) {
    case 'rep':
      return {
        join: sql`left join reps lr on lr.id::text = a.g`,
        label: sql`coalesce(lr.name, 'No rep')`,
      };
    case 'team':
      return {
        join: sql`left join teams lt on lt.id::text = a.g`,
        label: sql`coalesce(lt.name, 'No team')`,
      };
    case 'product':
      return { join: sql``, label: sql`coalesce(a.g, 'No product')` };
    case 'source':
      return { join: sql``, label: sql`coalesce(a.g, 'No source')` };
    case 'reason':
      // Keys are normalised (lower case, single spaces); show them with a capital first letter.
      return { join: sql``, label: sql`coalesce(upper(left(a.g, 1)) || substr(a.g, 2), 'No reason given')` };
    case 'template':
      return { join: sql``, label: sql`coalesce(a.g, 'No template')` };
  }
}
