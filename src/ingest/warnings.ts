import { fold } from '../core/fold.js';
import {
  checkChurnBeforeCustomer,
  checkDateOrder,
  checkFuture,
  checkOpenedBeforeSent,
  FUTURE_TOLERANCE_MS,
} from './checks-dates.js';
import { LookAlikes } from './checks-lookalikes.js';
import { ManagerRoles } from './checks-manager-roles.js';
import { checkAddsToArr, checkDealAmount, checkEmptyCurrency, checkReadAsDecimals } from './checks-money.js';
import {
  checkEscapedNames,
  checkFormatChars,
  checkPlaceholderManager,
  checkPlaceholderOwner,
  checkPlaceholderSource,
  checkPlaceholderTeam,
} from './checks-names.js';
import { checkDealStage, dealOutcome } from './checks-stages.js';
import { FirstLines } from './first-lines.js';
import type { StageRules } from './outcome.js';
import type { Entity } from './schemas.js';
import {
  FIRST_LINES,
  type ImportWarning,
  type ItemWarning,
  ROW_KINDS,
  type RowCheckLog,
  type WarningKind,
} from './warning-kinds.js';
import { RowTable } from './warning-rows.js';
import { atIn, manyLinesDetail, openStageDetail } from './warning-text.js';

export { type ImportWarning, type ItemWarning, WARNING_KINDS, type WarningKind } from './warning-kinds.js';

/**
 * Repeated keys whose replaced rows are remembered (for a refused later row to hand the key back): about
 * 200 bytes each, so at most ~10 MB; past it a replaced row's warnings are dropped as before.
 */
const MAX_TRACKED_REPEATS = 50_000;

/**
 * Collects warnings while a file streams by. Keeps one table of id hash → line for duplicate detection
 * (FirstLines); everything else is a counter and five line numbers per kind. The checks of one row's values
 * are in checks-*.ts (they report through a RowCheckLog); this class counts what they find, keeps the
 * warnings of only the rows that end up stored (a later row with the same key replaces an earlier one, the
 * writer may refuse a row), and says how many rows repeat a key.
 */
export class WarningLog {
  private readonly byKind = new Map<WarningKind, ImportWarning>();
  /** External id (as its 53-bit hash) → its first line: ~24 bytes per id, flat for a 1M-row file. */
  private readonly firstLineOf = new FirstLines();
  /** The rows that raised a warning about their own values (ROW_KINDS), and those warnings. */
  private readonly rows = new RowTable();
  private readonly lookAlikes = new LookAlikes();
  private readonly managerRoles = new ManagerRoles();
  /** Currencies other than USD the rows named: beside one, an empty currency cell's USD is counted. */
  private readonly namedCurrencies = new Set<string>();
  /** What the per-row checks see of this log. */
  private readonly checks: RowCheckLog;

  /**
   * `audience`: 'file' counts lines and names CLI options; 'request' lists every item (0-based
   * index) and names the request's fields. `now`: event timestamps later than it (plus
   * FUTURE_TOLERANCE_MS) are counted as dates in the future; without it they are not looked at. `zone`: the
   * IANA zone the input's zone-less times were read in; warnings name dates as that zone reads them.
   */
  constructor(
    private readonly entity: Entity,
    stages: StageRules = {},
    private readonly audience: 'file' | 'request' = 'file',
    now?: Date,
    private readonly zone = 'UTC',
  ) {
    const latest = now ? now.getTime() + FUTURE_TOLERANCE_MS : undefined;
    this.checks = {
      entity,
      stages,
      audience,
      zone,
      latest,
      fieldName: (field) => this.fieldName(field),
      add: (kind, line, detail) => this.add(kind, line, detail),
      addQuoted: (kind, line, value, sentence) => {
        this.rows.quotes(kind, sentence);
        this.add(kind, line, () => sentence([value]), value);
      },
      closedButOpen: (line, stage) => {
        this.add('closed but stage reads open', line, () => openStageDetail(stage, this.audience));
        this.rows.setStage(this.currentRowAt(line), stage);
      },
    };
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

  /** Warnings added so far (every occurrence), so `inspect` can tell whether an item raised one. */
  private added = 0;

  /**
   * `value`: for a kind whose detail quotes what the row held (see RowTable's `quoting`), the value as typed.
   */
  private add(kind: WarningKind, line: number, detail: () => string, value?: string): void {
    this.added += 1;
    if (!this.kindOrder.includes(kind)) this.kindOrder.push(kind);
    if (this.audience === 'request') this.allItems.push({ index: line, kind, message: detail() });
    if (ROW_KINDS.has(kind)) {
      // Counted at the end from the rows left stored (RowTable.list); a detail is kept only while it may be shown.
      this.rows.mark(this.currentRowAt(line), kind, detail, value);
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
      if (this.audience === 'request') this.replacedLines.add(this.rows.lineOf(mark - 1));
      this.rows.forget(mark - 1);
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
    if (this.audience === 'request') this.replacedLines.add(this.rows.lineOf(row));
    this.rows.shelve(row);
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
    const row = this.rows.open(line);
    // Its key (already recorded by seeId/seeName) remembers the entry, for a later row that replaces it.
    if (this.rowKey !== undefined) this.firstLineOf.setMark(this.rowKey, row + 1);
    this.currentRow = row;
    return row;
  }

  /** The entry of the row being looked at, once it raised a ROW_KINDS warning; else -1. */
  private currentRow = -1;

  /** The key of the row being looked at (see the row table); undefined for a row without one. */
  private rowKey: string | undefined;

  /**
   * Counts an outbound activity written with `occurred_at` before its lead's `created_at` (found by the
   * writer, which reads the lead: see TouchBeforeLead); `line` is its line, or its item index in a request.
   */
  touchBeforeLead(line: number, occurredAt: Date, lead: string, leadCreatedAt: Date): void {
    this.add(
      'touch before lead created',
      line,
      () =>
        `occurred_at ${atIn(occurredAt, this.zone)} is before lead ${lead}'s created_at ${atIn(leadCreatedAt, this.zone)} (stored as given; its response time counts as 0 s)`,
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
    this.byKind.get('duplicate id')!.detail = manyLinesDetail(d, this.audience);
  }

  /** The duplicate-id detail for a key's rows `left` (two or more): the pair, else every line and the last. */
  private keyDetail(
    words: { what: string; pair: (first: number, line: number) => string },
    left: readonly number[],
  ): string {
    if (left.length === 2) return words.pair(left[0]!, left[1]!);
    return manyLinesDetail(
      {
        what: words.what,
        lines: left.slice(0, FIRST_LINES),
        last: left[left.length - 1]!,
        count: left.length,
      },
      this.audience,
    );
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
    // checks), so a clean row allocates no closure or list here.
    const id = item.external_id;
    const before = this.added;
    const log = this.checks;
    this.rowKey = typeof id === 'string' && id !== '' ? id : undefined;
    this.currentRow = -1;
    if (typeof id === 'string') {
      // A later row with the same id replaces the earlier one when stored (seeId forgets the earlier one).
      this.seeId(id, line);
    } else if (this.entity === 'accounts' && typeof item.name === 'string') this.seeName(item.name, line);
    if (this.entity === 'reps') {
      this.seePerson(item, line);
      checkPlaceholderTeam(log, item, line, raw);
      checkPlaceholderManager(log, item, line, raw);
      this.managerRoles.seeManagerName(item);
      this.managerRoles.check(log, item, line, () => this.currentRow);
      this.lookAlikes.seeRepEmail(item, line);
    }
    checkPlaceholderOwner(log, item, line, raw);
    checkPlaceholderSource(log, item, line, raw);
    checkFormatChars(log, item, line, raw);
    checkEscapedNames(log, item, line);
    if (this.entity === 'accounts') {
      this.lookAlikes.checkAccount(log, item, line);
      checkChurnBeforeCustomer(log, item, line);
    }
    checkDateOrder(log, item, line);
    const outcome = dealOutcome(log, item);
    checkFuture(log, item, line, outcome === 'won' || outcome === 'lost');
    checkReadAsDecimals(log, item, line);
    checkEmptyCurrency(log, item, line, this.namedCurrencies);
    if (this.entity === 'contracts') checkAddsToArr(log, item, line);
    if (this.entity === 'activities' && item.kind === 'email') checkOpenedBeforeSent(log, item, line);
    if (this.entity === 'opportunities') {
      checkDealAmount(log, item, line, outcome);
      checkDealStage(log, item, line, outcome);
    }
    return this.added > before;
  }

  /**
   * Counts a new account (external id `externalId`, not stored before) whose name folds like the name of
   * stored accounts under other external ids (found by the writer: see NamedLikeStored); `line` is its line,
   * or its item index in a request. Both are stored, as for a look-alike in the file; a stored account that
   * an earlier row of this file or request named so is not counted again (see LookAlikes).
   */
  nameLikeStored(
    line: number,
    name: string,
    externalId: string,
    stored: { id: number; externalId: string }[],
  ): void {
    this.lookAlikes.accountLikeStored(this.checks, line, name, externalId, stored);
  }

  /**
   * Counts a new rep (email `email`, not stored before) whose name folds like the name of other reps with
   * other emails, found by the writer when it wrote the row (see RepNamedLikeStored); `line` is its line, or
   * its item index in a request: `name like a stored rep`, or `name like another rep` when every such rep was
   * given by an earlier row of this file or request (see LookAlikes.repLikeStored). With `renamedFrom`, the
   * row renamed the stored rep of `email` from that name to `name`: `rep renamed like another rep`.
   */
  repNameLikeStored(
    line: number,
    name: string,
    email: string | null,
    stored: { id: number; name: string; email: string | null }[],
    renamedFrom?: string,
  ): void {
    if (renamedFrom !== undefined)
      this.lookAlikes.repRenamedLike(this.checks, line, name, email, renamedFrom, stored);
    else if (email !== null) this.lookAlikes.repLikeStored(this.checks, line, name, email, stored);
  }

  /**
   * A reps row (item) whose rep the writer found to manage a team once written (see WriteResult's
   * managersStored): its role=manager without is_manager is no disagreement, so that warning is dropped for
   * it, as for a person another row's manager_name names (ManagerRoles.settle). `line` as for repNameLikeStored.
   */
  managerStored(line: number): void {
    this.managerRoles.stored(line);
  }

  /**
   * Lines (item indexes) of rows replaced by a later row or refused by the writer: a request's per-item
   * warnings about their own values leave them out.
   */
  private readonly replacedLines = new Set<number>();

  /** Every kind in the order first seen, kinds later left with no stored row included (they are skipped). */
  private readonly kindOrder: WarningKind[] = [];

  /** Every occurrence, rows later replaced included (see `items`). */
  private readonly allItems: ItemWarning[] = [];

  /**
   * Every occurrence, for an ingest request (positions are item indexes there), in item order; an item's
   * own warnings (ROW_KINDS) only while it is stored, not once a later item with the same id replaced it.
   */
  get items(): ItemWarning[] {
    this.managerRoles.settle(this.rows);
    const settled = this.managerRoles.settledLines;
    const emptyCurrency = this.kindOrder.includes('currency empty');
    if (this.replacedLines.size === 0 && this.repeatWords.size === 0 && settled.size === 0 && !emptyCurrency)
      return this.allItems;
    return this.allItems.flatMap((w) => {
      if (w.kind === 'currency empty')
        return this.namedCurrencies.size === 0 || this.replacedLines.has(w.index)
          ? []
          : [{ ...w, message: this.emptyCurrencyDetail(w.message) }];
      if (w.kind === 'manager role without is_manager' && settled.has(w.index)) return [];
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
    if (entry >= 0) this.rows.forget(entry);
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
      if (back.entry >= 0) this.rows.unshelve(back.entry);
      this.firstLineOf.setMark(key, back.entry + 1);
      if (this.audience === 'request') this.replacedLines.delete(back.line);
      before = back.line;
    } else {
      const at = repeat.earlier.findIndex((r) => r.line === line);
      if (at < 0) return null;
      before = at > 0 ? repeat.earlier[at - 1]!.line : null;
      const [gone] = repeat.earlier.splice(at, 1);
      if (gone!.entry >= 0) this.rows.dropShelved(gone!.entry);
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

  /**
   * The warnings, in the order their kinds were first seen. The warnings about a row's own values
   * (ROW_KINDS) are derived from the rows left stored (RowTable.list): a row replaced by a later one with
   * the same id is not counted, nor listed, nor described.
   */
  list(): ImportWarning[] {
    this.settleDuplicates();
    this.managerRoles.settle(this.rows);
    const rows = this.rows.list(this.audience);
    return this.kindOrder.flatMap((kind) => {
      if (kind !== 'currency empty') return rows.get(kind) ?? this.byKind.get(kind) ?? [];
      const w = rows.get(kind);
      return w && this.namedCurrencies.size > 0 ? [{ ...w, detail: this.emptyCurrencyDetail(w.detail) }] : [];
    });
  }

  /**
   * A 'currency empty' detail once the whole input is read: what other rows name, and the way out. Counted
   * only when they name a currency other than USD (see checkEmptyCurrency).
   */
  private emptyCurrencyDetail(detail: string): string {
    const named = [...this.namedCurrencies].sort();
    const shown = named.length > 3 ? `${named.slice(0, 3).join(', ')}, …` : named.join(', ');
    const fix =
      this.audience === 'file'
        ? `fill its currency cell, or pass --default currency=${named[0]} to read empty cells as ${named[0]}`
        : 'send its currency';
    return `${detail} (what an empty currency means), though other ${this.audience === 'file' ? 'rows' : 'items'} name ${shown}: ${fix}`;
  }
}

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
