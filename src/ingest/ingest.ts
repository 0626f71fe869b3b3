import { type Db, sql } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { retryConflicts } from '../db/failures.js';
import { activities, leads, opportunities } from '../db/schema/index.js';
import { suggestWord } from '../edit-distance.js';
import { AmountError, type DecimalMark, REQUEST_NUMBER_HINT, settleAmount } from '../money/index.js';
import { writeAccounts } from './accounts.js';
import { writeActivities } from './activities.js';
import { writeContracts } from './contracts.js';
import { countContractsLeftOut, touchesContractsLeftOut } from './contracts-left-out.js';
import { writeLeads } from './leads.js';
import { emptyCreated, lockNameCreation, NameLockBusy, tryingNameLock } from './names.js';
import { writeOpportunities } from './opportunities.js';
import { guardAgainstDemo, markDataSource, recordArrival } from './origin.js';
import { writeReps } from './reps.js';
import {
  canonicalFields,
  type Entity,
  type ItemOf,
  itemSchemas,
  KEY_FIELDS,
  MONEY_FIELDS,
  type MoneyValue,
  parseItem,
  type ReadingContext,
} from './schemas.js';
import { type FingerprintStore, StagedUpsert, type StageLimits } from './staging.js';
import { writeTeams } from './teams.js';
import {
  addResult,
  BATCH_SIZE,
  emptyResult,
  type IngestOptions,
  type ItemError,
  type NamedLikeStored,
  type TouchBeforeLead,
  type WriteResult,
} from './types.js';
import { type DateOrder, newDateContext } from './values.js';
import { type ItemWarning, WarningLog } from './warnings.js';
import { type ZonelessDates, zonelessDates } from './zoneless-dates.js';

type Writer<E extends Entity> = (
  db: Db,
  items: ItemOf<E>[],
  opts: IngestOptions,
  stage?: StagedUpsert,
) => Promise<WriteResult>;

const WRITERS: { [E in Entity]: Writer<E> } = {
  teams: (db, items) => writeTeams(db, items),
  reps: writeReps,
  leads: (db, items, opts, stage) => writeLeads(db, items, stage, opts.created),
  activities: (db, items, opts, stage) => writeActivities(db, items, stage, opts.created),
  accounts: (db, items) => writeAccounts(db, items),
  opportunities: writeOpportunities,
  contracts: (db, items, opts) => writeContracts(db, items, opts.created),
};

/**
 * Entities whose big writes can go through a staging table and one set-based upsert (StagedUpsert),
 * with the options they need: the table, and which leads' first_touch_at to refresh afterwards.
 * `limits`: new rows in one flush from which the bulk path may start (default BULK_WRITE_ROWS) and rows
 * per generation; `fingerprints`: where the CSV import keeps its row fingerprints (opportunities and
 * activities).
 */
export function stagedUpsertFor(
  db: Db,
  entity: Entity,
  limits: StageLimits = {},
  fingerprints?: FingerprintStore,
): StagedUpsert | undefined {
  if (entity === 'leads') return new StagedUpsert(db, leads, 'externalId', 'first touch of leads', limits);
  if (entity === 'opportunities')
    return new StagedUpsert(db, opportunities, 'externalId', undefined, limits, fingerprints);
  if (entity === 'activities')
    return new StagedUpsert(
      db,
      activities,
      'externalId',
      'first touch of touched leads',
      limits,
      fingerprints,
    );
  return undefined;
}

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

/**
 * How the numbers of one file or request are written. `decimal` is forced (--locale / --decimal /
 * the request's locale); otherwise `marks` collects the decimal marks unambiguous amounts have shown
 * so far ("12.50" shows "."), which settle ambiguous ones ("4.200"). Share one context per file.
 */
export interface NumberContext extends ReadingContext {
  decimal?: DecimalMark | undefined;
  marks: Set<DecimalMark>;
  /** CSV: hand back ambiguous items whose mark is not known yet (a later row may show it). */
  deferAmbiguous?: boolean;
}

export const newNumberContext = (decimal?: DecimalMark, reading: ReadingContext = {}): NumberContext => ({
  ...reading,
  decimal,
  marks: new Set(),
});

/**
 * `unknown field for leads`, with what each unknown key may have meant: a near spelling (`qualifed_at`) or
 * the fields it starts (`qualified` → `qualified_at`; `owner` → `owner_email or owner_name`):
 * `unknown field for leads; did you mean "qualified_at"?`.
 */
function unknownFields(entity: Entity, keys: readonly string[]): string {
  const fields = canonicalFields(entity);
  const meant = keys.flatMap((key) => {
    const near = suggestWord(key, fields);
    const started = fields.filter((f) => f.startsWith(`${key.toLowerCase()}_`));
    const guesses = near ? [near] : started.length > 0 && started.length <= 3 ? started : [];
    if (guesses.length === 0) return [];
    const said = guesses.map((g) => `"${g}"`).join(' or ');
    return [keys.length > 1 ? `${said} for "${key}"` : said];
  });
  const head = `unknown field${keys.length > 1 ? 's' : ''} for ${entity}`;
  return meant.length > 0 ? `${head}; did you mean ${meant.join(', ')}?` : head;
}

/**
 * Validates raw items against the entity's schema; every problem becomes one `ItemError`. Every item
 * must carry its key (external_id; a team's name), so no write ever sees an item without one. Amounts
 * are settled with `numbers` (see NumberContext); an amount ambiguous with no known mark is an error
 * naming --locale, or, with `deferAmbiguous`, its position is returned in `deferred` untouched.
 */
export function parseItems<E extends Entity>(
  entity: E,
  raw: unknown[],
  timezone: string,
  numbers: NumberContext = newNumberContext(),
): ParsedItems<E> & { deferred: number[] } {
  const reading = numbers.dates || numbers.numberHint ? numbers : undefined;
  const schema = itemSchemas(timezone, numbers.decimal, reading)[entity];
  const out: ParsedItems<E> & { deferred: number[] } = { items: [], positions: [], errors: [], deferred: [] };
  const keys = KEY_FIELDS[entity];
  const moneyFields = MONEY_FIELDS[entity] ?? [];
  const good: { index: number; item: Record<string, unknown> }[] = [];
  raw.forEach((value, index) => {
    const parsed = parseItem(schema, value);
    if (parsed.success) {
      const item = parsed.data as Record<string, unknown>;
      if (keys.length > 0 && keys.every((k) => item[k] === undefined)) {
        out.errors.push({ index, field: keys.join(' or '), message: 'is required' });
        return;
      }
      for (const f of moneyFields) {
        const m = item[f] as MoneyValue | null | undefined;
        if (m?.reading.kind === 'exact' && m.reading.mark) numbers.marks.add(m.reading.mark);
      }
      good.push({ index, item });
      return;
    }
    const hasKeyIssue = parsed.error.issues.some((i) => keys.includes(String(i.path[0])));
    if (keys.length > 0 && !hasKeyIssue && typeof value === 'object' && value !== null) {
      const v = value as Record<string, unknown>;
      if (keys.every((k) => v[k] === undefined)) {
        out.errors.push({ index, field: keys.join(' or '), message: 'is required' });
      }
    }
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        out.errors.push({ index, field: issue.keys.join(', '), message: unknownFields(entity, issue.keys) });
      } else if (issue.path.length === 0) {
        out.errors.push({ index, field: null, message: 'must be an object of canonical fields' });
      } else {
        out.errors.push({ index, field: String(issue.path[0]), message: issue.message });
      }
    }
  });
  // Settle amounts once the whole batch has shown its marks; "1.234,56" and "12.50" together mean
  // the file has no single style, so ambiguous amounts stay refused.
  // Both marks shown ("1,234.50" and "2,5"): no single style, so amounts written with a mark are refused too.
  const shown = [...numbers.marks];
  const mark = numbers.decimal ?? (shown.length === 1 ? shown[0]! : shown.length > 1 ? 'both' : null);
  for (const { index, item } of good) {
    let ok = true;
    let deferred = false;
    for (const f of moneyFields) {
      const m = item[f] as MoneyValue | null | undefined;
      if (!m) continue;
      if (m.reading.kind === 'ambiguous' && (mark === null || mark === 'both') && numbers.deferAmbiguous) {
        deferred = true;
        continue;
      }
      try {
        m.value = settleAmount(m.reading, mark, numbers.numberHint);
      } catch (err) {
        if (!(err instanceof AmountError)) throw err;
        const mixed =
          mark === 'both' && m.reading.kind === 'ambiguous' ? ' (the file writes numbers both ways)' : '';
        out.errors.push({ index, field: f, message: `${err.message}${mixed}` });
        ok = false;
      }
    }
    if (!ok) continue;
    if (deferred) {
      out.deferred.push(index);
      continue;
    }
    out.items.push(item as ItemOf<E>);
    out.positions.push(index);
  }
  out.errors.sort((a, b) => a.index - b.index);
  return out;
}

/**
 * Writes parsed items in batches of BATCH_SIZE WITHOUT opening a transaction: for callers that hold
 * one already (the CSV import keeps a whole file in one). Bad items are reported, good ones written,
 * or staged in `stage` (leads, opportunities, activities) until its flush.
 */
export async function writeItems<E extends Entity>(
  db: Db,
  entity: E,
  items: ItemOf<E>[],
  opts: IngestOptions,
  batchSize = BATCH_SIZE,
  stage?: StagedUpsert,
): Promise<WriteResult> {
  const result = emptyResult();
  const write = WRITERS[entity] as Writer<E>;
  for (let start = 0; start < items.length; start += batchSize) {
    addResult(result, await write(db, items.slice(start, start + batchSize), opts, stage), start);
  }
  return result;
}

class Rollback extends Error {}

export interface BatchOptions extends IngestOptions {
  /** true (default): any bad item writes nothing. false: good items go in, bad ones are reported. */
  atomic?: boolean;
  /** Forced decimal mark for amounts in text (the request's `locale` / `decimal`). */
  decimal?: DecimalMark | undefined;
  /** Order of slash dates (the request's `date_format`); otherwise inferred, never guessed. */
  dateOrder?: DateOrder | undefined;
  /** Record user data from this source ('api'), refusing to mix it with the demo org. */
  source?: 'api' | undefined;
  /**
   * Longest wait for any one lock, ms (Postgres `lock_timeout`, for this transaction only): past it the
   * request fails with SQLSTATE 55P03 (isLockTimeout) and writes nothing. Unset: wait as long as it takes.
   */
  lockTimeoutMs?: number | undefined;
}

/**
 * The one entry point for data arriving as JSON-like values (the ingest API, tools, tests): validates,
 * resolves references and upserts by external id in ONE transaction. Several entity batches are
 * written in the order given (put teams/reps before leads, leads before activities). With `atomic`
 * (default) any error means nothing is written and counts are zero; every bad item is still reported
 * (the valid ones are written and rolled back, so reference errors show up in the same answer).
 * A transaction that loses a race (deadlock, serialization failure) is run again, a bounded number of times;
 * `opts.created` gets what the committed attempt created (nothing when the request was rolled back).
 * A written request also returns `warnings` (only when there are any): per item, the suspicious values
 * a CSV import counts (duplicate ids and which item won, close before create, won amount ≤ 0, an open
 * stage with a close date, an event dated after `opts.now` plus a day, an account named like another
 * under another external id, in the request or stored). A request that wrote contracts or accounts also returns `contractsLeftOut`
 * when some stored contracts are on accounts with no became_customer_at (ARR and ARPU leave them out), and
 * one that read dates without a zone `zonelessDates` when stored teams count their periods in another zone.
 */
export async function ingestBatch(
  db: Db,
  input: RawBatch | { batches: RawBatch[] },
  opts: BatchOptions,
): Promise<
  WriteResult & { warnings?: ItemWarning[]; contractsLeftOut?: number; zonelessDates?: ZonelessDates }
> {
  const batches = 'batches' in input ? input.batches : [input];
  const multi = 'batches' in input;
  const atomic = opts.atomic ?? true;
  // One number context for the whole request: its unambiguous amounts settle its ambiguous ones.
  // Amount and date errors name the request's fields ("locale", "decimal", "date_format").
  const dates = newDateContext(opts.dateOrder, 'request');
  const numbers = newNumberContext(opts.decimal, { dates, numberHint: REQUEST_NUMBER_HINT });
  const parsed = batches.map((b) => parseItems(b.entity, b.items, opts.timezone, numbers));
  // The same warnings a CSV summary gives, per item (stored as given, but worth a look).
  // Each item's warning entry (see WarningLog.refused), per batch.
  const entries = parsed.map(() => [] as number[]);
  const logs = parsed.map((p, i) => {
    const log = new WarningLog(batches[i]!.entity, opts.stages, 'request', opts.now, opts.timezone);
    p.items.forEach((item, k) => {
      log.inspect(item as Record<string, unknown>, p.positions[k]!, batches[i]!.items[p.positions[k]!]);
      entries[i]!.push(log.lastEntry);
    });
    return log;
  });
  // What the writers found (a touch before its lead) and refused (item indexes), per batch, of the attempt
  // that commits.
  let found: TouchBeforeLead[][] = [];
  // New accounts named like stored ones (see NamedLikeStored), per batch, of the attempt that commits.
  let likeStored: NamedLikeStored[][] = [];
  let refused: { entry: number; index: number }[][] = [];
  let result = emptyResult();
  // Each attempt records what it created in its own list: a retried attempt creates the same names again,
  // and only the attempt that commits is reported (appended to opts.created afterwards).
  let created = emptyCreated();
  // Contracts ARR and ARPU leave out after a request that wrote contracts or accounts (else undefined).
  let leftOut: number | undefined;
  // Dates read without a zone while stored teams count in another zone (see zonelessDates), or null.
  let zoneless: ZonelessDates | null = null;
  // `namesFirst`: the attempt takes the name lock before anything else (see lockNameCreation's lock order).
  const attempt = (namesFirst: boolean) =>
    retryConflicts(() =>
      db.transaction(async (tx) => {
        result = emptyResult();
        created = emptyCreated();
        found = batches.map(() => []);
        likeStored = batches.map(() => []);
        refused = batches.map(() => []);
        if (opts.lockTimeoutMs !== undefined)
          await tx.execute(sql`select set_config('lock_timeout', ${`${opts.lockTimeoutMs}ms`}, true)`);
        if (namesFirst) await lockNameCreation(tx as unknown as Db);
        if (opts.source) {
          await guardAgainstDemo(tx as unknown as Db, false, 'import a file with --replace-demo');
          await markDataSource(tx as unknown as Db, opts.source);
        }
        for (const [i, batch] of batches.entries()) {
          const p = parsed[i]!;
          const written = await writeItems(tx as unknown as Db, batch.entity, p.items, { ...opts, created });
          addResult(result, { ...written, errors: [], touchesBeforeLead: [], namedLikeStored: [] });
          for (const t of written.touchesBeforeLead ?? [])
            found[i]!.push({ ...t, index: p.positions[t.index]! });
          for (const n of written.namedLikeStored ?? [])
            likeStored[i]!.push({ ...n, index: p.positions[n.index]! });
          for (const e of written.errors)
            refused[i]!.push({ entry: entries[i]![e.index]!, index: p.positions[e.index]! });
          // Errors in input order within each entity batch, batches in the order given.
          const errors = [
            ...p.errors,
            ...written.errors.map((e) => ({ ...e, index: p.positions[e.index]! })),
          ];
          errors.sort((a, b) => a.index - b.index);
          result.errors.push(...(multi ? errors.map((e) => ({ ...e, entity: batch.entity })) : errors));
        }
        if (atomic && result.errors.length > 0) throw new Rollback();
        leftOut = batches.some((b) => touchesContractsLeftOut(b.entity))
          ? await countContractsLeftOut(tx as unknown as Db)
          : undefined;
        zoneless = await zonelessDates(tx as unknown as Db, dates.zoneless, opts.timezone);
        if (opts.source) {
          const arrived = batches.filter((_, i) => (parsed[i]?.items.length ?? 0) > 0).map((b) => b.entity);
          await recordArrival(tx as unknown as Db, opts.source, arrived, opts.now);
        }
      }),
    );
  try {
    // A request learns only while writing whether it creates a name, by then holding rows and tables an
    // import may be waiting for: it only tries the name lock, and when another writer holds it (an
    // import, from its start to its commit) it is rolled back and run again with the lock taken first,
    // so it waits holding nothing and cannot deadlock with that writer.
    try {
      await tryingNameLock(() => attempt(false));
    } catch (err) {
      if (!(err instanceof NameLockBusy)) throw err;
      await attempt(true);
    }
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    return { ...emptyResult(), errors: result.errors };
  }
  if (opts.created) {
    opts.created.reps.push(...created.reps);
    opts.created.teams.push(...created.teams);
    opts.created.accounts.push(...created.accounts);
  }
  await bumpDataVersion(db);
  const warnings: ItemWarning[] = [];
  logs.forEach((log, i) => {
    for (const r of refused[i] ?? []) log.refused(r.entry, r.index);
    for (const t of found[i] ?? []) log.touchBeforeLead(t.index, t.occurredAt, t.lead, t.leadCreatedAt);
    for (const n of likeStored[i] ?? []) log.nameLikeStored(n.index, n.name, n.externalId, n.stored);
    // In item order (a touch before its lead is found after the others, when written).
    const items = [...log.items].sort((a, b) => a.index - b.index);
    warnings.push(...(multi ? items.map((w) => ({ ...w, entity: batches[i]!.entity })) : items));
  });
  delete result.touchesBeforeLead;
  delete result.namedLikeStored;
  const counts = {
    ...(leftOut ? { contractsLeftOut: leftOut } : {}),
    ...(zoneless ? { zonelessDates: zoneless } : {}),
  };
  return warnings.length > 0 ? { ...result, warnings, ...counts } : { ...result, ...counts };
}
