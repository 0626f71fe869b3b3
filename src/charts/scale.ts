import type { Period, Unit } from '../metrics/types.js';

/** How a metric's values are put on an axis: multiply by `factor`, format with d3-format `format`. */
export interface AxisScale {
  factor: number;
  /** d3-format specifier for the axis labels. */
  format: string;
  /** Axis title: the unit in words ("minutes", "USD"), or '' when the labels say it (%). */
  title: string;
}

/**
 * Chooses the axis unit for `unit` given the largest value to show (in the metric's own unit: seconds,
 * minor currency units, 0..1 ratios). Durations switch to minutes or hours so ticks stay short.
 */
export function axisScale(unit: Unit, currency: string | null, maxValue: number): AxisScale {
  switch (unit) {
    case 'seconds':
      if (maxValue < 120) return { factor: 1, format: ',.0f', title: 'seconds' };
      if (maxValue < 7_200) return { factor: 1 / 60, format: ',.0f', title: 'minutes' };
      return { factor: 1 / 3_600, format: ',.1~f', title: 'hours' };
    case 'days':
      return { factor: 1, format: ',.0f', title: 'days' };
    case 'ratio':
      return { factor: 1, format: '.0%', title: '' };
    case 'money': {
      const code = (currency ?? 'USD').toUpperCase();
      return { factor: code === 'JPY' ? 1 : 1 / 100, format: '~s', title: code };
    }
    case 'per_day':
      return { factor: 1, format: ',.1~f', title: 'per day' };
    case 'multiple':
      return { factor: 1, format: ',.1~f', title: '× (multiple)' };
    case 'count':
      return { factor: 1, format: ',~d', title: '' };
  }
}

/**
 * A short x-axis label for one period of a series, in the period's zone: "Nov" (month), "16 Nov" (week,
 * day, rolling, range: the first day), "Q3 '26" (quarter), "2026" (year). The year is added to months
 * when the series crosses a year ("Jan '27").
 */
export function shortPeriodLabel(p: Period, withYear = false): string {
  const fmt = (o: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: p.timezone, ...o }).format(p.start);
  const yy = `'${fmt({ year: '2-digit' })}`;
  switch (p.kind) {
    case 'month':
      return withYear ? `${fmt({ month: 'short' })} ${yy}` : fmt({ month: 'short' });
    case 'quarter': {
      // The period's own label knows its (possibly fiscal) quarter number: "Q3 2026", "Q3 FY2027 (…)".
      const q = /Q[1-4]/.exec(p.label)?.[0];
      const fy = /FY\d{2}(\d{2})/.exec(p.label)?.[1];
      return q ? `${q} ${fy ? `FY${fy}` : yy}` : fmt({ month: 'short', year: '2-digit' });
    }
    case 'year':
      return fmt({ year: 'numeric' });
    default:
      return fmt({ day: 'numeric', month: 'short' });
  }
}
