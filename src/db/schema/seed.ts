import { integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per generated data set (`npm run seed`, the start-up demo, the benchmark). Lets the bench reuse
 * a complete data set instead of reseeding, and remembers index definitions dropped during a bulk load
 * so an interrupted load can put them back.
 */
export const seedRuns = pgTable('seed_runs', {
  id: serial('id').primaryKey(),
  /** 'demo', 'custom' or 'bench'. */
  profile: text('profile').notNull(),
  seed: integer('seed').notNull(),
  /** The generator options (sizes, rates) as given. */
  options: jsonb('options').notNull(),
  /** The instant the generated history ends at. */
  dataNow: timestamp('data_now', { withTimezone: true }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  /** Null while loading (or when a load was interrupted). */
  completedAt: timestamp('completed_at', { withTimezone: true }),
  counts: jsonb('counts'),
  /** SQL that recreates indexes/constraints dropped for a bulk load; cleared once they are back. */
  restoreSql: jsonb('restore_sql'),
});

/**
 * Where real data came from: one row per source ('csv' import, 'api' ingest), written on its first
 * successful write. A database with any row here has received user data, so the demo org is never
 * created in it (and an import refuses to mix with the demo org unless told --replace-demo).
 */
export const dataSources = pgTable('data_sources', {
  source: text('source').primaryKey(),
  firstAt: timestamp('first_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * When data last arrived, per source and entity: 'csv' (the import CLI), 'api' (the ingest API), 'slack'
 * (buttons such as "Contacted") × 'leads', 'activities', 'opportunities', 'accounts', 'contracts', 'reps',
 * 'teams'. Written in the same transaction as the data, on every successful write (replays included: a
 * sync that sends nothing new is still alive). Answers judge staleness by it (src/metrics/freshness.ts);
 * generated data counts through `seed_runs`.
 */
export const dataArrivals = pgTable(
  'data_arrivals',
  {
    source: text('source').notNull(),
    entity: text('entity').notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.entity] })],
);
