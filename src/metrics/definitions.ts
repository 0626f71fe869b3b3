import type { Dimension, MetricDefinition, MetricId } from './types.js';

/**
 * Splits that break the headline down into its causes rather than rank competitors (a lost deal's reason):
 * their rows come most first whatever the metric's direction (a reason that loses more deals is no better
 * or worse ranked), and the catch-all row (no key: "No reason given") last. Other splits rank by direction.
 */
export const BREAKDOWNS: ReadonlySet<Dimension> = new Set<Dimension>(['reason']);

/**
 * Every metric Tally knows, each defined once. The `definition` text is returned with every answer and
 * copied into README.md (Metrics › Definitions), so keep both in step.
 */
export const METRICS: MetricDefinition[] = [
  {
    id: 'response',
    aliases: ['responsetime', 'lrt', 'speed', 'speedtolead'],
    label: 'Lead response time',
    unit: 'seconds',
    direction: 'lower',
    definition:
      "For leads created in the period: time from lead creation to the first outbound call, email or meeting on that lead. Headline is the median over answered leads; also mean, p90, the share answered within the team SLA and the count not yet answered. Median, mean and p90 are wall-clock time; when the team has business hours, the SLA share and a business-hours median use the alerts' clock (only business hours count). A touch logged before the lead was created counts as 0 s and is counted in the notes.",
    accumulates: false,
    defaultPeriod: 'this week',
    dimensions: ['rep', 'team', 'source'],
  },
  {
    id: 'calls',
    aliases: ['call', 'dials'],
    label: 'Calls',
    unit: 'count',
    direction: 'higher',
    definition:
      'Outbound calls made in the period; also connected calls, connect rate (connected ÷ calls), talk time (duration of connected calls) and calls per rep per working day (Mon–Fri elapsed in the period, reps who made at least one call).',
    accumulates: true,
    defaultPeriod: 'this week',
    dimensions: ['rep', 'team'],
  },
  {
    id: 'emails',
    aliases: ['email', 'openrate', 'replyrate'],
    label: 'Emails',
    unit: 'count',
    direction: 'higher',
    definition:
      'Outbound emails sent in the period; open rate = sent emails with an open ÷ sent; reply rate = sent emails with a reply ÷ sent. By template: sent, open rate and reply rate per template (or sequence/step; names that differ only in case or spacing are one template, shown as most often recorded), and for two or more templates a verdict from a two-proportion z-test on the reply rates of the two best (α = 0.05; below 100 emails per template or 5 expected replies/non-replies: not enough data yet).',
    accumulates: true,
    defaultPeriod: 'this week',
    dimensions: ['rep', 'team', 'template'],
  },
  {
    id: 'meetings',
    aliases: ['meeting', 'demos'],
    label: 'Meetings booked',
    unit: 'count',
    direction: 'higher',
    definition:
      'Meetings booked in the period (by the time they were booked, or their start time when no booking time is recorded), and meetings held in the period (by the time they were held).',
    accumulates: true,
    defaultPeriod: 'this month',
    dimensions: ['rep', 'team'],
  },
  {
    id: 'conversion',
    aliases: ['conv', 'leadconversion'],
    label: 'Lead conversion rate',
    unit: 'ratio',
    direction: 'higher',
    definition:
      'Leads qualified in the period that have converted to a customer by now ÷ leads qualified in the period (a cohort rate). Also the raw rate: leads created in the period that have converted ÷ leads created in the period.',
    accumulates: false,
    defaultPeriod: 'last month',
    dimensions: ['rep', 'team', 'source'],
  },
  {
    id: 'opps',
    aliases: ['opp', 'opportunities', 'pipelinecreated', 'newpipeline'],
    label: 'Opportunities created',
    unit: 'count',
    direction: 'higher',
    definition:
      'Opportunities created in the period, and the pipeline value they carry (sum of their amounts, in the main currency).',
    accumulates: true,
    defaultPeriod: 'this month',
    dimensions: ['rep', 'team', 'product', 'source'],
  },
  {
    id: 'cycle',
    aliases: ['salescycle', 'cyclelength'],
    label: 'Sales cycle length',
    unit: 'days',
    direction: 'lower',
    definition:
      'For opportunities won in the period: days from opportunity creation to close. Headline is the median; also the mean. A deal closed before it was created counts as 0 days and is counted in the notes.',
    accumulates: false,
    defaultPeriod: 'this quarter',
    dimensions: ['rep', 'team', 'product', 'source'],
  },
  {
    id: 'winrate',
    aliases: ['win-rate', 'wins', 'win'],
    label: 'Win rate',
    unit: 'ratio',
    direction: 'higher',
    definition: 'Deals won ÷ (won + lost), over opportunities closed in the period.',
    accumulates: false,
    defaultPeriod: 'this quarter',
    dimensions: ['rep', 'team', 'product', 'source'],
  },
  {
    id: 'dealsize',
    aliases: ['avgdeal', 'avgdealsize', 'averagedealsize', 'ads', 'deal-size'],
    label: 'Average deal size',
    unit: 'money',
    direction: 'higher',
    definition:
      'Total amount won ÷ number of deals won with an amount, over opportunities closed won in the period. A won deal without an amount is left out (not counted as $0) and counted in the notes.',
    accumulates: false,
    defaultPeriod: 'this quarter',
    dimensions: ['rep', 'team', 'product', 'source'],
  },
  {
    id: 'revenue',
    aliases: ['won', 'bookings', 'closedwon'],
    label: 'Revenue won',
    unit: 'money',
    direction: 'higher',
    definition:
      'Total amount of opportunities closed won in the period. A won deal without an amount adds nothing and is counted in the notes.',
    accumulates: true,
    defaultPeriod: 'this month',
    dimensions: ['rep', 'team', 'product', 'source'],
  },
  {
    id: 'retention',
    aliases: ['crr', 'customerretention'],
    label: 'Customer retention rate',
    unit: 'ratio',
    direction: 'higher',
    definition:
      '(E − N) ÷ S: S = customers at period start, E = customers at period end, N = customers acquired in the period [start, end) and still customers at its end (a customer acquired at 00:00 on the first day is new in this period). Accounts belong to the rep who won their first deal.',
    accumulates: false,
    state: true,
    defaultPeriod: 'last quarter',
    dimensions: ['rep', 'team'],
  },
  {
    id: 'clv',
    aliases: ['ltv', 'lifetimevalue'],
    label: 'Customer lifetime value',
    unit: 'money',
    direction: 'higher',
    definition:
      'Average annual revenue per customer × gross margin ÷ annual churn rate, over the 12 months ending at period end: revenue = amount won from the account, or for an account with contracts but no won deal on record its contract revenue (ARR pro rata to the time in force within those months); customers = accounts that were customers at any time in those months; churn rate = customers lost ÷ customers at the start.',
    accumulates: false,
    state: true,
    defaultPeriod: 'this quarter',
    dimensions: ['rep', 'team'],
  },
  {
    id: 'arr',
    aliases: ['recurring', 'annualrecurringrevenue'],
    label: 'Annual recurring revenue',
    unit: 'money',
    direction: 'higher',
    definition:
      'At period end (or now, for a running period): Σ over contracts in force just before that instant (contracts run [start, end), so one starting on 1 January counts in January, not December) of total contract value ÷ contract years, or licenses × annual revenue per license for per-license contracts. The trend is net new ARR over the period.',
    accumulates: false,
    state: true,
    defaultPeriod: 'this month',
    dimensions: ['rep', 'team', 'product'],
  },
  {
    id: 'lostdeals',
    aliases: ['losses', 'lostdeal', 'closedlost'],
    label: 'Lost deals',
    unit: 'count',
    direction: 'lower',
    definition:
      'Opportunities closed lost in the period, and the amount they carried (main currency). `/metrics lost` breaks them down by reason (the loss reason as recorded, normalised for case, white space, invisible characters, full-width forms, hyphens between words and punctuation at either end, so "Price too high!" and "price-too-high" are "Price too high"; a placeholder such as "N/A" or "none" is no reason), with each reason\'s share of all deals lost, amount lost and change against the previous period, the reasons beyond the top five grouped as "Other (N reasons)". A split `by reason` lists every reason by deals lost.',
    accumulates: true,
    defaultPeriod: 'this quarter',
    dimensions: ['rep', 'team', 'product', 'source', 'reason'],
  },
  {
    id: 'leadcycle',
    aliases: ['leadtoclose', 'lead-to-close', 'cyclefromlead'],
    label: 'Lead-to-close cycle',
    unit: 'days',
    direction: 'lower',
    definition:
      "For leads won in the period: calendar days (in the scope's time zone) from the lead's first outbound touch, or its creation when no touch is recorded (the answer says how many), to the won close of the first opportunity it converted into (or the lead's own conversion date when the win is recorded on the lead). Headline is the median; also the mean. A lead won before its first contact counts as 0 days and is counted in the notes. Ask `/metrics cycle … from lead`.",
    accumulates: false,
    defaultPeriod: 'this quarter',
    dimensions: ['rep', 'team', 'product', 'source'],
  },
  {
    id: 'coverage',
    aliases: ['pipelinecoverage', 'forecast'],
    label: 'Pipeline coverage',
    unit: 'multiple',
    direction: 'higher',
    definition:
      "For a running or future period with a revenue target: open pipeline (open opportunities whose expected close date falls in the period) ÷ revenue still needed (target − won so far), shown against the 3× rule of thumb; also a forecast = won so far + open pipeline × the scope's win rate over the last 12 months. No target, a finished period, a period without working days (the target is spread over them) or a target already reached gives no coverage, with the reason.",
    accumulates: false,
    looksAhead: true,
    defaultPeriod: 'this quarter',
    dimensions: [],
  },
  {
    id: 'arpu',
    aliases: ['revenueperlicense', 'revenueperuser', 'averagerevenueperuser'],
    label: 'ARPU (annual revenue per license)',
    unit: 'money',
    direction: 'higher',
    definition:
      "At period end (or now, for a running period), over per-license contracts in force (licenses and annual revenue per license set): Σ licenses × revenue per license ÷ Σ licenses; also active licenses and variable ARR = active licenses × ARPU. By product: each contract's product (revenue per product is `arr by product`).",
    accumulates: false,
    state: true,
    defaultPeriod: 'this month',
    dimensions: ['rep', 'team', 'product'],
  },
];

const BY_WORD = new Map<string, MetricDefinition>();
for (const m of METRICS) {
  BY_WORD.set(m.id, m);
  for (const a of m.aliases) BY_WORD.set(a.toLowerCase(), m);
}

/** Finds a metric by id or alias, case-insensitively; undefined when the word names none. */
export function findMetric(word: string): MetricDefinition | undefined {
  return BY_WORD.get(word.trim().toLowerCase());
}

/** The default scorecard: the numbers an inside-sales leader looks at first. */
export const SCORECARD_METRICS: MetricId[] = ['response', 'calls', 'meetings', 'opps', 'winrate', 'dealsize'];
