import type { Db } from '../db/client.js';
import { formatLocalDay } from '../time/format.js';
import { firstRecordAt, type RecordKind, recordsNoun } from './all-time.js';
import { type Computed, noData } from './compute/aggregate.js';
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
 * and a rate that already says why it has no value (no deals closed) keeping its reason. The first record is
 * read once (one query), only when some such period is empty.
 */
export async function beforeDataMarker(
  db: Db,
  periods: Period[],
  computed: Computed[],
  now: Date,
  records: readonly RecordKind[],
): Promise<(p: Period, c: Computed) => MarkedPeriod> {
  const finishedEmpty = (p: Period, c: Computed) => c.n === 0 && !p.allTime && now >= p.end;
  const dataStart = periods.some((p, i) => finishedEmpty(p, computed[i]!))
    ? await firstRecordAt(db, { kind: 'org' }, records)
    : null;
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
