import type { Outcome } from '../db/schema/index.js';
import { outcomeFromStage, type StageRules } from './outcome.js';

/**
 * A CRM's "Close Date" as read (`close_date`): the instant (read in the deployment's zone without an offset) and the day written.
 * Salesforce and HubSpot keep one such date per opportunity: when a won or lost deal closed, and when an
 * open one is expected to (Salesforce: "Date when you plan to close the opportunity"; HubSpot: "the date the
 * deal is expected to close, or the date it closed").
 */
export interface CloseDateValue {
  at: Date;
  /** The calendar day written, ISO (`2027-03-31`; see parseCalendarDate). */
  day: string;
}

/** At most this many stage names are collected for the note on close dates read as expected closes. */
const MAX_OPEN_STAGES = 20;

/**
 * Turns an opportunity item's `close_date` into what it means, in place: `closed_at` for a deal the item
 * makes won or lost, `expected_close_date` (the day written) for one it leaves open; the other of the two is
 * emptied unless the item gives it (a deal moved back to an open stage has not closed; a closed one is no
 * longer expected). Only a stage or outcome with a value says which: an empty one does not. Returns the refusal
 * (field and message) when that cannot be told or clashes with the item's own field: no stage or outcome
 * to say which, `closed_at` or `expected_close_date` given beside it, or an empty close date on a won or
 * lost deal. `stages`: the input's won and lost stage names (--won-stages / --lost-stages). `openStages`
 * collects the stage names read as open whose close_date became the expected close (at most
 * MAX_OPEN_STAGES), for the import to name: a custom won stage ("Signed") read as open shows there.
 */
export function settleCloseDate(
  item: Record<string, unknown>,
  stages: StageRules | undefined,
  openStages?: Set<string>,
): { field: string; message: string } | null {
  if (!('close_date' in item)) return null;
  const close = item.close_date as CloseDateValue | null | undefined;
  delete item.close_date;
  if (close === undefined) return null;
  // Only a stage or outcome written out says which date it is: an empty cell (which reads as open elsewhere)
  // would reopen a won deal and move its close into the pipeline (fresh tester helper-176, HIGH).
  const stage = typeof item.stage === 'string' && item.stage.trim() !== '' ? item.stage : undefined;
  const outcome =
    (item.outcome as Outcome | null | undefined) ||
    (stage !== undefined ? outcomeFromStage(stage, stages) : undefined);
  if (outcome === undefined) {
    // helper-185: both cells empty say nothing of the deal; the stage is what to give.
    if (close === null && item.stage !== undefined)
      return {
        field: 'close_date',
        message: `close_date and the stage are empty: give the deal's stage (or outcome), or leave both columns out to keep it as it is`,
      };
    // helper-183: a blank Stage cell beside a Close Date (a Salesforce export) is named as the reason.
    const blankStage = item.stage !== undefined ? ', and the stage is empty' : '';
    return {
      field: 'close_date',
      message: `is when a won or lost deal closed, or when an open one is expected to close${blankStage}: give the stage or outcome with it to say which`,
    };
  }
  const decided = outcome !== 'open';
  const meant = decided ? 'closed_at' : 'expected_close_date';
  if (item[meant] !== undefined && item[meant] !== null)
    return {
      field: 'close_date',
      message: `close_date and ${meant} are both given (the close date of ${decided ? `a ${outcome}` : 'an open'} deal is its ${meant}); give only one`,
    };
  if (close === null && decided)
    return { field: 'close_date', message: `is required when the outcome is ${outcome}` };
  item[meant] = close === null ? null : decided ? close.at : close.day;
  // The CRM keeps one date: an open deal has not closed (a deal moved back to an open stage drops its close),
  // and a closed one is expected no more (a later reopening must not bring back a stale expected day).
  const other = decided ? 'expected_close_date' : 'closed_at';
  if (item[other] === undefined) item[other] = null;
  if (!decided && !item.outcome && stage !== undefined && openStages && openStages.size < MAX_OPEN_STAGES)
    openStages.add(stage.trim());
  return null;
}

/**
 * The note on the stages read as open whose Close Date was stored as the expected close, as the CSV details
 * (`note: …`, audience 'file') and the ingest API's `summary_warnings` ('request') give it: `Close Date was
 * read as the expected close of open deals in the stage "Negotiation"; if one of them means won or lost,
 * import the file again with --won-stages or --lost-stages naming it` (a request: `close_date …, send the
 * request again with won_stages or lost_stages naming it`). `stages`: the names, sorted.
 */
export function openCloseStagesNote(stages: readonly string[], audience: 'file' | 'request'): string {
  const names = stages.map((s) => `"${s}"`).join(', ');
  const what = audience === 'file' ? 'Close Date' : 'close_date';
  const again =
    audience === 'file'
      ? 'import the file again with --won-stages or --lost-stages naming it'
      : 'send the request again with won_stages or lost_stages naming it';
  return `${what} was read as the expected close of open deals in the stage${stages.length > 1 ? 's' : ''} ${names}; if one of them means won or lost, ${again}`;
}
