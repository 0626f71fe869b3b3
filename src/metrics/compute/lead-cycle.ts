import { sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput } from '../calculation.js';
import {
  aggregateComputer,
  type Computed,
  type FinalizeInput,
  type MetricComputer,
  noData,
  toNumber,
  value,
} from './aggregate.js';
import { negativeDurationNote } from './durations.js';
import { leadCycleFactsComputer } from './lead-cycle-facts.js';
import { middleValues, optionalMedian } from './median-inputs.js';
import type { RowSource } from './rows.js';

/** Local calendar days from start to close in `zone`, and whether the cycle starts at creation. */
const cycleColumns = (zone: string) =>
  sql`((x.closed at time zone ${zone})::date - (x.started at time zone ${zone})::date) as raw_days,
      x.from_creation`;

/**
 * One row per won lead: the won close (the first won opportunity the lead converted into, else the lead's
 * own `converted_at` when the data set records the win on the lead, as Olist does: only when no deal at all
 * is on the lead, since a lead converted into a deal that was lost or is open is not won), the owner (of that
 * opportunity, else of the lead), and the start: the lead's first outbound touch, or its creation when no
 * touch is recorded (`from_creation`, stated in the answer). Days are whole local calendar days in `zone`
 * (first contact is often a date without a time), clamped at 0 per lead (durations.ts).
 * Two branches whose close is a plain column, so the period's bounds reach the close indexes: won deals
 * that are their lead's first win by (close, id) (`opportunities_lead_won_idx`), and converted leads with
 * no deal (`leads_converted_idx`, `opportunities_lead_idx`; a won deal always has a close date, by the table's
 * check). Before,
 * one lateral lookup per lead over every lead ever created: over 300 s on the bench data set.
 */
function wonLeads(zone: string): RowSource {
  return {
    from: sql`(select l.id, l.source, w.product, w.closed_at as closed,
        coalesce(w.owner_rep_id, l.owner_rep_id) as rep,
        coalesce(l.first_touch_at, l.created_at) as started,
        (l.first_touch_at is null) as from_creation
      from opportunities w join leads l on l.id = w.lead_id
      where w.outcome = 'won' and not exists (
        select 1 from opportunities v
        where v.lead_id = w.lead_id and v.outcome = 'won' and (v.closed_at, v.id) < (w.closed_at, w.id))
      union all
      select l.id, l.source, null::text, l.converted_at, l.owner_rep_id,
        coalesce(l.first_touch_at, l.created_at), (l.first_touch_at is null)
      from leads l
      where l.converted_at is not null
        and not exists (select 1 from opportunities v where v.lead_id = l.id)) x`,
    ts: sql`x.closed`,
    rep: sql`x.rep`,
    columns: cycleColumns(zone),
    dims: { source: sql`x.source`, product: sql`x.product` },
  };
}

/**
 * Lead-to-close over raw leads and deals (`wonLeads`): the reference the facts must equal. Days clamped at 0
 * per lead; the median is `percentile_cont(0.5)`, the mean `avg`.
 */
const rawComputer = aggregateComputer({
  sources: (_by, ctx) => [wonLeads(ctx?.timezone ?? ctx?.defaultTimezone ?? 'UTC')],
  aggregates: (_ctx, headline) => sql`count(*)::int as n,
    percentile_cont(0.5) within group (order by greatest(0, x.raw_days))::float8 as median,
    avg(greatest(0, x.raw_days))::float8 as mean,
    count(*) filter (where x.raw_days < 0)::int as skewed,
    count(*) filter (where x.from_creation)::int as from_creation
    ${middleValues(sql`greatest(0, x.raw_days)`, headline)}`,
  finalize,
});

/** The same answers from `lead_wins` (lead-cycle-facts.ts). */
const factsComputer = leadCycleFactsComputer(finalize);

/**
 * Lead-to-close: calendar days from first contact to the won close, for leads won in the period. Reads
 * `lead_wins` (lead-cycle-facts.ts); `useRollups: false` reads the raw leads and deals (the reference the
 * equality tests use). Both give the same answer row to `finalize`.
 */
export const leadCycleComputer: MetricComputer = {
  windows: (db, scope, windows, headline, ctx) =>
    (ctx.useRollups === false ? rawComputer : factsComputer).windows(db, scope, windows, headline, ctx),
  segments: (db, scope, window, by, ctx) =>
    (ctx.useRollups === false ? rawComputer : factsComputer).segments(db, scope, window, by, ctx),
};

/**
 * One group's row (n, median, mean, skewed, from_creation, optional mid_lo/mid_hi) as the answer: the median
 * in days, the mean and the count starting at creation as figures, notes on cycles from creation and on
 * leads won before their first contact.
 */
function finalize({ rows }: FinalizeInput): Omit<Computed, 'newest'> {
  const r = rows[0] ?? {};
  const n = toNumber(r.n);
  const fromCreation = toNumber(r.from_creation);
  const none = 'no leads won in this period';
  const notes: string[] = [];
  if (fromCreation > 0)
    notes.push(
      fromCreation === n
        ? 'No outbound touches are recorded on these leads, so every cycle starts at the lead’s creation (first contact).'
        : `${formatCount(fromCreation)} of ${formatCount(n)} cycles start at the lead’s creation (no outbound touch recorded); the rest at the first outbound touch.`,
    );
  notes.push(
    ...negativeDurationNote(
      toNumber(r.skewed),
      ['lead won before its first contact', 'leads won before their first contact'],
      '0 days',
    ),
  );
  return {
    value: n > 0 ? value(toNumber(r.median)) : noData(none),
    n,
    currency: null,
    notes,
    calc: {
      formula: 'median of (won close date − first contact date) in calendar days, over leads won',
      inputs: [calcInput('leads won', n, 'count')],
      ...optionalMedian('lead-to-close cycles of leads won, in calendar days', 'days', n, r),
    },
    figures: [
      { key: 'mean', label: 'Mean', unit: 'days', value: n > 0 ? value(toNumber(r.mean)) : noData(none) },
      {
        key: 'from_creation',
        label: 'Starting at lead creation',
        unit: 'count',
        value: value(fromCreation),
      },
    ],
  };
}
