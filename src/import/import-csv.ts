import type { Readable } from 'node:stream';
import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { ACTIVITY_KINDS } from '../db/schema/index.js';
import { countContractsLeftOut, touchesContractsLeftOut } from '../ingest/contracts-left-out.js';
import {
  BATCH_SIZE,
  canonicalFields,
  type DateOrder,
  dateOrderAdvice,
  type Entity,
  type IngestOptions,
  KEY_FIELDS,
  MONEY_FIELDS,
  type MoneyValue,
  mixedDateOrders,
  type NumberContext,
  newDateContext,
  newNumberContext,
  orderAdvised,
  parseItems,
  recordMarks,
  stagedUpsertFor,
  writeItems,
} from '../ingest/index.js';
import { type CreatedByReference, emptyCreated, lockNameCreation } from '../ingest/names.js';
import { guardAgainstDemo, markDataSource, recordArrival } from '../ingest/origin.js';
import type { RowFingerprint } from '../ingest/staging.js';
import { type ImportWarning, WarningLog } from '../ingest/warnings.js';
import { type ZonelessDates, zonelessDates } from '../ingest/zoneless-dates.js';
import type { DecimalMark } from '../money/index.js';
import { counted } from '../numbers/count.js';
import {
  entityField,
  guessFieldColumns,
  guessIdColumn,
  ImportFormatError,
  noColumnNote,
  planColumns,
} from './columns.js';
import { fingerprintTable, ImportFingerprints, isFingerprinted } from './fingerprints.js';
import { type Delimiter, delimiterName, isBlankRecord, openCsv } from './source.js';
import { type DefaultNotUsed, StoredRecords } from './stored-records.js';
import { expandSubscriptions, SUBSCRIPTION_FIELDS, TELCO_HEADERS } from './subscriptions.js';

export { ImportFormatError };

/** What a CSV file can hold: one entity, or subscription snapshots (accounts + contracts). */
export type ImportEntity = Entity | 'subscriptions';

export interface ImportCsvOptions extends IngestOptions {
  entity: ImportEntity;
  /** Subscriptions only: the snapshot date (YYYY-MM-DD) that tenure counts back from. */
  asOf?: string;
  input: Readable;
  map?: [string, string][];
  defaults?: Record<string, string>;
  /** Header name → canonical field, from a --preset (lower priority than --map). */
  preset?: Record<string, string>;
  skipInvalid?: boolean;
  /**
   * Size of the file in bytes, when known: from BULK_FILE_BYTES up rows are read in bigger batches.
   */
  fileBytes?: number;
  /**
   * New rows in one set-based write from which leads, opportunities and activities take the bulk path
   * (default BULK_WRITE_ROWS; see StagedUpsert). Tests lower it to exercise that path on small files.
   */
  bulkRows?: number;
  /** Rows per staged generation (default 200,000; tests lower it to write a file in several). */
  generationRows?: number;
  /** Remove the generated demo org first; without it an import into a demo database is refused. */
  replaceDemo?: boolean;
  /** Forced decimal mark (--locale / --decimal); otherwise the file's own unambiguous amounts decide. */
  decimal?: DecimalMark;
  /** Order of slash dates (--date-format, or MDY with --preset salesforce); otherwise inferred, never guessed. */
  dateOrder?: DateOrder | undefined;
  /** Forced delimiter (--delimiter); otherwise sniffed from the header line. */
  delimiter?: Delimiter;
  /** How many bad rows to list (the count is always exact). */
  maxListedErrors?: number;
  onNotice?: (message: string) => void;
  /** Called every `progressRows` rows or `progressMs` milliseconds, whichever comes first. */
  onProgress?: (rows: number, elapsedMs: number) => void;
  progressRows?: number;
  progressMs?: number;
}

/**
 * One bad row: its line in the file (header = line 1), the canonical field if known, and why; `column`, the
 * header column(s) the field is read from when named otherwise (a preset or --map: `Deal - Lost time`).
 */
export interface RowError {
  line: number;
  field: string | null;
  message: string;
  column?: string;
}

export interface ImportCsvResult {
  /** Data rows read (header, blank lines and rows of only empty cells excluded). */
  rows: number;
  /**
   * Blank lines and rows whose cells are all empty or spaces (`,,` from Excel), after the header:
   * skipped, not in `rows`; `lines` lists the first `maxListedErrors` of them.
   */
  emptyRows: { count: number; lines: number[] };
  inserted: number;
  updated: number;
  unchanged: number;
  /**
   * Of `unchanged`, rows recognised by their import fingerprint before validation (see
   * src/import/fingerprints.ts); diagnostic, not part of the summary line.
   */
  skipped: number;
  /** Rows refused (at least one error each). */
  invalidRows: number;
  /** The first `maxListedErrors` errors, in file order. */
  errors: RowError[];
  /** True when invalid rows made the whole file roll back (no --skip-invalid). */
  rejected: boolean;
  /** Suspicious rows by kind (stored as given, but worth a look). */
  warnings: ImportWarning[];
  /** Columns read under another name ("Deal Value → amount") and columns ignored. */
  columns: { mapped: string[]; ignored: string[] };
  delimiter: Delimiter;
  /** Reps, teams and accounts the file's references by name created (none when rejected). */
  created: CreatedByReference;
  /**
   * Contracts, after a contracts, accounts or subscriptions import, on accounts with no became_customer_at:
   * ARR and ARPU leave them out (src/ingest/contracts-left-out.ts); 0 otherwise and when rejected.
   */
  contractsLeftOut: number;
  /**
   * Dates and times without a zone the file's rows were read with (in `timezone`), when stored teams count
   * their periods in another zone (src/ingest/zoneless-dates.ts); null otherwise and when rejected.
   */
  zonelessDates: ZonelessDates | null;
  /**
   * The stage names read as open whose rows' `close_date` (a CRM's Close Date) was stored as the expected
   * close, sorted (at most 20): a won or lost stage Tally does not know shows here.
   */
  openCloseStages: string[];
  /**
   * With --replace-demo: 'removed' when the demo org's records were removed, 'none' when the database held
   * no demo org (nothing removed), 'kept' when the file was rejected (rolled back, the demo with it); null
   * without --replace-demo, and when rejected with no demo to remove.
   */
  demoReplaced: 'removed' | 'none' | 'kept' | null;
  /**
   * The --default values that some rows of records stored before the import did not take (a default fills
   * new records only, see StoredRecords), with how many such records; empty when every default was used.
   */
  defaultsNotUsed: DefaultNotUsed[];
}

class Rollback extends Error {}

/** A row read from the file, waiting for its batch. */
interface PendingRecord {
  line: number;
  record: string[];
}

/**
 * A row to validate and write; `fingerprint` when the import stores one for it; `record`, its cells, and
 * `leftOut`, the --default fields it did not take (its record is stored), for its row errors (explain).
 */
interface PendingItem {
  line: number;
  item: Record<string, string>;
  fingerprint?: string;
  record?: string[];
  leftOut?: ReadonlySet<string> | undefined;
}

/** A row recognised as unchanged by its fingerprint: only its external id is still looked at. */
interface SkippedRow {
  line: number;
  key: string;
}

/** Files from this size up are read in batches of BULK_BATCH_SIZE (fewer round trips). */
export const BULK_FILE_BYTES = 8 * 1024 * 1024;
const BULK_BATCH_SIZE = 5000;

/**
 * Required fields an export may leave out because every row has one value, with the values they take: a
 * row refused for want of one in a file without its column is told it may pass it as a --default
 * (HubSpot's activity exports have no kind column; tester).
 */
const ONE_VALUE_FIELDS: Partial<Record<ImportEntity, Record<string, readonly string[]>>> = {
  activities: { kind: ACTIVITY_KINDS },
};

/** Ambiguous amounts wait for a later row to show the file's decimal mark; beyond this they are refused. */
const MAX_DEFERRED = 100_000;

/**
 * The start of an HTML entity cut off at a value's end (`Smith &amp` of `Smith &amp; Jones`): the names an
 * export that escapes its text writes, or a number; not any `&word` (`AT&T` is a name).
 */
const CUT_ENTITY = /&(?:amp|lt|gt|quot|apos|nbsp|#\d+|#x[\da-f]+)$/i;

/**
 * The HTML entity whose `;` split a value of a `;` file's row (`Smith &amp; Jones` read as `Smith &amp` and
 * ` Jones`): `&amp;`, or null. A value before the last that ends in an entity's start is such a cut, whether
 * the row then has too many fields or, one short elsewhere, exactly the header's count.
 */
function entitySplit(record: string[], delimiter: Delimiter): string | null {
  if (delimiter !== ';') return null;
  for (let i = 0; i < record.length - 1; i++) {
    const cut = record[i]!.includes('&') ? CUT_ENTITY.exec(record[i]!) : null;
    if (cut) return `${cut[0]};`;
  }
  return null;
}

/** A number's start up to its first thousands separator: `$1`, `1`, `-12`, `€ 350`. */
const THOUSANDS_HEAD = /^\s*[-+(]?\s*[$€£¥]?\s*\d{1,3}$/;
/** What follows a thousands separator: three digits, then the end, a decimal part or a currency sign. */
const THOUSANDS_TAIL = /^\d{3}(?:\.\d+)?\s*(?:[$€£¥)]|[A-Z]{3})?\s*$/;
/** Three digits between two thousands separators (`200` of `1,200,300.50`). */
const THOUSANDS_MIDDLE = /^\d{3}$/;

/**
 * The unquoted number whose thousands separators split it into fields of a `,` file's row (`$1,200.50`
 * read as `$1` and `200.50`), as written, or null. Only a hint for a row already too long: a row of the
 * header's width is never re-read, as the split cannot be told from two real values.
 */
function thousandsSplit(record: string[], delimiter: Delimiter): string | null {
  if (delimiter !== ',') return null;
  for (let i = 0; i < record.length - 1; i++) {
    if (!THOUSANDS_HEAD.test(record[i]!)) continue;
    let j = i + 1;
    while (j < record.length - 1 && THOUSANDS_MIDDLE.test(record[j]!) && /^\d{3}/.test(record[j + 1]!)) j++;
    const joined = record.slice(i, j + 1).join(',');
    if (THOUSANDS_TAIL.test(record[j]!)) return joined.trim();
  }
  return null;
}

/**
 * Why a row cannot be read as the header's columns, or null: a field count other than the header's
 * (`width`), or a value a cut HTML entity split (entitySplit), with that cause named either way. A row
 * too long where an unquoted number's thousands separator split a value (thousandsSplit) says so.
 */
function rowShapeProblem(record: string[], width: number, delimiter: Delimiter): string | null {
  const entity = entitySplit(record, delimiter);
  const number = entity || record.length <= width ? null : thousandsSplit(record, delimiter);
  const advice = entity
    ? `the ; of the HTML entity ${entity} splits a value; export the file without HTML escaping, or put that value in quotes`
    : number
      ? `a number with a comma must be quoted: "${number}"`
      : null;
  if (record.length !== width)
    return `has ${counted(record.length, ['field', 'fields'])} but the header has ${width}${advice ? `: ${advice}` : ''}`;
  return entity ? `a value ends in "${entity.slice(0, -1)}": ${advice}` : null;
}

/**
 * Streams a CSV file into the database: the delimiter and encoding are detected, each row is
 * validated (parseItems: keys, types, text, dates, amounts) and resolved in batches, all inside ONE
 * transaction. Leads, opportunities and activities are staged (COPY into a temporary table) and
 * written by one set-based upsert per generation of up to 200,000 rows (StagedUpsert), so the rollup
 * statement triggers fire once per statement with exactly the rows that changed; other entities are
 * upserted batch by batch. Without `skipInvalid`, any invalid row rolls the whole file back (after
 * reading it to the end, so every bad line is counted). Memory stays flat: the parser is consumed
 * with backpressure and at most one batch is held (plus rows whose amount waits for the decimal mark,
 * and one map of ids for duplicate detection).
 */
export async function importCsv(db: Db, opts: ImportCsvOptions): Promise<ImportCsvResult> {
  const maxListed = opts.maxListedErrors ?? 20;
  const source = await openCsv(opts.input, opts.delimiter);
  const result: ImportCsvResult = {
    rows: 0,
    emptyRows: { count: 0, lines: [] },
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    invalidRows: 0,
    errors: [],
    rejected: false,
    warnings: [],
    columns: { mapped: [], ignored: [] },
    delimiter: source.delimiter,
    created: emptyCreated(),
    contractsLeftOut: 0,
    zonelessDates: null,
    openCloseStages: [],
    demoReplaced: null,
    defaultsNotUsed: [],
  };
  const badLines = new Set<number>();
  /** The first line refused for a slash date that reads only in one order, per order (mixedDateOrders). */
  const orderLines: Partial<Record<DateOrder, number>> = {};
  const report = (e: RowError) => {
    if (!dates.order) {
      const order = orderAdvised(e.message, dates);
      if (order && (orderLines[order] === undefined || e.line < orderLines[order]))
        orderLines[order] = e.line;
    }
    if (!badLines.has(e.line)) {
      badLines.add(e.line);
      result.invalidRows += 1;
    }
    // The listing keeps the first lines of the file, not the first errors found: a row refused by the
    // writer is found after later rows' parse errors of the same batch.
    if (result.errors.length < maxListed) result.errors.push(e);
    else {
      let last = 0;
      for (let i = 1; i < result.errors.length; i++)
        if (result.errors[i]!.line > result.errors[last]!.line) last = i;
      if (e.line < result.errors[last]!.line) result.errors[last] = e;
    }
  };
  const warnings = new WarningLog(
    opts.entity === 'subscriptions' ? 'accounts' : opts.entity,
    opts.stages,
    'file',
    opts.now,
    opts.timezone,
  );
  const dates = newDateContext(opts.dateOrder, 'file');
  // Stages read as open whose rows' Close Date became the expected close (named in the summary).
  const openCloseStages = new Set<string>();
  // Evidence of the file's decimal mark comes from rows once they are written (see NumberContext): an
  // ambiguous amount no stored row (nor its own row) has settled yet waits at the end of the file.
  const numbers: NumberContext = {
    ...newNumberContext(opts.decimal, { dates, stages: opts.stages, openCloseStages }),
    deferAmbiguous: true,
    deferredKeys: new Set(),
  };
  // The subscriptions preset's yearly charge, computed by Tally and written with ".": read with "."
  // whatever the file's mark (never misread under --locale de-DE), and never evidence of that mark.
  const computedNumbers: NumberContext = { ...newNumberContext('.', { dates }), deferAmbiguous: false };
  // Marks of rows the writer has stored, learnt by `numbers` only once the next batch has been read (the
  // write runs while it is): so which rows wait does not depend on how fast the database is.
  const storedMarks = { marks: new Set<DecimalMark>() };
  const learnMarks = () => {
    for (const mark of storedMarks.marks) numbers.marks.add(mark);
    storedMarks.marks.clear();
  };
  const deferred: PendingItem[] = [];
  const started = performance.now();
  let lastProgressAt = started;
  let lastProgressRows = 0;

  const bulkFile = (opts.fileBytes ?? 0) >= BULK_FILE_BYTES;
  // Bigger batches mean fewer round trips (the lookups of a batch are a few queries however big it is).
  const staged = opts.entity === 'leads' || opts.entity === 'opportunities' || opts.entity === 'activities';
  // A batch never spans more than one generation (a generation is written when the next batch would overflow it).
  const batchSize = Math.min(
    bulkFile || staged ? BULK_BATCH_SIZE : BATCH_SIZE,
    opts.generationRows ?? Infinity,
  );
  const run = async (tx: Db) => {
    // The name lock before any other (lock order, see lockNameCreation): a file may create names at any
    // row, and an import that asked for it later, holding its tables, deadlocked with an ingest request.
    await lockNameCreation(tx);
    const demo = await guardAgainstDemo(tx, opts.replaceDemo ?? false, 'pass --replace-demo');
    if (opts.replaceDemo) result.demoReplaced = demo;
    await markDataSource(tx, 'csv');
    // Leads, deals and activities: staged, then one set-based upsert per generation (see StagedUpsert).
    const fingerprinted = isFingerprinted(opts.entity) ? opts.entity : undefined;
    const stage =
      opts.entity === 'subscriptions'
        ? undefined
        : stagedUpsertFor(
            tx,
            opts.entity,
            { bulkRows: opts.bulkRows, generationRows: opts.generationRows },
            fingerprinted ? fingerprintTable(fingerprinted) : undefined,
          );
    let prints: ImportFingerprints | undefined;
    // With --default: which rows are of stored records, whose empty cells the defaults leave alone.
    const storedRecords = StoredRecords.forEntity(tx, opts.entity, opts.defaults ?? {});
    const moneyFields = opts.entity === 'subscriptions' ? [] : (MONEY_FIELDS[opts.entity] ?? []);
    /** Fields whose cell writes an amount in the row's currency (opportunities: also amount_minor). */
    const amountFields = opts.entity === 'opportunities' ? [...moneyFields, 'amount_minor'] : moneyFields;
    /**
     * Per row of the batch, the fields a --default must not fill (`leave`, undefined: none): those it would
     * fill on a record stored before this import, except `currency` on a row that writes an amount when the
     * record is stored in the default currency (the default says what the file's amounts are in). A row that
     * writes an amount on a record stored in another currency is refused (`refusal`): the amount reads two
     * ways, in the stored currency or in the default one, and the import does not guess which.
     */
    const leftOut = async (
      batch: PendingRecord[],
    ): Promise<{ leave?: ReadonlySet<string>; refusal?: RowError }[]> => {
      if (!storedRecords || !plan) return [];
      const identities = batch.map((r) => storedRecords.identity((field) => plan!.cell(r.record, field)));
      const stored = await storedRecords.storedBefore(identities);
      const fields = batch.map((r, i) => (stored[i] ? plan!.defaulted(r.record) : []));
      const writesAmount = (i: number) =>
        amountFields.some(
          (m) => !fields[i]!.includes(m) && (plan!.cell(batch[i]!.record, m) ?? '').trim() !== '',
        );
      const key = (i: number) => plan!.cell(batch[i]!.record, 'external_id')?.trim() ?? '';
      const priced = new Set(
        batch.flatMap((_, i) => (fields[i]!.includes('currency') && writesAmount(i) ? [i] : [])),
      );
      const currencies = await storedRecords.currencies([...new Set([...priced].map(key))]);
      const byDefault = opts.defaults?.currency?.trim().toUpperCase();
      return batch.map((r, i) => {
        if (fields[i]!.length === 0) return {};
        const storedIn = priced.has(i) ? currencies.get(key(i)) : undefined;
        if (storedIn !== undefined && storedIn !== byDefault) {
          const fix = plan!.inFile.has('currency')
            ? `fill its ${plan!.source('currency') ?? 'currency'} cell to change its currency`
            : 'add a currency column to change its currency';
          return {
            refusal: {
              line: r.line,
              field: null,
              message: `${key(i)} is stored in ${storedIn}, but --default currency=${opts.defaults!.currency} would read this amount in ${byDefault}: ${fix}, or leave --default currency out to read it in ${storedIn}`,
            },
          };
        }
        const keep = fields[i]!.filter((field) => field !== 'currency' || !priced.has(i));
        for (const field of keep) storedRecords.leftOut(field, identities[i]!, r.line);
        return { leave: new Set(keep) };
      });
    };
    /**
     * A row error as listed: the column(s) its field is read from (ColumnPlan.source), why a conditional
     * column's value was not read (ColumnPlan.unread), and, when the field is one a --default did not fill
     * because the row's record is stored, that note (StoredRecords.refusalNote).
     */
    const explain = (e: RowError, row?: PendingItem): RowError => {
      if (!plan || e.field === null) return e;
      const column = plan.source(e.field, row?.record);
      const notes: string[] = [];
      const unread = row?.record ? plan.unread(e.field, row.record) : undefined;
      if (unread) notes.push(unread);
      const values = ONE_VALUE_FIELDS[opts.entity]?.[e.field];
      if (values && !plan.fed.has(e.field)) {
        const named = Object.keys(opts.preset ?? {}).find((name) => opts.preset![name] === e.field);
        notes.push(noColumnNote(named ?? e.field, e.field, values));
      }
      const value = opts.defaults?.[e.field];
      if (storedRecords && value !== undefined && row?.leftOut?.has(e.field))
        notes.push(storedRecords.refusalNote(e.field, value));
      let message = e.message;
      for (const note of notes) message += `${message.includes(':') ? ';' : ':'} ${note}`;
      return { ...e, message, ...(column ? { column } : {}) };
    };
    const flushStage = async (last = false) => {
      if (!stage) return;
      const counts = last ? await stage.finish() : await stage.flush();
      result.inserted += counts.inserted;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
    };
    let plan: ReturnType<typeof planColumns> | undefined;
    /** Why no row could ever be read (no column feeds the entity's id), or null. */
    let keyless: string | null = null;
    let repeatsHeader: (record: string[]) => boolean = () => false;
    let pending: PendingRecord[] = [];
    const write = async (rows: PendingItem[], last: boolean) => {
      if (opts.entity !== 'subscriptions') return writeEntity(opts.entity, rows, last);
      const expanded = expandSubscriptions(
        rows.map((r) => r.item),
        opts.asOf ?? '',
        opts.timezone,
        opts.decimal,
      );
      for (const e of expanded.errors)
        report(explain({ line: rows[e.index]!.line, field: e.field, message: e.message }));
      const lineOf = (list: { index: number; item: Record<string, string> }[]) =>
        list.map((x) => ({ line: rows[x.index]!.line, item: x.item }));
      await writeEntity('accounts', lineOf(expanded.accounts), true);
      await writeEntity('contracts', lineOf(expanded.contracts), true, computedNumbers);
    };
    /**
     * The synchronous half of a batch: validation, deferral of ambiguous amounts and warnings. Its
     * row errors are returned, not reported, so a caller that overlaps this with the previous
     * batch's write can report them after that write's errors (the listed errors keep file order).
     */
    const prepare = (
      entity: Entity,
      batch: PendingItem[],
      last: boolean,
      skipped: SkippedRow[] = [],
      reading: NumberContext = numbers,
    ) => {
      const parsed = parseItems(
        entity,
        batch.map((p) => p.item),
        opts.timezone,
        last && reading.deferAmbiguous ? { ...reading, deferAmbiguous: false } : reading,
      );
      const errors: RowError[] = parsed.errors.map((e) =>
        explain({ line: batch[e.index]!.line, field: e.field, message: e.message }, batch[e.index]),
      );
      const lateErrors: RowError[] = [];
      for (const i of parsed.deferred) {
        // Settled by the file's mark once it is known, so it stores no fingerprint.
        if (deferred.length < MAX_DEFERRED) {
          const { line, item, record, leftOut } = batch[i]!;
          deferred.push({ line, item, record, leftOut });
        } else
          lateErrors.push({
            line: batch[i]!.line,
            field: null,
            message: 'amount is ambiguous; pass --locale',
          });
      }
      // Warnings in file order, skipped rows' ids included; a row stores its fingerprint only when it
      // raised no warning (a skipped row must raise none) and read no amount with the file's mark.
      const fingerprints = new Map<string, RowFingerprint>();
      // Each item's warning entry, for `commit` to forget the warnings of a row the writer refuses.
      const entries = new Int32Array(parsed.items.length);
      let s = 0;
      parsed.items.forEach((item, k) => {
        const row = batch[parsed.positions[k]!]!;
        while (s < skipped.length && skipped[s]!.line < row.line)
          warnings.seeId(skipped[s]!.key, skipped[s++]!.line);
        const flagged = warnings.inspect(item, row.line, row.item);
        entries[k] = warnings.lastEntry;
        const key = (item as { external_id?: string }).external_id;
        if (key === undefined) return;
        const mark = fingerprintMark(entity, item);
        if (flagged || mark === false || row.fingerprint === undefined) fingerprints.delete(key);
        else fingerprints.set(key, { fingerprint: row.fingerprint, decimalMark: mark });
      });
      for (; s < skipped.length; s += 1) warnings.seeId(skipped[s]!.key, skipped[s]!.line);
      return { entity, batch, parsed, fingerprints, entries, errors: [...errors, ...lateErrors] };
    };
    const commit = async ({
      entity,
      batch,
      parsed,
      errors,
      fingerprints,
      entries,
    }: ReturnType<typeof prepare>) => {
      for (const e of errors) report(e);
      stage?.expectFingerprints(fingerprints);
      const written = await writeItems(
        tx,
        entity,
        parsed.items,
        { ...opts, created: result.created },
        batchSize,
        stage,
      );
      result.inserted += written.inserted;
      result.updated += written.updated;
      result.unchanged += written.unchanged;
      recordMarks(
        storedMarks,
        parsed,
        written.errors.map((e) => e.index),
      );
      for (const e of written.errors) {
        const row = batch[parsed.positions[e.index]!]!;
        const { line } = row;
        // A refused repeat of an id: said, so "line 2's O-1 is what stands" is not left to be guessed.
        const repeated = warnings.refused(
          entries[e.index]!,
          line,
          parsed.items[e.index] as Record<string, unknown>,
        );
        const also = repeated ? `; it repeats external id ${repeated.id} of line ${repeated.line}` : '';
        const explained = explain({ line, field: e.field, message: e.message }, row);
        report({ ...explained, message: `${explained.message}${also}` });
      }
      for (const t of written.touchesBeforeLead ?? []) {
        warnings.touchBeforeLead(
          batch[parsed.positions[t.index]!]!.line,
          t.occurredAt,
          t.lead,
          t.leadCreatedAt,
        );
      }
      for (const n of written.namedLikeStored ?? [])
        warnings.nameLikeStored(batch[parsed.positions[n.index]!]!.line, n.name, n.externalId, n.stored);
      for (const n of written.repsNamedLikeStored ?? [])
        warnings.repNameLikeStored(
          batch[parsed.positions[n.index]!]!.line,
          n.name,
          n.email,
          n.stored,
          n.renamedFrom,
        );
      for (const i of written.managersStored ?? []) warnings.managerStored(batch[parsed.positions[i]!]!.line);
    };
    const writeEntity = async (
      entity: Entity,
      batch: PendingItem[],
      last: boolean,
      reading: NumberContext = numbers,
    ) => {
      await commit(prepare(entity, batch, last, [], reading));
      learnMarks();
    };
    /**
     * Splits a batch into rows to validate and rows whose stored fingerprint matches (unchanged, see
     * ImportFingerprints): those are counted and their decimal mark noted (a stored row's: evidence). A row
     * whose external id came earlier in the file is never skipped (the earlier row may be waiting in the
     * stage, or deferred to the end of the file). Rows of stored records are read without the --default
     * values that would fill them (leftOut).
     */
    const sortOut = async (rows: PendingRecord[]) => {
      const keep: PendingItem[] = [];
      const skipped: SkippedRow[] = [];
      const left = await leftOut(rows);
      // A row leftOut refuses is reported here and goes no further.
      const batch: PendingRecord[] = [];
      const leave: (ReadonlySet<string> | undefined)[] = [];
      rows.forEach((r, i) => {
        const refusal = left[i]?.refusal;
        if (refusal) report(refusal);
        else {
          batch.push(r);
          leave.push(left[i]?.leave);
        }
      });
      /** Row `i` of the batch to validate and write, with its cells and the defaults it does not take. */
      const toPending = (r: PendingRecord, i: number, fingerprint?: string): PendingItem => ({
        line: r.line,
        item: plan!.toItem(r.record, leave[i]),
        ...(fingerprint === undefined ? {} : { fingerprint }),
        record: r.record,
        leftOut: leave[i],
      });
      if (!prints || !plan || !prints.canSkip) {
        for (const [i, r] of batch.entries())
          keep.push(toPending(r, i, prints && plan ? prints.of(r.record) : undefined));
        return { keep, skipped };
      }
      const keys = batch.map((r) => plan!.cell(r.record, 'external_id')?.trim() ?? '');
      const stored = await prints.lookup(keys.filter((k) => k !== ''));
      const inBatch = new Set<string>();
      batch.forEach((r, i) => {
        const key = keys[i]!;
        const fingerprint = prints!.of(r.record);
        const found = key === '' ? undefined : stored.get(key);
        const fresh =
          key !== '' && !inBatch.has(key) && !warnings.seen(key) && !numbers.deferredKeys?.has(key);
        if (key !== '') inBatch.add(key);
        if (found?.fingerprint === fingerprint && fresh) {
          skipped.push({ line: r.line, key });
          if (found.decimalMark) {
            numbers.marks.add(found.decimalMark as DecimalMark);
            numbers.seen.add(found.decimalMark as DecimalMark);
          }
        } else keep.push(toPending(r, i, fingerprint));
      });
      result.unchanged += skipped.length;
      result.skipped += skipped.length;
      return { keep, skipped };
    };
    // The write of the previous batch, still running while the next batch is read and validated
    // (JavaScript and the database each get a core). One connection: writes stay strictly in order.
    let inflight: Promise<void> | undefined;
    const settle = async () => {
      const running = inflight;
      inflight = undefined;
      await running;
      learnMarks();
    };
    // The first batch gives the estimate of the file's rows that lets a first import take the bulk path
    // from its first row (StagedUpsert.expectRows).
    let estimated = false;
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      if (opts.entity === 'subscriptions') {
        await write(
          batch.map((r) => ({ line: r.line, item: plan!.toItem(r.record) })),
          false,
        );
        return;
      }
      if (!estimated) {
        estimated = true;
        if (stage && opts.fileBytes) stage.expectRows(estimateRows(opts.fileBytes, batch));
      }
      const { keep, skipped } = await sortOut(batch);
      const prepared = prepare(opts.entity, keep, false, skipped);
      await settle();
      const running = commit(prepared);
      // Awaited by the next flush or settle; a failure meanwhile must not count as unhandled.
      running.catch(() => {});
      inflight = running;
    };
    try {
      for await (const chunk of source.records) {
        for (const { record, line } of chunk) {
          // A blank line, or a row of only delimiters and spaces (Excel writes them): skipped, and listed.
          if (isBlankRecord(record)) {
            if (plan) {
              result.emptyRows.count += 1;
              if (result.emptyRows.lines.length < maxListed) result.emptyRows.lines.push(line);
            }
            continue;
          }
          if (!plan) {
            const snapshot = opts.entity === 'subscriptions';
            plan = planColumns(
              record,
              opts.map ?? [],
              opts.defaults ?? {},
              snapshot ? SUBSCRIPTION_FIELDS : canonicalFields(opts.entity as Entity),
              snapshot ? { ...TELCO_HEADERS, ...opts.preset } : opts.preset,
              delimiterName(source.delimiter),
            );
            result.columns = { mapped: plan.mapped, ignored: plan.ignored };
            const columns = plan;
            warnings.nameColumns((field) => columns.source(field));
            repeatsHeader = headerRepeat(record);
            if (fingerprinted && stage) {
              prints = await ImportFingerprints.open(tx, {
                entity: fingerprinted,
                header: record,
                map: opts.map ?? [],
                defaults: opts.defaults ?? {},
                preset: opts.preset ?? {},
                timezone: opts.timezone,
                decimal: opts.decimal,
                dateOrder: opts.dateOrder,
                stages: opts.stages ?? null,
              });
            }
            if (plan.ignored.length > 0) {
              const fields = snapshot ? SUBSCRIPTION_FIELDS : canonicalFields(opts.entity as Entity);
              const guesses = guessFieldColumns(plan.ignored, fields, plan.fed);
              opts.onNotice?.(ignoredColumnsNotice(plan.ignored, opts.entity, guesses));
            }
            const keys = opts.entity === 'subscriptions' ? ['external_id'] : KEY_FIELDS[opts.entity];
            if (keys.length > 0 && !keys.some((k) => plan!.fed.has(k))) {
              const guess = guessIdColumn(plan.ignored);
              keyless = `the header has no column for ${keys.join(' or ')}: this does not read as ${opts.entity}${guess ? `; did you mean --map "${guess}=${keys[0]}"?` : ' (name the id column with --map source=external_id)'}`;
              opts.onNotice?.(
                `no column feeds ${keys.join(' or ')}, so every row will be refused${guess ? `; did you mean --map "${guess}=${keys[0]}"?` : ''}`,
              );
            }
            continue;
          }
          result.rows += 1;
          if (repeatsHeader(record)) {
            // Two exports pasted together: one refusal, not an error per field.
            report({ line, field: null, message: 'repeats the header row; delete it' });
          } else {
            const problem = rowShapeProblem(record, plan.width, source.delimiter);
            if (problem) report({ line, field: null, message: problem });
            else {
              pending.push({ line, record });
              if (pending.length >= batchSize) await flush();
            }
          }
          if (opts.onProgress && result.rows % 1000 === 0) {
            const t = performance.now();
            if (
              result.rows - lastProgressRows >= (opts.progressRows ?? 50_000) ||
              t - lastProgressAt >= (opts.progressMs ?? 2_000)
            ) {
              opts.onProgress(result.rows, t - started);
              lastProgressAt = t;
              lastProgressRows = result.rows;
            }
          }
        }
      }
    } catch (err) {
      // A broken file (or a failed write) ends the import: let the running write finish first.
      await inflight?.catch(() => {});
      throw source.explain(err);
    }
    if (!plan) throw new ImportFormatError('the file is empty (no header line)');
    // A header-only file is fine (nothing new), but not one whose header could never be read as this
    // entity: that is the wrong file, not an empty export (fresh tester, LOW: it exited 0).
    if (keyless && result.rows === 0) throw new ImportFormatError(keyless);
    await flush();
    await settle();
    // Rows whose amount was ambiguous: the whole file has now shown (or not) its decimal mark. They
    // come after every other row, as their own generation.
    if (deferred.length > 0) await flushStage();
    // Their dates were counted when they were first read (every field is read before amounts are settled).
    const zoneless = dates.zoneless;
    for (let i = 0; i < deferred.length; i += BATCH_SIZE)
      await write(deferred.slice(i, i + BATCH_SIZE), true);
    dates.zoneless = zoneless;
    await flushStage(true);
    // Slash dates refused as ambiguous in a file whose other dates fit one order only: name that order.
    // Or whose dates show both orders in different rows: said once, naming a line of each.
    const advice = mixedDateOrders(dates, orderLines, result.errors) ?? dateOrderAdvice(dates);
    if (advice) opts.onNotice?.(advice);
    if (result.invalidRows > 0 && !opts.skipInvalid) throw new Rollback();
    // Only about rows written: none when the file is rejected, and never a row refused under --skip-invalid.
    result.defaultsNotUsed = storedRecords?.notUsed(opts.defaults ?? {}, (line) => badLines.has(line)) ?? [];
    if (touchesContractsLeftOut(opts.entity)) result.contractsLeftOut = await countContractsLeftOut(tx);
    // After the write, so a teams file's own zones count.
    result.zonelessDates = await zonelessDates(tx, dates.zoneless, opts.timezone);
    if (result.inserted + result.updated + result.unchanged > 0) {
      const entities = opts.entity === 'subscriptions' ? ['accounts', 'contracts'] : [opts.entity];
      await recordArrival(tx, 'csv', entities, opts.now);
    }
  };

  try {
    await db.transaction((tx) => run(tx as unknown as Db));
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    result.errors.sort((a, b) => a.line - b.line);
    return {
      ...result,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      created: emptyCreated(),
      contractsLeftOut: 0,
      zonelessDates: null,
      demoReplaced: result.demoReplaced === 'removed' ? 'kept' : null,
      rejected: true,
      warnings: warnings.list(),
    };
  }
  await bumpDataVersion(db);
  // Only when rows were stored: a file whose every row was refused imported no close date.
  if (result.inserted + result.updated + result.unchanged > 0)
    result.openCloseStages = [...openCloseStages].sort((a, b) => a.localeCompare(b));
  result.errors.sort((a, b) => a.line - b.line);
  result.warnings = warnings.list();
  return result;
}

/**
 * Rows a file of `fileBytes` bytes holds, estimated from its first batch: the bytes over the average
 * length of a row (cells, one delimiter after each, the line break counted as one; characters, not
 * bytes, and no quotes, so a little high for files with quoted cells or non-ASCII text).
 */
function estimateRows(fileBytes: number, batch: PendingRecord[]): number {
  let chars = 0;
  for (const { record } of batch) {
    chars += record.length;
    for (const cell of record) chars += cell.length;
  }
  return chars === 0 ? 0 : Math.round((fileBytes * batch.length) / chars);
}

/**
 * A test for a row that is the header again (cell by cell, spaces around ignored, case ignored: header
 * names are read case-insensitively, so a repeat may read `External_ID` for `external_id`).
 */
function headerRepeat(header: string[]): (record: string[]) => boolean {
  const key = (s: string | undefined) => s?.trim().toLowerCase();
  const first = key(header[0]);
  // Every row comes here: when the header's first name is printable ASCII, a first cell of another
  // trimmed length cannot read as it (lowercasing keeps the length of any character whose result is
  // ASCII), so most rows are told apart without a lowercased copy of their cell.
  const ascii = first !== undefined && /^[ -~]*$/.test(first);
  return (record) => {
    if (record.length !== header.length) return false;
    if (ascii && record[0]!.trim().length !== first.length) return false;
    if (key(record[0]) !== first) return false;
    return record.every((cell, i) => key(cell) === key(header[i]));
  };
}

/**
 * The decimal mark a row's amounts showed (null: none), or false when one was read with the file's
 * mark (ambiguous, settled by other rows): such a row's reading depends on the file, so it stores no
 * fingerprint.
 */
function fingerprintMark(entity: Entity, item: Record<string, unknown>): string | null | false {
  let mark: string | null = null;
  for (const f of MONEY_FIELDS[entity] ?? []) {
    const m = item[f] as MoneyValue | null | undefined;
    if (!m) continue;
    if (m.reading.kind !== 'exact') return false;
    if (m.reading.mark) mark = m.reading.mark;
  }
  return mark;
}

/**
 * The notice for columns that feed no field, in the style of the other lines before the summary (lowercase,
 * no prefix): `ignoring 1 column that is not a leads field: extra (use --map source=canonical to read it)`.
 */
function ignoredColumnsNotice(ignored: string[], entity: string, guesses: [string, string][]): string {
  const what =
    ignored.length === 1
      ? `1 column that is not ${entityField(entity)}`
      : `${ignored.length.toLocaleString('en-US')} columns that are not ${entity} fields`;
  if (guesses.length > 0) {
    const maps = guesses.map(([column, field]) => `--map "${column}=${field}"`).join(' ');
    return `ignoring ${what}: ${ignored.join(', ')} (did you mean ${maps}?)`;
  }
  return `ignoring ${what}: ${ignored.join(', ')} (use --map source=canonical to read ${ignored.length === 1 ? 'it' : 'one'})`;
}
