import type { KnownBlock } from '@slack/types';
import { headlineCurrencyNotes } from '../metrics/currency-notes.js';
import { isSmallSample, SMALL_SAMPLE } from '../metrics/index.js';
import type { MetricResult, SegmentRow } from '../metrics/types.js';
import { formatCount } from '../numbers/count.js';
import {
  currencyFootnotes,
  fallbackFigure,
  freshnessLineOf,
  headlineText,
  sourceName,
  targetLine,
} from '../slack/blocks/answer-parts.js';
import { actions, button, compact, context, header, rankedTable, section } from '../slack/blocks/pieces.js';
import { formatAge, formatChange, formatValue, lowerFirst, statusWords } from '../slack/format.js';
import { enforceLimits, type SlackMessage } from '../slack/limits.js';
import { escapeMrkdwn, escapeName } from '../slack/mrkdwn.js';
import { formatDateTime } from '../time/format.js';
import { type DigestLine, type DigestView, recentInWords } from './content.js';

/** Action id of the "By rep" button; its answer goes in the digest's thread. */
export const DIGEST_BY_REP_ACTION = 'digest_by_rep';

const CADENCE_TITLE = { daily: 'Daily digest', weekdays: 'Daily digest', weekly: 'Weekly digest' } as const;

/** " _(n=5, small sample)_" after a figure under the small-sample rule (yesterday's or to date alike), else "". */
function smallSampleNote(r: MetricResult): string {
  return isSmallSample(r) ? ` _(n=${r.sampleSize}, small sample)_` : '';
}

/** Whether a leaderboard row's figure is under the one small-sample rule (a rate or average on 1–9 records). */
function leaderboardSmall(view: DigestView, row: SegmentRow): boolean {
  const metric = view.leaderboard?.metric.metric;
  return metric !== undefined && isSmallSample({ metric, value: row.value, sampleSize: row.sampleSize });
}

/** "Yesterday *12* · November to date *140* · Target 200 · 70% attained · pace 96% · :large_yellow_circle: at risk". */
function metricLine(view: DigestView, line: DigestLine): string {
  const r = line.toDate;
  const parts: string[] = [];
  if (!view.stale && line.recent) {
    parts.push(`${view.recent.label} *${headlineText(line.recent)}*${smallSampleNote(line.recent)}`);
  }
  parts.push(
    `${escapeMrkdwn(r.period.label)}${r.period.running ? ' to date' : ''} *${headlineText(r)}*${smallSampleNote(r)}`,
  );
  const target = targetLine(r);
  if (target) parts.push(target);
  return `*${escapeMrkdwn(r.metric.label)}*\n${parts.join(' · ')}`;
}

/**
 * The footnotes of the figures shown whose records in other currencies were left out, each after the figure
 * it is about: ":information_source: Revenue won, yesterday: 1 won deal in another currency left out (no
 * exchange rates); figures are in USD." (a line's figures share one currency, see gatherDigest).
 */
function currencyLines(view: DigestView): string {
  if (view.newestRecordAt === null) return '';
  return currencyFootnotes(
    view.lines.flatMap(({ recent, toDate }) => [
      ...(!view.stale && recent
        ? [{ about: `${toDate.metric.label}, ${lowerFirst(view.recent.label)}`, result: recent }]
        : []),
      {
        about: `${toDate.metric.label}, ${toDate.period.label}${toDate.period.running ? ' to date' : ''}`,
        result: toDate,
      },
    ]),
  );
}

function moverLine(r: MetricResult): string {
  return `• ${escapeMrkdwn(r.metric.label)}: ${formatChange(r.trend!.change!, r.metric.unit, r.currency)}`;
}

/**
 * For a period without records, what the previous one had instead of movers of −100%: "November 2026 at
 * the same point had Calls 2, Emails 5." (`movers`: results with a trend, all against the same period).
 */
function previousHad(movers: MetricResult[]): string {
  const previous = movers[0]!.trend!.previous.period.label;
  const figures = movers.map(
    (r) =>
      `${escapeMrkdwn(r.metric.label)} ${formatValue(r.trend!.previous.value, r.metric.unit, r.currency)}`,
  );
  // A running period's previous label says so itself: "November 2026 at the same point".
  return `${escapeMrkdwn(previous)} had ${figures.join(', ')}.`;
}

/** The digest as a Block Kit message with a searchable `text` fallback, within Slack's limits. */
export function buildDigestMessage(view: DigestView): SlackMessage {
  const { spec } = view;
  const title = `${CADENCE_TITLE[spec.cadence]} · ${spec.scopeLabel}`;
  const when = formatDateTime(spec.slot, spec.timezone).replace(/, \d{2}:\d{2}$/, '');
  const late = spec.lateScheduledLocal ? `:hourglass: posted late: scheduled ${spec.lateScheduledLocal}` : '';
  const freshness = freshnessLineOf(
    view.lines.map((l) => l.toDate),
    view.now,
    view.staleAfterHours,
    'No records behind these numbers yet.',
  );

  const noData = view.newestRecordAt === null;
  const month = finishedMonth(view);
  const fiscal = runningFiscalMonth(view);
  const recentNumbers =
    view.recent.label === 'Yesterday' ? "yesterday's numbers" : `the numbers ${recentInWords(view.recent)}`;
  // Stale (nothing arrived for TALLY_STALE_AFTER_HOURS): the recent numbers are left out. Behind (data
  // arrived recently, its newest record is old): they are shown, with the answers' "behind" warning.
  const staleBanner = view.stale
    ? `:warning: *No new data since ${formatDateTime(view.newestRecordAt!, spec.timezone)}.* The CRM sync may be stalled, so ${recentNumbers} are left out rather than shown as zeros.`
    : view.behind
      ? `:warning: *Data may be behind:* the newest record is from ${formatDateTime(view.behind.newest, spec.timezone)}, yet ${sourceName(view.behind.arrival.source)} last sent data on ${formatDateTime(view.behind.arrival.at, spec.timezone)} (${formatAge(view.behind.arrival.at, view.now)}); records since then may be missing, so ${recentNumbers} may be incomplete.`
      : null;

  const blocks: KnownBlock[] = compact([
    header(title),
    context(
      `${escapeMrkdwn(when)} · ${view.recent.label} and ${month ? escapeMrkdwn(month) : fiscal ? `${fiscal} to date` : 'period to date'} · ${escapeMrkdwn(view.figuresTimezone)}`,
      late,
    ),
    staleBanner ? section(staleBanner) : null,
    noData
      ? section(
          // "the whole org" inside a sentence; a drop to nothing is something to report, so not "nothing to
          // report" then, but what the previous period had (movers of −100% beside "No records" read as a
          // contradiction: tester).
          `No records for ${spec.scope.kind === 'org' ? 'the whole org' : escapeName(spec.scopeLabel)} ${month ? `in ${escapeMrkdwn(month)}` : fiscal ? `in ${fiscal} yet` : 'this month yet'}${view.movers.length > 0 ? `; ${previousHad(view.movers)}` : ' — nothing to report.'}`,
        )
      : null,
    ...(noData ? [] : view.lines.map((l) => section(metricLine(view, l)))),
    view.movers.length > 0 && !noData
      ? section(`*Biggest movers* vs the previous period\n${view.movers.map(moverLine).join('\n')}`)
      : null,
    view.leaderboard
      ? section(
          `*Leaderboard* — ${escapeMrkdwn(view.leaderboard.metric.metric.label)}, ${escapeMrkdwn(view.leaderboard.metric.period.label)}`,
        )
      : null,
    view.leaderboard
      ? rankedTable(
          view.leaderboard.rows.map((r, i) => ({
            rank: i + 1,
            label: r.label,
            value: formatValue(
              r.value,
              view.leaderboard!.metric.metric.unit,
              view.leaderboard!.metric.currency,
            ),
            // Ranked after the full samples (sortSegments), and marked as the answers mark it (helper-188).
            ...(leaderboardSmall(view, r) ? { detail: `n=${formatCount(r.sampleSize)}, small sample` } : {}),
          })),
        )
      : null,
    view.attention.length > 0
      ? section(`*Needs attention*\n${view.attention.map((a) => `• ${escapeName(a.text)}`).join('\n')}`)
      : null,
    context(
      freshness,
      view.failed.length > 0
        ? `:information_source: Could not load: ${escapeMrkdwn(view.failed.join(', '))}`
        : '',
      view.lines.some(
        (l) => isSmallSample(l.toDate) || (!view.stale && l.recent && isSmallSample(l.recent)),
      ) || view.leaderboard?.rows.some((r) => leaderboardSmall(view, r))
        ? `:warning: Small samples (n < ${SMALL_SAMPLE}) are marked — treat those rates with care.`
        : '',
      currencyLines(view),
    ),
    spec.personal
      ? null
      : actions([
          button({
            // A preview is the asker's alone: its table is answered to them, not in a thread.
            text: spec.preview ? 'By rep' : 'By rep (in thread)',
            actionId: DIGEST_BY_REP_ACTION,
            value: JSON.stringify(byRepPayload(view)),
          }),
        ]),
  ]);

  return enforceLimits({ text: fallbackText(view, title, late), blocks });
}

/** The label of the digest's month when it has ended (a digest on the 1st), else null (a running month). */
function finishedMonth(view: DigestView): string | null {
  const period = view.lines[0]?.toDate.period;
  return period && !period.running ? period.label : null;
}

/**
 * The name of the digest's month when it is a running fiscal month of a week-based calendar ("P11 FY2027":
 * "this month" would read as the calendar month), else null. Specs are plain ASCII, nothing to escape.
 */
function runningFiscalMonth(view: DigestView): string | null {
  const period = view.lines[0]?.toDate.period;
  return period?.running && period.kind === 'month' && period.fiscal ? period.spec : null;
}

/** What the "By rep" button needs to answer without the subscription (a preview has none). */
export interface ByRepPayload {
  scope: DigestView['spec']['scope'];
  metrics: string[];
  tz: string;
  /**
   * The digest's month as a period of the /metrics grammar, so a press days later breaks down the same
   * month: `2026-11`, or with a week-based fiscal calendar the fiscal month, `P11 FY2027`. Absent on
   * buttons posted before it was added (they break down the running month).
   */
  month?: string;
  /**
   * The currency of each money metric's line (`{"revenue":"USD"}`), so its per-rep table is in the same one
   * (a tie in records is broken by the line's series, which the table does not compute). Absent on buttons
   * posted before it was added, and for metrics that are not money.
   */
  currencies?: Record<string, string>;
  /**
   * Set on a preview's button (`DigestSpec.preview`): the preview is the asker's alone, so is the table,
   * answered to the presser, never posted in the channel. Absent on a posted digest.
   */
  preview?: true;
}

function byRepPayload(view: DigestView): ByRepPayload {
  // The absolute spec the digest computed its month with (digestMonthFor), as answers resolved it.
  const period = view.lines[0]?.toDate.period;
  const currencies = Object.fromEntries(
    view.lines.flatMap(({ toDate: r }) =>
      r.metric.unit === 'money' && r.currency ? [[r.metric.id, r.currency]] : [],
    ),
  );
  return {
    scope: view.spec.scope,
    metrics: view.lines.map((l) => l.toDate.metric.id),
    tz: view.spec.timezone,
    ...(period ? { month: period.spec } : {}),
    ...(Object.keys(currencies).length > 0 ? { currencies } : {}),
    ...(view.spec.preview ? { preview: true as const } : {}),
  };
}

/**
 * Text first: the fallback carries the numbers, so the digest is searchable and readable in notifications,
 * each with its currency footnote cut short beside it ("November 2026 to date $2,700 (2 won deals in other
 * currencies left out)") as the blocks footnote it (currencyLines).
 */
function fallbackText(view: DigestView, title: string, late: string): string {
  // Slack reads `text` as mrkdwn in notifications too, so data strings are escaped here as well.
  const parts = [`${escapeName(title)}.`];
  if (late) parts.push(`(posted late: scheduled ${view.spec.lateScheduledLocal})`);
  const month = finishedMonth(view);
  const fiscal = runningFiscalMonth(view);
  if (view.newestRecordAt === null)
    return `${parts.join(' ')} No records ${month ? `in ${escapeName(month)}` : fiscal ? `in ${fiscal} yet` : 'this month yet'}.`;
  if (view.stale)
    parts.push(
      `Data may be stale: no new records since ${formatDateTime(view.newestRecordAt, view.spec.timezone)}.`,
    );
  else if (view.behind)
    parts.push(
      `Data may be behind: the newest record is from ${formatDateTime(view.behind.newest, view.spec.timezone)}, yet ${sourceName(view.behind.arrival.source)} last sent data ${formatAge(view.behind.arrival.at, view.now)}.`,
    );
  const figure = (r: MetricResult) => escapeName(fallbackFigure(headlineText(r), headlineCurrencyNotes(r)));
  const items = view.lines.map((l) => {
    const recent = !view.stale && l.recent ? `${lowerFirst(view.recent.label)} ${figure(l.recent)}, ` : '';
    const status = l.toDate.target ? ` (${statusWords(l.toDate.target)})` : '';
    const when = month ? escapeName(month) : fiscal ? `${fiscal} to date` : 'to date';
    return `${l.toDate.metric.label}: ${recent}${when} ${figure(l.toDate)}${status}`;
  });
  parts.push(`${items.join('; ')}.`);
  if (view.attention.length > 0)
    parts.push(`Needs attention: ${view.attention.map((a) => escapeName(a.text)).join(' ')}`);
  return parts.join(' ');
}
