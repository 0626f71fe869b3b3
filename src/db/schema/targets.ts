import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  numeric,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { reps } from './org.js';

export const TARGET_SCOPES = ['org', 'team', 'rep'] as const;
export const TARGET_PERIOD_KINDS = ['day', 'week', 'month', 'quarter'] as const;

/**
 * The columns a target and each of its earlier values share (a new set per table, as drizzle needs):
 * what it is for, its value, and who set it.
 */
const targetColumns = () => ({
  id: serial('id').primaryKey(),
  metric: text('metric').notNull(),
  scopeKind: text('scope_kind', { enum: TARGET_SCOPES }).notNull(),
  /** team id or rep id; 0 for org (so the unique key works without NULL semantics). */
  scopeId: integer('scope_id').notNull().default(0),
  periodKind: text('period_kind', { enum: TARGET_PERIOD_KINDS }).notNull(),
  /** In the metric's unit: a count, a ratio 0..1, seconds, days, or minor currency units. */
  value: numeric('value', { precision: 20, scale: 6, mode: 'number' }).notNull(),
  /** ISO 4217 code of a money target's `value` (minor units of it); null for every other unit. */
  currency: text('currency'),
  setByRepId: integer('set_by_rep_id').references(() => reps.id, { onDelete: 'set null' }),
});

/** A target for one metric, scope and period kind, with who set it and when. */
export const targets = pgTable(
  'targets',
  { ...targetColumns(), setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow() },
  (t) => [
    uniqueIndex('targets_key_idx').on(t.metric, t.scopeKind, t.scopeId, t.periodKind),
    check('targets_scope_check', sql`${t.scopeKind} in ('org', 'team', 'rep')`),
    check('targets_period_check', sql`${t.periodKind} in ('day', 'week', 'month', 'quarter')`),
  ],
);

/**
 * Earlier values of a target (src/metrics/targets.ts): when `target set` replaces a value, the old one is
 * kept here with the instant it stopped applying (`replaced_at`), so a period that ended before the change
 * keeps the target it was worked against. `set_at` is when that value was set.
 */
export const targetVersions = pgTable(
  'target_versions',
  {
    ...targetColumns(),
    setAt: timestamp('set_at', { withTimezone: true }).notNull(),
    replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('target_versions_key_idx').on(t.metric, t.scopeKind, t.scopeId, t.periodKind)],
);
