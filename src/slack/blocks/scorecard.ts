import type { KnownBlock } from '@slack/types';
import { headlineCurrencyNotes } from '../../metrics/currency-notes.js';
import { isSmallSample } from '../../metrics/small-sample.js';
import type { MetricResult } from '../../metrics/types.js';
import { formatChange, formatStatus, formatTarget, statusWords } from '../format.js';
import { escapeMrkdwn, escapeName } from '../mrkdwn.js';
import {
  currencyFootnotes,
  fallbackFigure,
  freshnessLineOf,
  headlineText,
  previousSampleMark,
  sharedByLineIn,
  sparklineLine,
  startFootnotes,
} from './answer-parts.js';
import { context, header, section } from './pieces.js';

/**
 * A scorecard: one compact line per metric with target status, change and sparkline. Used by
 * `/metrics summary`, App Home and (for its own layout) the digest.
 */
export interface ScorecardView {
  title: string;
  results: MetricResult[];
  now: Date;
  staleAfterHours: number;
  /**
   * The shared copy (`/metrics team share`): who shared it and the zone of its figures' time, for the
   * same last line a shared metric answer has ("Shared by Ana López · figures as of …, when shared").
   */
  shared?: { by: string; timezone: string };
}

/** " (n=3, small sample)" after a figure under the one small-sample rule (as answers and digests), else "". */
function smallSampleMark(r: MetricResult): string {
  return isSmallSample(r) ? ` (n=${r.sampleSize}, small sample)` : '';
}

/**
 * One metric as a scorecard line: "*Win rate* _Q4 2026_  *27.3%* · target … · ▲ … · `▁▃▅`", with
 * " _(n=3, small sample)_" after a rate or average on 1–9 records. Without a value the reason stands in the
 * headline's place, as answers give it: "*Pipeline coverage* _November 2026_  _No data: the revenue target
 * is already reached_".
 */
export function scorecardLine(r: MetricResult): string {
  const small = smallSampleMark(r);
  const headline = r.startsOn
    ? `_Not started yet (starts ${escapeMrkdwn(r.startsOn)})_`
    : r.value.kind === 'no_data'
      ? `_No data: ${escapeMrkdwn(r.value.reason)}_`
      : `*${headlineText(r)}*${small ? ` _${small.trim()}_` : ''}`;
  const parts = [`*${escapeMrkdwn(r.metric.label)}* _${escapeMrkdwn(r.period.label)}_  ${headline}`];
  if (r.target) {
    parts.push(
      `target ${formatTarget(r.target.targetForPeriod, r.metric.unit, r.target.target.currency ?? r.currency)} ${formatStatus(r.target)}`,
    );
  }
  if (r.trend?.change) {
    // A change from a previous figure on a small sample is marked, as an answer's trend line marks it.
    const small = previousSampleMark(r);
    const against = small ? ` _(${escapeMrkdwn(r.trend.previous.period.label)}: ${small})_` : '';
    parts.push(`${formatChange(r.trend.change, r.metric.unit, r.currency)}${against}`);
  }
  const spark = sparklineLine(r);
  if (spark) parts.push(spark.split(' ')[0]!);
  return parts.join(' · ');
}

/**
 * Plain-text summary of a scorecard for the `text` fallback, with each headline's currency footnote cut
 * short beside it (fallbackFigure): "Revenue won €2,000 (1 won deal in another currency left out)".
 */
export function scorecardFallback(title: string, results: MetricResult[]): string {
  const items = results.map(
    (r) =>
      `${r.metric.label} ${fallbackFigure(headlineText(r), headlineCurrencyNotes(r))}${smallSampleMark(r)}${r.target ? ` (${statusWords(r.target)})` : ''}`,
  );
  return escapeName(`${title}: ${items.join('; ') || 'no metrics'}`);
}

/**
 * The scorecard's blocks (header, one section per metric, then a context line: freshness, a footnote per
 * headline that left records in other currencies out (currencyFootnotes), which days the figures of a period
 * that began before the data cover (startFootnotes), where to find definitions), and for a shared copy
 * the line saying who shared it and when its figures are from, as a shared metric answer ends.
 */
export function buildScorecardBlocks(view: ScorecardView): KnownBlock[] {
  const footnoted = view.results.map((r) => ({ about: r.metric.label, result: r }));
  return [
    header(view.title),
    ...view.results.map((r) => section(scorecardLine(r))),
    context(
      freshnessLineOf(view.results, view.now, view.staleAfterHours, 'No records behind these numbers yet.'),
      currencyFootnotes(footnoted),
      startFootnotes(footnoted),
      'Ask `/metrics help &lt;metric&gt;` for any definition.',
    ),
    ...(view.shared ? [context(sharedByLineIn(view.shared.by, view.shared.timezone, view.now))] : []),
  ];
}
