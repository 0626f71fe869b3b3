/**
 * The write path: every way data enters Tally (CSV import, ingest API, seed, alerts' "Contacted")
 * goes through these functions, so validation, reference resolution and derived columns
 * (leads.first_touch_at) are the same everywhere.
 */

export { parseMinorUnits } from '../money/index.js';
export { recordTouch, refreshFirstTouch } from './first-touch.js';
export {
  ingestBatch,
  type NumberContext,
  newNumberContext,
  parseItems,
  recordMarks,
  stagedUpsertFor,
  writeItems,
} from './ingest.js';
export { emptyCreated } from './names.js';
export { DemoDataError } from './origin.js';
export { outcomeFromStage } from './outcome.js';
export {
  canonicalFields,
  ENTITIES,
  type Entity,
  KEY_FIELDS,
  MONEY_FIELDS,
  type MoneyValue,
} from './schemas.js';
export {
  BATCH_SIZE,
  describeDbFailure,
  type IngestOptions,
  type ItemError,
} from './types.js';
export {
  DATE_ORDERS,
  type DateOrder,
  dateOrderAdvice,
  mixedDateOrders,
  newDateContext,
  orderAdvised,
  parseBoolean,
  parseInstant,
  ValueError,
} from './values.js';
