import { headlineCurrencyNotes, shortCurrencyNote } from '../../metrics/currency-notes.js';
import { judgeFreshness, newestAnswer } from '../../metrics/freshness.js';
import { isSmallSample, SMALL_SAMPLE, smallPreviousSample } from '../../metrics/small-sample.js';
import type { Dimension, MetricResult, SegmentRow } from '../../metrics/types.js';
import { formatMoneyColumn } from '../../money/index.js';
import { formatCount } from '../../numbers/count.js';
import { formatDateTime, formatLocalDay } from '../../time/format.js';
import {
  formatAge,
  formatAttainment,
  formatChange,
  formatSparkline,
  formatStatus,
  formatTarget,
  formatValue,
} from '../format.js';
import { escapeMrkdwn, escapeName } from '../mrkdwn.js';
import { rankedTable, section, type TableRow } from './pieces.js';

/**
 * The lines an answer is made of, each a pure function of a MetricResult, shared by the answer,
 * the scorecard, App Home and digests. All return escaped mrkdwn.
 */

/** "27.3%" / "4m 12s" / "no data" / "not started yet" (see MetricResult.startsOn) for the headline. */
export function headlineText(r: MetricResult): string {
  // A period that has not started has no figure yet, not a 0 (the day it starts is said beside it).
  if (r.startsOn) return 'not started yet';
  return moneyWithPrevious(r)?.[0] ?? formatValue(r.value, r.metric.unit, r.currency);
}

/**
 * A money headline and its previous period's figure at one precision (formatMoneyColumn), so "$26,634" is
 * never compared with "$491.10" in one answer; null unless both are amounts.
 */
function moneyWithPrevious(r: MetricResult): [string, string] | null {
  const prev = r.trend?.previous.value;
  if (r.metric.unit !== 'money' || r.startsOn || r.value.kind !== 'value' || prev?.kind !== 'value')
    return null;
  const [headline, previous] = formatMoneyColumn([r.value.value, prev.value], r.currency);
  return [headline!, previous!];
}

/** "Target 30.0% per month · 91% attained · pace 104% · :large_yellow_circle: at risk", or null without a target. */
export function targetLine(r: MetricResult): string | null {
  const t = r.target;
  if (!t) return null;
  const parts = [`Target ${formatTarget(t.targetForPeriod, r.metric.unit, t.target.currency ?? r.currency)}`];
  if (t.attainment !== null) parts.push(`${formatAttainment(t.attainment)} attained`);
  if (t.pace !== null) parts.push(`pace ${formatAttainment(t.pace)}`);
  parts.push(formatStatus(t));
  return parts.join(' · ');
}

/**
 * "vs October 2026 (25.0%): :large_green_circle: ▲ +2.3 pts (+9%) — better", with the previous figure
 * marked when it rests on a small sample, as the headline's own warning does for its n ("vs October 2026
 * (40.0%, n=9, small sample): …"); "vs November 2025: no earlier data (the data starts on 1 Dec 2025)" when
 * that period ended before the org's first record, or null without a trend.
 */
export function changeLine(r: MetricResult): string | null {
  const trend = r.trend;
  if (!trend) return null;
  const starts = trend.previous.dataStartsAt;
  if (starts)
    return `vs ${escapeMrkdwn(trend.previous.period.label)}: no earlier data (the data starts on ${formatLocalDay(starts, r.period.timezone)})`;
  const prevValue = moneyWithPrevious(r)?.[1] ?? formatValue(trend.previous.value, r.metric.unit, r.currency);
  const small = previousSampleMark(r);
  const prev = `${escapeMrkdwn(trend.previous.period.label)} (${prevValue}${small ? `, ${small}` : ''})`;
  if (!trend.change) return `vs ${prev}: no comparison`;
  return `vs ${prev}: ${formatChange(trend.change, r.metric.unit, r.currency)}`;
}

/**
 * "n=9, small sample" for the previous period's figure of a trend when it rests on a small sample
 * (smallPreviousSample), else "": the mark a small sample's row carries (`n=3, small sample`), for the
 * trend line, an answer's fallback text and a scorecard's change.
 */
export function previousSampleMark(r: MetricResult): string {
  const n = smallPreviousSample(r);
  return n === null ? '' : `n=${formatCount(n)}, small sample`;
}

/** "`▂▃▅▆▇▅▆█` last 8 periods", or null when the series has no values. */
export function sparklineLine(r: MetricResult): string | null {
  const values = r.series.map((p) => (p.value.kind === 'value' ? p.value.value : null));
  const spark = formatSparkline(values);
  if (!spark) return null;
  return `\`${spark}\` last ${r.series.length} periods`;
}

/** The headline of a period that has not started, in an answer's place of its figure: "*Not started yet*  starts 1 Dec 2026". */
export function notStartedHeadline(startsOn: string): string {
  return `*Not started yet*  starts ${escapeMrkdwn(startsOn)}`;
}

/** Honest caveats: small sample, "no data" reason, module notes. */
export function warningLines(r: MetricResult): string[] {
  const lines: string[] = [];
  // A period that has not started says so in the headline ("Not started yet  starts …"): not again here.
  if (r.value.kind === 'no_data' && !r.startsOn)
    lines.push(`:information_source: No data: ${escapeMrkdwn(r.value.reason)}`);
  if (isSmallSample(r)) {
    lines.push(
      `:warning: Small sample: based on only ${r.sampleSize} record${r.sampleSize === 1 ? '' : 's'} — treat with care.`,
    );
  }
  for (const note of r.notes) lines.push(`:information_source: ${escapeMrkdwn(note)}`);
  return lines;
}

/**
 * Footnotes for headlines shown without their answer's notes (a scorecard's or a digest's lines): each note
 * saying a money headline left records out for being in other currencies (headlineCurrencyNotes), after the
 * figure it is about (plain text, escaped here): ":information_source: Average deal size: 2 won deals in
 * other currencies left out (no exchange rates); figures are in USD.". One mrkdwn text, a line per note, for
 * one context element; "" when there are none.
 */
export function currencyFootnotes(items: { about: string; result: MetricResult }[]): string {
  return items
    .flatMap(({ about, result }) =>
      headlineCurrencyNotes(result).map(
        (note) => `:information_source: ${escapeMrkdwn(about)}: ${escapeMrkdwn(note)}`,
      ),
    )
    .join('\n');
}

/**
 * Footnotes for headlines shown without their answer's notes (scorecards, coaching cards), each saying which
 * days a period that began before the data has figures for (MetricResult.startNote), once for all the
 * headlines it is about: ":information_source: Calls, Emails sent: The figures cover 5 Dec 2025 onward:
 * there is no activity before then, though this period began earlier.". One mrkdwn text, a line per note,
 * for one context element; "" when there are none.
 */
export function startFootnotes(items: { about: string; result: MetricResult }[]): string {
  const about = new Map<string, string[]>();
  for (const { about: label, result } of items)
    if (result.startNote) about.set(result.startNote, [...(about.get(result.startNote) ?? []), label]);
  return [...about]
    .map(([note, labels]) => `:information_source: ${escapeMrkdwn(labels.join(', '))}: ${escapeMrkdwn(note)}`)
    .join('\n');
}

/**
 * A figure for a message's plain `text` fallback (notifications, screen readers) with the currency notes
 * its blocks footnote, cut short (shortCurrencyNote), so the figure never reads as the whole:
 * "€1,000 (1 won deal in another currency left out)". `notes` are the figure's currency notes
 * (headlineCurrencyNotes for a headline); the figure alone without any. Plain text: escape with the rest
 * of the fallback.
 */
export function fallbackFigure(figure: string, notes: string[]): string {
  return notes.length > 0 ? `${figure} (${notes.map(shortCurrencyNote).join('; ')})` : figure;
}

/**
 * The shared copy's last line: who shared it, and that its figures were computed when they shared it
 * ("Shared by Ana López · figures as of Mon, 23 Nov 2026, 09:14, when shared", in the answer's zone): a
 * share computes the answer again, so records that arrived after the person asked are in it.
 */
export function sharedByLine(name: string, r: MetricResult, now: Date): string {
  return sharedByLineIn(name, r.period.timezone, now);
}

/** sharedByLine in time zone `timezone`: for a scorecard, whose several results share one line. */
export function sharedByLineIn(name: string, timezone: string, now: Date): string {
  return `Shared by ${escapeName(name)} · figures as of ${formatDateTime(now, timezone)}, when shared`;
}

/** How a data source is named in a freshness line, and what to check when it has gone quiet. */
const SOURCES: Record<string, { name: string; check: string }> = {
  api: { name: 'the ingest API', check: 'check the CRM sync that feeds it' },
  csv: { name: 'a CSV import', check: 'import a fresh export (`npm run import`)' },
  slack: { name: 'Slack buttons (Contacted)', check: 'check the CRM sync' },
  demo: {
    name: 'the demo data',
    check: 'import your own data in its place (`npm run import`): the demo org is invented, generated once',
  },
};
const sourceOf = (source: string) =>
  SOURCES[source] ?? { name: escapeMrkdwn(source), check: 'check the CRM sync' };

/** How a data source is named in a freshness line ("a CSV import"), escaped. */
export const sourceName = (source: string): string => sourceOf(source).name;

/**
 * The freshness line, judged by the sync (src/metrics/freshness.ts): a warning names the source and when
 * it last sent data when that is older than `staleAfterHours` (and before the period ended), or when a
 * running period's newest record lags far behind it (not for a state metric: retention, ARR, ARPU, CLV);
 * otherwise "Data as of" the newest record. A team's or a rep's answer is never called behind: its newest
 * record is when those people last did it. A finished period whose data arrived after it ended never warns.
 * Metrics without per-record times (retention, CLV) with n > 0 show no "no records" line; with no record,
 * "No records behind this answer yet." ("yet" until the period ends).
 */
export function freshnessLine(r: MetricResult, now: Date, staleAfterHours: number): string {
  const zone = r.period.timezone;
  const when = (d: Date) => `${formatDateTime(d, zone)} (${formatAge(d, now)})`;
  const verdict = judgeFreshness(r, now, staleAfterHours);
  switch (verdict.kind) {
    case 'stale_sync': {
      const s = sourceOf(verdict.arrival.source);
      return `:warning: *Data may be stale:* the last data arrived from ${s.name} on ${when(verdict.arrival.at)}, more than ${formatCount(staleAfterHours)} h ago; ${s.check}.`;
    }
    case 'behind': {
      const s = sourceOf(verdict.arrival.source);
      const here = verdict.newest
        ? `the newest record here is from ${when(verdict.newest)}`
        : `no record is in this period, which began on ${when(verdict.since)}`;
      return `:warning: *Data may be behind:* ${here}, yet ${s.name} last sent data on ${when(verdict.arrival.at)}; records for this period may be missing, so ${s.check}.`;
    }
    case 'stale_records':
      return `:warning: *Data may be stale:* the newest record behind this answer is from ${when(verdict.newest)}, more than ${formatCount(staleAfterHours)} h ago. If you expected newer activity, check the CRM sync.`;
    case 'fresh': {
      const newest = r.freshness.newestRecordAt;
      const arrival = r.freshness.lastArrival;
      const synced = arrival
        ? ` · last data from ${sourceOf(arrival.source).name} ${formatAge(arrival.at, now)}`
        : '';
      const starts = r.freshness.dataStartsAt;
      if (!newest && starts)
        return `No records behind this answer: the data starts on ${formatLocalDay(starts, zone)}, after this period.${synced}`;
      const none = r.freshness.noneOwned;
      if (!newest && none)
        return `No records behind this answer: ${escapeName(r.scope.label)} owns no ${none} in Tally, in any period (\`team\` or \`org\` answers for more people).${synced}`;
      // "Yet" only until the period ends: a finished period inside the data holds none, and will not.
      const over = now.getTime() >= r.period.end.getTime();
      if (!newest)
        return r.sampleSize > 0
          ? synced.slice(3)
          : `No records behind this answer${over ? '' : ' yet'}.${synced}`;
      return `Data as of ${when(newest)}${synced}`;
    }
  }
}

/**
 * The freshness line of several answers shown together (a scorecard, a digest): the line of the one with the
 * newest record; with no record in any, the first one's warning when one is judged behind or stale (an org
 * whose month holds no record though data kept arriving), else `none`.
 */
export function freshnessLineOf(
  results: readonly MetricResult[],
  now: Date,
  staleAfterHours: number,
  none: string,
): string {
  const source =
    newestAnswer(results) ?? results.find((r) => judgeFreshness(r, now, staleAfterHours).kind !== 'fresh');
  return source ? freshnessLine(source, now, staleAfterHours) : none;
}

/** The definition, escaped, for a context line. */
export function definitionLine(r: MetricResult): string {
  return `_${escapeMrkdwn(r.metric.label)}:_ ${escapeMrkdwn(r.metric.definition)}`;
}

/** "n = 42 · window 1 Nov – 1 Dec 2026 (Europe/Berlin)". */
export function sampleLine(r: MetricResult): string {
  return `n = ${formatCount(r.sampleSize)} · ${escapeMrkdwn(r.calculation.window)}`;
}

/**
 * A split row's value and detail: "$1,200" and "n=3"; a row without a value gives the reason after its n; a
 * row whose records are all in other currencies than the answer's says so, as the headline's note does:
 * "no data in USD" and "n=0, 1 in another currency". A count that is its own n ("Intro v2 — 150", 150
 * emails) has no detail: "n=150" would only repeat it.
 */
function segmentValue(
  r: MetricResult,
  s: SegmentRow,
  money?: Map<SegmentRow, string>,
): { value: string; detail?: string } {
  // A rate or average under the one small-sample rule (ranked after the rows on a full sample, see
  // sortSegments) says so: `n=3, small sample`.
  const small = isSmallSample({ metric: r.metric, value: s.value, sampleSize: s.sampleSize });
  const n = `n=${formatCount(s.sampleSize)}${small ? ', small sample' : ''}`;
  const other = s.otherCurrenciesOnly;
  const shown = money?.get(s);
  if (shown !== undefined) return { value: shown, detail: n };
  // A row without a value says why (`n=0, no deal won in this period has an amount`), as the headline does.
  if (s.value.kind === 'no_data' && other === undefined)
    return {
      value: formatValue(s.value, r.metric.unit, r.currency),
      detail: `${n}, ${escapeMrkdwn(s.value.reason)}`,
    };
  if (r.metric.unit === 'count' && s.value.kind === 'value' && s.value.value === s.sampleSize)
    return { value: formatValue(s.value, r.metric.unit, r.currency) };
  if (s.value.kind === 'value' || other === undefined || r.currency === null)
    return { value: formatValue(s.value, r.metric.unit, r.currency), detail: n };
  const where = other === 1 ? 'another currency' : 'other currencies';
  return { value: `no data in ${r.currency}`, detail: `${n}, ${formatCount(other)} in ${where}` };
}

/** The listed rows' amounts at one precision (formatMoneyColumn), by row; rows without a value are left out. */
function moneyColumn(rows: SegmentRow[], currency: string | null): Map<SegmentRow, string> {
  const valued = rows.flatMap((s) => (s.value.kind === 'value' ? [{ row: s, minor: s.value.value }] : []));
  const texts = formatMoneyColumn(
    valued.map((v) => v.minor),
    currency,
  );
  return new Map(valued.map((v, i) => [v.row, texts[i]!]));
}

export interface TableOptions {
  /** Rows to show before the caller's own row is appended. */
  top?: number;
  isMine?: (row: SegmentRow) => boolean;
}

/** What a split's rows are, for "no rep has …". */
const SPLIT_NOUN: Record<Dimension, string> = {
  rep: 'rep',
  team: 'team',
  product: 'product',
  source: 'lead source',
  reason: 'loss reason',
  template: 'template',
};

/**
 * The `by …` ranked table: top 10 plus the caller's own row when it is further down; with no rows, what is
 * missing ("_Nothing to list: no team has revenue won for December 2026._").
 */
export function segmentTable(r: MetricResult, options: TableOptions = {}) {
  const rows = r.segments?.rows ?? [];
  if (r.segments && rows.length === 0)
    return section(
      `_Nothing to list: no ${SPLIT_NOUN[r.segments.by]} has ${escapeMrkdwn(r.metric.label.toLowerCase())} for ${escapeMrkdwn(r.period.label)}._`,
    );
  const top = options.top ?? 10;
  const mineIndex = options.isMine ? rows.findIndex((s, i) => i >= top && options.isMine?.(s)) : -1;
  const listed = [...rows.slice(0, top), ...(mineIndex >= 0 ? [rows[mineIndex]!] : [])];
  const money = r.metric.unit === 'money' ? moneyColumn(listed, r.currency) : undefined;
  const toRow = (s: SegmentRow, i: number): TableRow => ({
    rank: i + 1,
    label: s.label,
    ...segmentValue(r, s, money),
    highlight: options.isMine?.(s) ?? false,
  });
  const shown = rows.slice(0, top).map(toRow);
  if (mineIndex >= 0) shown.push(toRow(rows[mineIndex]!, mineIndex));
  const hidden = rows.length - shown.length;
  // Small samples rank after the full ones (sortSegments): said, so an 11-minute median listed under a 3-hour
  // one does not read as a mistake (fresh tester helper-189).
  const small = (s: SegmentRow) =>
    isSmallSample({ metric: r.metric, value: s.value, sampleSize: s.sampleSize });
  const notes = [
    ...(hidden > 0 ? [`_…and ${hidden} more_`] : []),
    ...(rows.some(small) && rows.some((s) => s.value.kind === 'value' && !small(s))
      ? [`_Rows on fewer than ${SMALL_SAMPLE} records (small samples) are ranked after the rest._`]
      : []),
  ];
  return rankedTable(shown, notes.length > 0 ? notes.join('\n') : undefined);
}
