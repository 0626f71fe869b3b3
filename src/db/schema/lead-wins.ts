import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Lead-to-close facts (metric `leadcycle`, docs/metrics.md): one row per won lead, with its win already
 * resolved exactly as the metric defines it: the close of the first won opportunity the lead converted
 * into (by close, then id), else the lead's own `converted_at`; the owner of that opportunity, else of the
 * lead (null = none); the start = first outbound touch, else creation. The team is not stored: readers
 * join the owner's membership at `closed_at`, as for raw rows, so membership changes need no upkeep.
 * Kept exactly right by statement triggers on leads and opportunities (migration `lead_wins`), rebuilt
 * by `tally_lead_wins_rebuild()`; never written by application code.
 */
export const leadWins = pgTable(
  'lead_wins',
  {
    leadId: integer('lead_id').primaryKey(),
    /** Owner of the winning opportunity, else of the lead; null when neither has one. */
    repId: integer('rep_id'),
    /** The won close: the first won opportunity's `closed_at`, else the lead's `converted_at`. */
    closedAt: ts('closed_at').notNull(),
    /** First outbound touch, else the lead's creation. */
    startedAt: ts('started_at').notNull(),
    /** No outbound touch recorded: the cycle starts at creation. */
    fromCreation: boolean('from_creation').notNull(),
    source: text('source'),
    /** The winning opportunity's product; null for a win recorded on the lead. */
    product: text('product'),
  },
  (t) => [
    index('lead_wins_closed_idx').on(t.closedAt),
    index('lead_wins_rep_closed_idx').on(t.repId, t.closedAt),
  ],
);
