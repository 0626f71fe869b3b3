import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { calcInput, divide, take } from '../calculation.js';
import {
  type AggregateSpec,
  aggregateComputer,
  type MetricComputer,
  noData,
  ratio,
  toNumber,
  value,
} from './aggregate.js';
import { negativeDurationNote } from './durations.js';
import { middleValues, optionalMedian } from './median-inputs.js';
import { DEFAULT_SLA_SECONDS, withResponseHistogram } from './response-median.js';
import { ROLLUP_NEWEST } from './rollup.js';
import type { RowSource } from './rows.js';

/**
 * Business seconds in [from, to) on the alerts' clock (src/alerts/business-time.ts): the hours of the
 * lead's team (alias `bh`, alert_settings) in their zone `zone`, each local business day's window
 * [day + start minute, day + end minute) turned into instants in that zone, so DST moves them correctly.
 */
const businessSeconds = (from: SQL, to: SQL, zone: SQL) => sql`(select coalesce(sum(greatest(0,
    extract(epoch from (least(${to}, (d + make_interval(mins => bh.day_end_minute)) at time zone ${zone})
      - greatest(${from}, (d + make_interval(mins => bh.day_start_minute)) at time zone ${zone}))))), 0)
  from generate_series((${from} at time zone ${zone})::date::timestamp,
    (${to} at time zone ${zone})::date::timestamp, interval '1 day') d
  where extract(isodow from d)::int = any(bh.business_days::int[]))`;

/**
 * Leads by creation time with their response seconds (wall clock) and, when the team joins are given, the
 * SLA, the business-hours response seconds (`bsecs`, equal to `secs` for always-on teams), the business
 * seconds waited so far by unanswered leads (`bwait`) and whether the team has business hours (`has_hours`).
 * The team is the owner's team at the lead's creation. A touch logged before the lead's creation (CRM clock
 * skew) counts as 0 s, per lead (`skewed`), the one rule for every duration (see durations.ts).
 */
const leadsCreated = (teamJoins?: SQL, now?: Date, defaultTimezone = 'UTC'): RowSource => {
  const zone = sql`coalesce(bh.timezone, st.timezone, ${defaultTimezone})`;
  const hours = sql`bh.business_days is not null and bh.day_start_minute is not null and bh.day_end_minute is not null`;
  const nowSql = sql`${(now ?? new Date()).toISOString()}::timestamptz`;
  return {
    from: sql`leads x`,
    ts: sql`x.created_at`,
    rep: sql`x.owner_rep_id`,
    ...(teamJoins ? { teamJoins } : {}),
    columns: sql`(case when x.first_touch_at is not null
      then greatest(0, extract(epoch from (x.first_touch_at - x.created_at))) end)::float8 as secs,
      (x.first_touch_at < x.created_at) as skewed,
      tally_duration_micros(x.created_at, x.first_touch_at) as micros
      ${
        teamJoins
          ? sql`, coalesce(st.response_sla_seconds, ${DEFAULT_SLA_SECONDS}) as sla, (${hours}) as has_hours,
        (case when x.first_touch_at is null then null
          when ${hours} then ${businessSeconds(sql`x.created_at`, sql`x.first_touch_at`, zone)}
          else greatest(0, extract(epoch from (x.first_touch_at - x.created_at))) end)::float8 as bsecs,
        (case when x.first_touch_at is not null then null
          when ${hours} then ${businessSeconds(sql`x.created_at`, nowSql, zone)}
          else greatest(0, extract(epoch from (${nowSql} - x.created_at))) end)::float8 as bwait`
          : sql``
      }`,
    dims: { source: sql`x.source` },
  };
};

/**
 * Response time of leads created in the period; SLA and business hours from the owner's team at the
 * lead's creation. Median, mean and p90 are wall-clock; the business-hours median and the SLA share use
 * the alerts' clock (business time when the team has hours, else wall clock), so a lead that came in on
 * Saturday and was answered Monday 09:03 is 3 minutes late in both places.
 * Only the headline window needs the extra figures (each a sort or a join over every lead), so the series
 * and the splits compute the median alone.
 */
const responseSpec: AggregateSpec = {
  sources: (_by, ctx) => [
    leadsCreated(
      sql`left join teams st on st.id = m.team_id left join alert_settings bh on bh.team_id = m.team_id`,
      ctx?.now,
      ctx?.defaultTimezone,
    ),
  ],
  segmentSources: () => [leadsCreated()],
  aggregates: (_ctx, headline) => {
    const base = sql`count(*)::int as created, count(x.secs)::int as answered,
      percentile_cont(0.5) within group (order by x.secs)::float8 as median`;
    if (headline === null) return base;
    const f = headline.filter;
    const only = headline.only;
    return sql`${base},
      (percentile_cont(0.9) within group (order by x.secs)${f})::float8 as p90
      ${middleValues(sql`x.secs`, headline)},
      (sum(x.micros)${f} / nullif(count(x.secs)${f} * 1000000::numeric, 0))::float8 as mean,
      (percentile_cont(0.5) within group (order by x.bsecs)${f})::float8 as bmedian,
      count(*) filter (where ${only} and x.has_hours)::int as with_hours,
      count(*) filter (where ${only} and x.skewed)::int as skewed,
      count(*) filter (where ${only} and x.bsecs <= x.sla)::int as within,
      count(*) filter (where ${only} and x.secs is null and x.bwait < x.sla)::int as waiting_in_sla`;
  },
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const created = toNumber(r.created);
    const answered = toNumber(r.answered);
    const within = toNumber(r.within);
    const withHours = toNumber(r.with_hours);
    // Leads still inside their SLA with no answer yet are neither in nor out of SLA.
    const slaBase = created - toNumber(r.waiting_in_sla);
    const none =
      created === 0
        ? 'no leads created in this period'
        : 'no lead created in this period has been answered yet';
    const notes: string[] = [];
    if (withHours > 0)
      notes.push(
        'Median, mean and p90 are wall-clock time; "within SLA" and the business-hours median count only the team\'s business hours, the same clock as the alerts.',
      );
    notes.push(
      ...negativeDurationNote(
        toNumber(r.skewed),
        ['lead answered before it was created', 'leads answered before they were created'],
        '0 s',
      ),
    );
    return {
      value: answered > 0 ? value(toNumber(r.median)) : noData(none),
      n: answered,
      currency: null,
      notes,
      calc: {
        formula:
          'median of (first outbound touch − lead created), wall clock, over answered leads created in the period',
        inputs: [
          calcInput('answered leads', answered, 'count'),
          calcInput('leads created', created, 'count'),
        ],
        ...optionalMedian('response times of answered leads', 'seconds', answered, r),
      },
      figures: [
        {
          key: 'mean',
          label: 'Mean',
          unit: 'seconds',
          value: answered > 0 ? value(toNumber(r.mean)) : noData(none),
        },
        {
          key: 'p90',
          label: 'p90',
          unit: 'seconds',
          value: answered > 0 ? value(toNumber(r.p90)) : noData(none),
        },
        ...(withHours > 0
          ? [
              {
                key: 'business_median',
                label: 'Median in business hours',
                unit: 'seconds' as const,
                value: answered > 0 ? value(toNumber(r.bmedian)) : noData(none),
              },
            ]
          : []),
        {
          key: 'within_sla',
          label: withHours > 0 ? 'Answered within SLA (business hours)' : 'Answered within SLA',
          unit: 'ratio',
          value: ratio(within, slaBase, 'no leads past their SLA window in this period'),
        },
        { key: 'unanswered', label: 'Not yet answered', unit: 'count', value: value(created - answered) },
        { key: 'created', label: 'Leads created', unit: 'count', value: value(created) },
      ],
    };
  },
};

/** The histogram for every window and the splits by rep or team; raw rows where it cannot answer exactly. */
export const responseComputer: MetricComputer = withResponseHistogram(
  aggregateComputer(responseSpec),
  responseSpec.finalize,
);

/** Cohort conversion of leads qualified in the period, plus the raw rate over leads created in it. */
export const conversionComputer: MetricComputer = aggregateComputer({
  sources: () => [
    {
      from: sql`leads x`,
      ts: sql`x.qualified_at`,
      rep: sql`x.owner_rep_id`,
      columns: sql`'q' as part, (x.converted_at is not null) as converted`,
      dims: { source: sql`x.source` },
    },
    {
      from: sql`leads x`,
      ts: sql`x.created_at`,
      rep: sql`x.owner_rep_id`,
      columns: sql`'c' as part, (x.converted_at is not null) as converted`,
      dims: { source: sql`x.source` },
    },
  ],
  aggregates: sql`count(*) filter (where x.part = 'q')::int as qualified,
    count(*) filter (where x.part = 'q' and x.converted)::int as q_conv,
    count(*) filter (where x.part = 'c')::int as created,
    count(*) filter (where x.part = 'c' and x.converted)::int as c_conv`,
  rollup: {
    aggregates: sql`sum(r.leads_qualified)::int as qualified, sum(r.leads_qualified_converted)::int as q_conv,
      sum(r.leads_created)::int as created, sum(r.leads_created_converted)::int as c_conv`,
    having: sql`sum(r.leads_qualified) + sum(r.leads_created) > 0`,
    segmentAggregates: sql`sum(r.leads_qualified)::int as qualified, sum(r.leads_qualified_converted)::int as q_conv`,
    newest: ROLLUP_NEWEST.lead,
  },
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const qualified = toNumber(r.qualified);
    const qConv = toNumber(r.q_conv);
    return {
      value: ratio(qConv, qualified, 'no leads qualified in this period'),
      n: qualified,
      currency: null,
      notes: [],
      calc: {
        formula: 'leads qualified in the period that converted (by now) ÷ leads qualified in the period',
        inputs: [
          calcInput('qualified leads converted', qConv, 'count'),
          calcInput('leads qualified', qualified, 'count'),
        ],
        step: divide(take(0), take(1)),
      },
      figures: [
        {
          key: 'raw_rate',
          label: 'Raw rate (of leads created)',
          unit: 'ratio',
          value: ratio(toNumber(r.c_conv), toNumber(r.created), 'no leads created in this period'),
        },
        { key: 'converted', label: 'Converted', unit: 'count', value: value(qConv) },
      ],
    };
  },
});
