/** Why a metrics call failed in a way the caller can explain to a person (database errors propagate as they are). */
export type MetricsErrorCode =
  | 'unknown_team'
  | 'unknown_rep'
  | 'unknown_metric'
  | 'bad_period'
  | 'bad_target'
  | 'bad_dimension'
  /** Past capacity: the ask could not start within a few seconds (see shared-answers.ts). */
  | 'busy';

/** A typed, user-explainable metrics error: the Slack layer maps `code` to a short sentence. */
export class MetricsError extends Error {
  override name = 'MetricsError';
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
