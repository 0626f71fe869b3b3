import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { reps } from './org.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });
/** Money is integer minor units (cents) in a bigint; JS numbers are exact up to 2^53. */
const money = (name: string) => bigint(name, { mode: 'number' });
const updatedAt = () => ts('updated_at').notNull().defaultNow();

export const leads = pgTable(
  'leads',
  {
    id: serial('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    name: text('name'),
    company: text('company'),
    email: text('email'),
    source: text('source'),
    ownerRepId: integer('owner_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull(),
    /**
     * Earliest outbound call/email/meeting on this lead. Derived from activities and kept exactly
     * right by the write path, so response time never scans activities.
     */
    firstTouchAt: ts('first_touch_at'),
    qualifiedAt: ts('qualified_at'),
    convertedAt: ts('converted_at'),
    disqualifiedAt: ts('disqualified_at'),
    crmUrl: text('crm_url'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('leads_owner_created_idx').on(t.ownerRepId, t.createdAt),
    index('leads_created_idx').on(t.createdAt),
    index('leads_qualified_idx').on(t.qualifiedAt),
    // Lead-to-close: leads won on the lead itself (converted, no won deal), by the close.
    index('leads_converted_idx').on(t.convertedAt),
  ],
);

export const ACTIVITY_KINDS = ['call', 'email', 'meeting'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const DIRECTIONS = ['outbound', 'inbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const activities = pgTable(
  'activities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    externalId: text('external_id').notNull().unique(),
    repId: integer('rep_id').references(() => reps.id, { onDelete: 'set null' }),
    leadId: integer('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    opportunityId: integer('opportunity_id').references(() => opportunities.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
    direction: text('direction', { enum: DIRECTIONS }).notNull().default('outbound'),
    /** When it happened: call start, email sent, meeting start. */
    occurredAt: ts('occurred_at').notNull(),
    durationSeconds: integer('duration_seconds'),
    connected: boolean('connected'),
    emailOpenedAt: ts('email_opened_at'),
    emailRepliedAt: ts('email_replied_at'),
    /** The email template (or sequence/step) an outbound email was sent from, for A/B comparisons. */
    emailTemplate: text('email_template'),
    meetingBookedAt: ts('meeting_booked_at'),
    meetingHeldAt: ts('meeting_held_at'),
  },
  (t) => [
    check('activities_kind_check', sql`${t.kind} in ('call', 'email', 'meeting')`),
    check('activities_direction_check', sql`${t.direction} in ('outbound', 'inbound')`),
    index('activities_rep_occurred_idx').on(t.repId, t.occurredAt),
    index('activities_lead_idx').on(t.leadId, t.occurredAt),
  ],
);

export const accounts = pgTable(
  'accounts',
  {
    id: serial('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    name: text('name').notNull(),
    /** When the account became a paying customer; null = prospect. */
    becameCustomerAt: ts('became_customer_at'),
    churnedAt: ts('churned_at'),
    updatedAt: updatedAt(),
  },
  (t) => [index('accounts_customer_idx').on(t.becameCustomerAt, t.churnedAt)],
);

export const OUTCOMES = ['open', 'won', 'lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const opportunities = pgTable(
  'opportunities',
  {
    id: serial('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    leadId: integer('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    accountId: integer('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    ownerRepId: integer('owner_rep_id').references(() => reps.id, { onDelete: 'set null' }),
    product: text('product'),
    amountMinor: money('amount_minor'),
    currency: char('currency', { length: 3 }).notNull().default('USD'),
    createdAt: ts('created_at').notNull(),
    stage: text('stage'),
    closedAt: ts('closed_at'),
    outcome: text('outcome', { enum: OUTCOMES }).notNull().default('open'),
    /** Why a lost deal was lost, free text as the CRM has it (normalised when metrics group it). */
    lossReason: text('loss_reason'),
    /** When an open deal is expected to close (pipeline coverage); a local calendar date. */
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('opportunities_outcome_check', sql`${t.outcome} in ('open', 'won', 'lost')`),
    check('opportunities_closed_check', sql`${t.outcome} = 'open' or ${t.closedAt} is not null`),
    index('opportunities_owner_created_idx').on(t.ownerRepId, t.createdAt),
    index('opportunities_owner_closed_idx').on(t.ownerRepId, t.closedAt),
    index('opportunities_closed_idx').on(t.closedAt),
    index('opportunities_created_idx').on(t.createdAt),
    // Lead-to-close: a lead's first won deal by (close, id).
    index('opportunities_lead_won_idx').on(t.leadId, t.closedAt, t.id).where(sql`${t.outcome} = 'won'`),
    // A lead converted into any deal (won or not) is won only by a won deal: whether it has one at all.
    index('opportunities_lead_idx').on(t.leadId).where(sql`${t.leadId} is not null`),
    // Pipeline coverage: open deals by expected close date, for the org or a team, and per rep.
    index('opportunities_open_expected_idx')
      .on(t.expectedCloseDate)
      .where(sql`${t.outcome} = 'open' and ${t.expectedCloseDate} is not null`),
    index('opportunities_owner_open_expected_idx')
      .on(t.ownerRepId, t.expectedCloseDate)
      .where(sql`${t.outcome} = 'open' and ${t.expectedCloseDate} is not null`),
  ],
);

/**
 * A customer contract, for ARR and retention. ARR contribution = totalValue / contractYears, or, for
 * per-license contracts, licenses × revenuePerLicense (annual) when both are set.
 */
export const contracts = pgTable(
  'contracts',
  {
    id: serial('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    totalValueMinor: money('total_value_minor'),
    currency: char('currency', { length: 3 }).notNull().default('USD'),
    contractYears: numeric('contract_years', { precision: 6, scale: 2, mode: 'number' }),
    licenses: integer('licenses'),
    revenuePerLicenseMinor: money('revenue_per_license_minor'),
    /** The product the contract is for (ARPU and revenue per product); null = not recorded. */
    product: text('product'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('contracts_account_idx').on(t.accountId),
    index('contracts_period_idx').on(t.startsAt, t.endsAt),
    check('contracts_range_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
