/**
 * The write path: every way data enters Tally (CSV import, ingest API, seed, alerts' "Contacted")
 * goes through these functions, so validation, reference resolution and derived columns
 * (leads.first_touch_at) are the same everywhere.
 */

export { recordTouch, refreshFirstTouch, type TouchInput, UnknownLeadError } from './first-touch.js';
export {
  type BatchOptions,
  ingestBatch,
  parseItems,
  type RawBatch,
  upsertAccounts,
  upsertActivities,
  upsertContracts,
  upsertEntity,
  upsertLeads,
  upsertOpportunities,
  upsertReps,
  upsertTeams,
  writeItems,
} from './ingest.js';
export { SINCE_ALWAYS } from './membership.js';
export { outcomeFromStage } from './outcome.js';
export { canonicalFields, ENTITIES, type Entity, type ItemOf, itemSchemas } from './schemas.js';
export {
  BATCH_SIZE,
  describeDbFailure,
  type IngestOptions,
  type ItemError,
  type WriteResult,
} from './types.js';
export { parseInstant, parseMinorUnits, ValueError } from './values.js';
