import { sql } from 'drizzle-orm';
import {
  bigint,
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

/** Hour ('h'), day ('d') or month ('m') and the bucket's start (UTC) of a rollup row. */
function grainAndBucket() {
  return {
    grain: char('grain', { length: 1 }).notNull(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
  };
}

/** The counter columns of `metric_rollups` and its team-level twin `metric_team_rollups`. */
function counters() {
  return {
    currency: text('currency').notNull().default(''),
    calls: integer('calls').notNull().default(0),
    callsConnected: integer('calls_connected').notNull().default(0),
    talkSeconds: bigint('talk_seconds', { mode: 'number' }).notNull().default(0),
    emails: integer('emails').notNull().default(0),
    emailsOpened: integer('emails_opened').notNull().default(0),
    emailsReplied: integer('emails_replied').notNull().default(0),
    meetingsBooked: integer('meetings_booked').notNull().default(0),
    meetingsHeld: integer('meetings_held').notNull().default(0),
    oppsCreated: integer('opps_created').notNull().default(0),
    pipelineMinor: bigint('pipeline_minor', { mode: 'number' }).notNull().default(0),
    dealsWon: integer('deals_won').notNull().default(0),
    wonMinor: bigint('won_minor', { mode: 'number' }).notNull().default(0),
    dealsLost: integer('deals_lost').notNull().default(0),
    /** Amount of the deals lost, minor units of the row's currency (`lostdeals`). */
    lostMinor: bigint('lost_minor', { mode: 'number' }).notNull().default(0),
    /** Deals lost whose normalised loss reason is not empty (`lostdeals`' "with a loss reason"). */
    dealsLostWithReason: integer('deals_lost_with_reason').notNull().default(0),
    /**
     * Deals won that carry an amount (`amount_minor` not null), per currency: average deal size divides
     * `won_minor` by these, not by `deals_won` (a won deal without an amount is left out and noted).
     */
    dealsWonWithAmount: integer('deals_won_with_amount').notNull().default(0),
    leadsCreated: integer('leads_created').notNull().default(0),
    leadsCreatedConverted: integer('leads_created_converted').notNull().default(0),
    leadsQualified: integer('leads_qualified').notNull().default(0),
    leadsQualifiedConverted: integer('leads_qualified_converted').notNull().default(0),
    // The newest event of each kind in the bucket, for an answer's freshness ("Data as of"): a calls answer
    // reads the newest call, never a deal closed later in the same bucket. Not lowered when rows are deleted.
    /** Newest outbound call (`occurred_at`). */
    newestCallAt: timestamp('newest_call_at', { withTimezone: true }),
    /** Newest outbound email (`occurred_at`). */
    newestEmailAt: timestamp('newest_email_at', { withTimezone: true }),
    /** Newest meeting booked (`meeting_booked_at`, else `occurred_at`) or held (`meeting_held_at`). */
    newestMeetingAt: timestamp('newest_meeting_at', { withTimezone: true }),
    /** Newest opportunity created (`created_at`). */
    newestOppAt: timestamp('newest_opp_at', { withTimezone: true }),
    /** Newest deal won (`closed_at`). */
    newestWonAt: timestamp('newest_won_at', { withTimezone: true }),
    /** Newest deal lost (`closed_at`). */
    newestLostAt: timestamp('newest_lost_at', { withTimezone: true }),
    /** Newest lead created (`created_at`) or qualified (`qualified_at`). */
    newestLeadAt: timestamp('newest_lead_at', { withTimezone: true }),
  };
}

/**
 * Pre-aggregated counters for the metrics engine, per UTC hour ('h'), day ('d') and month ('m'), per rep and per
 * the team the rep was in when each event happened (0 = none), per currency ('' when not money).
 * Kept exactly right by statement-level triggers on activities, opportunities, leads and team_memberships
 * (migrations `maintain_metric_rollups`, `maintain_monthly_metric_rollups`); never written by application
 * code. Any window whose bounds are whole UTC hours is an exact sum of month, day and hour buckets.
 */
export const metricRollups = pgTable(
  'metric_rollups',
  {
    ...grainAndBucket(),
    repId: integer('rep_id').notNull(),
    teamId: integer('team_id').notNull(),
    ...counters(),
  },
  (t) => [
    uniqueIndex('metric_rollups_key_idx').on(t.grain, t.bucket, t.repId, t.teamId, t.currency),
    index('metric_rollups_rep_idx').on(t.repId, t.grain, t.bucket),
    index('metric_rollups_team_idx').on(t.teamId, t.grain, t.bucket),
    // The reps who made calls, for "calls per rep per working day" of a team: an index-only scan of a few
    // thousand entries instead of every rep row of the window (src/metrics/compute/aggregate.ts `activeReps`).
    index('metric_rollups_calling_idx').on(t.teamId, t.grain, t.bucket, t.repId).where(sql`${t.calls} > 0`),
    check('metric_rollups_grain_check', sql`${t.grain} in ('h', 'd', 'm')`),
  ],
);

/**
 * `metric_rollups` without the rep dimension: the same counters per UTC hour, day and month, per team at
 * the event's instant (0 = none) and currency, for team and org reads (a few rows per team and day instead
 * of a few per rep and day). Written in the same statement as `metric_rollups` (migration
 * `metric_team_rollups`), so the two always agree: a row here is the rep rows of its key summed.
 */
export const metricTeamRollups = pgTable(
  'metric_team_rollups',
  {
    ...grainAndBucket(),
    teamId: integer('team_id').notNull(),
    ...counters(),
  },
  (t) => [
    uniqueIndex('metric_team_rollups_key_idx').on(t.grain, t.bucket, t.teamId, t.currency),
    index('metric_team_rollups_team_idx').on(t.teamId, t.grain, t.bucket),
    check('metric_team_rollups_grain_check', sql`${t.grain} in ('h', 'd', 'm')`),
  ],
);

/**
 * Columns every duration histogram row carries besides its count: the durations summed in whole
 * microseconds, each clamped at 0 (numeric, so the mean is exact and never overflows), the records whose
 * end came before their start (counted for the answer's note) and the newest record (freshness; not
 * lowered when rows are deleted).
 */
function durationSums() {
  return {
    micros: numeric('micros').notNull().default('0'),
    skewed: integer('skewed').notNull().default(0),
    newestAt: timestamp('newest_at', { withTimezone: true }),
  };
}

/**
 * A duration histogram table per rep: rows per grain (hour, day, month and quarter 'q': a year's answer by rep
 * reads a quarter row where it would read three month rows) and bucket, owner (`rep_id`, 0 = none), the owner's
 * team at the time (`team_id`, 0 = none) and duration bucket `vb`, with the count `n` and `durationSums`.
 * Its unique key, rep and team indexes and grain check are named after the table.
 */
function repDurationHistogram<TName extends string>(name: TName) {
  return pgTable(
    name,
    {
      ...grainAndBucket(),
      repId: integer('rep_id').notNull(),
      teamId: integer('team_id').notNull(),
      vb: smallint('vb').notNull(),
      n: integer('n').notNull().default(0),
      ...durationSums(),
    },
    (t) => [
      uniqueIndex(`${name}_key_idx`).on(t.grain, t.bucket, t.repId, t.teamId, t.vb),
      index(`${name}_rep_idx`).on(t.repId, t.grain, t.bucket),
      index(`${name}_team_idx`).on(t.teamId, t.grain, t.bucket),
      check(`${name}_grain_check`, sql`${t.grain} in ('h', 'd', 'm', 'q')`),
    ],
  );
}

/** `repDurationHistogram` without the rep dimension (team and org reads); `team_id` 0 = no team. */
function teamDurationHistogram<TName extends string>(name: TName) {
  return pgTable(
    name,
    {
      ...grainAndBucket(),
      teamId: integer('team_id').notNull(),
      vb: smallint('vb').notNull(),
      n: integer('n').notNull().default(0),
      ...durationSums(),
    },
    (t) => [
      uniqueIndex(`${name}_key_idx`).on(t.grain, t.bucket, t.teamId, t.vb),
      index(`${name}_team_idx`).on(t.teamId, t.grain, t.bucket),
      check(`${name}_grain_check`, sql`${t.grain} in ('h', 'd', 'm', 'q')`),
    ],
  );
}

/**
 * Lead response histogram: leads created per UTC hour ('h'), day ('d') and month ('m'), per owner (0 = none),
 * per the owner's team at creation (0 = none), per response-time bucket `vb` (-1 = not answered yet; else
 * `tally_response_vb(seconds)`, fixed thresholds from 0 s to ~3 years), with the count. Kept by statement triggers on leads and team memberships (migration `response_histogram`).
 * An exact median is found from it in two steps: the bucket holding the middle rank, then only that
 * bucket's raw values (index `leads_response_vb_idx`).
 */
export const responseRollups = repDurationHistogram('response_rollups');

/**
 * The lead response histogram without the rep dimension: leads per UTC hour/day/month, per the owner's team
 * at creation (0 = none) and response bucket, for team and org reads (a few rows per team and day instead
 * of a few per rep and day). Written in the same statement as `response_rollups`, so the two always agree.
 */
export const responseTeamRollups = teamDurationHistogram('response_team_rollups');

/**
 * Sales-cycle histogram: deals won per UTC hour/day/month of close, per owner (0 = none), per the owner's
 * team at the close (0 = none) and cycle bucket `vb` = `tally_cycle_vb(tally_cycle_days(created, closed))`
 * (fixed thresholds ~5 % apart from 1 hour to ~10 years), with the clamped microseconds summed (exact mean)
 * and the deals closed before they were created counted. Kept by statement triggers on opportunities and
 * team memberships (migration `duration_histograms`); the exact median reads one bucket's raw deals
 * (index `opportunities_owner_cycle_vb_idx` / `opportunities_cycle_vb_idx`).
 */
export const cycleRollups = repDurationHistogram('cycle_rollups');

/** `cycle_rollups` without the rep dimension, for team and org reads (written in the same statement). */
export const cycleTeamRollups = teamDurationHistogram('cycle_team_rollups');
