import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { reps, teams } from './org.js';
import { leads } from './sales.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Per-team alert settings. The SLA itself lives in `teams.response_sla_seconds` (shared with metrics and the
 * digest); a team without a row here uses the defaults: escalation 3 × SLA, always-on hours, slip alerts on,
 * no channel step.
 */
export const alertSettings = pgTable(
  'alert_settings',
  {
    teamId: integer('team_id')
      .primaryKey()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** Business seconds after lead creation when the manager hears about it; null = 3 × SLA. */
    escalationSeconds: integer('escalation_seconds'),
    /** Business days as ISO weekdays (1 = Monday … 7 = Sunday); null = always on (no business hours). */
    businessDays: smallint('business_days').array(),
    /** Start and end of the business day, minutes after local midnight: [start, end). */
    dayStartMinute: smallint('day_start_minute'),
    dayEndMinute: smallint('day_end_minute'),
    /** Zone of the business hours; null = the team's zone (or DEFAULT_TIMEZONE). */
    timezone: text('timezone'),
    slipEnabled: boolean('slip_enabled').notNull().default(true),
    /** Slack channel for the third step; null = no channel step. */
    channelId: text('channel_id'),
    updatedByRepId: integer('updated_by_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check(
      'alert_settings_hours_check',
      sql`${t.businessDays} is null or (${t.dayStartMinute} between 0 and 1439 and ${t.dayEndMinute} between 1 and 1440 and ${t.dayEndMinute} > ${t.dayStartMinute})`,
    ),
  ],
);

export const NUDGE_STAGES = ['owner', 'manager', 'channel'] as const;
export type NudgeStage = (typeof NUDGE_STAGES)[number];
export const NUDGE_STATUSES = ['claimed', 'sent', 'skipped', 'failed'] as const;
export type NudgeStatus = (typeof NUDGE_STATUSES)[number];

/**
 * The nudge ledger: one row per lead and stage, inserted (claimed) before anything is sent, so a lead gets
 * at most one nudge per stage ever, across restarts and instances.
 */
export const leadNudges = pgTable(
  'lead_nudges',
  {
    id: serial('id').primaryKey(),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    stage: text('stage', { enum: NUDGE_STAGES }).notNull(),
    status: text('status', { enum: NUDGE_STATUSES }).notNull().default('claimed'),
    /** Who was told: a rep id for owner/manager, null for the channel step. */
    recipientRepId: integer('recipient_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    claimedAt: ts('claimed_at').notNull(),
    sentAt: ts('sent_at'),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    error: text('error'),
    /** Channel step: who clicked "Claim" first. */
    pickedByRepId: integer('picked_by_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    pickedAt: ts('picked_at'),
  },
  (t) => [
    uniqueIndex('lead_nudges_lead_stage_idx').on(t.leadId, t.stage),
    check('lead_nudges_stage_check', sql`${t.stage} in ('owner', 'manager', 'channel')`),
    check('lead_nudges_status_check', sql`${t.status} in ('claimed', 'sent', 'skipped', 'failed')`),
  ],
);

/** "Snooze 15 min": further nudges for the lead wait until `until`. */
export const leadSnoozes = pgTable('lead_snoozes', {
  leadId: integer('lead_id')
    .primaryKey()
    .references(() => leads.id, { onDelete: 'cascade' }),
  until: ts('until').notNull(),
  byRepId: integer('by_rep_id').references(() => reps.id, { onDelete: 'set null' }),
  at: ts('at').notNull(),
});

export const SLIP_ALERT_KINDS = ['rep', 'rollup'] as const;
export type SlipAlertKind = (typeof SLIP_ALERT_KINDS)[number];

/**
 * Slip-alert ledger: a rep DM at most once per local day (`rep`), a manager roll-up at most once per week
 * (`rollup`, day = the Monday of the week). Claimed before sending.
 */
export const slipAlerts = pgTable(
  'slip_alerts',
  {
    kind: text('kind', { enum: SLIP_ALERT_KINDS }).notNull(),
    repId: integer('rep_id')
      .notNull()
      .references(() => reps.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    teamId: integer('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    /** Rep alerts: the rep's 7-day median response seconds when alerted. */
    medianSeconds: integer('median_seconds'),
    status: text('status', { enum: NUDGE_STATUSES }).notNull().default('claimed'),
    claimedAt: ts('claimed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.repId, t.day] }),
    index('slip_alerts_team_day_idx').on(t.teamId, t.day),
    check('slip_alerts_kind_check', sql`${t.kind} in ('rep', 'rollup')`),
  ],
);
