import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
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

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A sales team. `timezone` null means the deployment's DEFAULT_TIMEZONE. */
export const teams = pgTable('teams', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  timezone: text('timezone'),
  /** 0 = Sunday … 6 = Saturday, as date-fns counts; weeks start Monday unless the team says otherwise. */
  weekStartsOn: smallint('week_starts_on').notNull().default(1),
  slackChannelId: text('slack_channel_id'),
  /** Lead response SLA: a lead should get its first outbound touch within this many seconds (default 5 min). */
  responseSlaSeconds: integer('response_sla_seconds').notNull().default(300),
  createdAt: createdAt(),
});

export const REP_ROLES = ['rep', 'manager', 'admin'] as const;
export type RepRole = (typeof REP_ROLES)[number];

/** A person Tally knows: matched to Slack by user id, else by email. */
export const reps = pgTable(
  'reps',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').unique(),
    slackUserId: text('slack_user_id').unique(),
    role: text('role', { enum: REP_ROLES }).notNull().default('rep'),
    active: boolean('active').notNull().default(true),
    /** IANA zone from Slack's users.info, for personal DMs; null = the team's zone. */
    timezone: text('timezone'),
    /**
     * When users.lookupByEmail last found no Slack user for `slackLookupMissedEmail` (the rep's email then,
     * lower-cased). DMs skip the lookup for that email for a while (src/delivery/slack-ids.ts); a changed
     * email is looked up at once.
     */
    slackLookupMissedAt: timestamp('slack_lookup_missed_at', { withTimezone: true }),
    slackLookupMissedEmail: text('slack_lookup_missed_email'),
    createdAt: createdAt(),
  },
  (t) => [
    check('reps_role_check', sql`${t.role} in ('rep', 'manager', 'admin')`),
    uniqueIndex('reps_name_without_email_idx').on(t.name).where(sql`${t.email} is null`),
  ],
);

/**
 * Rep-to-team membership with history: [validFrom, validTo). A rep who moves teams gets a new row,
 * so old results stay with the old team. validTo null = current.
 */
export const teamMemberships = pgTable(
  'team_memberships',
  {
    id: serial('id').primaryKey(),
    repId: integer('rep_id')
      .notNull()
      .references(() => reps.id, { onDelete: 'cascade' }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [
    index('team_memberships_rep_idx').on(t.repId, t.validFrom),
    index('team_memberships_team_idx').on(t.teamId, t.validFrom),
    check('team_memberships_range_check', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);

/** Who manages which team (a manager may manage several; a team may have several managers). */
export const teamManagers = pgTable(
  'team_managers',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    repId: integer('rep_id')
      .notNull()
      .references(() => reps.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.repId] })],
);

export const FISCAL_WEEK_PATTERNS = ['445', '454', '544'] as const;
export type FiscalWeekPattern = (typeof FISCAL_WEEK_PATTERNS)[number];

/**
 * Org-wide settings, one row (id 1). Fiscal calendar: the fiscal year starts in `fiscalYearStart` (month
 * 1–12) and is named by the calendar year it ends in (a February start makes Feb 2026 – Jan 2027 FY2027).
 * `fiscalWeeks` set makes it week-based (4-4-5 / 4-5-4 / 5-4-4): the year ends on the last
 * `fiscalYearEndWeekday` (0 = Sunday … 6 = Saturday) of the month before `fiscalYearStart`, or the one
 * nearest that month's end (`fiscalYearEndRule`), so some years have 53 weeks. No row = the env default.
 */
export const orgSettings = pgTable(
  'org_settings',
  {
    id: smallint('id').primaryKey().default(1),
    fiscalYearStart: smallint('fiscal_year_start').notNull().default(1),
    fiscalWeeks: text('fiscal_weeks', { enum: FISCAL_WEEK_PATTERNS }),
    fiscalYearEndWeekday: smallint('fiscal_year_end_weekday'),
    fiscalYearEndRule: text('fiscal_year_end_rule', { enum: ['last', 'nearest'] }),
    updatedByRepId: integer('updated_by_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('org_settings_single_row', sql`${t.id} = 1`),
    check('org_settings_fiscal_start_check', sql`${t.fiscalYearStart} between 1 and 12`),
    check(
      'org_settings_fiscal_weeks_check',
      sql`${t.fiscalWeeks} is null or (${t.fiscalWeeks} in ('445', '454', '544') and ${t.fiscalYearEndWeekday} between 0 and 6 and ${t.fiscalYearEndRule} in ('last', 'nearest'))`,
    ),
  ],
);
