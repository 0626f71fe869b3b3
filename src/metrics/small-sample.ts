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
 * The records behind the previous period's figure of a trend when that figure is a small sample by the same
 * rule (isSmallSample: a rate or average on 1 to SMALL_SAMPLE − 1 records), else null. An answer's trend
 * line marks it (`vs Q3 2026 (40.0%, n=9, small sample)`), as the headline is marked for its own n. A
 * previous value without a recorded sample size (a hand-built result) counts as no small sample.
 */
export function smallPreviousSample(r: Pick<MetricResult, 'metric' | 'trend'>): number | null {
  const previous = r.trend?.previous;
  if (previous?.sampleSize === undefined) return null;
  return isSmallSample({ metric: r.metric, value: previous.value, sampleSize: previous.sampleSize })
    ? previous.sampleSize
    : null;
}

/**
 * Whether a change against the previous period rests on a small sample, current or previous figure (a
 * win rate on 1 deal swings by 100 % on the next; an average deal size "up from $985" on 1 deal is no
 * trend). Digest movers and a coaching card's biggest changes leave such a change out.
 */
export function isSmallSampleChange(
  r: Pick<MetricResult, 'metric' | 'value' | 'sampleSize' | 'trend'>,
): boolean {
  return isSmallSample(r) || smallPreviousSample(r) !== null;
}
