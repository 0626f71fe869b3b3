import { FIRST_LINES, type ImportWarning, KIND_BIT, ROW_KINDS, type WarningKind } from './warning-kinds.js';
import { openStagesDetail } from './warning-text.js';

/**
 * At most this many rows of a kind that quotes its values (`quoting`) keep their value: the first FIRST_LINES,
 * then the first row of each other value. Placeholders are a short list, so it is rarely reached.
 */
const MAX_QUOTED_ROWS = FIRST_LINES + 100;

/**
 * The rows that raised a ROW_KINDS warning, in the order they were looked at (a row table in typed arrays:
 * 16 bytes a row, nothing for the garbage collector to trace): line, the kinds raised (bits of KIND_BIT; 0
 * once a later row with the same key replaced it), and a closed-but-open row's stage (an index into
 * stageNames, else -1). The warnings are derived from this at the end (`list`), so they count only stored
 * rows, list their first lines and show a stored row's detail. Entries are numbered from 0 (`open`).
 */
export class RowTable {
  private lines = new Float64Array(64);
  private masks = new Uint32Array(64);
  private stages = new Int32Array(64);
  private count = 0;
  private readonly stageNames: string[] = [];
  private readonly stageIndex = new Map<string, number>();

  /** Per ROW_KINDS kind: entry → detail, for at most FIRST_LINES stored rows (the first that raised it). */
  private readonly details = new Map<WarningKind, Map<number, string>>();

  /**
   * The kinds whose rows' details are the values they held (`mark`'s `value`: a placeholder "N/A", "TBD"),
   * with the sentence that quotes them, one or several: the summary names each value its shown rows held.
   */
  private readonly quoting = new Map<WarningKind, (values: string[]) => string>();

  /** Row-table entries set aside by a later row with the same key: their mask and kept details. */
  private readonly shelved = new Map<number, { mask: number; details: Map<WarningKind, string> }>();

  /** A new entry for the row at `line` (its line, or its item index in a request), raising nothing yet. */
  open(line: number): number {
    const row = this.count++;
    if (row === this.lines.length) {
      const grow = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.lines = grow(this.lines, (n) => new Float64Array(n));
      this.masks = grow(this.masks, (n) => new Uint32Array(n));
      this.stages = grow(this.stages, (n) => new Int32Array(n));
    }
    this.lines[row] = line;
    this.masks[row] = 0;
    this.stages[row] = -1;
    return row;
  }

  /** The line (item index) of entry `row`. */
  lineOf(row: number): number {
    return this.lines[row]!;
  }

  /** Marks that the kinds whose details quote a row's value say so with `sentence` (see `quoting`). */
  quotes(kind: WarningKind, sentence: (values: string[]) => string): void {
    this.quoting.set(kind, sentence);
  }

  /**
   * Records a ROW_KINDS warning of entry `row`. `value`: for a kind whose detail quotes what the row held
   * (`quoting`), the value as typed, kept as the row's detail, so the summary can quote every row's own value
   * rather than the first row's. A detail is kept only while it may be shown.
   */
  mark(row: number, kind: WarningKind, detail: () => string, value?: string): void {
    this.masks[row]! |= KIND_BIT.get(kind)!;
    const kept = this.details.get(kind) ?? new Map<number, string>();
    if (kept.size === 0) this.details.set(kind, kept);
    // A quoting kind also keeps the first row of each further value (up to MAX_QUOTED_ROWS), so the summary
    // quotes every distinct value, not only the first FIRST_LINES rows' (tester: TBD on line 7 went unsaid).
    if (
      kept.size < FIRST_LINES ||
      (value !== undefined && kept.size < MAX_QUOTED_ROWS && !includesValue(kept, value))
    )
      kept.set(row, value ?? detail());
  }

  /** Records the stage of a closed deal whose stage reads as open (entry `row`), for the summary per stage. */
  setStage(row: number, stage: string): void {
    let i = this.stageIndex.get(stage);
    if (i === undefined) {
      i = this.stageNames.push(stage) - 1;
      this.stageIndex.set(stage, i);
    }
    this.stages[row] = i;
  }

  /** True when entry `row` still counts a warning of `kind`. */
  has(row: number, kind: WarningKind): boolean {
    return (this.masks[row]! & KIND_BIT.get(kind)!) !== 0;
  }

  /** Takes a warning of `kind` off entry `row` (and its kept detail). */
  clear(row: number, kind: WarningKind): void {
    this.masks[row]! &= ~KIND_BIT.get(kind)!;
    this.details.get(kind)?.delete(row);
  }

  /**
   * Keeps `value` as entry `row`'s detail of a quoting `kind` when no row kept it (after others were
   * cleared: a row left warning whose value only a cleared row kept keeps it now).
   */
  keepValue(row: number, kind: WarningKind, value: string): void {
    const kept = this.details.get(kind);
    if (kept && !kept.has(row) && !includesValue(kept, value)) kept.set(row, value);
  }

  /** Drops a row's warnings for good (its mask and kept details). */
  forget(row: number): void {
    this.masks[row] = 0;
    for (const kept of this.details.values()) kept.delete(row);
  }

  /** Moves a row's warnings out of the count (its mask and kept details), to be put back by `unshelve`. */
  shelve(row: number): void {
    const details = new Map<WarningKind, string>();
    for (const [kind, kept] of this.details) {
      const d = kept.get(row);
      if (d !== undefined) details.set(kind, d);
      kept.delete(row);
    }
    this.shelved.set(row, { mask: this.masks[row]!, details });
    this.masks[row] = 0;
  }

  /** Puts a shelved row's warnings back in the count. */
  unshelve(row: number): void {
    const saved = this.shelved.get(row);
    if (!saved) return;
    this.shelved.delete(row);
    this.masks[row] = saved.mask;
    for (const [kind, d] of saved.details) {
      const kept = this.details.get(kind) ?? new Map<number, string>();
      this.details.set(kind, kept);
      kept.set(row, d);
    }
  }

  /** Drops a shelved row for good (it will not be stored again). */
  dropShelved(row: number): void {
    this.shelved.delete(row);
  }

  /**
   * The ROW_KINDS warnings of the rows left stored, per kind: their count, the first lines, and the detail of
   * the first stored row that kept one. A file's closed-but-open warning with several stages names each stage
   * with its row count instead (most rows first, ties in the order first seen).
   */
  list(audience: 'file' | 'request'): Map<WarningKind, ImportWarning> {
    const out = new Map<WarningKind, ImportWarning>();
    const perStage = new Map<string, number>();
    const quoted = new Map<WarningKind, Set<string>>();
    for (let row = 0; row < this.count; row += 1) {
      const mask = this.masks[row]!;
      if (mask === 0) continue;
      const line = this.lines[row]!;
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
      const stage = this.stages[row]!;
      if (stage >= 0) perStage.set(this.stageNames[stage]!, (perStage.get(this.stageNames[stage]!) ?? 0) + 1);
    }
    for (const [kind, values] of quoted) out.get(kind)!.detail = this.quoting.get(kind)!([...values]);
    const open = out.get('closed but stage reads open');
    if (open && audience === 'file' && perStage.size > 1) open.detail = openStagesDetail(perStage);
    return out;
  }
}

/** True when a kept detail (a quoting kind's row value) is `value`. */
function includesValue(kept: Map<number, string>, value: string): boolean {
  for (const v of kept.values()) if (v === value) return true;
  return false;
}
