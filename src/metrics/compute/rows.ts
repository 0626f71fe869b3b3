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
  /**
   * For a dimension whose key folds several recorded spellings into one (`template`, see `SPELLED`): the
   * spelling as recorded, output as `seg_label` when split by it; the segment is shown under its most used
   * spelling (`spellingsOf`). Every source of a metric gives it for the same dimensions.
   */
  dimLabels?: Partial<Record<Dimension, SQL>>;
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
  const segLabel =
    by && SPELLED.has(by) ? sql`, ${src.dimLabels?.[by] ?? sql`null::text`} as seg_label` : sql``;
  const team = needTeam ? sql`, m.team_id as team_id` : sql``;
  return sql`select ${src.ts} as ts, ${src.rep} as rep_id${team}${seg}${segLabel}, ${src.columns}
    from ${src.from} ${teamJoin} ${src.teamJoins ?? sql``}
    where ${src.ts} >= ${iso(min)}::timestamptz and ${src.ts} < ${iso(max)}::timestamptz ${repFilter}
      and (${src.where ?? sql`true`})`;
}

/**
 * Dimensions whose segment key folds spellings together (an email template or a loss reason ignores case
 * and whitespace runs): their rows also carry `seg_label`, the spelling as recorded, and a segment is
 * labelled by the spellings seen (`spellingsOf`) rather than by its key.
 */
export const SPELLED: ReadonlySet<Dimension> = new Set<Dimension>(['template', 'reason']);

/**
 * Per segment key `g` of `rows` (a relation of `scopedRows` split by a `SPELLED` dimension, alias `x`), the
 * spellings recorded for it, most used first, ties in `COLLATE "C"` order (byte order, so the same on every
 * database and locale): `spellings[1]` is the label, the rest what it was also recorded as. Rows without a
 * key (no template) form no group. One aggregate over the rows: spellings counted per key, then gathered.
 */
export function spellingsOf(rows: SQL): SQL {
  return sql`select s.g, ${mostUsedFirst(sql`s.spelling`, sql`s.n`)} as spellings
    from (select x.seg as g, x.seg_label as spelling, count(*) as n from ${rows}
      where x.seg is not null and x.seg_label is not null group by x.seg, x.seg_label) s
    group by s.g`;
}

/**
 * `array_agg` of `spelling` (one per group row, with its count `n`), most used first, ties in `COLLATE "C"`
 * order; spellings that are null are left out (null when none is left). The one order of a spelled label.
 */
export function mostUsedFirst(spelling: SQL, n: SQL): SQL {
  return sql`array_agg(${spelling} order by ${n} desc, ${spelling} collate "C") filter (where ${spelling} is not null)`;
}

/** A `SPELLED` segment's label: its most used spelling in `rows` (without them its key), `none` without a key. */
function spelledLabel(rows: SQL | undefined, none: string): { join: SQL; label: SQL } {
  return rows
    ? {
        join: sql`left join (${spellingsOf(rows)}) ls on ls.g = a.g`,
        label: sql`coalesce(ls.spellings[1], a.g, ${none})`,
      }
    : { join: sql``, label: sql`coalesce(a.g, ${none})` };
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

/**
 * Label for a segment key: rep and team names from their tables, one primary-key lookup per segment (a rep
 * or team key is an id written as text: a join on the text compared every group with every rep, issue 15;
 * the counters label a split by rep or team from `ComputeContext.segmentNames` instead);
 * product/source as they are; a `SPELLED`
 * dimension's most used spelling from `rows` (its split's rows as a relation aliased `x`, e.g. a CTE named
 * `x`; without them the key itself).
 */
export function segmentLabelJoin(by: Dimension, rows?: SQL): { join: SQL; label: SQL } {
  switch (by) {
    case 'rep':
      return {
        join: sql``,
        label: sql`coalesce((select lr.name from reps lr where lr.id = a.g::int), 'No rep')`,
      };
    case 'team':
      return {
        join: sql``,
        label: sql`coalesce((select lt.name from teams lt where lt.id = a.g::int), 'No team')`,
      };
    case 'product':
      return { join: sql``, label: sql`coalesce(a.g, 'No product')` };
    case 'source':
      return { join: sql``, label: sql`coalesce(a.g, 'No source')` };
    case 'reason':
      return spelledLabel(rows, 'No reason given');
    case 'template':
      return spelledLabel(rows, 'No template');
  }
}
