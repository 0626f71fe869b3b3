import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import {
  type AggregateSpec,
  aggregateComputer,
  type MetricComputer,
  noData,
  ratio,
  toNumber,
  value,
} from './aggregate.js';
import { withResponseHistogram } from './response-median.js';
import type { RowSource } from './rows.js';

/** Default SLA when a lead's owner had no team when the lead came in. */
export const DEFAULT_SLA_SECONDS = 300;

/** Leads by creation time with their response seconds, and the SLA when the team joins are given. */
const leadsCreated = (teamJoins?: SQL): RowSource => ({
  from: sql`leads x`,
  ts: sql`x.created_at`,
  rep: sql`x.owner_rep_id`,
  ...(teamJoins ? { teamJoins } : {}),
  // A touch logged before the lead's creation (CRM clock skew) counts as an instant answer.
  columns: sql`(case when x.first_touch_at is not null
      then greatest(0, extract(epoch from (x.first_touch_at - x.created_at))) end)::float8 as secs
      ${teamJoins ? sql`, coalesce(st.response_sla_seconds, ${DEFAULT_SLA_SECONDS}) as sla` : sql``}`,
  dims: { source: sql`x.source` },
});

/**
 * Response time of leads created in the period; SLA from the owner's team at the lead's creation.
 * Only the headline window needs mean, p90 and the SLA share (each a sort or a join over every lead), so
 * the series and the splits compute the median alone.
 */
const responseSpec: AggregateSpec = {
  sources: () => [leadsCreated(sql`left join teams st on st.id = m.team_id`)],
  segmentSources: () => [leadsCreated()],
  aggregates: (ctx, headline) => {
    const base = sql`count(*)::int as created, count(x.secs)::int as answered,
      percentile_cont(0.5) within group (order by x.secs)::float8 as median`;
    if (headline === null) return base;
    const only = sql`x.wi = ${headline}`;
    return sql`${base},
      (percentile_cont(0.9) within group (order by x.secs) filter (where ${only}))::float8 as p90,
      (avg(x.secs) filter (where ${only}))::float8 as mean,
      count(*) filter (where ${only} and x.secs <= x.sla)::int as within,
      count(*) filter (where ${only} and x.secs is null
        and x.ts > ${ctx.now.toISOString()}::timestamptz - x.sla * interval '1 second')::int as waiting_in_sla`;
  },
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const created = toNumber(r.created);
    const answered = toNumber(r.answered);
    const within = toNumber(r.within);
    // Leads still inside their SLA with no answer yet are neither in nor out of SLA.
    const slaBase = created - toNumber(r.waiting_in_sla);
    const none =
      created === 0
        ? 'no leads created in this period'
        : 'no lead created in this period has been answered yet';
    return {
      value: answered > 0 ? value(toNumber(r.median)) : noData(none),
      n: answered,
      currency: null,
      notes: [],
      calc: {
        formula: 'median of (first outbound touch − lead created), over answered leads created in the period',
        numeratorLabel: 'answered leads',
        numerator: answered,
        denominatorLabel: 'leads created',
        denominator: created,
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
        {
          key: 'within_sla',
          label: 'Answered within SLA',
          unit: 'ratio',
          value: ratio(within, slaBase, 'no leads past their SLA window in this period'),
        },
        { key: 'unanswered', label: 'Not yet answered', unit: 'count', value: value(created - answered) },
        { key: 'created', label: 'Leads created', unit: 'count', value: value(created) },
      ],
    };
  },
};

/** Raw rows for the headline (and everything when rollups are off); the histogram for series and splits. */
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
        numeratorLabel: 'qualified leads converted',
        numerator: qConv,
        denominatorLabel: 'leads qualified',
        denominator: qualified,
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
