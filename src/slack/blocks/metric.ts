import type { Button, KnownBlock } from '@slack/types';
import { headlineCurrencyNotes } from '../../metrics/currency-notes.js';
import type { Dimension, MetricResult, SegmentRow } from '../../metrics/types.js';
import { formatCount } from '../../numbers/count.js';
import { type AskState, encodeState } from '../ask-state.js';
import { formatTarget, formatValue, lowerFirst, shownChange, statusWords } from '../format.js';
import { enforceLimits, type SlackMessage } from '../limits.js';
import { escapeMrkdwn, escapeName } from '../mrkdwn.js';
import {
  changeLine,
  definitionLine,
  fallbackFigure,
  freshnessLine,
  headlineText,
  notStartedHeadline,
  previousSampleMark,
  sampleLine,
  segmentTable,
  sharedByLine,
  sparklineLine,
  targetLine,
  warningLines,
} from './answer-parts.js';
import { actions, button, compact, context, fields, header, section } from './pieces.js';

/** Button action ids of an answer; listeners match them with ACTION_PATTERN (pieces.actions may suffix `#2`). */
export const ACTION_IDS = {
  /** Re-ask with another period or split, replacing the message in place. */
  view: 'metrics_view',
  share: 'metrics_share',
  calc: 'metrics_calc',
  /** Draw this answer as a chart (an uploaded PNG in an image block). */
  chart: 'metrics_chart',
} as const;

export interface MetricView {
  result: MetricResult;
  state: AskState;
  now: Date;
  staleAfterHours: number;
  /** Buttons only on the asker's own (ephemeral) copy; a shared message is read-only. */
  interactive: boolean;
  /**
   * Marks the caller's own row in a `by` table ("← you"), on the asker's own copy only: a shared copy
   * (`sharedBy`) is read by the whole channel, so it marks no one.
   */
  isMine?: (row: SegmentRow) => boolean;
  /** Who shared it, for the shared copy's context line (escaped here). */
  sharedBy?: string;
  /** Offer "By rep" (default true); false when the caller may not open it (src/access/permissions.ts). */
  canSplitByRep?: boolean;
  /** Offer "Share in channel" (default true); false for a private leaderboard. */
  canShare?: boolean;
}

/** Period choices offered as buttons (the current one is left out). */
const PERIOD_BUTTONS: [label: string, spec: string][] = [
  ['This week', 'this week'],
  ['This month', 'this month'],
  ['Last month', 'last month'],
  ['This quarter', 'this quarter'],
];

/** "Win rate · Team EMEA · November 2026" (plain text). */
export function answerTitle(r: MetricResult): string {
  const by = r.segments ? ` by ${r.segments.by}` : '';
  return `${r.metric.label}${by} · ${r.scope.label} · ${r.period.label}`;
}

/**
 * The meaningful top-level `text`: notifications, screen readers and search read this, not the blocks. A
 * money headline that left records in other currencies out says so beside it, as its note does in the blocks:
 * "Average deal size · Ana · October 2026: €1,000 (1 won deal in another currency left out), n=2".
 */
export function answerFallback(r: MetricResult): string {
  const parts = [`${answerTitle(r)}: ${fallbackFigure(headlineText(r), headlineCurrencyNotes(r))}`];
  if (r.target)
    parts.push(
      `target ${formatTarget(r.target.targetForPeriod, r.metric.unit, r.target.target.currency ?? r.currency)} (${statusWords(r.target)})`,
    );
  if (r.trend?.change) {
    const { better } = shownChange(r.trend.change, r.metric.unit, r.currency);
    // A previous figure on a small sample says so, as the trend line does: "better than Q3 2026 (n=9, small sample)".
    const small = previousSampleMark(r);
    parts.push(
      `${better === false ? 'worse than' : better ? 'better than' : 'flat vs'} ${r.trend.previous.period.label}${small ? ` (${small})` : ''}`,
    );
  }
  parts.push(`n=${formatCount(r.sampleSize)}`);
  // Slack renders the fallback as mrkdwn in notifications: escape it like block text.
  return escapeName(parts.join(', '));
}

/** The full `/metrics <metric>` answer, within Block Kit limits. */
export function buildMetricMessage(view: MetricView): SlackMessage {
  const r = view.result;
  const headline = r.startsOn
    ? notStartedHeadline(r.startsOn)
    : `*${headlineText(r)}*  ${escapeMrkdwn(lowerFirst(r.metric.label))}`;
  const lines = [headline, targetLine(r), changeLine(r), sparklineLine(r)].filter(
    (l): l is string => l !== null,
  );
  // A period that has not started has no figures yet: each would only say "no data".
  const figures = (r.startsOn ? [] : r.figures).map((f): [string, string] => [
    escapeMrkdwn(f.label),
    formatValue(f.value, f.unit, r.currency),
  ]);
  const blocks: KnownBlock[] = compact([
    header(answerTitle(r)),
    section(lines.join('\n')),
    figures.length > 0 ? fields(figures) : null,
    r.segments ? segmentTable(r, view.isMine && !view.sharedBy ? { isMine: view.isMine } : {}) : null,
    // All caveats share one context block (up to 10 lines), so they never crowd out the answer.
    warningLines(r).length > 0 ? context(...warningLines(r)) : null,
    context(sampleLine(r), freshnessLine(r, view.now, view.staleAfterHours)),
    context(definitionLine(r)),
    view.sharedBy ? context(sharedByLine(view.sharedBy, r, view.now)) : null,
    ...(view.interactive
      ? answerActions(r, view.state, { byRep: view.canSplitByRep ?? true, share: view.canShare ?? true })
      : []),
  ]);
  return enforceLimits({ text: answerFallback(r), blocks });
}

/**
 * An answer's buttons: period and split switches, then Share in channel (when `offer.share`), How is this
 * calculated? and Chart (when there is a split, funnel or trend to draw). The `/metrics lost` answer
 * (`state.view`) offers no "By reason": it is that split already.
 */
export function answerActions(
  r: MetricResult,
  state: AskState,
  offer: { byRep: boolean; share: boolean },
): KnownBlock[] {
  const periodButtons: Button[] = PERIOD_BUTTONS.filter(([, spec]) => spec !== r.period.spec).map(
    ([label, spec]) =>
      button({ text: label, actionId: ACTION_IDS.view, value: encodeState({ ...state, period: spec }) }),
  );
  const splits: Dimension[] = r.metric.dimensions.filter(
    (d) =>
      d !== state.by &&
      !(state.view === 'lost' && d === 'reason') &&
      !(state.scope.kind === 'rep' && (d === 'rep' || d === 'team')) &&
      (d !== 'rep' || offer.byRep),
  );
  const splitButtons: Button[] = splits.map((d) =>
    button({ text: `By ${d}`, actionId: ACTION_IDS.view, value: encodeState({ ...state, by: d }) }),
  );
  if (state.by)
    splitButtons.unshift(
      button({ text: 'No split', actionId: ACTION_IDS.view, value: encodeState({ ...state, by: null }) }),
    );
  const value = encodeState({ ...state, period: r.period.spec });
  return [
    actions([...periodButtons, ...splitButtons], 'metrics_view'),
    actions(
      [
        ...(offer.share
          ? [button({ text: 'Share in channel', actionId: ACTION_IDS.share, value, style: 'primary' })]
          : []),
        button({ text: 'How is this calculated?', actionId: ACTION_IDS.calc, value }),
        // A chart needs a split, a funnel or a trend; `all time` alone has no periods to draw.
        ...(r.segments || r.metric.id === 'conversion' || r.series.length > 0
          ? [button({ text: 'Chart', actionId: ACTION_IDS.chart, value })]
          : []),
      ],
      'metrics_more',
    ),
  ];
}
