import type { MetricResult } from './types.js';

/** Below this many records a rate or average is a small sample (counts and ARR never are). */
export const SMALL_SAMPLE = 10;

/**
 * The one small-sample rule, wherever a figure is shown or ranked: a rate or average (not a count, not
 * ARR) with a value resting on fewer than SMALL_SAMPLE records (`sampleSize`). Answers and digests mark
 * it (`n=5, small sample`) for any period, yesterday's or to date, and a digest never makes it a mover.
 */
export function isSmallSample(r: Pick<MetricResult, 'metric' | 'value' | 'sampleSize'>): boolean {
  return (
    r.value.kind === 'value' && !r.metric.accumulates && r.metric.id !== 'arr' && r.sampleSize < SMALL_SAMPLE
  );
}
