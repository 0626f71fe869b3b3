import type { MetricResult } from './types.js';

/** Below this many records a rate or average is a small sample (counts and ARR never are). */
export const SMALL_SAMPLE = 10;

/**
 * The one small-sample rule, wherever a figure is shown or ranked: a rate or average (not a count, not
 * ARR) with a value resting on 1 to SMALL_SAMPLE − 1 records (`sampleSize`). Answers, digests and the
 * scorecard mark it (`n=5, small sample`) for any period, yesterday's or to date; a digest or coaching card
 * never makes it a mover. A value on 0 records (coverage 0.0× with no open deal) is no sample: not marked.
 */
export function isSmallSample(r: Pick<MetricResult, 'metric' | 'value' | 'sampleSize'>): boolean {
  return (
    r.value.kind === 'value' &&
    !r.metric.accumulates &&
    r.metric.id !== 'arr' &&
    r.sampleSize > 0 &&
    r.sampleSize < SMALL_SAMPLE
  );
}

/**
 * Whether a change against the previous period rests on a small sample, current or previous figure (a
 * win rate on 1 deal swings by 100 % on the next; an average deal size "up from $985" on 1 deal is no
 * trend). Digest movers and a coaching card's biggest changes leave such a change out. A previous value
 * without a recorded sample size (a hand-built result) counts as no small sample.
 */
export function isSmallSampleChange(
  r: Pick<MetricResult, 'metric' | 'value' | 'sampleSize' | 'trend'>,
): boolean {
  const previous = r.trend?.previous;
  return (
    isSmallSample(r) ||
    (previous?.sampleSize !== undefined &&
      isSmallSample({ metric: r.metric, value: previous.value, sampleSize: previous.sampleSize }))
  );
}
