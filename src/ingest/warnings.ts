import { fold, withoutFormatChars } from '../core/fold.js';
import { minorDigits } from '../money/currencies.js';
import { formatLocalDate, formatLocalTime } from '../time/format.js';
import { offsetText } from '../time/wall-clock.js';
import { FirstLines } from './first-lines.js';
import { outcomeFromStage, type StageRules } from './outcome.js';
import { type Entity, type MoneyValue, NAME_FIELDS, OWNER_NAME_FIELDS } from './schemas.js';

/** One suspicious item of an ingest request: its position in its batch, the kind and what to do. */
export interface ItemWarning {
  index: number;
  kind: WarningKind;
  message: string;
  /** Set when a multi-entity batch was written. */
  entity?: Entity;
}

/** One kind of suspicious row, counted over the whole file, with the first few line numbers. */
export interface ImportWarning {
  kind: WarningKind;
  count: number;
  /** First line numbers (header = line 1), at most FIRST_LINES. */
  lines: number[];
  /** What the first occurrence looked like, and what to do about it. */
  detail: string;
}

/**
 * Every warning kind, and what it is about. `row`: one row's own values, where only the row that is stored
 * counts: a row whose external id (or, for an account without one, folded name) comes again further down is
 * replaced by that later row, so its warnings of these kinds are dropped (ROW_KINDS). `rows`: two rows at
 * once (a repeated id, a repeated person, a look-alike account name, a touch and its lead).
 */
const KIND_SCOPES = {
  'duplicate id': 'rows',
  'close before create': 'row',
  'won amount not positive': 'row',
  'won amount missing': 'row',
  'amount negative': 'row',
  'closed but stage reads open': 'row',
  'closed but outcome open': 'row',
  'outcome contradicts stage': 'row',
  'adds nothing to ARR': 'row',
  'date in the future': 'row',
  'qualified before create': 'row',
  'invisible characters removed': 'row',
  'name like another account': 'rows',
  'person on several rows': 'rows',
  'touch before lead created': 'rows',
  'churn before customer': 'row',
  'name like a stored account': 'rows',
  'name looks HTML-escaped': 'row',
  'opened before sent': 'row',
  'amount read as decimals': 'row',
  'placeholder team': 'row',
  'placeholder owner': 'row',
  'placeholder manager': 'row',
  'manager role without is_manager': 'row',
  'is_manager with rep role': 'row',
  'name like another rep': 'rows',
  'name like a stored rep': 'rows',
} as const satisfies Record<string, 'row' | 'rows'>;
export type WarningKind = keyof typeof KIND_SCOPES;
/** Every warning kind, in a fixed order (the API schema's enum; bits of a row's mask). */
export const WARNING_KINDS = Object.keys(KIND_SCOPES) as [WarningKind, ...WarningKind[]];

/** The kinds about one row's own values (see KIND_SCOPES). */
const ROW_KINDS: ReadonlySet<WarningKind> = new Set(WARNING_KINDS.filter((k) => KIND_SCOPES[k] === 'row'));

/**
 * A row kind's bit in a row's mask (its place in ROW_KINDS). The masks are a Uint32Array (17 row kinds
 * outgrew 16 bits), so 32 row kinds is the most it holds: one more needs a wider mask (rowMasks), or the
 * bits would be lost silently.
 */
const KIND_BIT = new Map([...ROW_KINDS].map((k, i) => [k, 1 << i]));
if (ROW_KINDS.size > 32) throw new Error('row warning kinds outgrew the Uint32 row masks (see KIND_BIT)');

const FIRST_LINES = 5;

/**
 * At most this many rows of a kind that quotes its values (`quoting`) keep their value: the first FIRST_LINES,
 * then the first row of each other value. Placeholders are a short list, so it is rarely reached.
 */
const MAX_QUOTED_ROWS = FIRST_LINES + 100;

/** At most this many distinct values are quoted in a summary; the rest are counted ("and 3 more"). */
const QUOTED_LISTED = 10;

/** The money fields that hold a whole deal's or contract's value (see checkReadAsDecimals). */
const TOTAL_FIELDS: Partial<Record<Entity, string[]>> = {
  opportunities: ['amount'],
  contracts: ['total_value'],
};

/**
 * Repeated keys whose replaced rows are remembered (for a refused later row to hand the key back): about
 * 200 bytes each, so at most ~10 MB; past it a replaced row's warnings are dropped as before.
 */
const MAX_TRACKED_REPEATS = 50_000;

/**
 * Timestamps of events that must have happened by the time they are written, per entity. Not dates
 * that may lie ahead: an open deal's expected close, contract terms, a team change or churn planned,
 * a meeting booked for later. A deal's closed_at counts only once it is won or lost (see inspect).
 */
const EVENT_FIELDS: Partial<Record<Entity, string[]>> = {
  leads: ['created_at', 'qualified_at', 'converted_at', 'disqualified_at'],
  activities: ['occurred_at', 'email_opened_at', 'email_replied_at', 'meeting_held_at'],
  opportunities: ['created_at'],
};

/**
 * How far past "now" an event may be before it reads as in the future: a day, for clock skew and
 * for dates without a zone read in DEFAULT_TIMEZONE while the source wrote them in a zone ahead of it.
 */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * Collects warnings while a file streams by. Keeps one table of id hash → line for duplicate detection
 * (FirstLines); everything else is a counter and five line numbers per kind.
 */
export class WarningLog {
  private readonly byKind = new Map<WarningKind, ImportWarning>();
  /** External id (as its 53-bit hash) → its first line: ~24 bytes per id, flat for a 1M-row file. */
  private readonly firstLineOf = new FirstLines();

  /**
   * Accounts: each folded name (fold()) → the first line it was on, and each folded name with an
   * external id, to tell a look-alike under another id from the same account again (hashes, as above).
   */
  private accountNames: FirstLines | undefined;
  private accountNameIds: FirstLines | undefined;

  /**
   * Reps: each email (lower case) a row gave → its first line, so that a look-alike the writer finds
   * (repNameLikeStored) is named by the row of this file that gave it, when one did. A Map, not hashes: a
   * reps file lists people, not millions of rows.
   */
  private repEmails: Map<string, number> | undefined;

  /**
   * `audience`: 'file' counts lines and names CLI options; 'request' lists every item (0-based
   * index) and names the request's fields. `now`: event timestamps later than it (plus
   * FUTURE_TOLERANCE_MS) are counted as dates in the future; without it they are not looked at. `zone`: the
   * IANA zone the input's zone-less times were read in; warnings name dates as that zone reads them.
   */
  constructor(
    private readonly entity: Entity,
    private readonly stages: StageRules = {},
    private readonly audience: 'file' | 'request' = 'file',
    now?: Date,
    private readonly zone = 'UTC',
  ) {
    this.latest = now ? now.getTime() + FUTURE_TOLERANCE_MS : undefined;
  }

  /** The file's column(s) a field is read from when they are named otherwise (see nameColumns). */
  private columnOf: ((field: string) => string | undefined) | undefined;

  /**
   * How a file names its fields: `columnOf(field)` is the column (or "A or B") a field is read from when
   * it is not named as the field (a --map, a preset), else undefined. Warnings about one cell then name the
   * column as row errors do: `Deal Value (amount) "1.200" …`.
   */
  nameColumns(columnOf: (field: string) => string | undefined): void {
    this.columnOf = columnOf;
  }

  /** A field as a warning names it: `Deal Value (amount)` when read from a column named otherwise. */
  private fieldName(field: string): string {
    const column = this.columnOf?.(field);
    return column ? `${column} (${field})` : field;
  }

  /** A date as the import's zone reads it (ISO "YYYY-MM-DD"): the day the source wrote, not UTC's. */
  private day(d: Date): string {
    return formatLocalDate(d, this.zone);
  }

  /**
   * An instant as the import's zone reads it, to the minute, with that zone's offset then:
   * `2026-04-02T09:00+02:00`, or `2026-01-05T09:50Z` in UTC; the time a file without offsets wrote.
   */
  private at(d: Date): string {
    const offset = offsetText(d.getTime(), this.zone);
    return `${this.day(d)}T${formatLocalTime(d, this.zone)}${offset === '+00:00' ? 'Z' : offset}`;
  }

  /**
   * True when `early` is its day's first minute (a date without a time, as CRMs export close dates) and
   * `late` is on that same day: a date-only value is the whole day, so it is not before a time on it.
   */
  private sameDayDate(early: Date, late: Date): boolean {
    return formatLocalTime(early, this.zone) === '00:00' && this.day(early) === this.day(late);
  }

  /** Two instants: as dates when on different days, to the minute on one day (`at`). */
  private pair(a: Date, b: Date): [string, string] {
    return this.day(a) === this.day(b) ? [this.at(a), this.at(b)] : [this.day(a), this.day(b)];
  }

  /** The latest instant an event may carry (now plus the tolerance), in epoch ms. */
  private readonly latest: number | undefined;

  /** Warnings added so far (every occurrence), so `inspect` can tell whether an item raised one. */
  private added = 0;

  /**
   * `value`: for a kind whose detail quotes what the row held (`quoting`), the value as typed, kept as the row's
   * detail, so the summary can quote every row's own value (rowWarningList) rather than the first row's.
   */
  private add(kind: WarningKind, line: number, detail: () => string, value?: string): void {
    this.added += 1;
    if (!this.kindOrder.includes(kind)) this.kindOrder.push(kind);
    if (this.audience === 'request') this.allItems.push({ index: line, kind, message: detail() });
    if (ROW_KINDS.has(kind)) {
      // Counted at the end from the rows left stored (rowWarningList); a detail is kept only while it may be shown.
      const row = this.currentRowAt(line);
      this.rowMasks[row]! |= KIND_BIT.get(kind)!;
      const kept = this.details.get(kind) ?? new Map<number, string>();
      if (kept.size === 0) this.details.set(kind, kept);
      // A quoting kind also keeps the first row of each further value (up to MAX_QUOTED_ROWS), so the summary
      // quotes every distinct value, not only the first FIRST_LINES rows' (tester: TBD on line 7 went unsaid).
      if (
        kept.size < FIRST_LINES ||
        (value !== undefined && kept.size < MAX_QUOTED_ROWS && !includesValue(kept, value))
      )
        kept.set(row, value ?? detail());
      return;
    }
    const w = this.byKind.get(kind);
    if (w) {
      w.count += 1;
      if (w.lines.length < FIRST_LINES) w.lines.push(line);
    } else this.byKind.set(kind, { kind, count: 1, lines: [line], detail: detail() });
  }

  /**
   * Sets aside the ROW_KINDS warnings of the row stored under `key` so far: the later row at `line` with the
   * same key replaces it (field by field; a file's rows all carry the same columns, so every value is the
   * later row's). `first` is the key's first line. The replaced row is remembered (`repeats`), so that if the
   * writer refuses the later row, the one it replaced is the stored one again (`refused`).
   */
  private replaceRow(key: string, first: number, line: number): void {
    const mark = this.firstLineOf.mark(key);
    let repeat = this.repeats.get(key);
    if (!repeat && this.repeats.size >= MAX_TRACKED_REPEATS) {
      // A file repeating more keys than this (two exports pasted together) keeps memory flat: the replaced
      // row's warnings are dropped for good, as if the later row is stored.
      if (mark === 0) return;
      this.firstLineOf.setMark(key, 0);
      if (this.audience === 'request') this.replacedLines.add(this.rowLines[mark - 1]!);
      this.forgetRow(mark - 1);
      return;
    }
    if (!repeat) {
      repeat = { current: { line: first, entry: -1 }, earlier: [] };
      this.repeats.set(key, repeat);
      this.repeatKeyOf.set(first, key);
    }
    repeat.earlier.push({ line: repeat.current.line, entry: mark - 1 });
    repeat.current = { line, entry: -1 };
    this.repeatKeyOf.set(line, key);
    if (mark === 0) return;
    const row = mark - 1;
    this.firstLineOf.setMark(key, 0);
    if (this.audience === 'request') this.replacedLines.add(this.rowLines[row]!);
    this.shelve(row);
  }

  /** Drops a row's warnings for good (its mask and kept details). */
  private forgetRow(row: number): void {
    this.rowMasks[row] = 0;
    for (const kept of this.details.values()) kept.delete(row);
  }

  /** Moves a row's warnings out of the count (its mask and kept details), to be put back by `unshelve`. */
  private shelve(row: number): void {
    const details = new Map<WarningKind, string>();
    for (const [kind, kept] of this.details) {
      const d = kept.get(row);
      if (d !== undefined) details.set(kind, d);
      kept.delete(row);
    }
    this.shelved.set(row, { mask: this.rowMasks[row]!, details });
    this.rowMasks[row] = 0;
  }

  private unshelve(row: number): void {
    const saved = this.shelved.get(row);
    if (!saved) return;
    this.shelved.delete(row);
    this.rowMasks[row] = saved.mask;
    for (const [kind, d] of saved.details) {
      const kept = this.details.get(kind) ?? new Map<number, string>();
      this.details.set(kind, kept);
      kept.set(row, d);
    }
  }

  /**
   * Keys that came on several rows: the row stored so far (`current`: its line and row-table entry, -1 while
   * it raised no own warning) and the earlier rows it replaced, latest last. Only for repeated keys (rare).
   */
  private readonly repeats = new Map<
    string,
    { current: { line: number; entry: number }; earlier: { line: number; entry: number }[] }
  >();
  /**
   * Repeated keys (a request's all, a file's those in `repeats`): what the duplicate-id message names (`what`,
   * `pair`: see duplicateDetail), so each repeating item's message can name every item of its key at the end
   * (`items`), and a file's detail can move to another key once refused rows leave it first (`settleDuplicates`).
   */
  private readonly repeatWords = new Map<
    string,
    { what: string; pair: (first: number, line: number) => string }
  >();
  /** Line → key, for the lines of a repeated key. */
  private readonly repeatKeyOf = new Map<number, string>();
  /** Row-table entries set aside by a later row with the same key: their mask and kept details. */
  private readonly shelved = new Map<number, { mask: number; details: Map<WarningKind, string> }>();
  /**
   * The key the duplicate-id detail is about (the file's first repeated one), what it names (`external id
   * O-1 is`), its lines so far (the first FIRST_LINES) and its last line and count of lines: a third row
   * with that key makes the detail name every line and the last, which wins. Undefined once the detail was
   * made general (a refused row of that key).
   */
  private duplicateDetail:
    | {
        key: string;
        what: string;
        lines: number[];
        last: number;
        count: number;
        /** The detail for the key on two rows (the first, and the one that wins). */
        pair: (first: number, line: number) => string;
      }
    | undefined;

  /** The row table's entry of the row being looked at (inspect), made on its first ROW_KINDS warning. */
  private currentRowAt(line: number): number {
    if (this.currentRow >= 0) return this.currentRow;
    const row = this.rowCount++;
    if (row === this.rowLines.length) {
      const grow = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.rowLines = grow(this.rowLines, (n) => new Float64Array(n));
      this.rowMasks = grow(this.rowMasks, (n) => new Uint32Array(n));
      this.rowStages = grow(this.rowStages, (n) => new Int32Array(n));
    }
    this.rowLines[row] = line;
    this.rowMasks[row] = 0;
    this.rowStages[row] = -1;
    // Its key (already recorded by seeId/seeName) remembers the entry, for a later row that replaces it.
    if (this.rowKey !== undefined) this.firstLineOf.setMark(this.rowKey, row + 1);
    this.currentRow = row;
    return row;
  }

  /**
   * Counts an outbound activity written with `occurred_at` before its lead's `created_at` (found by the
   * writer, which reads the lead: see TouchBeforeLead); `line` is its line, or its item index in a request.
   */
  touchBeforeLead(line: number, occurredAt: Date, lead: string, leadCreatedAt: Date): void {
    this.add(
      'touch before lead created',
      line,
      () =>
        `occurred_at ${this.at(occurredAt)} is before lead ${lead}'s created_at ${this.at(leadCreatedAt)} (stored as given; its response time counts as 0 s)`,
    );
  }

  /** True when an item with external id `id` has been looked at (inspect or seeId). */
  seen(id: string): boolean {
    return this.firstLineOf.first(id) !== undefined;
  }

  /**
   * Records the external id of a row that needs no other look (an import skipped it as unchanged: it
   * raised no warning when it was written); true when it is a duplicate (which is then counted).
   */
  seeId(id: string, line: number): boolean {
    if (id === '') return false;
    const first = this.firstLineOf.firstOrAdd(id, line);
    if (first === undefined) return false;
    // The later row is the one stored: the earlier one's own warnings (if any) no longer count.
    this.replaceRow(id, first, line);
    this.duplicateId(id, first, line);
    return true;
  }

  private duplicateId(id: string, first: number, line: number): void {
    this.duplicate(id, `external id ${id} is`, first, line, (first, line) =>
      this.audience === 'request'
        ? `external id ${id} is item ${first} and again item ${line}: the later item (${line}) wins, field by field`
        : `external id ${id} is on line ${first} and again on line ${line}: the later row (line ${line}) wins, field by field`,
    );
  }

  /**
   * Counts a row whose `key` (an external id, or an account's folded name) an earlier row at `first` had;
   * `pair` says so for these two rows. The detail is about the file's first repeated key: when that key comes
   * a third time (or more), it names all its lines and the last, the row that wins (`what` starts it).
   */
  private duplicate(
    key: string,
    what: string,
    first: number,
    line: number,
    pair: (first: number, line: number) => string,
  ): void {
    if (!this.byKind.has('duplicate id'))
      this.duplicateDetail = { key, what, lines: [first, line], last: line, count: 2, pair };
    if ((this.audience === 'request' || this.repeats.has(key)) && !this.repeatWords.has(key))
      this.repeatWords.set(key, { what, pair });
    this.add('duplicate id', line, () => pair(first, line));
    const d = this.duplicateDetail;
    if (d?.key !== key || d.last === line) return;
    d.count += 1;
    d.last = line;
    if (d.lines.length < FIRST_LINES) d.lines.push(line);
    this.byKind.get('duplicate id')!.detail = this.manyLinesDetail(d);
  }

  /** The duplicate-id detail for a key on three or more rows: every line (the first few) and the last. */
  private manyLinesDetail(d: {
    what: string;
    lines: readonly number[];
    last: number;
    count: number;
  }): string {
    const listed = d.lines.includes(d.last)
      ? d.lines.join(', ')
      : `${d.lines.join(', ')}, ${d.count > d.lines.length + 1 ? '…, ' : ''}${d.last}`;
    return this.audience === 'request'
      ? `${d.what} on ${d.count} items (${listed}): the last, item ${d.last}, wins, field by field`
      : `${d.what} on ${d.count} lines (${listed}): the last, line ${d.last}, wins, field by field`;
  }

  /** The duplicate-id detail for a key's rows `left` (two or more): the pair, else every line and the last. */
  private keyDetail(
    words: { what: string; pair: (first: number, line: number) => string },
    left: readonly number[],
  ): string {
    if (left.length === 2) return words.pair(left[0]!, left[1]!);
    return this.manyLinesDetail({
      what: words.what,
      lines: left.slice(0, FIRST_LINES),
      last: left[left.length - 1]!,
      count: left.length,
    });
  }

  /**
   * An accounts row without an external id is keyed by its name, read folded (case, accents): a later row
   * whose name folds the same is merged into it like a repeated id, and counted as one (so the summary's
   * parts add up to the rows read).
   */
  private seeName(name: string, line: number): void {
    const key = `\u0000name\u0000${fold(name)}`;
    this.rowKey = key;
    const first = this.firstLineOf.firstOrAdd(key, line);
    if (first === undefined) return;
    this.replaceRow(key, first, line);
    this.duplicate(
      key,
      `account name "${name}" (no external id) names one account`,
      first,
      line,
      (first, line) =>
        this.audience === 'request'
          ? `account name "${name}" (no external id) names the account of item ${first} again: the later item (${line}) wins, field by field`
          : `account name "${name}" (no external id) names the account of line ${first} again: the later row (line ${line}) wins, field by field`,
    );
  }

  /**
   * A reps row naming a person (by email, else by name folded) that an earlier row named: both rows are
   * applied in order, so a different team on the later one is a team move, dated by its `team_since` or,
   * without one, today. Said, so a duplicated row does not pass as a move unnoticed.
   */
  private seePerson(item: Record<string, unknown>, line: number): void {
    const email = typeof item.email === 'string' && item.email !== '' ? item.email.toLowerCase() : null;
    const name = typeof item.name === 'string' ? fold(item.name) : '';
    const key = email ? `\u0000email\u0000${email}` : `\u0000person\u0000${name}`;
    if (!email && name === '') return;
    const first = this.firstLineOf.firstOrAdd(key, line);
    if (first === undefined) return;
    const who = email ?? `"${String(item.name)}"`;
    const where =
      this.audience === 'request'
        ? `item ${first} and again item ${line}`
        : `line ${first} and again on line ${line}`;
    this.add(
      'person on several rows',
      line,
      () =>
        `${who} is on ${where}: both are applied in order, so a different team on the later one is a team move${item.team_since ? '' : ' dated today (give team_since to date it, or delete the repeated row)'}`,
    );
  }

  /**
   * Looks at one valid parsed item (canonical fields) from `line`, and at its `raw` input (the CSV
   * row or JSON item it was read from) for names that lost format characters; true when it raised a
   * warning.
   */
  inspect(item: Record<string, unknown>, line: number, raw?: unknown): boolean {
    // Called once per row of a file: the messages are built only for rows that raise a warning (in the
    // methods below), so a clean row allocates no closure or list here.
    const id = item.external_id;
    const before = this.added;
    this.rowKey = typeof id === 'string' && id !== '' ? id : undefined;
    this.currentRow = -1;
    if (typeof id === 'string') {
      // A later row with the same id replaces the earlier one when stored (seeId forgets the earlier one).
      this.seeId(id, line);
    } else if (this.entity === 'accounts' && typeof item.name === 'string') this.seeName(item.name, line);
    if (this.entity === 'reps') this.seePerson(item, line);
    if (this.entity === 'reps') this.checkPlaceholderTeam(item, line, raw);
    if (this.entity === 'reps') this.checkPlaceholderManager(item, line, raw);
    if (this.entity === 'reps') this.seeManagerName(item);
    if (this.entity === 'reps') this.checkManagerFlag(item, line);
    if (this.entity === 'reps') this.seeRepEmail(item, line);
    this.checkPlaceholderOwner(item, line, raw);
    this.checkNames(item, line, raw);
    this.checkEscapedNames(item, line);
    if (this.entity === 'accounts') this.checkLookAlike(item, line);
    if (this.entity === 'accounts') this.checkChurnBeforeCustomer(item, line);
    const created = item.created_at as Date | null | undefined;
    const closedField =
      this.entity === 'opportunities' ? 'closed_at' : this.entity === 'leads' ? 'converted_at' : null;
    const closed = closedField ? (item[closedField] as Date | null | undefined) : undefined;
    if (created && closed && closed < created && !this.sameDayDate(closed, created))
      this.closeBeforeCreate(line, closedField!, closed, created);
    const qualified = this.entity === 'leads' ? (item.qualified_at as Date | null | undefined) : undefined;
    if (created && qualified && qualified < created && !this.sameDayDate(qualified, created))
      this.qualifiedBeforeCreate(line, qualified, created);
    const stage = item.stage as string | null | undefined;
    const outcome =
      this.entity !== 'opportunities'
        ? undefined
        : ((item.outcome as string | null | undefined) ??
          (stage !== undefined ? outcomeFromStage(stage, this.stages) : undefined));
    this.checkFuture(item, line, outcome === 'won' || outcome === 'lost');
    this.checkReadAsDecimals(item, line);
    if (this.entity === 'contracts') this.checkAddsToArr(item, line);
    if (this.entity === 'activities' && item.kind === 'email') this.checkOpenedBeforeSent(item, line);
    if (this.entity !== 'opportunities') return this.added > before;
    const amount = item.amount as MoneyValue | null | undefined;
    const minor = item.amount_minor as number | null | undefined;
    if (outcome === 'won' && notPositive(amount, minor)) this.wonNotPositive(line, amount, minor);
    else if (negative(amount, minor)) this.amountNegative(line, outcome, amount, minor);
    else if (outcome === 'won' && emptied(amount, minor)) this.wonAmountMissing(line);
    if (item.outcome == null && typeof stage === 'string' && outcome === 'open' && closed)
      this.closedButOpen(line, stage);
    if (item.outcome === 'open' && closed) this.closedButOutcomeOpen(line, closed);
    if (
      (item.outcome === 'won' || item.outcome === 'lost' || item.outcome === 'open') &&
      typeof stage === 'string'
    )
      this.checkOutcomeAgainstStage(line, item.outcome, stage);
    return this.added > before;
  }

  /**
   * Counts a deal whose `outcome` says won and whose stage reads as lost (`Closed Lost`), or the other way
   * round, or whose outcome says open while its stage reads as won or lost (helper-177 #8: `Closed Won`
   * with `open` went unremarked): the outcome is what counts (win rate, revenue), so a row that says both
   * is probably wrong in one of them. A stage that reads as open says nothing either way.
   */
  private checkOutcomeAgainstStage(line: number, outcome: 'won' | 'lost' | 'open', stage: string): void {
    const read = outcomeFromStage(stage, this.stages);
    if (read === 'open' || read === outcome) return;
    this.add(
      'outcome contradicts stage',
      line,
      () =>
        `outcome "${outcome}" but stage "${stage}" reads as ${read} (stored as given: the outcome counts, so the deal counts as ${outcome}); fix whichever of the two is wrong in the source`,
    );
  }

  /**
   * Counts a contract whose ARR is nothing (stored NULL: counted among the active contracts, adding no
   * money): neither licenses × revenue_per_license nor a total_value, or a total_value over zero contract
   * years (no contract_years, and dates on the same contract day: tally_contract_years, migration 0043).
   * Read from the row as sent. A total_value left out of the row is not judged: an update that leaves it
   * out keeps the stored one (an empty cell or `null` is given as nothing, and judged).
   */
  private checkAddsToArr(item: Record<string, unknown>, line: number): void {
    if (item.licenses != null && item.revenue_per_license != null) return;
    if (!('total_value' in item) || item.total_value === undefined) return;
    if (item.total_value === null) {
      this.add(
        'adds nothing to ARR',
        line,
        () =>
          'no total_value, and no licenses with revenue_per_license: it counts as an active contract that adds nothing to ARR (stored as given); give total_value, or licenses and revenue_per_license',
      );
      return;
    }
    const starts = item.starts_at;
    const ends = item.ends_at;
    if (item.contract_years != null || !(starts instanceof Date) || !(ends instanceof Date)) return;
    if (contractDay(starts) !== contractDay(ends)) return;
    this.add(
      'adds nothing to ARR',
      line,
      () =>
        `starts_at ${this.at(starts)} and ends_at ${this.at(ends)} are on the same day, so its total_value runs over zero contract years: it counts as an active contract that adds nothing to ARR (stored as given); give contract_years, or the contract's real dates`,
    );
  }

  /**
   * Counts an email whose `email_opened_at` or `email_replied_at` is before its `occurred_at` (when it was
   * sent): a clock or time-zone slip in the source. Stored as given, so it counts as opened (or replied) in
   * the email metrics.
   */
  private checkOpenedBeforeSent(item: Record<string, unknown>, line: number): void {
    const sent = item.occurred_at;
    if (!(sent instanceof Date)) return;
    const early = (['email_opened_at', 'email_replied_at'] as const).filter((f) => {
      const at = item[f];
      return at instanceof Date && at < sent;
    });
    if (early.length === 0) return;
    this.add('opened before sent', line, () => {
      const said = early.map((f) => `${f} ${this.at(item[f] as Date)}`).join(' and ');
      return `${said} ${early.length > 1 ? 'are' : 'is'} before occurred_at ${this.at(sent)}, when the email was sent (stored as given: it counts as ${early.length > 1 ? 'opened and replied' : early[0] === 'email_opened_at' ? 'opened' : 'replied'}); check the source's clocks and time zones`;
    });
  }

  private closeBeforeCreate(line: number, closedField: string, closed: Date, created: Date): void {
    this.add('close before create', line, () => {
      const [c, d] = this.pair(closed, created);
      return `${closedField} ${c} is before created_at ${d} (stored as given; the cycle counts as 0 days)`;
    });
  }

  /**
   * Counts an account whose `churned_at` is before its `became_customer_at` (both in the row as sent): the
   * metrics read it as a customer for no time at all (customer counts and retention leave it out), while
   * ARR still counts its active contracts, so the two disagree. Stored as given, like close before create.
   */
  private checkChurnBeforeCustomer(item: Record<string, unknown>, line: number): void {
    const became = item.became_customer_at;
    const churned = item.churned_at;
    if (!(became instanceof Date) || !(churned instanceof Date) || churned >= became) return;
    // On one day, the times tell them apart.
    const [c, b] = this.pair(churned, became);
    this.add(
      'churn before customer',
      line,
      () =>
        `churned_at ${c} is before became_customer_at ${b} (stored as given: it counts as a customer for no time, so retention and customer counts leave it out while ARR still counts its contracts); fix whichever date is wrong in the source`,
    );
  }

  private qualifiedBeforeCreate(line: number, qualified: Date, created: Date): void {
    this.add('qualified before create', line, () => {
      const [q, c] = this.pair(qualified, created);
      return `qualified_at ${q} is before created_at ${c} (stored as given)`;
    });
  }

  private wonNotPositive(
    line: number,
    amount: MoneyValue | null | undefined,
    minor: number | null | undefined,
  ) {
    this.add(
      'won amount not positive',
      line,
      () => `a won deal with amount ${amount?.reading.text ?? minor}`,
    );
  }

  /**
   * A won deal whose amount is given empty (an empty or blank cell, JSON null): stored without an amount, it
   * counts as a win (win rate) but is left out of average deal size and adds nothing to revenue.
   */
  private wonAmountMissing(line: number) {
    this.add(
      'won amount missing',
      line,
      () =>
        'a won deal with no amount (stored as given: it counts as a win, but is left out of average deal size and adds nothing to revenue); give its amount in the source',
    );
  }

  /**
   * Counts an amount that reads two ways ("1.200": 1.2 or 1200) and was settled, by how the file's (or
   * request's) other amounts write numbers or by the row's own, as 1.2: three decimals, where its currency
   * has two or none. A deal of €1.20 is rarely meant; it is what a row from another locale ("1.200" for
   * a thousand two hundred, in a file whose "$1,200.50" shows "." as the decimal mark) reads as (helper-169).
   * Only a whole deal's or contract's value (TOTAL_FIELDS): a price per license of 4.20 is common. A currency
   * with three minor digits (KWD, BHD) is not counted; an amount read under --locale / --decimal or the
   * request's "locale" is exact, never ambiguous, so it is not counted either.
   */
  private checkReadAsDecimals(item: Record<string, unknown>, line: number): void {
    for (const field of TOTAL_FIELDS[this.entity] ?? []) {
      const m = item[field] as MoneyValue | null | undefined;
      const r = m?.reading;
      if (r?.kind !== 'ambiguous' || m?.value !== r.asDecimal) continue;
      const currency = r.currency ?? (typeof item.currency === 'string' ? item.currency : 'USD');
      if (minorDigits(currency) >= 3) continue;
      const fraction = r.asDecimal.fraction.replace(/0+$/, '') || '0';
      const [decimal, group] = [`${r.asDecimal.whole}.${fraction}`, r.asGroup.whole];
      this.add(
        'amount read as decimals',
        line,
        () =>
          `${this.fieldName(field)} "${r.text}" read as ${decimal} ${currency}, with "${r.separator}" as the decimal mark, as the ${this.audience}'s other amounts write it; if it means ${group}, the ${this.audience === 'file' ? 'row' : 'item'} writes numbers another way: give it as ${group}`,
      );
    }
  }

  /** A lost or open deal (or one of no known outcome) with an amount below zero. */
  private amountNegative(
    line: number,
    outcome: string | undefined,
    amount: MoneyValue | null | undefined,
    minor: number | null | undefined,
  ) {
    const deal = outcome === 'lost' ? 'a lost deal' : outcome === 'open' ? 'an open deal' : 'a deal';
    this.add('amount negative', line, () => `${deal} with amount ${amount?.reading.text ?? minor}`);
  }

  /**
   * The rows that raised a ROW_KINDS warning, in the order they were looked at (a row table in typed arrays:
   * 16 bytes a row, nothing for the garbage collector to trace): line, the kinds raised (bits of KIND_BIT; 0
   * once a later row with the same key replaced it: replaceRow), and a closed-but-open row's stage (an index
   * into stageNames, else -1). A row's key (external id; an account without one: its folded name) finds its
   * entry through firstLineOf's mark (entry + 1). The warnings are derived from this at the end
   * (rowWarningList), so they count only stored rows, list their first lines and show a stored row's detail.
   */
  private rowLines = new Float64Array(64);
  private rowMasks = new Uint32Array(64);
  private rowStages = new Int32Array(64);
  private rowCount = 0;
  /** The entry of the row being looked at, once it raised a ROW_KINDS warning; else -1. */
  private currentRow = -1;
  private readonly stageNames: string[] = [];
  private readonly stageIndex = new Map<string, number>();

  /** The key of the row being looked at (see the row table); undefined for a row without one. */
  private rowKey: string | undefined;

  /** Per ROW_KINDS kind: entry → detail, for at most FIRST_LINES stored rows (the first that raised it). */
  private readonly details = new Map<WarningKind, Map<number, string>>();

  /**
   * The kinds whose rows' details are the values they held (`add`'s `value`: a placeholder "N/A", "TBD"), with
   * the sentence that quotes them, one or several: the summary names each value its shown rows held.
   */
  private readonly quoting = new Map<WarningKind, (values: string[]) => string>();

  /**
   * Lines (item indexes) of rows replaced by a later row or refused by the writer: a request's per-item
   * warnings about their own values leave them out.
   */
  private readonly replacedLines = new Set<number>();

  /** Folded manager_name values of a reps file or request, and those that are email addresses: seeManagerName. */
  private readonly managerNames = new Set<string>();
  private readonly managerEmails = new Set<string>();

  /** Rows that raised 'manager role without is_manager': line, folded name, email, row-table entry. */
  private readonly roleOnly: { line: number; name: string; email: string; held: string; row: number }[] = [];

  /** Lines (item indexes) whose rep the writer found to manage a team once written (managerStored). */
  private readonly storedManagerLines = new Set<number>();

  /** Lines (item indexes) whose 'manager role without is_manager' another row's manager_name settled. */
  private readonly managedLines = new Set<number>();

  /** Every kind in the order first seen, kinds later left with no stored row included (they are skipped). */
  private readonly kindOrder: WarningKind[] = [];

  /** Every occurrence, rows later replaced included (see `items`). */
  private readonly allItems: ItemWarning[] = [];

  /**
   * Every occurrence, for an ingest request (positions are item indexes there), in item order; an item's
   * own warnings (ROW_KINDS) only while it is stored, not once a later item with the same id replaced it.
   */
  get items(): ItemWarning[] {
    this.settleManagerRoles();
    if (this.replacedLines.size === 0 && this.repeatWords.size === 0 && this.managedLines.size === 0)
      return this.allItems;
    return this.allItems.flatMap((w) => {
      if (w.kind === 'manager role without is_manager' && this.managedLines.has(w.index)) return [];
      if (ROW_KINDS.has(w.kind) && this.replacedLines.has(w.index)) return [];
      if (w.kind !== 'duplicate id') return [w];
      const message = this.repeatMessage(w.index);
      return message === null ? [] : message === undefined ? [w] : [{ ...w, message }];
    });
  }

  /**
   * A request's duplicate-id message for the item at `index`, from its key's items left at the end (a refused
   * item is none of them): the pair of items for two, else every item (the first few) and the last, which
   * wins. Null when the item repeats no item left (it was refused, or the items before it were); undefined
   * when its key is not tracked (past MAX_TRACKED_REPEATS), to keep the message made when it was seen.
   */
  private repeatMessage(index: number): string | null | undefined {
    const key = this.repeatKeyOf.get(index);
    const words = key === undefined ? undefined : this.repeatWords.get(key);
    if (key === undefined || !words) return undefined;
    const repeat = this.repeats.get(key);
    if (!repeat) return null;
    const left = [...repeat.earlier.map((r) => r.line), repeat.current.line];
    if (left[0] === index || !left.includes(index)) return null;
    return this.keyDetail(words, left);
  }

  private closedButOpen(line: number, stage: string): void {
    this.add('closed but stage reads open', line, () => this.openStageDetail(stage));
    let i = this.stageIndex.get(stage);
    if (i === undefined) {
      i = this.stageNames.push(stage) - 1;
      this.stageIndex.set(stage, i);
    }
    this.rowStages[this.currentRowAt(line)] = i;
  }

  /**
   * Counts a deal written with `outcome` "open" and a `closed_at`: stored as given (open, so in no win rate,
   * cycle or revenue, and in pipeline coverage only by its expected_close_date), though a close date says the
   * deal has closed.
   */
  private closedButOutcomeOpen(line: number, closed: Date): void {
    const field = this.audience === 'request' ? '"outcome"' : 'the outcome column';
    this.add(
      'closed but outcome open',
      line,
      () =>
        `outcome "open" but closed_at ${this.day(closed)} (stored as given: the deal stays open, in no win rate, cycle or revenue, and in pipeline coverage only by its expected_close_date); if it was won or lost, write that in ${field}`,
    );
  }

  private openStageDetail(stage: string): string {
    return this.audience === 'request'
      ? `stage "${stage}" has a close date but reads as open; if it is a won or lost stage, add it to "won_stages" or "lost_stages" in the request`
      : `stage "${stage}" has a close date but reads as open; if it is a won or lost stage, pass --won-stages "${stage}" or --lost-stages "${stage}"`;
  }

  /**
   * The ROW_KINDS warnings of the rows left stored (the row table), per kind: their count, the first lines, and
   * the detail of the first stored row that kept one. A file's closed-but-open warning with several stages
   * names each stage with its row count instead (most rows first, ties in the order first seen).
   */
  private rowWarningList(): Map<WarningKind, ImportWarning> {
    const out = new Map<WarningKind, ImportWarning>();
    const perStage = new Map<string, number>();
    const quoted = new Map<WarningKind, Set<string>>();
    for (let row = 0; row < this.rowCount; row += 1) {
      const mask = this.rowMasks[row]!;
      if (mask === 0) continue;
      const line = this.rowLines[row]!;
      for (const kind of ROW_KINDS) {
        if ((mask & KIND_BIT.get(kind)!) === 0) continue;
        const w = out.get(kind);
        const detail = this.details.get(kind)?.get(row);
        if (detail !== undefined && this.quoting.has(kind))
          quoted.set(kind, (quoted.get(kind) ?? new Set<string>()).add(detail));
        if (!w) out.set(kind, { kind, count: 1, lines: [line], detail: detail ?? '' });
        else {
          w.count += 1;
          if (w.lines.length < FIRST_LINES) w.lines.push(line);
          // Only when every row that kept a detail before this one was replaced (rare).
          if (w.detail === '' && detail !== undefined) w.detail = detail;
        }
      }
      const stage = this.rowStages[row]!;
      if (stage >= 0) perStage.set(this.stageNames[stage]!, (perStage.get(this.stageNames[stage]!) ?? 0) + 1);
    }
    for (const [kind, values] of quoted) out.get(kind)!.detail = this.quoting.get(kind)!([...values]);
    const open = out.get('closed but stage reads open');
    if (open && this.audience === 'file' && perStage.size > 1) open.detail = openStagesDetail(perStage);
    return out;
  }

  /**
   * The row-table entry of the row `inspect` looked at last, or -1 when it raised no warning about its own
   * values: kept by a caller that may later learn the row was refused (see `refused`).
   */
  get lastEntry(): number {
    return this.currentRow;
  }

  /**
   * Forgets the warnings about a row's own values (ROW_KINDS) once the writer refused it (an unknown owner,
   * a missing lead): it is not stored, so "stored as given" does not apply and it is not counted. `entry`:
   * its `lastEntry`; `line`: its line, or its item index in a request. Returns the external id the refused row
   * repeated and the line of the row before it with that id (the one it would have replaced), or null when it
   * repeated none (or was the first of its id), so the refusal can say which row the id keeps. `item`: the
   * refused item (as `inspect` saw it), so that a later row with its key, when it was the key's only row so
   * far, is not said to repeat it.
   */
  refused(entry: number, line: number, item?: Record<string, unknown>): { id: string; line: number } | null {
    if (this.audience === 'request') this.replacedLines.add(line);
    if (entry >= 0) this.forgetRow(entry);
    const key = this.repeatKeyOf.get(line);
    if (key === undefined) {
      // Its key's only row so far (when repeats are tracked: past MAX_TRACKED_REPEATS a repeat is not told).
      const own = item && this.repeats.size < MAX_TRACKED_REPEATS ? keyOf(this.entity, item) : undefined;
      if (own !== undefined && this.firstLineOf.first(own) === line) this.firstLineOf.forget(own);
      return null;
    }
    const before = this.refusedRepeat(key, line);
    // Keys made from names (accounts without an id, people) start with NUL: not an external id to name.
    return before === null || key.startsWith('\u0000') ? null : { id: key, line: before };
  }

  /**
   * A refused row whose key came on several rows: it replaced nothing after all. When it was the row stored
   * so far, the row it replaced is stored again (its warnings count again); either way the key has one
   * duplicate fewer, and when it was the key's first row, the next one is the first (it repeats nothing).
   * Returns the line of the key's row before the refused one, or null when it was the first.
   */
  private refusedRepeat(key: string, line: number): number | null {
    const repeat = this.repeats.get(key)!;
    const first = (repeat.earlier[0] ?? repeat.current).line;
    let before: number | null;
    if (repeat.current.line === line) {
      const back = repeat.earlier.pop();
      if (!back) {
        // Every row of the key was refused: nothing left to be a duplicate of, nor for a later row to repeat.
        this.repeats.delete(key);
        this.firstLineOf.forget(key);
        return null;
      }
      repeat.current = back;
      if (back.entry >= 0) this.unshelve(back.entry);
      this.firstLineOf.setMark(key, back.entry + 1);
      if (this.audience === 'request') this.replacedLines.delete(back.line);
      before = back.line;
    } else {
      const at = repeat.earlier.findIndex((r) => r.line === line);
      if (at < 0) return null;
      before = at > 0 ? repeat.earlier[at - 1]!.line : null;
      const [gone] = repeat.earlier.splice(at, 1);
      if (gone!.entry >= 0) this.shelved.delete(gone!.entry);
    }
    const left = [...repeat.earlier.map((r) => r.line), repeat.current.line];
    if (line === first) this.firstLineOf.setFirst(key, left[0]!);
    this.forgetDuplicate(key, line === first ? left[0]! : line, left);
    return before;
  }

  /**
   * One duplicate fewer (a refused row of a repeated key): `unrepeated` no longer repeats an earlier row (the
   * refused row, or the key's next row when the refused one was its first), and `left` are the key's rows
   * still read. A detail about that key names those rows (made general when one is left).
   */
  private forgetDuplicate(key: string, unrepeated: number, left: number[]): void {
    const w = this.byKind.get('duplicate id');
    if (!w) return;
    w.count -= 1;
    w.lines = w.lines.filter((l) => l !== unrepeated);
    if (w.count <= 0) {
      this.byKind.delete('duplicate id');
      return;
    }
    this.duplicatesRefused = true;
    const d = this.duplicateDetail;
    if (d?.key !== key) return;
    if (left.length >= 2) {
      d.lines = left.slice(0, FIRST_LINES);
      d.last = left[left.length - 1]!;
      d.count = left.length;
      w.detail = this.keyDetail(d, left);
    } else {
      w.detail =
        this.audience === 'request'
          ? 'an external id on several items: the last item written wins, field by field'
          : 'an external id on several rows: the last row stored wins, field by field';
      this.duplicateDetail = undefined;
    }
  }

  /** True once a refused row took a row out of the duplicate-id warning (see settleDuplicates). */
  private duplicatesRefused = false;

  /**
   * After refused rows of repeated keys (forgetDuplicate), the duplicate-id warning from the rows left: its
   * first lines (the refused ones were taken out of the first FIRST_LINES, leaving fewer listed than there
   * are) and its detail, about the key that now repeats first (the refused rows may have left another key's
   * second row before the detail's key's). From the tracked keys (`repeats`): past MAX_TRACKED_REPEATS the
   * lines recorded of the others are kept, and the detail is about a tracked key.
   */
  private settleDuplicates(): void {
    const w = this.byKind.get('duplicate id');
    if (!this.duplicatesRefused || !w) return;
    this.duplicatesRefused = false;
    const lines = new Set(w.lines);
    let best: { key: string; left: number[] } | undefined;
    for (const [key, repeat] of this.repeats) {
      if (repeat.earlier.length === 0) continue;
      const left = [...repeat.earlier.map((r) => r.line), repeat.current.line];
      for (const line of left.slice(1, FIRST_LINES + 1)) lines.add(line);
      if (!best || left[1]! < best.left[1]!) best = { key, left };
    }
    w.lines = [...lines].sort((a, b) => a - b).slice(0, FIRST_LINES);
    const words = best && this.repeatWords.get(best.key);
    if (!best || !words) return;
    w.detail = this.keyDetail(words, best.left);
  }

  /** Counts an item whose event timestamps (EVENT_FIELDS; a decided deal's closed_at) lie ahead of now. */
  private checkFuture(item: Record<string, unknown>, line: number, decided: boolean): void {
    const latest = this.latest;
    const fields = EVENT_FIELDS[this.entity];
    if (latest === undefined || !fields) return;
    if (!anyAfter(item, fields, latest) && !(decided && isAfter(item.closed_at, latest))) return;
    const late = fields.filter((f) => isAfter(item[f], latest));
    if (decided && isAfter(item.closed_at, latest)) late.push('closed_at');
    this.add('date in the future', line, () => {
      const said = late.map((f) => `${f} ${this.day(item[f] as Date)}`).join(', ');
      return `${said} ${late.length > 1 ? 'are' : 'is'} in the future (more than a day after ${this.day(new Date(latest - FUTURE_TOLERANCE_MS))}); stored as given, check the source's dates and time zone`;
    });
  }

  /**
   * Counts an account whose name folds like an earlier one's (fold(): case, accents, apostrophes and
   * spacing ignored) under another external id: both are stored (two companies may share a name), but
   * a later reference by that name matches both and is refused, so say so now. Rows without an
   * external id are references by name themselves (they update the account of that name).
   */
  private checkLookAlike(item: Record<string, unknown>, line: number): void {
    const id = item.external_id;
    const name = item.name;
    if (typeof id !== 'string' || typeof name !== 'string') return;
    const key = fold(name);
    if (key === '') return;
    this.accountNames ??= new FirstLines();
    this.accountNameIds ??= new FirstLines();
    const sameAccountAgain = this.accountNameIds.firstOrAdd(`${key}\u0000${id}`, line) !== undefined;
    const first = this.accountNames.firstOrAdd(key, line);
    if (first === undefined || sameAccountAgain) return;
    this.add('name like another account', line, () =>
      this.audience === 'request'
        ? `account "${name}" (external id ${JSON.stringify(id)}) has the name of item ${first} under another external id, ignoring case and accents: both are stored, and a reference to either by that name is refused as ambiguous; refer to them by external id, or give them one external id if they are one company`
        : `account "${name}" (external id ${JSON.stringify(id)}) has the name of the account on line ${first} under another external id, ignoring case and accents: both are stored, and a reference to either by that name (a deal's account) is refused as ambiguous; refer to them by external id, or give them one external id if they are one company`,
    );
  }

  /**
   * Counts a new account (external id `externalId`, not stored before) whose name folds like the name of
   * stored accounts under other external ids (found by the writer: see NamedLikeStored); `line` is its line,
   * or its item index in a request. Both are stored, as for a look-alike in the file; a stored account that
   * an earlier row of this file or request named so is left to checkLookAlike, which counted it already.
   */
  nameLikeStored(
    line: number,
    name: string,
    externalId: string,
    stored: { id: number; externalId: string }[],
  ): void {
    const key = fold(name);
    const others = stored.filter((s) => {
      const first = this.accountNameIds?.first(`${key}\u0000${s.externalId}`);
      return first === undefined || first > line;
    });
    if (others.length === 0) return;
    this.add('name like a stored account', line, () => {
      const one = others.length === 1;
      const said = others
        .slice(0, 3)
        .map((s) => `id ${s.id} (external id ${JSON.stringify(s.externalId)})`)
        .join(', ');
      const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
      const use = one
        ? `the stored account's external id ${JSON.stringify(others[0]!.externalId)}`
        : "that stored account's external id";
      const row = this.audience === 'request' ? 'item' : 'row';
      return `new account "${name}" (external id ${JSON.stringify(externalId)}) has the name of ${one ? 'stored account' : 'stored accounts'} ${said}${more}, ignoring case and accents: both are stored, and a reference to ${one ? 'either' : 'any of them'} by that name (a deal's account) is refused as ambiguous; if they are one company, put ${use} on this ${row} to update it instead, then rename the new account and empty its dates (nothing deletes it); if they are different companies, rename one`;
    });
  }

  /** Remembers the first line of a reps row's email (see repEmails). */
  private seeRepEmail(item: Record<string, unknown>, line: number): void {
    const email = item.email;
    if (typeof email !== 'string' || email === '') return;
    this.repEmails ??= new Map();
    const key = email.toLowerCase();
    if (!this.repEmails.has(key)) this.repEmails.set(key, line);
  }

  /**
   * Counts a new rep (email `email`, not stored before) whose name folds like the name of other reps with
   * other emails, found by the writer when it wrote the row (see RepNamedLikeStored); `line` is its line, or
   * its item index in a request. Both are stored (an email is a rep's identity, and two people may share a
   * name), but a reference by that name (owner_name, manager_name) now matches both and is refused. Reps
   * stored before this file or request came: `name like a stored rep`; when all of them were given by earlier
   * rows of it: `name like another rep`, naming the first such row.
   */
  repNameLikeStored(
    line: number,
    name: string,
    email: string,
    stored: { id: number; name: string; email: string }[],
  ): void {
    const earlier = (s: { email: string }) => {
      const first = this.repEmails?.get(s.email.toLowerCase());
      return first !== undefined && first < line ? first : undefined;
    };
    const others = stored.filter((s) => earlier(s) === undefined);
    const row = this.audience === 'request' ? 'item' : 'row';
    const ask = (them: string) =>
      `and a reference to ${them} by that name (a deal's owner_name, a rep's manager_name) is refused as ambiguous, and /metrics asks which one is meant`;
    const twoPeople =
      'if two people share the name, nothing to do: refer to each by email, or by @mention in Slack';
    if (others.length === 0) {
      const [first] = stored.map((s) => ({ rep: s, at: earlier(s)! })).sort((a, b) => a.at - b.at);
      if (!first) return;
      this.add('name like another rep', line, () => {
        const where = this.audience === 'request' ? `item ${first.at}` : `line ${first.at}`;
        return `rep "${name}" <${email}> has the name of the rep of ${where}, ${first.rep.name} <${first.rep.email}>, ignoring case and accents: both are stored as two reps (an email is a rep's identity), ${ask('either')}; if they are one person, give both ${row}s the same email, then rename the rep of the wrong email and set it inactive (${row === 'item' ? 'an item' : 'a row'} with that email, another name and active=no; nothing deletes a rep); ${twoPeople}`;
      });
      return;
    }
    this.add('name like a stored rep', line, () => {
      const one = others.length === 1;
      const said = others
        .slice(0, 3)
        .map((s) => `${s.name} <${s.email}>`)
        .join(', ');
      const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
      const stored = one ? `the stored email ${others[0]!.email}` : 'the stored email of that person';
      return `new rep "${name}" <${email}> has the name of ${one ? 'stored rep' : 'stored reps'} ${said}${more}, ignoring case and accents: ${one ? 'both' : 'all'} are stored (an email is a rep's identity), ${ask(one ? 'either' : 'any of them')}; if they are one person, correct the email on this ${row} to ${stored}, then rename the new rep and set it inactive (${row === 'item' ? 'an item' : 'a row'} with email ${email}, another name and active=no; nothing deletes a rep); ${twoPeople}`;
    });
  }

  /**
   * A reps row (item) whose rep the writer found to manage a team once written (see WriteResult's
   * managersStored): its role=manager without is_manager is no disagreement, so that warning is dropped for
   * it, as for a person another row's manager_name names (settleManagerRoles). `line` as for repNameLikeStored.
   */
  managerStored(line: number): void {
    this.storedManagerLines.add(line);
  }

  /**
   * Counts a rep whose team cell held a placeholder ("N/A", "-", "TBD": isPlaceholderName), which the
   * schema read as an empty cell, no team, rather than creating a team of that name.
   */
  private checkPlaceholderTeam(item: Record<string, unknown>, line: number, raw: unknown): void {
    if (item.team !== null || typeof raw !== 'object' || raw === null) return;
    const given = (raw as Record<string, unknown>).team;
    if (typeof given !== 'string' || given.trim() === '') return;
    this.addQuoted(
      'placeholder team',
      line,
      given.trim(),
      (values) =>
        `team ${placeholders(values)}, not ${values.length > 1 ? 'team names' : "a team's name"}: read as an empty team cell, the rep is left without a team`,
    );
  }

  /**
   * Counts a rep whose manager_name cell held a placeholder ("N/A", "-", "TBD": isPlaceholderName), which the
   * schema read as an empty cell, no manager named, rather than creating a manager of that name.
   */
  private checkPlaceholderManager(item: Record<string, unknown>, line: number, raw: unknown): void {
    if (item.manager_name !== null || typeof raw !== 'object' || raw === null) return;
    const given = (raw as Record<string, unknown>).manager_name;
    if (typeof given !== 'string' || given.trim() === '') return;
    this.addQuoted(
      'placeholder manager',
      line,
      given.trim(),
      (values) =>
        `manager_name ${placeholders(values)}, not ${values.length > 1 ? "people's names" : "a person's name"}: read as an empty manager_name cell, no manager is named and none is created`,
    );
  }

  /**
   * Counts a rep whose `role` and `is_manager` disagree, both stored as given: `role=manager` without
   * `is_manager=yes` manages no team by itself (src/access/permissions.ts), and `is_manager=yes` with
   * `role=rep` registers a team's manager who sees only what a rep sees.
   */
  private checkManagerFlag(item: Record<string, unknown>, line: number): void {
    // Quoted per row (tester: a file's summary said "not given" for a row with is_manager=no, the first row's).
    if (item.role === 'manager' && item.is_manager !== true) {
      const name = typeof item.name === 'string' ? fold(item.name) : '';
      const email = typeof item.email === 'string' ? item.email.toLowerCase() : '';
      const held = item.is_manager === false ? 'no' : 'not given';
      this.addQuoted(
        'manager role without is_manager',
        line,
        held,
        (held) =>
          `role is manager but is_manager is ${held.join(' or ')}: stored as given, but the role alone manages no team: they see what a rep sees until is_manager=yes with their team (or another row's manager_name naming them) makes them a team's manager`,
      );
      this.roleOnly.push({ line, name, email, held, row: this.currentRow });
    }
    if (item.role === 'rep' && item.is_manager === true)
      this.add(
        'is_manager with rep role',
        line,
        () =>
          `is_manager is yes but role is rep: stored as given, so the rep is registered as the team's manager but sees only what a rep sees; write role manager, or leave role empty, to give them a manager's view`,
      );
  }

  /**
   * Remembers a reps row's manager_name (folded, or an email address in lower case, as the writer reads it:
   * src/ingest/reps.ts, ensureManager): the person it names is made a team's manager, so their own row's
   * role=manager without is_manager is no disagreement (settleManagerRoles).
   */
  private seeManagerName(item: Record<string, unknown>): void {
    const named = item.manager_name;
    if (typeof named !== 'string' || named === '') return;
    if (named.includes('@')) this.managerEmails.add(named.toLowerCase());
    else this.managerNames.add(fold(named));
  }

  /**
   * Drops the 'manager role without is_manager' warnings of rows whose person another row's manager_name
   * makes a team's manager (in either order in the file or request), or whose rep the writer found to manage
   * a team once written (managerStored: a person already stored as a team's manager). Idempotent: `items`
   * and `list` may each call it.
   */
  private settleManagerRoles(): void {
    if (
      this.roleOnly.length === 0 ||
      this.managerNames.size + this.managerEmails.size + this.storedManagerLines.size === 0
    )
      return;
    const bit = KIND_BIT.get('manager role without is_manager')!;
    for (const r of this.roleOnly) {
      const named =
        (r.name !== '' && this.managerNames.has(r.name)) ||
        (r.email !== '' && this.managerEmails.has(r.email)) ||
        this.storedManagerLines.has(r.line);
      if (!named) continue;
      this.managedLines.add(r.line);
      if (r.row < 0 || this.rowLines[r.row] !== r.line) continue;
      this.rowMasks[r.row]! &= ~bit;
      this.details.get('manager role without is_manager')?.delete(r.row);
    }
    // A row left warning whose value only a dropped row kept (add keeps one row per value) keeps it now.
    const kept = this.details.get('manager role without is_manager');
    for (const r of this.roleOnly) {
      if (!kept || this.managedLines.has(r.line) || r.row < 0) continue;
      if ((this.rowMasks[r.row]! & bit) !== 0 && !kept.has(r.row) && !includesValue(kept, r.held))
        kept.set(r.row, r.held);
    }
  }

  /**
   * Adds a warning of a kind that quotes its values (`quoting`): `sentence` quotes the value(s) rows held,
   * this row's being `value`.
   */
  private addQuoted(
    kind: WarningKind,
    line: number,
    value: string,
    sentence: (values: string[]) => string,
  ): void {
    this.quoting.set(kind, sentence);
    this.add(kind, line, () => sentence([value]), value);
  }

  /**
   * Counts a lead, deal or activity whose owner cell (`owner_name`, an activity's `rep_name`) held a
   * placeholder ("N/A", "-", "none": isPlaceholderName), which the schema read as an empty cell rather
   * than creating a rep of that name: the owner comes from the email column, or there is none.
   */
  private checkPlaceholderOwner(item: Record<string, unknown>, line: number, raw: unknown): void {
    const field = OWNER_NAME_FIELDS[this.entity];
    if (!field || item[field] !== null || typeof raw !== 'object' || raw === null) return;
    const given = (raw as Record<string, unknown>)[field];
    if (typeof given !== 'string' || given.trim() === '') return;
    const email = field === 'rep_name' ? 'rep_email' : 'owner_email';
    this.addQuoted(
      'placeholder owner',
      line,
      given.trim(),
      (values) =>
        `${field} ${placeholders(values)}, not ${values.length > 1 ? 'rep names' : "a rep's name"}: read as an empty ${field} cell (the owner is the rep with the ${email}, if given), no rep is created`,
    );
  }

  /** Counts an item whose names (NAME_FIELDS) were read without some format characters. */
  private checkNames(item: Record<string, unknown>, line: number, raw: unknown): void {
    const fields = NAME_FIELDS[this.entity];
    if (!fields || typeof raw !== 'object' || raw === null) return;
    const input = raw as Record<string, unknown>;
    if (!anyFormatChars(input, fields)) return;
    const cleaned = fields.filter((f) => {
      const v = input[f];
      return typeof v === 'string' && typeof item[f] === 'string' && withoutFormatChars(v) !== v;
    });
    if (cleaned.length === 0) return;
    this.add('invisible characters removed', line, () =>
      cleaned
        .map((f) => {
          const kept = item[f] as string;
          const gone = [...new Set(String(input[f]))].filter((c) => /\p{Cf}/u.test(c) && !kept.includes(c));
          const codes = gone.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
          return `${f} "${kept}" (${codes.join(', ')} removed)`;
        })
        .join(', '),
    );
  }

  /**
   * Counts an item whose names (NAME_FIELDS) hold an HTML entity (`R&amp;D`): text copied from Slack or a
   * web page, escaped once too often. Stored as given (a company may really be called that), but a name
   * typed in Slack (`R&D`) will not match it, and a second spelling makes a look-alike record.
   */
  private checkEscapedNames(item: Record<string, unknown>, line: number): void {
    const fields = NAME_FIELDS[this.entity];
    if (!fields) return;
    const escaped = fields.filter((f) => typeof item[f] === 'string' && HTML_ENTITY.test(item[f] as string));
    if (escaped.length === 0) return;
    this.add('name looks HTML-escaped', line, () => {
      const said = escaped.map((f) => `${f} "${item[f] as string}"`).join(', ');
      const read = escaped.map((f) => unescapeHtml(item[f] as string));
      const them = escaped.length > 1 ? 'them' : 'it';
      const why = 'holds HTML escapes (such as &amp; for "&", as Slack and web pages write text)';
      if (read.some((r) => r === null))
        return `${said} ${why}: stored as given, so the name as people type it will not match it; if the source meant the plain text, send ${them} unescaped`;
      const plain = read.map((r) => `"${r}"`).join(', ');
      return `${said} ${why}: stored as given, so ${plain} typed in Slack will not match it; if the source meant ${plain}, send ${them} unescaped`;
    });
  }

  /**
   * The warnings, in the order their kinds were first seen. The warnings about a row's own values
   * (ROW_KINDS) are derived from the rows left stored (rowWarningList): a row replaced by a later one with
   * the same id is not counted, nor listed, nor described.
   */
  list(): ImportWarning[] {
    this.settleDuplicates();
    this.settleManagerRoles();
    const rows = this.rowWarningList();
    return this.kindOrder.flatMap((kind) => rows.get(kind) ?? this.byKind.get(kind) ?? []);
  }
}

/**
 * The closed-but-open warning's detail for several stages: `perStage` (stage → stored rows, in the order
 * first seen), most rows first, at most OPEN_STAGES_LISTED of them.
 */
function openStagesDetail(perStage: Map<string, number>): string {
  const stages = [...perStage].sort((a, b) => b[1] - a[1]);
  const named = stages
    .slice(0, OPEN_STAGES_LISTED)
    .map(([stage, n]) => `"${stage}" (${n} row${n === 1 ? '' : 's'})`)
    .join(', ');
  const more = stages.length > OPEN_STAGES_LISTED ? ' and others' : '';
  return `stages ${named}${more} have a close date but read as open; pass the won ones in --won-stages and the lost ones in --lost-stages (names comma-separated, quoted)`;
}

/** At most this many distinct stages are named in the closed-but-open warning. */
const OPEN_STAGES_LISTED = 10;

/**
 * A contract's day, as ARR's contract years read it (tally_contract_day, migration 0043): the instant in UTC
 * moved on 13 hours, then its date. Two instants on one such day are zero contract years apart.
 */
const contractDay = (d: Date) => new Date(d.getTime() + 13 * 3_600_000).toISOString().slice(0, 10);

/**
 * The key an item is told apart by (as `inspect` reads it): its external id, or for an account without one
 * its folded name (seeName's key); undefined for an item with neither (an empty id is none).
 */
function keyOf(entity: Entity, item: Record<string, unknown>): string | undefined {
  const id = item.external_id;
  if (typeof id === 'string') return id === '' ? undefined : id;
  if (entity === 'accounts' && typeof item.name === 'string') return `\u0000name\u0000${fold(item.name)}`;
  return undefined;
}

/** True when `d` is a Date later than `latest` (epoch ms). */
const isAfter = (d: unknown, latest: number) => d instanceof Date && d.getTime() > latest;

function anyAfter(item: Record<string, unknown>, fields: string[], latest: number): boolean {
  for (const f of fields) if (isAfter(item[f], latest)) return true;
  return false;
}

/** An amount below zero (as written, or in minor units). */
function negative(amount: MoneyValue | null | undefined, minor: number | null | undefined): boolean {
  return Boolean(
    (amount?.value?.negative && !/^0*$/.test(amount.value.whole + amount.value.fraction)) ||
      (typeof minor === 'number' && minor < 0),
  );
}

/**
 * An amount given as nothing: `amount` or `amount_minor` empty (null) and neither with a value, as the writer
 * reads it (stored NULL). A row without either field says nothing (an update keeps the stored amount).
 */
function emptied(amount: MoneyValue | null | undefined, minor: number | null | undefined): boolean {
  return (amount === null || minor === null) && amount == null && minor == null;
}

/** A won deal's amount that is negative or zero (as written, or in minor units). */
function notPositive(amount: MoneyValue | null | undefined, minor: number | null | undefined): boolean {
  return Boolean(
    (amount?.value && (amount.value.negative || /^0*$/.test(amount.value.whole + amount.value.fraction))) ||
      (typeof minor === 'number' && minor <= 0),
  );
}

/**
 * An HTML entity as Slack and web pages escape text: a name of two or more letters (`&amp;`, `&eacute;`) or a
 * code point (`&#39;`, `&#x27;`), ended by `;` (`AT&T;` and `Q&A;` are no entities).
 */
const HTML_ENTITY = /&([a-z][a-z0-9]{1,31}|#\d{1,7}|#x[0-9a-f]{1,6});/i;
/** Every HTML_ENTITY of a text, its name (or `#` code) captured. */
const HTML_ENTITIES = new RegExp(HTML_ENTITY.source, 'gi');

/**
 * The text with its HTML escapes read, for the warning's suggestion only (nothing is stored so): the five
 * that escaping text makes (`&amp; &lt; &gt; &quot; &apos;`) and code points; null when it holds another
 * named entity (`&eacute;`), which the warning then does not spell out.
 */
function unescapeHtml(text: string): string | null {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let unknown = false;
  const read = text.replace(HTML_ENTITIES, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (named[lower]) return named[lower];
    if (!lower.startsWith('#')) {
      unknown = true;
      return whole;
    }
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
  return unknown ? null : read;
}

/** True when a name field of the raw input holds format characters (see checkNames). */
function anyFormatChars(input: Record<string, unknown>, fields: string[]): boolean {
  for (const f of fields) {
    const v = input[f];
    if (typeof v === 'string' && withoutFormatChars(v) !== v) return true;
  }
  return false;
}

/**
 * `"N/A" is a placeholder`, or `"N/A", "-" and "TBD" are placeholders`: the values rows held, as typed, the
 * first QUOTED_LISTED of them and a count of the rest (`"N/A", …, "nil" and 2 more are placeholders`).
 */
function placeholders(values: string[]): string {
  const q = values.slice(0, QUOTED_LISTED).map((v) => `"${v}"`);
  if (values.length === 1) return `${q[0]} is a placeholder`;
  const more = values.length - q.length;
  if (more > 0) return `${q.join(', ')} and ${more} more are placeholders`;
  return `${q.slice(0, -1).join(', ')} and ${q.at(-1)} are placeholders`;
}

/** True when a kept detail (a quoting kind's row value) is `value`. */
function includesValue(kept: Map<number, string>, value: string): boolean {
  for (const v of kept.values()) if (v === value) return true;
  return false;
}
