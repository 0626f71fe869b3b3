import { findMetric } from '../../src/metrics/definitions.js';
import type { MetricId, MetricResult, MetricValue, Period, SegmentRow } from '../../src/metrics/types.js';

const ZONE = 'UTC';

/** Month n of 2026 (1-based) as a Period; `running` marks the current one. */
export function month(n: number, running = false): Period {
  const start = new Date(Date.UTC(2026, n - 1, 1));
  const end = new Date(Date.UTC(2026, n, 1));
  const label = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: ZONE }).format(
    start,
  );
  return {
    spec: `2026-${String(n).padStart(2, '0')}`,
    label,
    kind: 'month',
    start,
    end,
    timezone: ZONE,
    running,
  };
}

export const v = (value: number): MetricValue => ({ kind: 'value', value });
export const none: MetricValue = { kind: 'no_data', reason: 'no deals closed in this period' };

/**
 * A MetricResult for `metric` over April–November 2026 (November running), with the given series values
 * (8, oldest first; null = no data) and optional target and segments. Only what charts read is real.
 */
export function result(
  metric: MetricId,
  series: (number | null)[],
  extra: { target?: number; segments?: SegmentRow[]; by?: 'rep' | 'team'; running?: boolean } = {},
): MetricResult {
  const def = findMetric(metric)!;
  const periods = series.map((_, i) => month(4 + i, i === series.length - 1 && (extra.running ?? true)));
  const last = periods[periods.length - 1]!;
  const values = series.map((x) => (x === null ? none : v(x)));
  return {
    metric: def,
    scope: { kind: 'team', teamId: 1, label: 'Team EMEA' },
    period: last,
    value: values[values.length - 1]!,
    figures: [],
    sampleSize: 40,
    calculation: { formula: 'x', inputs: [], window: 'w', n: 40 },
    currency: def.unit === 'money' ? 'USD' : null,
    notes: [],
    target:
      extra.target === undefined
        ? null
        : {
            target: {
              value: extra.target,
              currency: def.unit === 'money' ? 'USD' : null,
              periodKind: 'month',
              scope: { kind: 'team', teamId: 1 },
              setByName: null,
              setAt: new Date(0),
            },
            targetForPeriod: extra.target,
            attainment: null,
            pace: null,
            status: null,
          },
    trend: {
      previous: { period: periods[periods.length - 2]!, value: values[values.length - 2]! },
      change: null,
    },
    series: periods.map((period, i) => ({ period, value: values[i]! })),
    segments: extra.segments ? { by: extra.by ?? 'rep', rows: extra.segments } : null,
    freshness: { newestRecordAt: null, lastArrival: null },
  };
}

export function rep(repId: number, label: string, value: number | null, n = 10): SegmentRow {
  return { key: String(repId), label, value: value === null ? none : v(value), sampleSize: n, repId };
}
