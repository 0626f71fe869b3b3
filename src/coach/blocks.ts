import type { KnownBlock } from '@slack/types';
import { headlineCurrencyNotes, shortCurrencyNote } from '../metrics/currency-notes.js';
import { isSmallSample } from '../metrics/small-sample.js';
import { currencyFootnotes, startFootnotes } from '../slack/blocks/answer-parts.js';
import { actions, button, compact, context, divider, header, section } from '../slack/blocks/pieces.js';
import {
  formatAttainment,
  formatChange,
  formatCount,
  formatNumber,
  formatStatus,
  formatTarget,
  periodInWords,
} from '../slack/format.js';
import { enforceLimits, type SlackMessage } from '../slack/limits.js';
import { escapeMrkdwn, escapeName, neutraliseMarkers } from '../slack/mrkdwn.js';
import { ordinal, previousInWords } from './talking-points.js';
import type { CoachingCard, CoachLine } from './types.js';

/** Action id of the card's "Chart" button; its value is `encodeCoachState`. */
export const COACH_CHART_ACTION = 'coach_chart';

/** What the card's chart button carries: the rep and the resolved period spec. */
export function encodeCoachState(card: CoachingCard): string {
  return JSON.stringify({ coach: card.rep.id, p: card.period.spec });
}

/** The state from a chart button value, or null for anything malformed (never throws). */
export function decodeCoachState(value: string | undefined): { repId: number; period: string } | null {
  try {
    const raw = JSON.parse(value ?? '') as { coach?: unknown; p?: unknown };
    if (!Number.isInteger(raw.coach) || typeof raw.p !== 'string' || raw.p.length > 100) return null;
    return { repId: raw.coach as number, period: raw.p };
  } catch {
    return null;
  }
}

function valueText(line: CoachLine): string {
  const r = line.result;
  return r.value.kind === 'value' ? formatNumber(r.value.value, line.metric.unit, r.currency) : 'no data';
}

/**
 * "*Win rate*  18.0% · team 27.0% · 22nd pct :small_red_triangle_down:"; a rate or average on 1–9 records
 * is marked as a scorecard row is: "*Average deal size*  $4,936 (n=6, small sample) · team $18,656".
 */
export function coachLineText(line: CoachLine): string {
  const small = isSmallSample(line.result) ? ` (n=${formatCount(line.result.sampleSize)}, small sample)` : '';
  const parts = [`*${escapeMrkdwn(line.metric.label)}*  ${valueText(line)}${small}`];
  if (line.teamMedian !== null)
    parts.push(`team ${formatNumber(line.teamMedian, line.metric.unit, line.result.currency)}`);
  if (line.percentile !== null) parts.push(`${ordinal(Math.round(line.percentile))} pct`);
  if (line.result.target) parts.push(formatStatus(line.result.target));
  return `${line.weak ? ':small_orange_diamond:' : ':white_small_square:'} ${parts.join(' · ')}`;
}

/**
 * "Lead conversion rate: a cohort rate (leads qualified in the period that have converted by now); leads
 * qualified in the last 30 days are still converting, so it is not ranked among the biggest changes." or "".
 */
function stillConvertingNote(card: CoachingCard): string {
  const labels = card.stillConverting ?? [];
  if (labels.length === 0) return '';
  return escapeMrkdwn(
    `${labels.join(', ')}: a cohort rate (leads qualified in the period that have converted by now); leads qualified ${periodInWords(card.period.label)} are still converting, so it is not ranked among the biggest changes.`,
  );
}

/** "the 9 reps", "the one rep": the team members with data the card compares with. */
function repsWithData(n: number): string {
  return n === 1 ? 'the one rep' : `the ${formatCount(n)} reps`;
}

/**
 * The coaching card as a Slack message: every metric beside the team median (and percentile when the
 * policy allows), the three biggest changes, the metric furthest below target and the talking points,
 * with a "Chart" button when `interactive`. A money figure that left the rep's records in other currencies
 * out gets the footnote answers and scorecards give it (`currencyFootnotes`: "Revenue won: 1 won deal in
 * another currency left out (no exchange rates); figures are in EUR."). Text is escaped; within Block Kit limits.
 */
export function buildCoachingMessage(card: CoachingCard, options: { interactive: boolean }): SlackMessage {
  const title = `Coaching card · ${card.rep.name} · ${card.period.label}`;
  // The notification text is mrkdwn too: the name's `* _ ~ \`` are neutralised there as in the blocks.
  const textTitle = `Coaching card · ${neutraliseMarkers(card.rep.name)} · ${card.period.label}`;
  if (card.startsOn) {
    // As metric answers for a future period: when it starts, no zeros or percentiles that mean nothing.
    const notYet = `${card.period.label} has not started yet (starts ${card.startsOn}): its coaching card has figures once it does.`;
    return enforceLimits({
      text: escapeMrkdwn(`${textTitle}: has not started yet (starts ${card.startsOn}).`),
      blocks: [
        header(title),
        section(
          `${escapeMrkdwn(notYet)} For the card so far, ask \`/metrics coach\` with \`this month\` or \`30d\`.`,
        ),
      ],
    });
  }
  if (card.dataStartsOn) {
    // As metric answers for a period before the data: no zeros, and no "no activity of their own".
    const before = `${card.period.label} ended before the data starts (the first record is from ${card.dataStartsOn}): there is nothing to coach on.`;
    return enforceLimits({
      text: escapeMrkdwn(
        `${textTitle}: no data, ${card.period.label} ended before the data starts (${card.dataStartsOn}).`,
      ),
      blocks: [
        header(title),
        section(
          `${escapeMrkdwn(before)} For a card with figures, ask \`/metrics coach\` with \`this month\` or \`30d\`.`,
        ),
      ],
    });
  }
  // The team's reps with data on any line (a rep may have calls but no deals); none besides the rep: say so.
  const teamSize = Math.max(0, ...card.lines.map((l) => l.teamSize));
  const hasPeers = card.lines.some((l) => l.teamMedian !== null);
  // The team's manager (or someone none of its reps in the period) is in no teammate's distribution: not
  // ranked, and not added to the medians (helper-213, finding 1).
  const outsider = card.team && card.notCompared;
  const teamLine = !card.team
    ? 'Not on a team right now, so there is no team to compare with.'
    : outsider
      ? `${
          card.notCompared === 'manager'
            ? `${escapeName(card.rep.name)} is team ${escapeName(card.team.name)}’s manager, not one of its reps: not compared with them.`
            : `${escapeName(card.rep.name)} was not one of team ${escapeName(card.team.name)}’s reps ${escapeMrkdwn(periodInWords(card.period.label))}: not compared with them.`
        }${hasPeers ? ` Team figures are the medians of ${repsWithData(teamSize)} with data, as on their cards.` : ''}`
      : !hasPeers
        ? `No one else on team ${escapeName(card.team.name)} has data ${escapeMrkdwn(periodInWords(card.period.label))}, so there is no one to compare with.`
        : `Compared with ${repsWithData(teamSize)} of team ${escapeName(card.team.name)} with data${card.showPeers ? '' : ' (percentiles are hidden: leaderboards are for managers here)'}.`;
  const changes = card.biggestChanges.map((l) => {
    const change = l.result.trend?.change;
    const prev = previousInWords(l.result);
    return `• *${escapeMrkdwn(l.metric.label)}* ${valueText(l)} vs ${escapeMrkdwn(prev)}: ${change ? formatChange(change, l.metric.unit, l.result.currency) : 'no comparison'}`;
  });
  const below = card.furthestBelowTarget;
  const belowText = below?.result.target
    ? `*Furthest below target:* ${escapeMrkdwn(below.metric.label)} ${valueText(below)} of ${formatTarget(below.result.target.targetForPeriod, below.metric.unit, below.result.target.target.currency ?? below.result.currency)} (${formatAttainment(below.result.target.attainment ?? 0)} attained)`
    : '*Furthest below target:* nothing is below a target (or no targets are set).';
  const points = card.lines.filter((l) => l.talkingPoint).map((l) => `• ${escapeMrkdwn(l.talkingPoint!)}`);
  const footnoted = card.lines.map((l) => ({ about: l.metric.label, result: l.result }));
  const blocks: KnownBlock[] = compact([
    header(title),
    context(teamLine),
    section(card.lines.map(coachLineText).join('\n')),
    divider(),
    section(
      changes.length > 0
        ? `*Biggest changes*\n${changes.join('\n')}`
        : '*Biggest changes:* none to compare yet.',
    ),
    section(belowText),
    section(
      !card.ownActivity
        ? `*Talking points:* ${escapeName(card.rep.name)} has no activity of their own ${escapeMrkdwn(periodInWords(card.period.label))}. A coaching card is about a person's own numbers; for the team's, ask \`/metrics team\`.`
        : points.length > 0
          ? `*Talking points*\n${points.join('\n')}`
          : '*Talking points:* nothing weak against the team this period.',
    ),
    context(
      // The percentile legend only beside a percentile (helper-207, finding 5: a rep's own card under
      // TALLY_LEADERBOARDS_PUBLIC=false explained percentiles it does not show).
      `:small_orange_diamond: below the team median or behind target.${card.lines.some((l) => l.percentile !== null) ? ' Percentile: share of the team’s reps this rep does better than (ties count half).' : ''}`,
      stillConvertingNote(card),
      currencyFootnotes(footnoted),
      startFootnotes(footnoted),
    ),
    options.interactive
      ? actions(
          [button({ text: 'Chart', actionId: COACH_CHART_ACTION, value: encodeCoachState(card) })],
          'coach_more',
        )
      : null,
  ]);
  const weak = card.lines.filter((l) => l.weak).map((l) => l.metric.label);
  // The footnotes in short, so a notification's verdict never reads as covering the deals left out.
  const leftOut = card.lines.flatMap((l) =>
    headlineCurrencyNotes(l.result).map((n) => `${l.metric.label}: ${shortCurrencyNote(n)}.`),
  );
  const text = [
    `${textTitle}: ${weak.length > 0 ? `weak on ${weak.join(', ')}` : outsider ? 'not compared with the team’s reps' : 'nothing weak against the team'}.`,
    ...leftOut,
  ].join(' ');
  return enforceLimits({ text: escapeMrkdwn(text), blocks });
}
