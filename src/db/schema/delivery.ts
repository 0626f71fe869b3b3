import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Every kind of message the bot sends on its own (see docs/architecture.md, "Delivery"). */
export const DELIVERY_KINDS = [
  'channel_digest',
  'dm_digest',
  'nudge_owner',
  'nudge_manager',
  'nudge_channel',
  'slip_alert',
  'slip_rollup',
  'broken_notice',
] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export const DELIVERY_STATES = ['due', 'claimed', 'sent', 'failed', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * The delivery ledger: one row per message the bot sends on its own, identified by a unique `key`
 * (e.g. `digest:42`, `nudge:owner:7`). States: `due` → `claimed` (lease held by one instance) →
 * `sent` / `failed` / `skipped` (with `reason`). A `claimed` row whose lease ran out is re-taken by any
 * instance, after looking in Slack for a message carrying the key in its metadata.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    kind: text('kind', { enum: DELIVERY_KINDS }).notNull(),
    /** Channel id (C…/G…) for channel posts; null for DMs. */
    channel: text('channel'),
    /** Slack user id for DMs; null for channel posts. */
    userId: text('user_id'),
    /** The IM channel id of a DM, stored before the post so a re-take can look in its history. */
    dmChannel: text('dm_channel'),
    /** `{ text, blocks }` as built by the feature; sent as is (after Slack's limits). */
    message: jsonb('message').notNull(),
    /** Slack message metadata `{ event_type, event_payload }`; the key is added as `delivery_key`. */
    metadata: jsonb('metadata'),
    /** What the feature needs to settle its own ledger (run id, nudge ids, …). */
    ref: jsonb('ref').notNull().default(sql`'{}'::jsonb`),
    state: text('state', { enum: DELIVERY_STATES }).notNull().default('due'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimedAt: ts('claimed_at'),
    leaseUntil: ts('lease_until'),
    sentChannel: text('sent_channel'),
    sentTs: text('sent_ts'),
    sentAt: ts('sent_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('deliveries_key_idx').on(t.key),
    index('deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.state} = 'due'`),
    index('deliveries_lease_idx').on(t.leaseUntil).where(sql`${t.state} = 'claimed'`),
    index('deliveries_updated_idx').on(t.updatedAt),
    check('deliveries_state_check', sql`${t.state} in ('due', 'claimed', 'sent', 'failed', 'skipped')`),
    check('deliveries_target_check', sql`(${t.channel} is null) <> (${t.userId} is null)`),
  ],
);

/**
 * The shared pace of every instance: row `workspace` (all posts; also holds a 429 pause and a lost token)
 * and one row per channel (`channel:C…`). `next_at` is the earliest instant the next post may leave.
 */
export const slackPace = pgTable('slack_pace', {
  key: text('key').primaryKey(),
  nextAt: ts('next_at').notNull().defaultNow(),
  /** Set by a 429: nobody posts before this instant. */
  pausedUntil: ts('paused_until'),
  /** Set when Slack said the token is gone (invalid_auth, token_revoked, …); cleared by the next success. */
  authError: text('auth_error'),
  authErrorAt: ts('auth_error_at'),
});

export type Delivery = typeof deliveries.$inferSelect;
