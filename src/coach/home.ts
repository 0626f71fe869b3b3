import type { KnownBlock } from '@slack/types';
import { currentMemberIds, getRepNames, getTeams } from '../access/queries.js';
import { median } from '../charts/median.js';
import { runAdmitted } from '../metrics/admitted.js';
import { getMetric } from '../metrics/index.js';
import type { MetricDeps, MetricId } from '../metrics/types.js';
import { clipName } from '../names.js';
import { context, header, section } from '../slack/blocks/pieces.js';
import { lowerFirst } from '../slack/format.js';
import { showName } from '../slack/mrkdwn.js';
import { COACH_DEFAULT_PERIOD, repsWithRealZero } from './card.js';
import { teamRepIdsIn } from './facts.js';

/** The few metrics App Home checks per rep (the full card has ten; Home must open fast). */
const HOME_METRICS: MetricId[] = ['calls', 'response', 'conversion', 'winrate'];
const MAX_REPS = 12;

/**
 * App Home's "Coaching" section for a manager's first managed team: each rep with the metrics where they
 * are behind the team median over the last 30 days, most behind first, and how to open their card.
 * One `by rep` query per metric. The medians are the team's over the window (a rep who left in it counts
 * for the days they were in), but only the team's current members are listed: the card it points to is
 * for the rep's current manager (a rep who moved away is the new manager's to coach). Empty when the
 * caller manages no team.
 */
export async function buildCoachingHomeBlocks(
  deps: MetricDeps,
  managedTeamIds: number[],
): Promise<KnownBlock[]> {
  const teamId = managedTeamIds[0];
  if (teamId === undefined) return [];
  const scope = { kind: 'team' as const, teamId };
  const [team] = await runAdmitted(deps, scope, () => getTeams(deps.db, [teamId]));
  if (!team) return [];
  const results = await Promise.all(
    HOME_METRICS.map((metric) =>
      getMetric(deps, {
        metric,
        scope: { kind: 'team', teamId },
        period: COACH_DEFAULT_PERIOD,
        by: 'rep',
        include: { target: false, trend: false, series: false },
      }),
    ),
  );
  // Each metric as the card compares it (`compareWithTeam`): a count's 0 is a real 0 for every rep on the
  // team in the window once the org has such records (helper-207, finding 1).
  const period = results[0]!.period;
  const teamReps = await runAdmitted(deps, scope, () => teamRepIdsIn(deps.db, teamId, period));
  const zeroFilled = await repsWithRealZero(deps.db, results, teamReps, period);
  const behind = new Map<number, { weak: string[]; compared: number }>();
  for (const [i, r] of results.entries()) {
    const values = new Map<number, number>();
    for (const row of r.segments?.rows ?? [])
      if (row.repId !== undefined && row.value.kind === 'value') values.set(row.repId, row.value.value);
    for (const repId of zeroFilled[i]!) if (!values.has(repId)) values.set(repId, 0);
    const med = median([...values.values()]);
    for (const [repId, value] of values) {
      const seen = behind.get(repId) ?? { weak: [], compared: 0 };
      behind.set(repId, seen);
      // With no teammate with data there is no one to compare with (as on the card).
      if (med === null || values.size < 2) continue;
      seen.compared++;
      const worse = r.metric.direction === 'higher' ? value < med : value > med;
      if (worse) seen.weak.push(lowerFirst(r.metric.label));
    }
  }
  const members = await runAdmitted(deps, scope, () => currentMemberIds(deps.db, teamId, deps.now));
  for (const repId of behind.keys()) if (!members.has(repId)) behind.delete(repId);
  const names = await runAdmitted(deps, scope, () => getRepNames(deps.db, [...behind.keys()]));
  const all = HOME_METRICS.length;
  const lines = [...behind.entries()]
    .sort(
      (a, b) =>
        b[1].weak.length - a[1].weak.length ||
        Math.min(1, b[1].compared) - Math.min(1, a[1].compared) ||
        (names.get(a[0]) ?? '').localeCompare(names.get(b[0]) ?? ''),
    )
    .slice(0, MAX_REPS)
    .map(([repId, { weak, compared }]) => {
      const name = showName(names.get(repId) ?? `Rep ${repId}`);
      // Said on how many metrics the rep was compared (helper-207, finding 3: "at or above the team median
      // on all 4" for a rep with data on 1 of them); compared on none, no claim at all.
      const withData = compared === all ? '' : ` (${compared} of ${all} with data)`;
      if (compared === 0) return `• *${name}* — no teammate with data to compare with on these ${all}`;
      return weak.length > 0
        ? `• *${name}* — behind the team median on ${weak.join(', ')}${withData}`
        : compared === all
          ? `• *${name}* — at or above the team median on all ${all}`
          : `• *${name}* — at or above the team median on the ${compared} of ${all} with data`;
    });
  if (lines.length === 0) return [];
  return [
    header(`Coaching · Team ${clipName(team.name)}`),
    section(lines.join('\n')),
    context(
      'Last 30 days: calls, lead response time, lead conversion and win rate. Open a full card with `/metrics coach @person`.',
    ),
  ];
}
