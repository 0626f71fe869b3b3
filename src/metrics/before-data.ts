import { TZDate } from '@date-fns/tz';
import { startOfDay } from 'date-fns';
import { LRUCache } from 'lru-cache';
import { formatLocalDay } from '../time/format.js';
import { type RecordKind, recordsNoun } from './all-time.js';
import { type Computed, noData } from './compute/aggregate.js';
import { workingDaysElapsed } from './periods.js';
import type { Period } from './types.js';

/** A computed period, as shown: `before` is the org's first record when the period lies before it, else null. */
export interface MarkedPeriod {
  computed: Computed;
  before: Date | null;
}

/**
 * A finished period with nothing in it that ends before the org's first record of the kinds the metric reads
 * (`records`, see metricRecords: calls before the first activity, not before the first contract) is before
 * the data, not a zero: it says so ("no activity before 4 Dec 2025", the kinds named by recordsNoun; no value,
 * no target), not "0, off track". The same holds for the period it is compared with and each sparkline point.
 * Given the answer's `periods` and what was `computed` for each (same order), returns `mark(p, c)`: `c`
 * unchanged, or, for such a period, with its value and its figures as no data (the zeros of "Connected 0",
 * "Talk time 0s" are no more real than the headline's) except a figure not read from the records (`fixed`),
 * and a rate that already says why it has no value (no deals closed) keeping its reason. `dataStart` is the
 * org's first record of those kinds (`dataStartAt`), null when there is none.
 */
export function beforeDataMarker(
  dataStart: Date | null,
  now: Date,
  records: readonly RecordKind[],
): (p: Period, c: Computed) => MarkedPeriod {
  const finishedEmpty = (p: Period, c: Computed) => c.n === 0 && !p.allTime && now >= p.end;
  return (p, c) => {
    const before = dataStart !== null && finishedEmpty(p, c) && dataStart >= p.end ? dataStart : null;
    if (!before) return { computed: c, before };
    const none = noData(`no ${recordsNoun(records)} before ${formatLocalDay(before, p.timezone)}`);
    return {
      computed: {
        ...c,
        value: c.value.kind === 'value' ? none : c.value,
        figures: c.figures.map((f) => (f.value.kind === 'value' && !f.fixed ? { ...f, value: none } : f)),
      },
      before,
    };
  };
}

/** The org's first record (`at`) and the start of its local day (`day`) in the answer's zone. */
export interface DataStart {
  at: Date;
  day: Date;
}

/**
 * `dataStart` (the org's first record, `dataStartAt`) with its local day in `zone`, worked out once per
 * answer (every period of an answer, series included, is cut in the same zone); null without records.
 */
export function dataStartIn(dataStart: Date | null, zone: string): DataStart | null {
  if (!dataStart) return null;
  const key = `${dataStart.getTime()} ${zone}`;
  let day = startDays.get(key);
  if (day === undefined) {
    day = startOfDay(new TZDate(dataStart.getTime(), zone)).getTime();
    startDays.set(key, day);
  }
  return { at: dataStart, day: new Date(day) };
}

/**
 * The local day (ms) of an org's first record, by its instant and zone: it changes only when older data
 * arrives, and working it out through the time-zone library was 0.08 ms of every answer (issue 15's profile).
 */
const startDays = new LRUCache<string, number>({ max: 1_000 });

/**
 * The local day of the org's first record (`start`, from `dataStartIn` in `p`'s zone) when `p` began on an
 * earlier day and the records start before `p` ends and before `now`: the period began before the data
 * ("calls org 2025" with records from 5 Dec 2025). Its days before then hold no records, which is not a
 * shortfall: per-day figures count the working days from then on (`workingDaysWithData`), an accumulating
 * target is not judged, and the answer says where the records start. Null otherwise (no records, a period
 * wholly before or after the first record, or one whose first day holds it), and when only weekend days of
 * `p` come before it: targets are worked on weekdays, so November begun on a Sunday with records from
 * Monday 2 Nov lost nothing, and its 0 calls are judged (fresh tester helper-206: "not judged: records
 * start 2 Nov 2026").
 */
export function dataStartDayIn(p: Period, start: DataStart | null, now: Date): Date | null {
  if (!start || p.allTime) return null;
  const inside = start.day.getTime() > p.start.getTime() && start.at < p.end && start.at < now;
  if (!inside) return null;
  return workingDaysElapsed({ ...p, end: start.day }, now) > 0 ? start.day : null;
}

/**
 * Working days (Mon–Fri, local) elapsed in `p` at `now` (`workingDaysElapsed`), counted from the local day
 * of the org's first record when `p` began before it (`dataStartDayIn`): a per-day rate divides by the days
 * that could hold records.
 */
export function workingDaysWithData(p: Period, now: Date, start: DataStart | null): number {
  const from = dataStartDayIn(p, start, now);
  return workingDaysElapsed(from ? { ...p, start: from } : p, now);
}

/** "The figures cover 5 Dec 2025 onward: there are no deals before then, though this period began earlier." */
export function dataStartNote(day: Date, p: Period, records: readonly RecordKind[]): string {
  const on = formatLocalDay(day, p.timezone);
  const noun = recordsNoun(records);
  return `The figures cover ${on} onward: there ${noun === 'activity' ? 'is' : 'are'} no ${noun} before then, though this period began earlier.`;
}
