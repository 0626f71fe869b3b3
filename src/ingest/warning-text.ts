import { formatLocalDate, formatLocalTime } from '../time/format.js';
import { offsetText } from '../time/wall-clock.js';

/** At most this many distinct values are quoted in a summary; the rest are counted ("and 3 more"). */
const QUOTED_LISTED = 10;

/** At most this many distinct stages are named in the closed-but-open warning. */
const OPEN_STAGES_LISTED = 10;

/** A date as the import's `zone` reads it (ISO "YYYY-MM-DD"): the day the source wrote, not UTC's. */
export function dayIn(d: Date, zone: string): string {
  return formatLocalDate(d, zone);
}

/**
 * An instant as the import's `zone` reads it, to the minute, with that zone's offset then:
 * `2026-04-02T09:00+02:00`, or `2026-01-05T09:50Z` in UTC; the time a file without offsets wrote.
 */
export function atIn(d: Date, zone: string): string {
  const offset = offsetText(d.getTime(), zone);
  return `${dayIn(d, zone)}T${formatLocalTime(d, zone)}${offset === '+00:00' ? 'Z' : offset}`;
}

/**
 * True when `early` is its day's first minute in `zone` (a date without a time, as CRMs export close dates)
 * and `late` is on that same day: a date-only value is the whole day, so it is not before a time on it.
 */
export function sameDayDate(early: Date, late: Date, zone: string): boolean {
  return formatLocalTime(early, zone) === '00:00' && dayIn(early, zone) === dayIn(late, zone);
}

/** Two instants as `zone` reads them: as dates when on different days, to the minute on one day (atIn). */
export function pairIn(a: Date, b: Date, zone: string): [string, string] {
  return dayIn(a, zone) === dayIn(b, zone)
    ? [atIn(a, zone), atIn(b, zone)]
    : [dayIn(a, zone), dayIn(b, zone)];
}

/**
 * `"N/A" is a placeholder`, or `"N/A", "-" and "TBD" are placeholders`: the values rows held, as typed, the
 * first QUOTED_LISTED of them and a count of the rest (`"N/A", …, "nil" and 2 more are placeholders`).
 */
export function placeholders(values: string[]): string {
  const q = values.slice(0, QUOTED_LISTED).map((v) => `"${v}"`);
  if (values.length === 1) return `${q[0]} is a placeholder`;
  const more = values.length - q.length;
  if (more > 0) return `${q.join(', ')} and ${more} more are placeholders`;
  return `${q.slice(0, -1).join(', ')} and ${q.at(-1)} are placeholders`;
}

/**
 * The closed-but-open warning's detail for several stages: `perStage` (stage → stored rows, in the order
 * first seen), most rows first, at most OPEN_STAGES_LISTED of them.
 */
export function openStagesDetail(perStage: Map<string, number>): string {
  const stages = [...perStage].sort((a, b) => b[1] - a[1]);
  const named = stages
    .slice(0, OPEN_STAGES_LISTED)
    .map(([stage, n]) => `"${stage}" (${n} row${n === 1 ? '' : 's'})`)
    .join(', ');
  const more = stages.length > OPEN_STAGES_LISTED ? ' and others' : '';
  return `stages ${named}${more} have a close date but read as open; pass the won ones in --won-stages and the lost ones in --lost-stages (names comma-separated, quoted)`;
}

/** The closed-but-open warning's detail for one row's `stage`, as a file or a request fixes it. */
export function openStageDetail(stage: string, audience: 'file' | 'request'): string {
  return audience === 'request'
    ? `stage "${stage}" has a close date but reads as open; if it is a won or lost stage, add it to "won_stages" or "lost_stages" in the request`
    : `stage "${stage}" has a close date but reads as open; if it is a won or lost stage, pass --won-stages "${stage}" or --lost-stages "${stage}"`;
}

/**
 * The duplicate-id detail for a key on three or more rows: `what` names the key (`external id O-1 is`),
 * `lines` its first few rows, `last` the row that wins and `count` all its rows.
 */
export function manyLinesDetail(
  d: { what: string; lines: readonly number[]; last: number; count: number },
  audience: 'file' | 'request',
): string {
  const listed = d.lines.includes(d.last)
    ? d.lines.join(', ')
    : `${d.lines.join(', ')}, ${d.count > d.lines.length + 1 ? '…, ' : ''}${d.last}`;
  return audience === 'request'
    ? `${d.what} on ${d.count} items (${listed}): the last, item ${d.last}, wins, field by field`
    : `${d.what} on ${d.count} lines (${listed}): the last, line ${d.last}, wins, field by field`;
}
