import type { DataArrival, MetricResult } from './types.js';

/**
 * Freshness from the sync: an answer may be stale when the data it reads stopped arriving, not when its
 * period is old. Arrivals are recorded per source and entity (`data_arrivals`, read by
 * compute/arrivals.ts). Pure: the Slack layer words the verdict.
 */

/**
 * How fresh an answer's data is. `stale_sync`: the last arrival is older than `staleAfterHours` and came
 * before the period ended (a finished period whose data arrived after its end is complete, however old).
 * `behind`: a running period whose newest record is more than 3 × `staleAfterHours` older than the last
 * arrival, not counting Saturdays and Sundays (UTC days) between them (data keeps arriving, but not for this
 * answer; a quiet weekend never counts: Friday's deals, dated without a time so at 00:00, imported on Monday
 * afternoon are 86 h old, 38 h without the weekend; with no record in the period, the period's start stands for its newest record, which can only
 * be older, so a month with no record though it began days before the last arrival is behind too, `newest`
 * null, when the previous equal period held records, `previousHeld`: an org that never logs meetings has none
 * in either); only for the whole org: a team's or a rep's newest record says when those people last did
 * it (a rep's last won lead may be weeks old while the sync is fresh), not whether the sync sends recent
 * records, and their answers show its age on the "Data as of" line; never for a metric of a state (`state`:
 * retention, ARR, ARPU, CLV), whose newest record is the last change to a customer base or contract book,
 * complete however old it is. Without any recorded arrival, the newest record of a running period is the
 * only hint: `stale_records` when it is older than `staleAfterHours`.
 */
export type FreshnessVerdict =
  | { kind: 'fresh' }
  | { kind: 'stale_sync'; arrival: DataArrival }
  | { kind: 'behind'; arrival: DataArrival; newest: Date | null; since: Date }
  | { kind: 'stale_records'; newest: Date };

/** An answer as the rule reads it: its freshness, period, scope and metric. */
type Judged = Pick<MetricResult, 'freshness' | 'period' | 'scope' | 'metric'>;

/** The rule above for answer `r`, pure: `now` and the threshold in hours are passed in. */
export function judgeFreshness(r: Judged, now: Date, staleAfterHours: number): FreshnessVerdict {
  const { freshness, period, scope, metric } = r;
  const staleMs = staleAfterHours * 3_600_000;
  const { newestRecordAt: newest, lastArrival: arrival } = freshness;
  if (!arrival) {
    if (period.running && newest && now.getTime() - newest.getTime() > staleMs)
      return { kind: 'stale_records', newest };
    return { kind: 'fresh' };
  }
  if (arrival.at.getTime() < period.end.getTime() && now.getTime() - arrival.at.getTime() > staleMs)
    return { kind: 'stale_sync', arrival };
  const since = newest ?? period.start;
  if (
    scope.kind === 'org' &&
    !metric.state &&
    period.running &&
    (newest !== null || freshness.previousHeld === true) &&
    workweekMs(since.getTime(), arrival.at.getTime()) > 3 * staleMs
  )
    return { kind: 'behind', arrival, newest, since };
  return { kind: 'fresh' };
}

const DAY_MS = 86_400_000;

/**
 * Milliseconds of [from, to) (epoch ms) that fall outside Saturdays and Sundays, days taken in UTC; 0 when
 * `to` is not after `from`. Every 7 whole days hold exactly 2 weekend days, so only the rest is walked (at
 * most 8 day pieces).
 */
export function workweekMs(from: number, to: number): number {
  if (to <= from) return 0;
  const weeks = Math.floor((to - from) / (7 * DAY_MS));
  let weekend = weeks * 2 * DAY_MS;
  for (let t = from + weeks * 7 * DAY_MS; t < to; ) {
    const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
    const next = Math.min(dayStart + DAY_MS, to);
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6) weekend += next - t;
    t = next;
  }
  return to - from - weekend;
}

/**
 * Of answers shown together (a scorecard, a digest), the one with the newest record (the first of equals),
 * whose freshness line speaks for all; undefined when none holds a record.
 */
export function newestAnswer<T extends Pick<MetricResult, 'freshness'>>(
  results: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const r of results) {
    const at = r.freshness.newestRecordAt;
    if (at && (!best || at.getTime() > best.freshness.newestRecordAt!.getTime())) best = r;
  }
  return best;
}
