import type { MetricDefinition, MetricResult, Period } from '../metrics/types.js';

/** One metric on a rep's coaching card. Values are in the metric's own unit (see `MetricDefinition.unit`). */
export interface CoachLine {
  metric: MetricDefinition;
  /** The rep's own answer: exactly what `/metrics <metric> @rep <period>` returns. */
  result: MetricResult;
  /**
   * Median of the rep's own figure and their teammates' (by rep, same period; for a count, a teammate on
   * the team in the period with no record is a 0); null without a team, or when no other rep of it has data.
   */
  teamMedian: number | null;
  /** Reps in that comparison: the rep (with a figure) and the teammates with data for this metric. */
  teamSize: number;
  /**
   * Percentile rank in the team, 0–100, by the metric's direction: (reps worse + ½ × reps equal, the rep
   * included) ÷ reps with data. 50 = the middle. null without data, when no other rep of the team has data,
   * or when the leaderboard policy hides it.
   */
  percentile: number | null;
  /** Worse than the team median, or at risk / off track against a target. */
  weak: boolean;
  /** One concrete, data-backed sentence for a weak metric (plain text). */
  talkingPoint: string | null;
  /**
   * True when the person is not in the team's distribution for this metric (none of its reps in the
   * period, as its manager, and no record of it on the team): `teamMedian` is the reps' alone, as on
   * their cards, `teamSize` counts them, and there is no percentile (`compareWithTeam`).
   */
  outside?: boolean;
}

export interface CoachingCard {
  rep: { id: number; name: string };
  team: { id: number; name: string } | null;
  period: Period;
  lines: CoachLine[];
  /** Up to three lines with the largest relative change against the previous period. */
  biggestChanges: CoachLine[];
  /** The line with the lowest attainment below 100 %, if any metric has a target. */
  furthestBelowTarget: CoachLine | null;
  /** False when the leaderboard policy hides peer comparisons from this viewer (percentiles left out). */
  showPeers: boolean;
  /**
   * False when the person has no activity of their own in the period (every metric 0 or no data), as a
   * manager who does not sell: the card says so once instead of one identical talking point per metric.
   */
  ownActivity: boolean;
  /**
   * Set when the person is in the team's distribution on no line (`CoachLine.outside` on all): the team's
   * manager, or someone who was none of its reps in the period. The card says so instead of ranking them.
   */
  notCompared?: 'manager' | 'not_a_rep';
  /**
   * Cohort rates (lead conversion) shown with a figure whose period ended less than `COHORT_MATURE_DAYS` ago: their leads are
   * still converting, so they are not ranked among the biggest changes and the card says so.
   */
  stillConverting?: string[];
  /**
   * The period's first day ("1 Dec 2026", in its zone) when it has not started yet: the card then shows
   * no figures (its lines carry no team comparison), only when it starts.
   */
  startsOn?: string;
  /**
   * The local day of the org's first record ("5 Dec 2025") when the period ended before it for every metric
   * on the card: the card then shows no figures, only that the data starts after the period.
   */
  dataStartsOn?: string;
}
