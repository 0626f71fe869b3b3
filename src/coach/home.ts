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
import { COACH_DEFAULT_PERIOD } from './card.js';

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
  const behind = new Map<number, string[]>();
  for (const r of results) {
    const rows = r.segments?.rows ?? [];
    const values = rows.flatMap((row) => (row.value.kind === 'value' ? [row.value.value] : []));
    const med = median(values);
    for (const row of rows) {
      if (row.repId === undefined) continue;
      const list = behind.get(row.repId) ?? [];
      behind.set(row.repId, list);
      if (med === null || row.value.kind !== 'value') continue;
      const worse = r.metric.direction === 'higher' ? row.value.value < med : row.value.value > med;
      if (worse) list.push(lowerFirst(r.metric.label));
    }
  }
  const members = await runAdmitted(deps, scope, () => currentMemberIds(deps.db, teamId, deps.now));
  for (const repId of behind.keys()) if (!members.has(repId)) behind.delete(repId);
  const names = await runAdmitted(deps, scope, () => getRepNames(deps.db, [...behind.keys()]));
  const lines = [...behind.entries()]
    .sort((a, b) => b[1].length - a[1].length || (names.get(a[0]) ?? '').localeCompare(names.get(b[0]) ?? ''))
    .slice(0, MAX_REPS)
    .map(([repId, weak]) => {
      const name = showName(names.get(repId) ?? `Rep ${repId}`);
      return weak.length > 0
        ? `• *${name}* — behind the team median on ${weak.join(', ')}`
        : `• *${name}* — at or above the team median on all ${HOME_METRICS.length}`;
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
