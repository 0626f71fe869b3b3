import type { Outcome } from '../db/schema/index.js';

const WON = /^(closed[\s_-]*)?won$/;
const LOST = /^(closed[\s_-]*)?lost$/;

/**
 * Reads an outcome from a stage name when the input has no outcome column: "Won" / "Closed Won" →
 * won, "Lost" / "Closed Lost" → lost, in any case and with _ or - for the space; anything else is open.
 */
export function outcomeFromStage(stage: string | null): Outcome {
  const s = (stage ?? '').trim().toLowerCase();
  if (WON.test(s)) return 'won';
  if (LOST.test(s)) return 'lost';
  return 'open';
}
