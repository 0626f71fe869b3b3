import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { reps, teams } from './org.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const DIGEST_CADENCES = ['daily', 'weekdays', 'weekly'] as const;
export type DigestCadence = (typeof DIGEST_CADENCES)[number];
export const DIGEST_RUN_STATES = ['claimed', 'posted', 'failed', 'skipped'] as const;
export type DigestRunState = (typeof DIGEST_RUN_STATES)[number];

/**
 * A scheduled digest: one channel (or, with target `dm`, every active rep of the scope by DM in their
 * own time zone) gets the scope's numbers at a local time. Read by the scheduler every minute, so
 * changes take effect without a restart.
 */
export const digestSubscriptions = pgTable(
  'digest_subscriptions',
  {
    id: serial('id').primaryKey(),
    /** A Slack channel id (C…/G…), or `dm` for personal digests to each rep of the scope. */
    target: text('target').notNull(),
    /** `org` or `team` (then teamId is set). */
    scopeKind: text('scope_kind', { enum: ['org', 'team'] }).notNull(),
    teamId: integer('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    cadence: text('cadence', { enum: DIGEST_CADENCES }).notNull().default('weekdays'),
    /** For weekly digests: 0 = Sunday … 6 = Saturday. */
    weekday: smallint('weekday'),
    /** Local wall-clock time "HH:MM" (24 h). */
    localTime: text('local_time').notNull().default('08:30'),
    /** IANA zone of the channel digest; for DM digests each rep's own zone wins, this is the fallback. */
    timezone: text('timezone').notNull(),
    /** Metric ids; empty = the default scorecard. */
    metrics: text('metrics').array().notNull().default(sql`'{}'::text[]`),
    paused: boolean('paused').notNull().default(false),
    /** Whether each digest carries a trend chart of its headline metric (on unless opted out). */
    chart: boolean('chart').notNull().default(true),
    /** Slots before this instant are never run (set on creation and on resume), so nothing fires "late" for a time it did not exist. */
    activeSince: ts('active_since').notNull().defaultNow(),
    /** Set when Slack said the destination cannot receive messages; the scheduler skips broken subscriptions. */
    brokenReason: text('broken_reason'),
    brokenAt: ts('broken_at'),
    /** When the creator was told it broke (at most once per breakage). */
    brokenNotifiedAt: ts('broken_notified_at'),
    createdByRepId: integer('created_by_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    createdBySlackUserId: text('created_by_slack_user_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('digest_subscriptions_scope_check', sql`${t.scopeKind} in ('org', 'team')`),
    check('digest_subscriptions_team_check', sql`(${t.scopeKind} = 'team') = (${t.teamId} is not null)`),
    check('digest_subscriptions_cadence_check', sql`${t.cadence} in ('daily', 'weekdays', 'weekly')`),
    check(
      'digest_subscriptions_weekday_check',
      sql`(${t.cadence} = 'weekly') = (${t.weekday} is not null) and (${t.weekday} is null or ${t.weekday} between 0 and 6)`,
    ),
    check('digest_subscriptions_time_check', sql`${t.localTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
  ],
);

/**
 * The exactly-once ledger: one row per (subscription, scheduled slot, recipient). Inserting the row is
 * the claim; only the instance whose insert succeeded posts. A `claimed` row older than the lease is a
 * crashed run and is re-taken with an atomic update.
 */
export const digestRuns = pgTable(
  'digest_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => digestSubscriptions.id, { onDelete: 'cascade' }),
    /** The scheduled instant this run is for. */
    slot: ts('slot').notNull(),
    /** The channel id, or `rep:<id>` for a personal DM digest. */
    recipient: text('recipient').notNull(),
    state: text('state', { enum: DIGEST_RUN_STATES }).notNull(),
    claimedAt: ts('claimed_at'),
    claimedBy: text('claimed_by'),
    attempts: integer('attempts').notNull().default(0),
    postedChannel: text('posted_channel'),
    /** Slack message ts once posted: the proof that it went out. */
    postedTs: text('posted_ts'),
    postedAt: ts('posted_at'),
    error: text('error'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('digest_runs_key_idx').on(t.subscriptionId, t.slot, t.recipient),
    // The scheduler reads the last days' runs every minute; keep that a range scan as the ledger grows.
    index('digest_runs_slot_idx').on(t.slot),
    index('digest_runs_claimed_idx').on(t.claimedAt).where(sql`${t.state} = 'claimed'`),
    check('digest_runs_state_check', sql`${t.state} in ('claimed', 'posted', 'failed', 'skipped')`),
  ],
);

export type DigestSubscription = typeof digestSubscriptions.$inferSelect;
export type DigestRun = typeof digestRuns.$inferSelect;
