import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  index,
  integer,
  numeric,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/*
 * Account state for retention, CLV, ARR and ARPU (docs/metrics.md): per customer account, contract and won deal,
 * the facts those metrics read, with the account's owner already resolved (the rep who won its first deal,
 * and that rep's team at that close; 0 = none). Kept exactly right by statement-level triggers on accounts,
 * contracts, opportunities and team_memberships (migration `account_state`), rebuilt by
 * `tally_account_rebuild_all()`; never written by application code.
 */

/** One row per account that is or was a customer (`became_customer_at` set). */
export const accountFacts = pgTable(
  'account_facts',
  {
    accountId: integer('account_id').primaryKey(),
    repId: integer('rep_id').notNull(),
    teamId: integer('team_id').notNull(),
    /** Has a won deal on record (only such accounts count for a rep, a team or a split). */
    owned: boolean('owned').notNull(),
    became: ts('became').notNull(),
    churned: ts('churned'),
    /** When the account stopped being a customer: greatest(became, churned); null while it has not. */
    leftAt: ts('left_at'),
  },
  (t) => [
    index('account_facts_rep_became_idx').on(t.repId, t.became),
    index('account_facts_team_became_idx').on(t.teamId, t.became),
    index('account_facts_became_idx').on(t.became),
    index('account_facts_rep_left_idx').on(t.repId, t.leftAt).where(sql`${t.leftAt} is not null`),
    index('account_facts_team_left_idx').on(t.teamId, t.leftAt).where(sql`${t.leftAt} is not null`),
    index('account_facts_left_idx').on(t.leftAt).where(sql`${t.leftAt} is not null`),
    // Churned accounts by when they became customers (windowChurn): new customers of a window that left again.
    index('account_facts_rep_became_left_idx').on(t.repId, t.became).where(sql`${t.leftAt} is not null`),
    index('account_facts_team_became_left_idx').on(t.teamId, t.became).where(sql`${t.leftAt} is not null`),
    index('account_facts_became_left_idx').on(t.became).where(sql`${t.leftAt} is not null`),
  ],
);

/** One row per contract of an account in `account_facts`, with its ARR (exact numeric of the metric's float). */
export const contractFacts = pgTable(
  'contract_facts',
  {
    contractId: integer('contract_id').primaryKey(),
    accountId: integer('account_id').notNull(),
    repId: integer('rep_id').notNull(),
    teamId: integer('team_id').notNull(),
    owned: boolean('owned').notNull(),
    currency: text('currency').notNull(),
    arr: numeric('arr'),
    /** Licenses of a per-license contract (licenses and revenue per license both set; ARPU), else null. */
    licenses: integer('licenses'),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
  },
  (t) => [
    index('contract_facts_account_idx').on(t.accountId),
    index('contract_facts_rep_starts_idx').on(t.repId, t.startsAt),
    index('contract_facts_team_starts_idx').on(t.teamId, t.startsAt),
    index('contract_facts_starts_idx').on(t.startsAt),
    index('contract_facts_ends_idx').on(t.endsAt),
    index('contract_facts_unowned_idx').on(t.endsAt).where(sql`not ${t.owned}`),
  ],
);

/** One row per won deal of an account in `account_facts` (CLV's revenue), owner = the account's owner. */
export const dealFacts = pgTable(
  'deal_facts',
  {
    opportunityId: integer('opportunity_id').primaryKey(),
    accountId: integer('account_id').notNull(),
    repId: integer('rep_id').notNull(),
    teamId: integer('team_id').notNull(),
    currency: text('currency').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    closedAt: ts('closed_at').notNull(),
  },
  (t) => [
    index('deal_facts_account_idx').on(t.accountId),
    index('deal_facts_rep_closed_idx').on(t.repId, t.closedAt),
    index('deal_facts_team_closed_idx').on(t.teamId, t.closedAt),
    index('deal_facts_closed_idx').on(t.closedAt),
  ],
);

/**
 * One row per contract whose account is not a customer (no `became_customer_at`): the contracts ARR and
 * ARPU leave out (docs/metrics.md), kept beside `contract_facts` by the same refresh (migration
 * `contracts_left_out`), so an answer can say how many are in force without scanning `contracts`.
 * `per_license`: licenses and revenue per license both set (ARPU's contracts).
 */
export const contractsLeftOut = pgTable(
  'contracts_left_out',
  {
    contractId: integer('contract_id').primaryKey(),
    accountId: integer('account_id').notNull(),
    perLicense: boolean('per_license').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
  },
  (t) => [
    index('contracts_left_out_account_idx').on(t.accountId),
    index('contracts_left_out_ends_idx').on(t.endsAt),
  ],
);

/**
 * Range-summable account events per UTC hour ('h'), day ('d'), month ('m') and all time ('a', bucket
 * 1970-01-01): kind 1 became a customer, 2 left (at `left_at`), 4 contract starts, 5 contract ends (with
 * ARR), 6 won deal (with amount), 7 per-license contract starts and 8 ends (with ARR), 9 and 10 the same
 * with its licenses as amount (ARPU). `n` events, `amount` their exact sum. The count or sum of events
 * before any instant t is the all-time total minus the buckets from t on (bounded by t's age, not by
 * history) minus the raw facts between t and the next whole hour.
 */
export const accountRollups = pgTable(
  'account_rollups',
  {
    grain: char('grain', { length: 1 }).notNull(),
    bucket: ts('bucket').notNull(),
    kind: smallint('kind').notNull(),
    repId: integer('rep_id').notNull(),
    teamId: integer('team_id').notNull(),
    owned: boolean('owned').notNull(),
    currency: text('currency').notNull().default(''),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
    amount: numeric('amount').notNull().default('0'),
  },
  (t) => [
    uniqueIndex('account_rollups_key_idx').on(
      t.grain,
      t.kind,
      t.bucket,
      t.repId,
      t.teamId,
      t.owned,
      t.currency,
    ),
    index('account_rollups_rep_idx').on(t.repId, t.kind, t.grain, t.bucket),
    index('account_rollups_team_idx').on(t.teamId, t.kind, t.grain, t.bucket),
    check('account_rollups_grain_check', sql`${t.grain} in ('h', 'd', 'm', 'a')`),
  ],
);
