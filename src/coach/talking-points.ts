import { formatAttainment, formatNumber, formatPercent } from '../slack/format.js';
import type { GapRow, HourRow, LateLeadRow } from './facts.js';
import type { CoachLine } from './types.js';

/**
 * Talking points: one plain sentence per weak metric, built from the card's numbers and the facts
 * queried for it. Pure. Hours are written "12:00–13:00" in the period's zone.
 */

/** Hours with fewer team calls than this are too thin to call "best" or "lowest". */
const MIN_HOUR_CALLS = 10;
/** A product or source needs this many of the rep's records to be named. */
const MIN_GAP_RECORDS = 3;

const hourRange = (h: number) =>
  `${String(h).padStart(2, '0')}:00–${String((h + 1) % 24).padStart(2, '0')}:00`;
const rate = (hits: number, total: number) => (total > 0 ? hits / total : null);

/** "Value vs team median" opener: "Win rate 18.0% vs team median 27.0%". */
export function opener(line: CoachLine): string {
  const { metric, result } = line;
  const value =
    result.value.kind === 'value'
      ? formatNumber(result.value.value, metric.unit, result.currency)
      : 'no data';
  const med = line.teamMedian === null ? null : formatNumber(line.teamMedian, metric.unit, result.currency);
  return `${metric.label} ${value}${med ? ` vs team median ${med}` : ''}`;
}

/**
 * Connect-rate point from calls per hour: where the rep's calls cluster and how the team connects then.
 * "Connect rate 18.0% vs team 27.0%: 41% of your calls are 12:00–13:00, the team's lowest connect hour
 * (15%); its best is 10:00–11:00 (34%)." null when the rep connects as well as the team or made no calls.
 */
export function connectPoint(rows: HourRow[]): string | null {
  const repCalls = rows.reduce((s, r) => s + r.repCalls, 0);
  const repRate = rate(
    rows.reduce((s, r) => s + r.repConnected, 0),
    repCalls,
  );
  const teamRate = rate(
    rows.reduce((s, r) => s + r.teamConnected, 0),
    rows.reduce((s, r) => s + r.teamCalls, 0),
  );
  if (repRate === null || teamRate === null || repRate >= teamRate) return null;
  const busiest = [...rows].sort((a, b) => b.repCalls - a.repCalls || a.hour - b.hour)[0]!;
  const thick = rows.filter((r) => r.teamCalls >= MIN_HOUR_CALLS);
  const byRate = [...thick].sort(
    (a, b) => a.teamConnected / a.teamCalls - b.teamConnected / b.teamCalls || a.hour - b.hour,
  );
  const lowest = byRate[0];
  const best = byRate[byRate.length - 1];
  const busyRate = rate(busiest.teamConnected, busiest.teamCalls);
  const parts = [
    `Connect rate ${formatPercent(repRate)} vs team ${formatPercent(teamRate)}: ${formatPercent(busiest.repCalls / repCalls, 0)} of your calls are ${hourRange(busiest.hour)}`,
  ];
  if (lowest && lowest.hour === busiest.hour && busyRate !== null)
    parts.push(`, the team's lowest connect hour (${formatPercent(busyRate, 0)})`);
  else if (busyRate !== null) parts.push(`, when the team connects ${formatPercent(busyRate, 0)}`);
  if (best && best.hour !== busiest.hour)
    parts.push(
      `; its best is ${hourRange(best.hour)} (${formatPercent(best.teamConnected / best.teamCalls, 0)})`,
    );
  return `${parts.join('')}.`;
}

/**
 * Response-time point: when the rep's late leads arrive. "Lead response time 42m 10s vs team median 12m 00s:
 * 9 of your 14 leads missed the 5m 00s SLA; 5 of them arrived 12:00–13:00." null without late leads.
 */
export function responsePoint(line: CoachLine, rows: LateLeadRow[], slaSeconds: number): string | null {
  const late = rows.reduce((s, r) => s + r.late, 0);
  const leads = rows.reduce((s, r) => s + r.leads, 0);
  if (late === 0) return null;
  const worst = [...rows].sort((a, b) => b.late - a.late || a.hour - b.hour)[0]!;
  const when = worst.late > 1 ? `; ${worst.late} of them arrived ${hourRange(worst.hour)}` : '';
  return `${opener(line)}: ${late} of your ${leads} leads missed the ${formatNumber(slaSeconds, 'seconds')} SLA${when}.`;
}

/**
 * Where the rep's rate falls furthest behind the team's, weighted by the rep's volume there.
 * "Win rate 18.0% vs team median 27.0%: on Pro you won 2 of 11 (team 30%)." null when nothing stands out.
 */
export function gapPoint(
  line: CoachLine,
  rows: GapRow[],
  what: { verb: string; noun: string },
): string | null {
  let pick: { row: GapRow; score: number } | null = null;
  for (const row of rows) {
    const mine = rate(row.repHits, row.repTotal);
    const team = rate(row.teamHits, row.teamTotal);
    if (mine === null || team === null || row.repTotal < MIN_GAP_RECORDS || mine >= team) continue;
    const score = (team - mine) * row.repTotal;
    if (!pick || score > pick.score) pick = { row, score };
  }
  if (!pick) return null;
  const { row } = pick;
  return `${opener(line)}: ${what.noun} ${row.key} you ${what.verb} ${row.repHits} of ${row.repTotal} (team ${formatPercent(row.teamHits / row.teamTotal, 0)}).`;
}

/**
 * The fallback when no specific fact stands out: value vs median, percentile and the change against the
 * previous period. "Meetings booked 6 vs team median 11 (20th percentile), down from 9 in the previous 30 days";
 * an unchanged value says "same as the previous 30 days".
 */
export function trendPoint(line: CoachLine): string {
  const { result, metric } = line;
  const pct = line.percentile === null ? '' : ` (${ordinal(Math.round(line.percentile))} percentile)`;
  const prev = result.trend?.previous;
  const change =
    prev && prev.value.kind === 'value' && result.trend?.change
      ? result.trend.change.absolute === 0
        ? `, same as ${previousInWords(result)}`
        : `, ${result.trend.change.absolute > 0 ? 'up' : 'down'} from ${formatNumber(prev.value.value, metric.unit, result.currency)} in ${previousInWords(result)}`
      : '';
  const target =
    result.target && result.target.attainment !== null && result.target.attainment < 1
      ? `; ${formatAttainment(result.target.attainment)} of target`
      : '';
  return `${opener(line)}${pct}${change}${target}.`;
}

/**
 * The comparison period for people: "the previous 30 days" for a rolling window (whose previous window
 * is a date range nobody asked for), else its label ("October 2026", "October 2026 at the same point").
 */
export function previousInWords(result: CoachLine['result']): string {
  const prev = result.trend?.previous.period;
  if (!prev) return 'the previous period';
  if (result.period.kind === 'rolling') {
    const days = Math.round((result.period.end.getTime() - result.period.start.getTime()) / 86_400_000);
    return `the previous ${days} days`;
  }
  return prev.label;
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}
