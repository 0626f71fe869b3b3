import type { Change, MetricValue, Status, Unit } from '../metrics/types.js';
import { formatMoney } from '../money/index.js';
import { formatCount, formatDecimal, formatFixedDecimal } from '../numbers/count.js';
import { formatPercent } from '../numbers/percent.js';

/**
 * Number formatting shared by every Slack surface (answers, App Home, digests, alerts, console).
 * Pure: the same value always renders the same way, so tests can compare strings.
 */

/** "4m 12s", "1h 05m", "2d 3h", "38s". Negative durations keep their sign. */
export function formatDuration(totalSeconds: number): string {
  const sign = totalSeconds < 0 ? '−' : '';
  // Rounded to the last unit shown, like the seconds: 15h 04m 54s is "15h 05m", not "15h 04m".
  const abs = Math.abs(totalSeconds);
  const s = Math.round(abs);
  if (s < 60) return `${sign}${s}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const minutes = Math.round(abs / 60);
  if (minutes < 24 * 60)
    return `${sign}${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
  const hours = Math.round(abs / 3600);
  return `${sign}${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export { formatMoney, formatMoneyTotal } from '../money/index.js';
export { formatCount } from '../numbers/count.js';
export { formatPercent };

/**
 * A number in its unit: durations, percentages, money, counts, days, rates per day. A small non-zero value
 * keeps a significant digit ("0.04/day", "0.03%"), never "0.0" (numbers/count.ts formatDecimal).
 */
export function formatNumber(value: number, unit: Unit, currency: string | null = null): string {
  return formatInUnit(value, unit, currency, true);
}

/** formatNumber with a fixed precision per unit, for changes: one that rounds to nothing there is flat. */
function formatChangeMagnitude(value: number, unit: Unit, currency: string | null): string {
  return formatInUnit(value, unit, currency, false);
}

/**
 * `value` in `unit`. `keepSmall`: a small non-zero value keeps a significant digit ("0.04/day", "0.03%")
 * where the fixed precision would show 0 (values); off for changes, where rounding to nothing means flat.
 */
function formatInUnit(value: number, unit: Unit, currency: string | null, keepSmall: boolean): string {
  const decimal = keepSmall ? formatDecimal : formatFixedDecimal;
  switch (unit) {
    case 'seconds':
      return formatDuration(value);
    case 'days':
      // One decimal (a small value keeps a significant digit), so a column reads "24.0 days" beside
      // "22.1 days" (and never "1 days").
      return `${decimal(value)} days`;
    case 'ratio':
      return keepSmall && value !== 0 && Math.abs(value) < 0.0005
        ? `${formatDecimal(value * 100)}%`
        : formatPercent(value);
    case 'money':
      return formatMoney(value, currency);
    case 'multiple':
      return `${decimal(value)}×`;
    case 'per_day':
      return `${decimal(value)}/day`;
    case 'count':
      return Number.isInteger(value) ? formatCount(value) : decimal(value);
  }
}

/** From this size a prorated count target is shown whole: rounding then moves attainment by under 0.5 %. */
const WHOLE_COUNT_TARGET_FROM = 100;

/**
 * A target in its unit. Count targets prorated to a period ("400 a month" over a week = 92.0, over 28 days
 * = 374.9) are shown whole from 100 up, because nobody makes 0.9 of a call; a smaller fractional one keeps
 * one decimal ("3.2", a 70-a-month target over one weekday), since shown whole ("3") it would contradict
 * its attainment (3 calls, "93% attained"). Other units keep their usual precision.
 */
export function formatTarget(value: number, unit: Unit, currency: string | null = null): string {
  if (unit !== 'count') return formatNumber(value, unit, currency);
  const tenths = Math.round(value * 10) / 10;
  const shown =
    Math.abs(value) >= WHOLE_COUNT_TARGET_FROM || Number.isInteger(tenths) ? Math.round(value) : tenths;
  return formatNumber(shown, unit, currency);
}

/**
 * A target's attainment or pace (a 0..1+ ratio) as a whole percentage, rounded down: "84%" for 0.848, so a
 * shown figure is never above the real one and always agrees with the status (at risk from 85 %, on track
 * from 100 %: "85% attained" is never off track, "100%" never at risk).
 */
export function formatAttainment(ratio: number): string {
  // The epsilon keeps a ratio like 0.29 / 0.29 × 0.85 that floats just below its exact value whole.
  return `${Math.floor(ratio * 100 + 1e-9)}%`;
}

/**
 * A label inside a sentence: "Lead response time" → "lead response time", "Since Friday" → "since
 * Friday"; a label opening with an acronym or a code ("ARPU (…)", "Q3 2026") is kept as it is.
 */
export function lowerFirst(label: string): string {
  return /^\p{Lu}\p{Ll}/u.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/**
 * A period label after a verb: "in the last 30 days", "in the week of 16 Nov 2026", "in November 2026",
 * "today (30 Nov)", "since 3 Jun 2026" (all time from the first record), "so far" (all time, no data).
 */
export function periodInWords(label: string): string {
  if (/^(Today|Yesterday)\b/.test(label)) return lowerFirst(label);
  if (/^(Last|Week of)\b/.test(label)) return `in the ${lowerFirst(label)}`;
  const since = /^All time \(since (.+)\)$/.exec(label);
  if (since) return `since ${since[1]}`;
  if (label === 'All time') return 'so far';
  return `in ${label}`;
}

/** A metric value or its honest "no data" (the reason goes elsewhere, e.g. a context line). */
export function formatValue(value: MetricValue, unit: Unit, currency: string | null = null): string {
  return value.kind === 'value' ? formatNumber(value.value, unit, currency) : 'no data';
}

/** The absolute change in the metric's unit: "+2.1 pts" for ratios, "−0m 40s" for durations, "+12". */
export function formatChangeAbsolute(change: Change, unit: Unit, currency: string | null = null): string {
  const sign = change.absolute > 0 ? '+' : change.absolute < 0 ? '−' : '±';
  const magnitude = Math.abs(change.absolute);
  if (unit === 'ratio') return `${sign}${(magnitude * 100).toFixed(1)} pts`;
  return `${sign}${formatChangeMagnitude(magnitude, unit, currency)}`;
}

/**
 * The change as shown: one that rounds to nothing at the unit's precision ("+0.0 pts", "+0s") is flat,
 * neither better nor worse, with no relative change; any other change is returned as it is.
 */
export function shownChange(change: Change, unit: Unit, currency: string | null = null): Change {
  if (change.better === null || /[1-9]/.test(formatChangeAbsolute(change, unit, currency))) return change;
  return { absolute: 0, relative: null, better: null };
}

/** "▲ +2.1 pts (+8%) — better" style, with a good/bad marker by the metric's direction. */
export function formatChange(actual: Change, unit: Unit, currency: string | null = null): string {
  const change = shownChange(actual, unit, currency);
  const arrow = change.absolute > 0 ? '▲' : change.absolute < 0 ? '▼' : '▶';
  const pct = change.relative === null ? null : Math.abs(change.relative * 100);
  const rel =
    change.relative === null || pct === null
      ? ''
      : pct > 0 && pct < 0.5
        ? ' (&lt;1%)'
        : ` (${change.relative >= 0 ? '+' : '−'}${formatCount(Math.round(pct))}%)`;
  const verdict = change.better === null ? 'flat' : change.better ? 'better' : 'worse';
  return `${changeMarker(change.better)} ${arrow} ${formatChangeAbsolute(change, unit, currency)}${rel} — ${verdict}`;
}

/** A coloured dot for good/bad/flat change. */
export function changeMarker(better: boolean | null): string {
  if (better === null) return ':white_circle:';
  return better ? ':large_green_circle:' : ':red_circle:';
}

const STATUS_TEXT: Record<Status, string> = {
  on_track: ':large_green_circle: on track',
  at_risk: ':large_yellow_circle: at risk',
  off_track: ':red_circle: off track',
};

/** What a target's status says, from its attainment: the status and, without one, why (`whyNoStatus`). */
type TargetStatus = { status: Status | null; startsOn?: string; dataStartsOn?: string };

/**
 * Why a target has no status, in words: "starts 1 Jan 2027" for a period that has not started, "not judged:
 * records start 5 Dec 2025" for one that began before the data; undefined otherwise ("no status").
 */
function whyNoStatus(t: TargetStatus): string | undefined {
  if (t.startsOn) return `starts ${t.startsOn}`;
  return t.dataStartsOn ? `not judged: records start ${t.dataStartsOn}` : undefined;
}

/**
 * The status marker used wherever a target is shown: a bare status, or a target's attainment, which says why
 * it has none (":white_circle: starts 1 Jan 2027", ":white_circle: not judged: records start 5 Dec 2025").
 */
export function formatStatus(target: Status | TargetStatus | null): string {
  const status = typeof target === 'string' || target === null ? target : target.status;
  return status ? STATUS_TEXT[status] : `:white_circle: ${statusWords(target)}`;
}

/** Status words without emoji, for the plain-text fallback: "at risk", "no status", "starts 1 Jan 2027". */
export function statusWords(target: Status | TargetStatus | null): string {
  if (typeof target === 'string') return target.replace('_', ' ');
  if (target?.status) return target.status.replace('_', ' ');
  return (target && whyNoStatus(target)) ?? 'no status';
}

const SPARK = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * "▁▃▅█" from values; missing points show as a gap "·". Empty when there is nothing to draw: no value, or
 * only one (a lone "·······▄" drew a trend from a single period). A constant series draws mid-height
 * ("▄▄▄"), all zeros flat at the bottom ("▁▁▁").
 */
export function formatSparkline(values: (number | null)[]): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length < 2) return '';
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return '·';
      // A steady non-zero value sits mid-height; a series of zeros lies flat at the bottom (no activity).
      if (max === min) return max === 0 ? SPARK[0] : SPARK[3];
      return SPARK[Math.round(((v - min) / (max - min)) * (SPARK.length - 1))];
    })
    .join('');
}

/**
 * "27 minutes ago", "3 hours ago", "2 days ago" between two instants; an instant after `now` (a record dated
 * in the future) is "in 18 days", never "just now" (fresh tester: a won deal dated 25 Dec read "Data as of
 * Fri, 25 Dec 2026 (just now)" on 7 Dec). Under a minute either way is "just now".
 */
export function formatAge(from: Date, now: Date): string {
  const ahead = from.getTime() > now.getTime();
  const minutes = Math.round(Math.abs(now.getTime() - from.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  const say = (n: number, unit: string) => {
    const span = `${formatCount(n)} ${unit}${n === 1 ? '' : 's'}`;
    return ahead ? `in ${span}` : `${span} ago`;
  };
  if (minutes < 60) return say(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 48) return say(hours, 'hour');
  return say(Math.round(hours / 24), 'day');
}
