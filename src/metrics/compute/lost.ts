import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { calcInput, take } from '../calculation.js';
import type { Dimension } from '../types.js';
import {
  aggregateComputer,
  type MetricComputer,
  otherCurrenciesLeftOut,
  pickCurrency,
  toNumber,
  value,
} from './aggregate.js';
import { ROLLUP_NEWEST } from './rollup.js';
import type { RowSource } from './rows.js';

/**
 * A loss reason as metrics group it: its shown spelling (`reasonSpelling`) lower-cased, a run of `-` or `_`
 * between two letters or digits read as a space, `.` `!` `?` `,` `;` `:` at either end dropped (migration
 * `loss_reason_punctuation`); null when empty or a placeholder word ("N/A", "None", "-", "No reason given",
 * "Unknown", "0", …: the list is in migrations `loss_reason_placeholders`, `loss_reason_variants` and
 * `loss_reason_punctuation`). "Price ", "price", "PRICE  ", full-width "Ｐｒｉｃｅ", "Price!" and "price." are
 * one reason, and so are "price-too-high" and "Price too high"; "n/a" is no reason, so its deals fall into
 * "No reason given". The SQL function
 * `tally_loss_reason` is the one definition, shared with the rollups' count of deals lost with a reason.
 */
export const normalisedReason = (column: SQL) => sql`tally_loss_reason(${column})`;

/**
 * A loss reason as recorded, for showing (SQL `tally_loss_reason_spelling`, which `tally_loss_reason` lower-cases):
 * invisible format characters (soft hyphen U+00AD, U+200B–U+200F, U+2060, U+FEFF, U+180E, direction marks)
 * removed, full-width forms U+FF01–U+FF5E read as their ASCII, runs of white space (no-break and other Unicode spaces too) as one
 * space, trimmed, case kept (migration `loss_reason_variants`); null exactly when `tally_loss_reason` is null
 * (empty or a placeholder), so a placeholder never names a row. Its lower case is the reason's key up to
 * hyphens between words and end punctuation (`normalisedReason`): "Went with SAP", "went  with sap" and
 * "Went with SAP!" stay three spellings of one reason, shown under the most used (`spellingsOf` in rows.ts).
 */
export const reasonSpelling = (column: SQL) =>
  sql`case when ${normalisedReason(column)} is not null then tally_loss_reason_spelling(${column}) end`;

/** Opportunities closed lost, by close time, with amount, currency and normalised reason. */
export function lostDeals(by?: Dimension): RowSource {
  const withLead = by === 'source';
  return {
    from: withLead ? sql`opportunities x left join leads sl on sl.id = x.lead_id` : sql`opportunities x`,
    ts: sql`x.closed_at`,
    rep: sql`x.owner_rep_id`,
    where: sql`x.outcome = 'lost'`,
    columns: sql`x.currency, x.amount_minor, ${normalisedReason(sql`x.loss_reason`)} as reason`,
    dims: {
      product: sql`x.product`,
      source: withLead ? sql`sl.source` : sql`null::text`,
      reason: normalisedReason(sql`x.loss_reason`),
    },
    dimLabels: { reason: reasonSpelling(sql`x.loss_reason`) },
  };
}

/** The note on a lost-deals answer none of whose deals carries a reason (`/metrics lost` says it in its body). */
export const NO_LOSS_REASONS_NOTE = 'No loss reasons are recorded for these deals.';

/**
 * Deals lost in the period, the amount lost (answer's currency) and how many carry a reason. Every window
 * and the splits by rep or team read the counter rollups (`deals_lost`, `lost_minor` and
 * `deals_lost_with_reason` per currency); splits by reason, product or source read the raw opportunities.
 */
export const lostComputer: MetricComputer = aggregateComputer({
  sources: (by) => [lostDeals(by)],
  aggregates: sql`count(*)::int as cur_n, coalesce(sum(x.amount_minor), 0)::float8 as cur_amount,
    count(x.reason)::int as with_reason`,
  perCurrency: true,
  rollup: {
    aggregates: sql`sum(r.deals_lost)::int as cur_n, sum(r.lost_minor)::float8 as cur_amount,
      sum(r.deals_lost_with_reason)::int as with_reason`,
    having: sql`sum(r.deals_lost) > 0`,
    segmentAggregates: sql`sum(r.deals_lost)::int as cur_n`,
    newest: ROLLUP_NEWEST.lost,
  },
  finalize({ rows, currency }) {
    const n = rows.reduce((s, r) => s + toNumber(r.cur_n), 0);
    const withReason = rows.reduce((s, r) => s + toNumber(r.with_reason), 0);
    const { row, otherN } = pickCurrency(rows, currency);
    const notes: string[] = [];
    if (otherN > 0 && currency)
      notes.push(`Lost amount: ${otherCurrenciesLeftOut(otherN, ['deal', 'deals'])} (no exchange rates).`);
    if (n > 0 && withReason === 0) notes.push(NO_LOSS_REASONS_NOTE);
    return {
      value: value(n),
      n,
      currency,
      notes,
      calc: {
        formula: 'count of opportunities closed lost in the period',
        inputs: [calcInput('deals lost', n, 'count')],
        step: take(0),
      },
      figures: [
        { key: 'amount', label: 'Amount lost', unit: 'money', value: value(toNumber(row?.cur_amount)) },
        {
          key: 'with_reason',
          label: 'With a loss reason',
          unit: 'ratio',
          value: n > 0 ? value(withReason / n) : { kind: 'no_data', reason: 'no deals lost in this period' },
        },
      ],
    };
  },
});
