import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { writeAccounts } from './accounts.js';
import { writeActivities } from './activities.js';
import { writeContracts } from './contracts.js';
import { writeLeads } from './leads.js';
import { writeOpportunities } from './opportunities.js';
import { writeReps } from './reps.js';
import { type Entity, type ItemOf, itemSchemas } from './schemas.js';
import { writeTeams } from './teams.js';
import {
  addResult,
  BATCH_SIZE,
  emptyResult,
  type IngestOptions,
  type ItemError,
  type WriteResult,
} from './types.js';

type Writer<E extends Entity> = (db: Db, items: ItemOf<E>[], opts: IngestOptions) => Promise<WriteResult>;

const WRITERS: { [E in Entity]: Writer<E> } = {
  teams: (db, items) => writeTeams(db, items),
  reps: writeReps,
  leads: (db, items) => writeLeads(db, items),
  activities: (db, items) => writeActivities(db, items),
  accounts: (db, items) => writeAccounts(db, items),
  opportunities: (db, items) => writeOpportunities(db, items),
  contracts: (db, items) => writeContracts(db, items),
};

/** Raw items for one entity, as they arrive from JSON or a CSV row (canonical field names). */
export interface RawBatch {
  entity: Entity;
  items: unknown[];
}

/** Parsed items with their original positions, plus the items that failed validation. */
export interface ParsedItems<E extends Entity> {
  items: ItemOf<E>[];
  /** positions[i] is the index in the input of items[i]. */
  positions: number[];
  errors: ItemError[];
}

/** Validates raw items against the entity's schema; every problem becomes one `ItemError`. */
export function parseItems<E extends Entity>(entity: E, raw: unknown[], timezone: string): ParsedItems<E> {
  const schema = itemSchemas(timezone)[entity];
  const out: ParsedItems<E> = { items: [], positions: [], errors: [] };
  raw.forEach((value, index) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      out.items.push(parsed.data as ItemOf<E>);
      out.positions.push(index);
      return;
    }
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        out.errors.push({ index, field: issue.keys.join(', '), message: `unknown field for ${entity}` });
      } else if (issue.path.length === 0) {
        out.errors.push({ index, field: null, message: 'must be an object of canonical fields' });
      } else {
        out.errors.push({ index, field: String(issue.path[0]), message: issue.message });
      }
    }
  });
  return out;
}

/**
 * Writes parsed items in batches of BATCH_SIZE WITHOUT opening a transaction: for callers that hold
 * one already (the CSV import keeps a whole file in one). Bad items are reported, good ones written.
 */
export async function writeItems<E extends Entity>(
  db: Db,
  entity: E,
  items: ItemOf<E>[],
  opts: IngestOptions,
): Promise<WriteResult> {
  const result = emptyResult();
  const write = WRITERS[entity] as Writer<E>;
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    addResult(result, await write(db, items.slice(start, start + BATCH_SIZE), opts), start);
  }
  return result;
}

class Rollback extends Error {}

export interface BatchOptions extends IngestOptions {
  /** true (default): any bad item writes nothing. false: good items go in, bad ones are reported. */
  atomic?: boolean;
}

/**
 * The one entry point for data arriving as JSON-like values (the ingest API, tools, tests): validates,
 * resolves references and upserts by external id in ONE transaction. Several entity batches are
 * written in the order given (put teams/reps before leads, leads before activities). With `atomic`
 * (default) any error means nothing is written and counts are zero; every bad item is still reported
 * (the valid ones are written and rolled back, so reference errors show up in the same answer).
 */
export async function ingestBatch(
  db: Db,
  input: RawBatch | { batches: RawBatch[] },
  opts: BatchOptions,
): Promise<WriteResult> {
  const batches = 'batches' in input ? input.batches : [input];
  const multi = 'batches' in input;
  const atomic = opts.atomic ?? true;
  const parsed = batches.map((b) => parseItems(b.entity, b.items, opts.timezone));
  let result = emptyResult();
  try {
    await db.transaction(async (tx) => {
      result = emptyResult();
      for (const [i, batch] of batches.entries()) {
        const p = parsed[i]!;
        const written = await writeItems(tx as unknown as Db, batch.entity, p.items, opts);
        addResult(result, { ...written, errors: [] });
        // Errors in input order within each entity batch, batches in the order given.
        const errors = [...p.errors, ...written.errors.map((e) => ({ ...e, index: p.positions[e.index]! }))];
        errors.sort((a, b) => a.index - b.index);
        result.errors.push(...(multi ? errors.map((e) => ({ ...e, entity: batch.entity })) : errors));
      }
      if (atomic && result.errors.length > 0) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    return { ...emptyResult(), errors: result.errors };
  }
  await bumpDataVersion(db);
  return result;
}
