import { eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { teams } from '../db/schema/org.js';
import { metricDepsFor } from '../deps.js';
import {
  currentAnswerContext,
  type FiscalCalendar,
  findMetric,
  getMetric,
  getScorecard,
  isSmallSampleChange,
  judgeFreshness,
  newestAnswer,
  parsePeriod,
  SCORECARD_METRICS,
  shiftPeriod,
  workingDaysIn,
} from '../metrics/index.js';
import type {
  DataArrival,
  MetricDeps,
  MetricId,
  MetricResult,
  Period,
  Scope,
  SegmentRow,
} from '../metrics/types.js';
import { formatAttainment, lowerFirst, shownChange } from '../slack/format.js';
import { localDateOf, weekdayOf } from '../time/wall-clock.js';
import type { Cadence } from './slots.js';

/**
 * What a digest says, gathered from the metrics module: no Slack here (the blocks are built from this
 * view by `blocks.ts`). One function of the scope, the schedule and `now`.
 */

export interface DigestSpec {
  /** null for an ad-hoc preview without a stored subscription. */
  subscriptionId: number | null;
  scope: Scope;
  scopeLabel: string;
  /** Metric ids; empty = the default scorecard. */
  metrics: MetricId[];
  cadence: Cadence;
  /** The zone the digest is scheduled in (the rep's own for personal digests). */
  timezone: string;
  /** The scheduled instant (or now, for a preview). */
  slot: Date;
  /** Set when posted later than scheduled (catch-up after downtime): the local "HH:MM" it was due. */
  lateScheduledLocal: string | null;
  /** Personal digests leave the leaderboard out (a rep's own numbers only); so do all with private leaderboards. */
  personal: boolean;
  /** Draw the headline metric's trend chart (the subscription's opt-out; previews leave it out). */
  chart?: boolean;
  /**
   * A `/metrics digest preview`, shown to the asker alone: its "By rep" button answers them alone too,
   * never in a channel (`ByRepPayload.preview`).
   */
  preview?: boolean;
}

export interface RecentWindow {
  /** "Yesterday", "Since Friday", "Last 7 days". */
  label: string;
  /** A range in the period grammar: "2026-11-20..2026-11-22". */
  spec: string;
}

export interface DigestLine {
  recent: MetricResult | null;
  toDate: MetricResult;
}

export interface AttentionItem {
  /** Plain text (escaped when rendered). */
  text: string;
}

export interface DigestView {
  spec: DigestSpec;
  now: Date;
  recent: RecentWindow;
  /**
   * The zone the figures are cut in: the scope's (the team's, else DEFAULT_TIMEZONE), as answers use.
   * The schedule's zone (`spec.timezone`) only says when the digest is posted.
   */
  figuresTimezone: string;
  lines: DigestLine[];
  /** Period-to-date lines with the largest relative change against the previous period, biggest first. */
  movers: MetricResult[];
  leaderboard: { metric: MetricResult; rows: SegmentRow[] } | null;
  attention: AttentionItem[];
  newestRecordAt: Date | null;
  /**
   * Judged stale like an answer (src/metrics/freshness.ts: no data arrived for `staleAfterHours`, or without
   * any recorded arrival the newest record is that old): recent numbers are withheld, not shown as zeros.
   */
  stale: boolean;
  /**
   * Judged behind like an answer: data keeps arriving (an import just now) but the newest record is far
   * older than that arrival. The numbers are shown, with a note that recent records may be missing; null
   * otherwise.
   */
  behind: { arrival: DataArrival; newest: Date } | null;
  staleAfterHours: number;
  /** Metrics that could not be computed (named, so the digest says what is missing). */
  failed: string[];
  /** The headline (first) metric, computed with its series, when a chart was asked for and there is data. */
  headline: MetricResult | null;
}

const DAY = 86_400_000;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The "since last digest" window for a slot: yesterday for daily digests; for weekday digests on a
 * Monday, Friday to Sunday ("Since Friday"); for weekly digests the 7 days before.
 */
export function recentWindowFor(cadence: Cadence, slot: Date, timezone: string): RecentWindow {
  const today = localDateOf(slot, timezone);
  const todayMs = Date.UTC(today.year, today.month - 1, today.day);
  const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const yesterday = todayMs - DAY;
  if (cadence === 'weekly')
    return { label: 'Last 7 days', spec: `${ymd(todayMs - 7 * DAY)}..${ymd(yesterday)}` };
  if (cadence === 'weekdays' && weekdayOf(today) === 1) {
    return { label: `Since ${WEEKDAY_NAMES[5]}`, spec: `${ymd(todayMs - 3 * DAY)}..${ymd(yesterday)}` };
  }
  return { label: 'Yesterday', spec: `${ymd(yesterday)}..${ymd(yesterday)}` };
}

/**
 * The month a digest reports beside its recent window: the month running on the slot's day, except on its
 * first day, when the month just ended is the one with numbers to give (a digest on 1 Dec reports November,
 * final, beside 30 Nov). With a week-based fiscal calendar (4-4-5, 4-5-4, 5-4-4) the month is the fiscal
 * month, as `this month` is in answers: on 30 Nov 2026 under "4-4-5 last saturday of january" that is
 * P11 FY2027 (29 Nov – 26 Dec 2026), and on its first day, 29 Nov, P10 FY2027 just ended.
 *
 * `timezone` is the period's zone (the scope's, as answers use; not the schedule's), `fiscal` the org's
 * calendar (undefined: calendar year). Returns the resolved period (running or not as of `slot`); its
 * `spec` is absolute and in the /metrics grammar (`2026-11`, `P11 FY2027`), so it can be computed later
 * (`now` a little after the slot) or carried on a button and mean the same month. Throws only for an
 * unknown zone (a scope's zone is checked when stored).
 */
export function digestMonthFor(slot: Date, timezone: string, fiscal?: FiscalCalendar): Period {
  const running = parsePeriod('this month', { now: slot, timezone, ...(fiscal ? { fiscal } : {}) });
  if (!running.ok) throw new Error(running.error);
  const today = localDateOf(slot, timezone);
  const first = localDateOf(running.period.start, timezone);
  const firstDay = today.year === first.year && today.month === first.month && today.day === first.day;
  // Shifting by 0 turns the relative `this month` into its absolute spec.
  return shiftPeriod(running.period, firstDay ? -1 : 0, slot);
}

/** "yesterday", "since Friday", "in the last 7 days": the recent window inside a sentence. */
export function recentInWords(recent: RecentWindow): string {
  if (recent.label === 'Yesterday') return 'yesterday';
  if (recent.label.startsWith('Since ')) return `since ${recent.label.slice(6)}`;
  return `in the ${lowerFirst(recent.label)}`;
}

/** Lead response SLA in seconds for the scope (teams carry their own; org uses the default 5 minutes). */
async function responseSlaSeconds(db: Db, scope: Scope): Promise<number> {
  if (scope.kind !== 'team') return 300;
  const [row] = await db
    .select({ sla: teams.responseSlaSeconds })
    .from(teams)
    .where(eq(teams.id, scope.teamId));
  return row?.sla ?? 300;
}

/** Gathers every number of one digest. Throws only when the database itself fails. */
export async function gatherDigest(
  deps: {
    db: Db;
    config: Pick<Config, 'defaultTimezone' | 'staleAfterHours' | 'grossMargin' | 'leaderboardsPublic'> &
      Partial<Pick<Config, 'fiscalDefault'>>;
  },
  spec: DigestSpec,
  now: Date,
): Promise<DigestView> {
  const metricDeps: MetricDeps = metricDepsFor(deps, now);
  const ids = spec.metrics.length > 0 ? spec.metrics : SCORECARD_METRICS;
  const recent = recentWindowFor(spec.cadence, spec.slot, spec.timezone);
  // The month in the zone and fiscal calendar the answers use, so its first day is the period's own. They
  // come from the answer context cached by data version, keyed by the metric computed first (its answer
  // then reads no context either): a morning run reads a scope and the calendar once, not per digest.
  const context = await currentAnswerContext(
    metricDeps,
    spec.scope,
    ids.find((id) => findMetric(id) !== undefined) ?? SCORECARD_METRICS[0]!,
  );
  const fiscal = context.fiscal ?? deps.config.fiscalDefault;
  const month = digestMonthFor(spec.slot, context.scope.timezone, fiscal).spec;
  const failed: string[] = [];

  // With a chart, the headline metric is computed once with its series: the same result feeds its line and the chart.
  const include = { target: true, trend: true, series: false };
  const [first, ...others] = ids;
  const toDate: MetricResult[] =
    spec.chart && first
      ? await Promise.all([
          getMetric(metricDeps, {
            metric: first,
            scope: spec.scope,
            period: month,
            include: { ...include, series: true },
          }),
          getScorecard(metricDeps, { scope: spec.scope, period: month, metrics: others, include }),
        ]).then(([head, rest]) => [head, ...rest])
      : await getScorecard(metricDeps, { scope: spec.scope, period: month, metrics: ids, include });
  // One currency per line: the recent column is computed in its month's currency (chosen as an answer
  // chooses it, the month's series breaking a tie), never in one of its own (€4,000 beside $2,700 to date).
  const recentResults = await Promise.all(
    ids.map((id, i) =>
      getMetric(metricDeps, {
        metric: id,
        scope: spec.scope,
        period: recent.spec,
        include: { target: false, trend: false, series: false },
        ...currencyOf(toDate[i]),
      }).catch(() => {
        failed.push(id);
        return null;
      }),
    ),
  );
  const lines = toDate.map((r, i) => ({ toDate: r, recent: recentResults[i] ?? null }));

  // Judged like an answer (src/metrics/freshness.ts) on the line with the newest record: by when its data
  // last arrived when that is recorded, else by the age of that record.
  const newestLine = newestAnswer(toDate);
  const newest = newestLine?.freshness.newestRecordAt ?? undefined;
  // Only a stale verdict withholds the recent numbers; a behind one (data arrived recently, its newest record
  // is old) keeps them and says records may be missing, as the answers do.
  const verdict = newestLine ? judgeFreshness(newestLine, now, deps.config.staleAfterHours) : undefined;
  const stale = verdict?.kind === 'stale_sync' || verdict?.kind === 'stale_records';
  const behind =
    verdict?.kind === 'behind' && verdict.newest
      ? { arrival: verdict.arrival, newest: verdict.newest }
      : null;

  const movers = toDate
    // A change that shows as "+0.0 pts" is no mover; nor is one on a small sample, current or previous (a
    // win rate on 1 deal swings by 100% on the next one), by the rule that marks it (src/metrics/small-sample.ts).
    .filter(
      (r) =>
        r.trend?.change?.relative != null &&
        shownChange(r.trend.change, r.metric.unit, r.currency).better !== null &&
        !isSmallSampleChange(r),
    )
    .sort((a, b) => Math.abs(b.trend!.change!.relative!) - Math.abs(a.trend!.change!.relative!))
    .slice(0, 3);

  // A team or org digest goes to a channel, which holds the reps it would rank: with private leaderboards
  // (TALLY_LEADERBOARDS_PUBLIC=false) no by-rep table is posted there (docs/usage.md); managers keep the
  // "By rep" button, answered to them alone.
  const leaderboard =
    spec.personal || !deps.config.leaderboardsPublic
      ? null
      : await gatherLeaderboard(metricDeps, spec.scope, toDate);
  // With no records at all the digest says "nothing to report"; warnings such as "pipeline may be
  // stalling" would contradict it, so there are none.
  const attention =
    newest === undefined
      ? []
      : await gatherAttention(metricDeps, spec, toDate, lines, recent, {
          namesReps: spec.personal === true || deps.config.leaderboardsPublic,
        });

  return {
    spec,
    now,
    recent,
    figuresTimezone: context.scope.timezone,
    lines,
    movers,
    leaderboard,
    attention,
    newestRecordAt: newest ?? null,
    stale,
    behind,
    staleAfterHours: deps.config.staleAfterHours,
    failed,
    headline: spec.chart && newest !== undefined ? (toDate[0] ?? null) : null,
  };
}

/** The currency a money result is in, for a query that must be in the same one; {} when it has none. */
function currencyOf(r: MetricResult | undefined): { currency?: string } {
  return r?.currency ? { currency: r.currency } : {};
}

/** Top 3 reps by the first accumulating metric of the digest that splits by rep (who led). */
async function gatherLeaderboard(
  deps: MetricDeps,
  scope: Scope,
  toDate: MetricResult[],
): Promise<DigestView['leaderboard']> {
  const pick =
    toDate.find((r) => r.metric.accumulates && r.metric.dimensions.includes('rep')) ??
    toDate.find((r) => r.metric.dimensions.includes('rep'));
  if (!pick) return null;
  const result = await getMetric(deps, {
    metric: pick.metric.id,
    scope,
    period: pick.period,
    by: 'rep',
    include: { target: false, trend: false, series: false },
    // In its line's currency: without the series a tie in records could pick another one.
    ...currencyOf(pick),
  });
  const rows = (result.segments?.rows ?? []).filter((r) => r.value.kind === 'value').slice(0, 3);
  return rows.length > 0 ? { metric: result, rows } : null;
}

/** Reps over the response SLA (last 7 days), metrics off track, and no new pipeline in the recent window. */
async function gatherAttention(
  deps: MetricDeps,
  spec: DigestSpec,
  toDate: MetricResult[],
  lines: DigestLine[],
  recent: RecentWindow,
  /** False for a channel digest with private leaderboards: reps over the SLA are counted, not named. */
  options: { namesReps: boolean },
): Promise<AttentionItem[]> {
  const items: AttentionItem[] = [];
  const sla = await responseSlaSeconds(deps.db, spec.scope);
  const slaText = `${Math.round(sla / 60)} min`;
  if (spec.scope.kind === 'rep') {
    const own = await getMetric(deps, {
      metric: 'response',
      scope: spec.scope,
      period: '7d',
      include: { target: false, trend: false, series: false },
    });
    if (own.value.kind === 'value' && own.value.value > sla) {
      items.push({ text: `Your median lead response over the last 7 days is above the ${slaText} SLA.` });
    }
  } else {
    const byRep = await getMetric(deps, {
      metric: 'response',
      scope: spec.scope,
      period: '7d',
      by: 'rep',
      include: { target: false, trend: false, series: false },
    });
    const slow = (byRep.segments?.rows ?? []).filter((r) => r.value.kind === 'value' && r.value.value > sla);
    if (slow.length > 0 && !options.namesReps) {
      items.push({
        text: `Lead response above the ${slaText} SLA (median, last 7 days): ${slow.length} ${slow.length === 1 ? 'rep' : 'reps'}.`,
      });
    } else if (slow.length > 0) {
      const names = slow.slice(0, 5).map((r) => r.label);
      const more = slow.length > 5 ? ` and ${slow.length - 5} more` : '';
      items.push({
        text: `Lead response above the ${slaText} SLA (median, last 7 days): ${names.join(', ')}${more}.`,
      });
    }
  }
  for (const r of toDate) {
    if (r.target?.status === 'off_track') {
      const how = r.target.pace !== null ? `${formatAttainment(r.target.pace)} of pace` : 'behind target';
      items.push({ text: `${r.metric.label} is off track (${how}).` });
    }
  }
  const opps = lines.find((l) => l.toDate.metric.id === 'opps')?.recent;
  // Not after a weekend day alone: a quiet Saturday is no stalling pipeline (fresh tester helper-206).
  if (opps && opps.value.kind === 'value' && opps.value.value === 0 && workingDaysIn(opps.period) > 0) {
    items.push({ text: `No new opportunities ${recentInWords(recent)} — pipeline may be stalling.` });
  }
  return items;
}
