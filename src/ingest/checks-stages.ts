import { outcomeFromStage } from './outcome.js';
import type { RowCheckLog } from './warning-kinds.js';
import { dayIn } from './warning-text.js';

/**
 * A deal's outcome as the writer reads it: its `outcome`, else the one its `stage` reads as under the log's
 * stage rules; undefined for a row that is no deal or gives neither.
 */
export function dealOutcome(log: RowCheckLog, item: Record<string, unknown>): string | undefined {
  if (log.entity !== 'opportunities') return undefined;
  const stage = item.stage as string | null | undefined;
  return (
    (item.outcome as string | null | undefined) ??
    (stage !== undefined ? outcomeFromStage(stage, log.stages) : undefined)
  );
}

/**
 * Counts a deal whose close date and stage or outcome disagree: a `closed_at` with no outcome and a stage
 * that reads as open ('closed but stage reads open'), a `closed_at` with outcome "open" ('closed but
 * outcome open'), or an outcome its stage contradicts ('outcome contradicts stage'). `outcome`: dealOutcome.
 */
export function checkDealStage(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  outcome: string | undefined,
): void {
  const stage = item.stage as string | null | undefined;
  const closed = item.closed_at as Date | null | undefined;
  if (item.outcome == null && typeof stage === 'string' && outcome === 'open' && closed)
    log.closedButOpen(line, stage);
  if (item.outcome === 'open' && closed) closedButOutcomeOpen(log, line, closed);
  if (
    (item.outcome === 'won' || item.outcome === 'lost' || item.outcome === 'open') &&
    typeof stage === 'string'
  )
    checkOutcomeAgainstStage(log, line, item.outcome, stage);
}

/**
 * Counts a deal whose `outcome` says won and whose stage reads as lost (`Closed Lost`), or the other way
 * round, or whose outcome says open while its stage reads as won or lost (helper-177 #8: `Closed Won`
 * with `open` went unremarked): the outcome is what counts (win rate, revenue), so a row that says both
 * is probably wrong in one of them. A stage that reads as open says nothing either way.
 */
function checkOutcomeAgainstStage(
  log: RowCheckLog,
  line: number,
  outcome: 'won' | 'lost' | 'open',
  stage: string,
): void {
  const read = outcomeFromStage(stage, log.stages);
  if (read === 'open' || read === outcome) return;
  log.add(
    'outcome contradicts stage',
    line,
    () =>
      `outcome "${outcome}" but stage "${stage}" reads as ${read} (stored as given: the outcome counts, so the deal counts as ${outcome}); fix whichever of the two is wrong in the source`,
  );
}

/**
 * Counts a deal written with `outcome` "open" and a `closed_at`: stored as given (open, so in no win rate,
 * cycle or revenue, and in pipeline coverage only by its expected_close_date), though a close date says the
 * deal has closed.
 */
function closedButOutcomeOpen(log: RowCheckLog, line: number, closed: Date): void {
  const field = log.audience === 'request' ? '"outcome"' : 'the outcome column';
  log.add(
    'closed but outcome open',
    line,
    () =>
      `outcome "open" but closed_at ${dayIn(closed, log.zone)} (stored as given: the deal stays open, in no win rate, cycle or revenue, and in pipeline coverage only by its expected_close_date); if it was won or lost, write that in ${field}`,
  );
}
