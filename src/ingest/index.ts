/**
 * The write path: every way data enters Tally (CSV import, ingest API, seed, alerts' "Contacted")
 * goes through these functions, so validation, reference resolution and derived columns
 * (leads.first_touch_at) are the same everywhere.
 */

export { recordTouch, refreshFirstTouch } from './first-touch.js';
export {
  ingestBatch,
  parseItems,
  writeItems,
} from './ingest.js';
export { outcomeFromStage } from './outcome.js';
export { canonicalFields, ENTITIES, type Entity } from './schemas.js';
export {
  BATCH_SIZE,
  describeDbFailure,
  type IngestOptions,
} from './types.js';
export { parseInstant, parseMinorUnits } from './values.js';
