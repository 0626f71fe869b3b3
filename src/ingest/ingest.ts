import { type Db, sql } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { retryConflicts } from '../db/failures.js';
import { activities, leads, opportunities } from '../db/schema/index.js';
import { suggestWord } from '../edit-distance.js';
import { AmountError, type DecimalMark, REQUEST_NUMBER_HINT, settleAmount } from '../money/index.js';
import { writeAccounts } from './accounts.js';
import { writeActivities } from './activities.js';
import { settleCloseDate } from './close-date.js';
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
  type RepNamedLikeStored,
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
 * the request's locale); otherwise ambiguous amounts ("4.200") are settled by EVIDENCE of the decimal
 * mark, and only this counts as evidence:
 * - the exact marks ("12.50" shows ".") of rows that are stored: `marks`, which the caller fills
 *   (recordMarks) once the writer has accepted the rows; a row refused for any reason (a field, a
 *   missing key, another amount of its own, a reference the writer cannot resolve) or deferred shows
 *   nothing;
 * - a row's own amounts, for that row only ("12.50" and "4.200" in two fields of one contract);
 * - with `batchEvidence` (the ingest API), the marks of the batch's other items that parse, presumed
 *   stored: ingestBatch reads the request again without an item the writer then refuses.
 * `seen` holds the marks every well-formed row showed, stored or not: when it holds both, the file has no
 * single style and every amount written with a mark is refused (refusing on a refused row's word never
 * stores a guess). Share one context per file or request.
 */
export interface NumberContext extends ReadingContext {
  decimal?: DecimalMark | undefined;
  /** Marks shown by stored rows (evidence; see above). */
  marks: Set<DecimalMark>;
  /** Marks shown by any well-formed row (only to tell a file that writes numbers both ways). */
  seen: Set<DecimalMark>;
  /** CSV: hand back ambiguous items whose mark is not known yet (a later row may show it). */
  deferAmbiguous?: boolean;
  /**
   * CSV, with `deferAmbiguous`: the keys (external ids) of deferred rows. A later row with one of them is
   * deferred too, so the rows of one id are written in file order and the last one wins.
   */
  deferredKeys?: Set<string>;
  /** Ingest API: items of the same batch count as evidence for each other (see above). */
  batchEvidence?: boolean;
}

/** A context for one file or request: `decimal` forced (or undefined), no mark seen yet. */
export const newNumberContext = (decimal?: DecimalMark, reading: ReadingContext = {}): NumberContext => ({
  ...reading,
  decimal,
  marks: new Set(),
  seen: new Set(),
});

/**
 * Records as evidence of the file's (or request's) decimal mark the marks of the parsed items that were
 * stored: every item of `parsed` but those at `refused` (indexes into `parsed.items`, as a writer's
 * errors give them).
 */
export function recordMarks(
  numbers: Pick<NumberContext, 'marks'>,
  parsed: { marks: (DecimalMark | null)[] },
  refused: Iterable<number> = [],
): void {
  const out = new Set(refused);
  parsed.marks.forEach((mark, i) => {
    if (mark && !out.has(i)) numbers.marks.add(mark);
  });
}

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
 * are settled with `numbers` (see NumberContext for what counts as evidence of the decimal mark); an
 * amount ambiguous with no known mark is an error naming --locale (or the request's locale), or, with
 * `deferAmbiguous`, its position is returned in `deferred` untouched (as is any later item with the
 * key of a deferred one). `marks[i]` is the decimal mark items[i]'s own amounts showed (null: none), for
 * `recordMarks` once it is stored. `notEvidence`: input positions whose marks do not count (items the
 * writer refused in an earlier reading of the same request).
 */
export function parseItems<E extends Entity>(
  entity: E,
  raw: unknown[],
  timezone: string,
  numbers: NumberContext = newNumberContext(),
  notEvidence: ReadonlySet<number> = new Set(),
): ParsedItems<E> & { deferred: number[]; marks: (DecimalMark | null)[] } {
  const reading = numbers.dates || numbers.numberHint ? numbers : undefined;
  const schema = itemSchemas(timezone, numbers.decimal, reading)[entity];
  const out: ParsedItems<E> & { deferred: number[]; marks: (DecimalMark | null)[] } = {
    items: [],
    positions: [],
    errors: [],
    deferred: [],
    marks: [],
  };
  const keys = KEY_FIELDS[entity];
  const moneyFields = MONEY_FIELDS[entity] ?? [];
  /** A well-formed item and the marks its own amounts showed. */
  const good: { index: number; item: Record<string, unknown>; own: Set<DecimalMark> }[] = [];
  raw.forEach((value, index) => {
    const parsed = parseItem(schema, value);
    if (parsed.success) {
      const item = parsed.data as Record<string, unknown>;
      if (keys.length > 0 && keys.every((k) => item[k] === undefined)) {
        out.errors.push({ index, field: keys.join(' or '), message: 'is required' });
        return;
      }
      const close =
        entity === 'opportunities' ? settleCloseDate(item, numbers.stages, numbers.openCloseStages) : null;
      if (close) {
        out.errors.push({ index, ...close });
        return;
      }
      const own = new Set<DecimalMark>();
      for (const f of moneyFields) {
        const m = item[f] as MoneyValue | null | undefined;
        if (m?.reading.kind === 'exact' && m.reading.mark) own.add(m.reading.mark);
      }
      for (const mark of own) numbers.seen.add(mark);
      good.push({ index, item, own });
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
  // Amounts are settled once the whole batch has been read. Both marks seen ("1,234.50" and "2,5"): no
  // single style, so amounts written with a mark are refused too, and ambiguous ones stay refused.
  const markFor = (own: Set<DecimalMark>, evidence: Set<DecimalMark>): DecimalMark | 'both' | null => {
    if (numbers.decimal) return numbers.decimal;
    if (numbers.seen.size > 1) return 'both';
    // A row's own marks settle it; otherwise the evidence (both within the one mark seen).
    const marks = own.size > 0 ? own : evidence;
    return marks.size === 1 ? [...marks][0]! : marks.size > 1 ? 'both' : null;
  };
  /** Settles one item's amounts: its errors, or 'defer' when one waits for the file's mark. */
  const settle = (item: Record<string, unknown>, mark: DecimalMark | 'both' | null) => {
    const errors: { field: string; message: string }[] = [];
    let defer = false;
    for (const f of moneyFields) {
      const m = item[f] as MoneyValue | null | undefined;
      if (!m) continue;
      if (m.reading.kind === 'ambiguous' && (mark === null || mark === 'both') && numbers.deferAmbiguous) {
        defer = true;
        continue;
      }
      try {
        m.value = settleAmount(m.reading, mark, numbers.numberHint);
      } catch (err) {
        if (!(err instanceof AmountError)) throw err;
        errors.push({ field: f, message: err.message });
      }
    }
    return errors.length > 0 ? errors : defer ? 'defer' : [];
  };
  let evidence = numbers.marks;
  if (numbers.batchEvidence) {
    // The marks of the batch's items that settle on their own (a row's own marks never depend on others').
    evidence = new Set(numbers.marks);
    for (const { index, item, own } of good) {
      if (own.size === 0 || notEvidence.has(index)) continue;
      const settled = settle(item, markFor(own, evidence));
      if (Array.isArray(settled) && settled.length === 0) for (const mark of own) evidence.add(mark);
    }
  }
  const deferredKeys = numbers.deferAmbiguous ? numbers.deferredKeys : undefined;
  for (const { index, item, own } of good) {
    const key = keys.length > 0 ? (item[keys[0]!] as string | undefined) : undefined;
    // Behind a deferred row of the same key, so the last row of a key is written last.
    if (deferredKeys && key !== undefined && deferredKeys.has(key)) {
      out.deferred.push(index);
      continue;
    }
    const settled = settle(item, markFor(own, evidence));
    if (settled === 'defer') {
      out.deferred.push(index);
      if (deferredKeys && key !== undefined) deferredKeys.add(key);
      continue;
    }
    if (settled.length > 0) {
      for (const e of settled) out.errors.push({ index, ...e });
      continue;
    }
    out.items.push(item as ItemOf<E>);
    out.positions.push(index);
    out.marks.push(own.size === 1 ? [...own][0]! : null);
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

/** The writer refused an item whose decimal mark had counted as evidence: roll back and read again. */
class Reread extends Error {}

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
 * one that read dates without a zone `zonelessDates` when stored teams count their periods in another zone,
 * and one whose `close_date` became the expected close of deals in stages read as open `openCloseStages`
 * (those stage names, sorted; a custom won or lost stage shows there, see openCloseStagesNote).
 */
export async function ingestBatch(
  db: Db,
  input: RawBatch | { batches: RawBatch[] },
  opts: BatchOptions,
): Promise<
  WriteResult & {
    warnings?: ItemWarning[];
    contractsLeftOut?: number;
    zonelessDates?: ZonelessDates;
    openCloseStages?: string[];
  }
> {
  const batches = 'batches' in input ? input.batches : [input];
  const multi = 'batches' in input;
  const atomic = opts.atomic ?? true;
  // Per batch, the items (input positions) the writer refused in an earlier reading though their decimal
  // mark had counted as evidence: the request is read again without counting them (see NumberContext).
  const notEvidence = batches.map(() => new Set<number>());
  let dates = newDateContext(opts.dateOrder, 'request');
  let parsed: ReturnType<typeof parseItems>[] = [];
  let entries: number[][] = [];
  let logs: WarningLog[] = [];
  /** The stages read as open whose close_date became the expected close (settleCloseDate). */
  let openCloseStages = new Set<string>();
  const read = () => {
    // One number context for the whole request: its unambiguous amounts settle its ambiguous ones, its items
    // presumed stored (checked after writing). Amount and date errors name the request's fields ("locale",
    // "decimal", "date_format").
    dates = newDateContext(opts.dateOrder, 'request');
    openCloseStages = new Set<string>();
    const numbers: NumberContext = {
      ...newNumberContext(opts.decimal, {
        dates,
        numberHint: REQUEST_NUMBER_HINT,
        stages: opts.stages,
        openCloseStages,
      }),
      batchEvidence: true,
    };
    parsed = batches.map((b, i) => {
      const p = parseItems(b.entity, b.items, opts.timezone, numbers, notEvidence[i]);
      const out = p.positions.flatMap((position, k) => (notEvidence[i]!.has(position) ? [k] : []));
      recordMarks(numbers, p, out);
      return p;
    });
    // The same warnings a CSV summary gives, per item (stored as given, but worth a look).
    // Each item's warning entry (see WarningLog.refused), per batch.
    entries = parsed.map(() => [] as number[]);
    logs = parsed.map((p, i) => {
      const log = new WarningLog(batches[i]!.entity, opts.stages, 'request', opts.now, opts.timezone);
      p.items.forEach((item, k) => {
        log.inspect(item as Record<string, unknown>, p.positions[k]!, batches[i]!.items[p.positions[k]!]);
        entries[i]!.push(log.lastEntry);
      });
      return log;
    });
  };
  // What the writers found (a touch before its lead) and refused (item indexes), per batch, of the attempt
  // that commits.
  let found: TouchBeforeLead[][] = [];
  // New accounts named like stored ones (see NamedLikeStored), per batch, of the attempt that commits.
  let likeStored: NamedLikeStored[][] = [];
  // New reps named like stored ones (see RepNamedLikeStored) and items whose rep manages a team once written
  // (WriteResult's managersStored), per batch, of the attempt that commits.
  let repsLikeStored: RepNamedLikeStored[][] = [];
  let managersStored: number[][] = [];
  let refused: { entry: number; index: number; item: Record<string, unknown> }[][] = [];
  // Items (batch, input position) the writer refused whose decimal mark counted as evidence, of the
  // attempt that ended: added to notEvidence only between readings (a retried attempt reads nothing anew).
  let dropped: [number, number][] = [];
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
        repsLikeStored = batches.map(() => []);
        managersStored = batches.map(() => []);
        refused = batches.map(() => []);
        dropped = [];
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
          addResult(result, {
            ...written,
            errors: [],
            touchesBeforeLead: [],
            namedLikeStored: [],
            repsNamedLikeStored: [],
            managersStored: [],
          });
          for (const t of written.touchesBeforeLead ?? [])
            found[i]!.push({ ...t, index: p.positions[t.index]! });
          for (const n of written.namedLikeStored ?? [])
            likeStored[i]!.push({ ...n, index: p.positions[n.index]! });
          for (const n of written.repsNamedLikeStored ?? [])
            repsLikeStored[i]!.push({ ...n, index: p.positions[n.index]! });
          for (const k of written.managersStored ?? []) managersStored[i]!.push(p.positions[k]!);
          for (const e of written.errors) {
            const position = p.positions[e.index]!;
            refused[i]!.push({
              entry: entries[i]![e.index]!,
              index: position,
              item: p.items[e.index] as Record<string, unknown>,
            });
            if (p.marks[e.index] && !notEvidence[i]!.has(position)) dropped.push([i, position]);
          }
          // Errors in input order within each entity batch, batches in the order given.
          const errors = [
            ...p.errors,
            ...written.errors.map((e) => ({ ...e, index: p.positions[e.index]! })),
          ];
          errors.sort((a, b) => a.index - b.index);
          result.errors.push(
            ...(multi ? errors.map((e) => ({ ...e, entity: batch.entity, batch: i })) : errors),
          );
        }
        // An item the writer refused had counted as evidence: read the request again without it.
        if (dropped.length > 0) throw new Reread();
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
  // Each reading counts fewer items as evidence than the one before, so this ends.
  for (;;) {
    read();
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
      break;
    } catch (err) {
      if (err instanceof Reread) {
        for (const [i, position] of dropped) notEvidence[i]!.add(position);
        continue;
      }
      if (!(err instanceof Rollback)) throw err;
      return { ...emptyResult(), errors: result.errors };
    }
  }
  if (opts.created) {
    opts.created.reps.push(...created.reps);
    opts.created.teams.push(...created.teams);
    opts.created.accounts.push(...created.accounts);
  }
  await bumpDataVersion(db);
  const warnings: ItemWarning[] = [];
  logs.forEach((log, i) => {
    for (const r of refused[i] ?? []) log.refused(r.entry, r.index, r.item);
    for (const t of found[i] ?? []) log.touchBeforeLead(t.index, t.occurredAt, t.lead, t.leadCreatedAt);
    for (const n of likeStored[i] ?? []) log.nameLikeStored(n.index, n.name, n.externalId, n.stored);
    for (const n of repsLikeStored[i] ?? [])
      log.repNameLikeStored(n.index, n.name, n.email, n.stored, n.renamedFrom);
    for (const k of managersStored[i] ?? []) log.managerStored(k);
    // In item order (a touch before its lead is found after the others, when written).
    const items = [...log.items].sort((a, b) => a.index - b.index);
    warnings.push(...(multi ? items.map((w) => ({ ...w, entity: batches[i]!.entity })) : items));
  });
  delete result.touchesBeforeLead;
  delete result.namedLikeStored;
  delete result.repsNamedLikeStored;
  delete result.managersStored;
  const counts = {
    ...(leftOut ? { contractsLeftOut: leftOut } : {}),
    ...(zoneless ? { zonelessDates: zoneless } : {}),
    ...(openCloseStages.size > 0
      ? { openCloseStages: [...openCloseStages].sort((a, b) => a.localeCompare(b)) }
      : {}),
  };
  return warnings.length > 0 ? { ...result, warnings, ...counts } : { ...result, ...counts };
}
