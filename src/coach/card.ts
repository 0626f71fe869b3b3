import { currentTeamIds, getRepNames, getTeams, managedTeamIds } from '../access/queries.js';
import { median } from '../charts/median.js';
import { type Db, queryRows, sql } from '../db/client.js';
import { readDataVersion } from '../db/data-version.js';
import { runAdmitted } from '../metrics/admitted.js';
import { metricRecords } from '../metrics/all-time.js';
import { dataStartAt } from '../metrics/answer-context.js';
import { getMetric, isSmallSample, isSmallSampleChange } from '../metrics/index.js';
import type { MetricDeps, MetricId, MetricResult, Period } from '../metrics/types.js';
import { clipName } from '../names.js';
import { formatLocalDay } from '../time/format.js';
import { callsByHour, conversionsBySource, lateLeadsByHour, teamRepIdsIn, winsByProduct } from './facts.js';
import { connectPoint, gapPoint, responsePoint, trendPoint } from './talking-points.js';
import type { CoachingCard, CoachLine } from './types.js';

/** The metrics on a coaching card, in the order a 1:1 walks through them: activity, speed, pipeline, outcome. */
export const COACH_METRICS: MetricId[] = [
  'calls',
  'emails',
  'meetings',
  'response',
  'conversion',
  'opps',
  'winrate',
  'dealsize',
  'cycle',
  'revenue',
];

/**
 * Whether an answer rests on records of the rep's own: a figure other than 0, or a 0 over records (a win
 * rate of 0% over deals lost, a conversion of 0% over leads). A rep whose only records in the period were
 * lost deals was told "no activity of their own" (fresh tester helper-218).
 */
const hasOwnRecords = (r: MetricResult): boolean =>
  r.value.kind === 'value' && (r.value.value !== 0 || r.sampleSize > 0);

/** The kinds of record the card's metrics read (leads, deals, activities). */
const COACH_RECORDS = [...new Set(COACH_METRICS.flatMap(metricRecords))];

/** A coaching card covers the last 30 days unless a period is asked (long enough for rates to mean something). */
export const COACH_DEFAULT_PERIOD = '30d';
const DEFAULT_SLA_SECONDS = 300;

/**
 * Cohort rates: lead conversion counts leads qualified in the period that have converted *by now*, so a
 * recent cohort has had less time to convert than the one before it. Such a rate is ranked among the
 * biggest changes only once its period ended at least `COHORT_MATURE_DAYS` ago (helper-207, finding 2: the
 * 30-day card's #1 change was "Lead conversion rate 0.0%: −100%", leads still converting).
 */
const COHORT_METRICS: ReadonlySet<MetricId> = new Set(['conversion']);
export const COHORT_MATURE_DAYS = 30;

/** Whether a cohort rate's period ended too recently for its leads to have converted (see COHORT_METRICS). */
function isImmatureCohort(result: MetricResult, now: Date): boolean {
  return (
    COHORT_METRICS.has(result.metric.id) &&
    result.period.end.getTime() > now.getTime() - COHORT_MATURE_DAYS * 86_400_000
  );
}

export interface CoachQuery {
  repId: number;
  /** Period in the metrics grammar; default `COACH_DEFAULT_PERIOD`. */
  period?: string;
  /** False hides percentiles (the leaderboard policy for this viewer); medians are team totals and stay. */
  showPeers: boolean;
}

/**
 * A rep's coaching card: every metric of `COACH_METRICS` as `getMetric` answers it for the rep (the same
 * numbers as asking one by one), beside the median and the rep's percentile among the reps of their
 * current team (`by rep` over the same period); the three biggest changes against the previous period;
 * the metric furthest below target; a data-backed talking point for each weak metric. Money metrics compare
 * in the rep's own answer's currency (the one with most of their records): the team's reps are split in it
 * too, and records in other currencies are left out of both and noted (`headlineCurrencyNotes`), never
 * summed or ranked across currencies. Throws like `getMetric`.
 */
export async function getCoachingCard(deps: MetricDeps, query: CoachQuery): Promise<CoachingCard> {
  const { db, now } = deps;
  const repScope = { kind: 'rep' as const, repId: query.repId };
  // Lookups and talking points run under the limiter like the metrics (see runAdmitted).
  const { names, teamId, team, manages } = await runAdmitted(deps, repScope, async () => {
    const [names, teamIds, managed] = await Promise.all([
      getRepNames(db, [query.repId]),
      currentTeamIds(db, query.repId, now),
      managedTeamIds(db, query.repId),
    ]);
    const teamId = teamIds[0] ?? null;
    const team = teamId === null ? null : ((await getTeams(db, [teamId]))[0] ?? null);
    return { names, teamId, team, manages: teamId !== null && managed.includes(teamId) };
  });
  const mine = await Promise.all(
    COACH_METRICS.map((metric) =>
      getMetric(deps, {
        metric,
        scope: repScope,
        period: query.period ?? COACH_DEFAULT_PERIOD,
        include: { series: false },
      }),
    ),
  );
  const period = mine[0]!.period;
  const rep = { id: query.repId, name: clipName(names.get(query.repId) ?? `Rep ${query.repId}`) };
  const teamRef = team ? { id: team.id, name: clipName(team.name) } : null;
  // A card without figures: the rep's own lines, no team comparison, changes or talking points.
  const noFigures = (why: { startsOn: string } | { dataStartsOn: string }): CoachingCard => ({
    rep,
    team: teamRef,
    period,
    lines: mine.map((result) => compareWithTeam(result, null, query.repId, query.showPeers)),
    biggestChanges: [],
    furthestBelowTarget: null,
    showPeers: query.showPeers,
    ownActivity: false,
    ...why,
  });
  // A period that has not started (`next month`) has nothing to coach on: no team figures, no percentiles.
  if (period.start.getTime() > now.getTime())
    return noFigures({ startsOn: formatLocalDay(period.start, period.timezone) });
  // A period that ended before the org's first lead, deal or activity (`2024` with data from December 2025)
  // has nothing to coach on either: the card says the data starts later, not that the rep had no activity
  // of their own (fresh tester helper-171). Read from the cache answers share (dataStartAt), only for a card
  // without figures of its own.
  const noOwnFigures = !mine.some(hasOwnRecords);
  const first = noOwnFigures
    ? await dataStartAt(deps.db, COACH_RECORDS, await readDataVersion(deps.db))
    : null;
  if (first && period.end.getTime() <= first.getTime())
    return noFigures({ dataStartsOn: formatLocalDay(first, period.timezone) });
  // The team's reps in the rep's own currency (money metrics): a split otherwise answers in the team's
  // usual currency, and a rep selling in EUR on a USD team would be ranked and given a median across
  // currencies (no exchange rates). Records in other currencies are left out, as in the rep's answer.
  const peers = await Promise.all(
    COACH_METRICS.map((metric, i) => {
      const currency = mine[i]!.currency;
      return teamId === null
        ? Promise.resolve(null)
        : getMetric(deps, {
            metric,
            scope: { kind: 'team', teamId },
            period,
            by: 'rep',
            include: { target: false, trend: false, series: false },
            ...(currency !== null ? { currency } : {}),
          });
    }),
  );
  // A count's 0 is a real 0 for every rep on the team in the period, once the org has such records
  // before the period ends (an org that never imported deals has no 0 opportunities to rank).
  const teamReps =
    teamId === null
      ? new Set<number>()
      : await runAdmitted(deps, repScope, () => teamRepIdsIn(db, teamId, period));
  const zeroFilled = await repsWithRealZero(db, mine, teamReps, period);
  const lines = mine.map((result, i) =>
    compareWithTeam(result, peers[i] ?? null, query.repId, query.showPeers, zeroFilled[i], teamReps),
  );
  // A person who is none of the team's reps in the period (its manager, or not on it then) is on no
  // teammate's card: their own card says so, once.
  const notCompared =
    teamId !== null && !teamReps.has(query.repId) && lines.every((l) => l.outside)
      ? manages
        ? ('manager' as const)
        : ('not_a_rep' as const)
      : undefined;
  // Someone with no activity of their own (a manager who does not sell) gets one clear line, not a
  // "0 vs team median" talking point per metric.
  const ownActivity = mine.some(hasOwnRecords);
  if (ownActivity) {
    if (teamId !== null)
      await runAdmitted(deps, repScope, () => addTalkingPoints(deps, lines, query.repId, teamId, period));
    for (const line of lines)
      if (line.weak && line.talkingPoint === null && !isSmallSample(line.result))
        line.talkingPoint = trendPoint(line);
  }

  // As digest movers: a change on a small sample, current or previous ("+1,479%, up from $985" on 1 deal),
  // is no change worth a 1:1 (src/metrics/small-sample.ts).
  // A change from 0 (6 opportunities after none) has no relative size: it ranks first, as the largest of all
  // (fresh tester helper-209: a card said "Biggest changes: none to compare yet" beside opportunities ▲ +6).
  const size = (l: CoachLine) => Math.abs(l.result.trend!.change!.relative ?? Number.POSITIVE_INFINITY);
  const biggestChanges = lines
    .filter(
      (l) =>
        l.result.trend?.change != null &&
        l.result.trend.change.absolute !== 0 &&
        !isSmallSampleChange(l.result) &&
        !isImmatureCohort(l.result, now),
    )
    .sort((a, b) => (size(a) === size(b) ? 0 : size(b) > size(a) ? 1 : -1))
    .slice(0, 3);
  const belowTarget = lines
    .filter((l) => l.result.target?.attainment != null && l.result.target.attainment < 1)
    .sort((a, b) => a.result.target!.attainment! - b.result.target!.attainment!);
  return {
    rep,
    team: teamRef,
    period,
    lines,
    biggestChanges,
    furthestBelowTarget: belowTarget[0] ?? null,
    showPeers: query.showPeers,
    ownActivity,
    ...(notCompared ? { notCompared } : {}),
    // Only a rate the card shows: a rep with no leads has no cohort still converting (tester).
    stillConverting: lines
      .filter((l) => l.result.value.kind === 'value' && isImmatureCohort(l.result, now))
      .map((l) => l.metric.label),
  };
}

/**
 * Whether a rep with no record of this metric in the period has a real 0 of it: a count that adds up
 * records (calls, emails, meetings, opportunities created, lost deals), when the rep's own answer is a
 * figure (the org has such records). A rate, average or median on no records is no figure, and a money
 * sum is left to the reps with deals in the card's currency (a teammate selling in another currency has
 * no 0 in this one).
 */
export function zeroIsData(result: MetricResult): boolean {
  return result.metric.unit === 'count' && result.metric.accumulates && result.value.kind === 'value';
}

/**
 * Per answer, the reps of `teamReps` (on the team in `period`, managers left out: `teamRepIdsIn`) whose
 * missing row is a real 0: a count (`zeroIsData`) once the org has records of the metric's kinds before
 * the period ends (an org that never imported deals has no 0 opportunities to rank); none otherwise. One
 * rule for the card (`compareWithTeam`) and App Home.
 */
export async function repsWithRealZero(
  db: Db,
  answers: MetricResult[],
  teamReps: ReadonlySet<number>,
  period: Period,
): Promise<ReadonlySet<number>[]> {
  const version = await readDataVersion(db);
  return Promise.all(
    answers.map(async (r) => {
      if (!zeroIsData(r)) return new Set<number>();
      const start = await dataStartAt(db, metricRecords(r.metric.id), version);
      return start !== null && start.getTime() < period.end.getTime() ? teamReps : new Set<number>();
    }),
  );
}

/**
 * The rep's value against the team's reps: median and percentile rank over one distribution, the rep's
 * own answer plus every other rep's row with data (ties count half, the rep counts as one tie with
 * themselves). For a count (`zeroIsData`) every rep of `teamReps` (on the team in the period, managers
 * left out) without a row counts as 0: a rep who created no opportunity is a real 0 on every card, theirs
 * and their teammates' (fresh tester helper-207, finding 1: Bob's card compared his 0 with a "median" of
 * Carol's 1 alone, and Carol's card had no one to compare with). Both are null when no other rep of the
 * team has data: there is nobody to compare with.
 *
 * `members` (when given) are the team's reps in the period (`teamRepIdsIn`, managers left out): only their
 * rows are the team's values. A person who is none of them (the team's manager, whether she sells or not)
 * is in no teammate's distribution, so their own figure is not added to it either: the median is the
 * reps' alone, as on every teammate's card, there is no percentile, and the line is `outside` (fresh tester
 * helper-213, finding 1: Ana, NA East's manager, compared with "the 10 reps", her 0 calls pulling the
 * median from 109 to 102, while Zoe's card compared with 9).
 */
export function compareWithTeam(
  result: MetricResult,
  team: MetricResult | null,
  repId: number,
  showPeers: boolean,
  teamReps: ReadonlySet<number> = new Set(),
  members?: ReadonlySet<number>,
): CoachLine {
  // Only the team's reps' rows: a manager who sells has a row in the team's split, but is in no card's
  // values, hers or her reps' (helper-218: her 200 calls moved every rep's median from 98 to 101).
  const rows = (team?.segments?.rows ?? []).filter(
    (r) => members === undefined || r.repId === undefined || members.has(r.repId),
  );
  const others = rows.flatMap((r) => (r.repId !== repId && r.value.kind === 'value' ? [r.value.value] : []));
  if (team && zeroIsData(result)) {
    const withRow = new Set(rows.map((r) => r.repId));
    for (const id of teamReps) if (id !== repId && !withRow.has(id)) others.push(0);
  }
  const outside = team !== null && members !== undefined && !members.has(repId);
  // With nobody else on the team with data there is no one to compare with: a "team" figure would be the
  // rep's own and a percentile would rank them against nobody (fresh tester, MED).
  const mine = result.value.kind === 'value' && !outside ? result.value.value : null;
  const all = mine === null ? others : [...others, mine];
  const teamMedian = others.length > 0 ? median(all) : null;
  const higherBetter = result.metric.direction === 'higher';
  let percentile: number | null = null;
  let worseThanMedian = false;
  if (mine !== null) {
    const worse = others.filter((v) => (higherBetter ? v < mine : v > mine)).length;
    const equal = others.filter((v) => v === mine).length;
    if (others.length > 0) percentile = ((worse + 0.5 * (equal + 1)) / (others.length + 1)) * 100;
    if (teamMedian !== null) worseThanMedian = higherBetter ? mine < teamMedian : mine > teamMedian;
  }
  const status = result.target?.status;
  return {
    metric: result.metric,
    result,
    teamMedian,
    teamSize: all.length,
    percentile: showPeers && team ? percentile : null,
    weak: worseThanMedian || status === 'off_track' || status === 'at_risk',
    talkingPoint: null,
    ...(outside ? { outside } : {}),
  };
}

async function addTalkingPoints(
  deps: MetricDeps,
  lines: CoachLine[],
  repId: number,
  teamId: number,
  period: Period,
): Promise<void> {
  const { db, now } = deps;
  // Each weak metric with a specific fact behind it: one aggregate query, then a sentence (or null).
  const finders: Partial<Record<MetricId, (line: CoachLine) => Promise<string | null>>> = {
    calls: async () => connectPoint(await callsByHour(db, repId, teamId, period)),
    response: async (line) => {
      const sla = await teamSla(deps, teamId);
      return responsePoint(line, await lateLeadsByHour(db, repId, period, sla, now), sla);
    },
    winrate: async (line) =>
      gapPoint(line, await winsByProduct(db, repId, teamId, period), { noun: 'on', verb: 'won' }),
    conversion: async (line) =>
      gapPoint(line, await conversionsBySource(db, repId, teamId, period), {
        noun: 'from',
        verb: 'converted',
      }),
  };
  // A rate or average on 1–9 records is no talking point: it is marked on its row (helper-207, finding 4:
  // "Average deal size $4,936 vs team median $18,656" on 6 won deals).
  await Promise.all(
    lines.map(async (line) => {
      const find = finders[line.metric.id];
      if (line.weak && find && !isSmallSample(line.result)) line.talkingPoint = await find(line);
    }),
  );
}

async function teamSla(deps: MetricDeps, teamId: number): Promise<number> {
  const [row] = await queryRows<{ sla: number | null }>(
    deps.db,
    sql`select response_sla_seconds as sla from teams where id = ${teamId}`,
  );
  return Number(row?.sla ?? DEFAULT_SLA_SECONDS);
}
