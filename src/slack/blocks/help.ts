import type { MetricDefinition, Unit } from '../../metrics/types.js';
import { enforceLimits, type SlackMessage } from '../limits.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { context, divider, header, section } from './pieces.js';

/** What help needs to know about a subcommand (the Subcommand contract's descriptive fields). */
export interface HelpEntry {
  name: string;
  summary: string;
  usage: string[];
}

/** Grammar usage with examples (mrkdwn, our own text). */
export const USAGE_LINES = [
  '`/metrics [metric] [scope] [period] [by rep|team|product|source|reason|template] [share]`',
  '• `/metrics winrate team` — your team’s win rate this quarter, with target and trend',
  '• `/metrics response me this week` — your lead response time',
  '• `/metrics calls team EMEA last month by rep` — a leaderboard',
  '• `/metrics dealsize org q3 by product` · `/metrics opps @ana 30d`',
  '• `/metrics team this week` — the summary scorecard · `/metrics help winrate` — a definition',
  'Scopes: `me` (default), `team`, a team name (in quotes when it is also a period: `"Last Month"`), `@person`, `org`. Periods: `today`, `yesterday`, `this week`, `last month`, `this quarter`, `q3`, `FY2027`, `Q3 FY2027`, `2026-Q3`, `2026-10`, `oct-nov`, `30d` (or `30 days`), `2026-10-01..2026-10-31`. One split at a time. Add `share` to post the answer in the channel.',
];

/** Bare `/metrics` or `/metrics help`: usage, the metrics, and the subcommands. */
export function buildHelpMessage(metrics: MetricDefinition[], subcommands: HelpEntry[]): SlackMessage {
  const metricLines = metrics.map(
    (m) =>
      `• \`${m.id}\`${m.aliases.length ? ` (${m.aliases.map(escapeMrkdwn).join(', ')})` : ''} — ${escapeMrkdwn(m.label)}`,
  );
  // One section per subcommand: together they would overflow a section's 3,000 characters.
  const subSections = subcommands.map((sub) => section(subcommandLines(sub).join('\n')));
  return enforceLimits({
    text: 'Tally /metrics: ask for a metric, a scope and a period, e.g. /metrics winrate team last month',
    blocks: [
      header('Tally · /metrics'),
      section(USAGE_LINES.join('\n')),
      divider(),
      section(`*Metrics*\n${metricLines.join('\n')}`),
      ...(subSections.length ? [divider(), section('*More commands*'), ...subSections] : []),
    ],
  });
}

/** A subcommand's name, summary and usage lines (mrkdwn). */
function subcommandLines(sub: HelpEntry): string[] {
  return [
    `*${escapeMrkdwn(sub.name)}* — ${escapeMrkdwn(sub.summary)}`,
    // A usage line with its own code spans is already formatted; a bare one becomes a code span.
    ...sub.usage.map((u) => (u.includes('`') ? `   ${escapeMrkdwn(u)}` : `   \`${escapeMrkdwn(u)}\``)),
  ];
}

/** `/metrics help digest`: one subcommand's summary and usage, with a pointer back to the full help. */
export function buildSubcommandHelpMessage(sub: HelpEntry): SlackMessage {
  return enforceLimits({
    text: `/metrics ${sub.name}: ${sub.summary}`,
    blocks: [
      header(`/metrics ${sub.name}`),
      section(subcommandLines(sub).join('\n')),
      context('`/metrics help` lists every metric and command.'),
    ],
  });
}

/** What a unit looks like in an answer ("per_day" and "multiple" mean little on their own). */
const UNIT_WORDS: Record<Unit, string> = {
  seconds: 'a duration (4m 12s)',
  days: 'days (26.3 days)',
  count: 'a count',
  ratio: 'a percentage',
  money: 'money, in the main currency',
  per_day: 'a rate per day (12.5/day)',
  multiple: 'a multiple (2.4×)',
};

/** Example commands that work for this metric: the split offered is one the metric has. */
function tryLine(m: MetricDefinition): string {
  const by = m.dimensions.includes('rep') ? 'rep' : m.dimensions[0];
  return by
    ? `Try \`/metrics ${m.id} team\` or \`/metrics ${m.id} team by ${by}\`.`
    : `Try \`/metrics ${m.id} team\` or \`/metrics ${m.id} org\`.`;
}

/** `/metrics help <metric>`: the definition, unit, direction, default period and splits. */
export function buildMetricHelpMessage(m: MetricDefinition): SlackMessage {
  const better = m.direction === 'higher' ? 'higher is better' : 'lower is better';
  return enforceLimits({
    text: `${m.label} (${m.id}): ${m.definition}`,
    blocks: [
      header(`${m.label} (${m.id})`),
      section(escapeMrkdwn(m.definition)),
      context(
        `Aliases: ${m.aliases.map(escapeMrkdwn).join(', ') || 'none'}`,
        `Unit: ${UNIT_WORDS[m.unit]}, ${better}`,
        `Default period: ${m.defaultPeriod}`,
        `Split by: ${m.dimensions.join(', ') || 'none (one number for the scope)'}`,
      ),
      context(tryLine(m)),
    ],
  });
}
