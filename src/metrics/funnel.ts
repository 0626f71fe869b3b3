import { sql } from '../db/client.js';
import { runAdmitted } from './admitted.js';
import { runMetricQuery } from './compute/query.js';
import { scopedRows } from './compute/rows.js';
import { resolvePeriod } from './get-metric.js';
import { resolveScope } from './scope.js';
import type { MetricDeps, MetricValue, Period, ResolvedScope, Scope } from './types.js';

export type FunnelStage = 'lead' | 'qualified' | 'opportunity' | 'won';

export interface FunnelStep {
  stage: FunnelStage;
  label: string;
  /** Leads of the cohort that reached this stage by now. */
  count: number;
  /** count ÷ the previous step's count (no data for the first step or after an empty step). */
  stepRate: MetricValue;
}

export interface FunnelResult {
  scope: ResolvedScope;
  period: Period;
  steps: FunnelStep[];
  definition: string;
}

export const FUNNEL_DEFINITION =
  'Leads created in the period (the cohort), and how many of them by now were qualified, have an opportunity, and have a won opportunity. Step rate = a stage ÷ the stage before it.';

const LABELS: Record<FunnelStage, string> = {
  lead: 'Leads',
  qualified: 'Qualified',
  opportunity: 'Opportunity',
  won: 'Won',
};

const EMPTY_REASON: Record<FunnelStage, string> = {
  lead: 'no leads created in this period',
  qualified: 'no qualified leads in this cohort',
  opportunity: 'no leads with an opportunity in this cohort',
  won: 'no won leads in this cohort',
};

interface FunnelRow {
  leads: number;
  qualified: number;
  opportunity: number;
  won: number;
}

/**
 * The lead → qualified → opportunity → won funnel of one cohort: leads created in `period` in `scope`
 * (team by the owner's membership at the lead's creation, like every lead metric), counted in one SQL pass
 * as of `deps.now`. A lead counts at a stage when it reached it, whether or not it passed the one before
 * (a lead converted without a qualified date still counts as an opportunity). Throws like `getMetric`.
 */
export function getFunnel(
  deps: MetricDeps,
  query: { scope: Scope; period: string | Period },
): Promise<FunnelResult> {
  // Its query runs under the limiter like a metric's (see admitted.ts).
  return runAdmitted(deps, query.scope, () => computeFunnel(deps, query));
}

async function computeFunnel(
  deps: MetricDeps,
  query: { scope: Scope; period: string | Period },
): Promise<FunnelResult> {
  const sc = await resolveScope(deps, query.scope);
  const period = resolvePeriod(query.period, sc, deps.now);
  const now = deps.now.toISOString();
  const rows = scopedRows(
    {
      from: sql`leads x`,
      ts: sql`x.created_at`,
      rep: sql`x.owner_rep_id`,
      columns: sql`(x.qualified_at is not null and x.qualified_at <= ${now}::timestamptz) as q,
        exists (select 1 from opportunities o where o.lead_id = x.id and o.created_at <= ${now}::timestamptz) as o,
        exists (select 1 from opportunities o where o.lead_id = x.id and o.outcome = 'won'
          and o.closed_at <= ${now}::timestamptz) as w`,
    },
    query.scope,
    period.start,
    period.end,
  );
  const [r] = await runMetricQuery<FunnelRow>(
    deps.db,
    sql`select count(*)::int as leads, count(*) filter (where f.q)::int as qualified,
      count(*) filter (where f.o)::int as opportunity, count(*) filter (where f.w)::int as won
      from (${rows}) f`,
  );
  const counts: Record<FunnelStage, number> = {
    lead: Number(r?.leads ?? 0),
    qualified: Number(r?.qualified ?? 0),
    opportunity: Number(r?.opportunity ?? 0),
    won: Number(r?.won ?? 0),
  };
  const stages: FunnelStage[] = ['lead', 'qualified', 'opportunity', 'won'];
  const steps = stages.map((stage, i): FunnelStep => {
    const before = i === 0 ? null : counts[stages[i - 1]!];
    const stepRate: MetricValue =
      before === null
        ? { kind: 'no_data', reason: 'first stage' }
        : before === 0
          ? { kind: 'no_data', reason: EMPTY_REASON[stages[i - 1]!] }
          : { kind: 'value', value: counts[stage] / before };
    return { stage, label: LABELS[stage], count: counts[stage], stepRate };
  });
  return { scope: sc.scope, period, steps, definition: FUNNEL_DEFINITION };
}
