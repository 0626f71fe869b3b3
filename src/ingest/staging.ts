import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Db, queryRows } from '../db/client.js';
import { dropForBulkWrite, restoreAfterBulkWrite } from './bulk-write.js';
import { FirstLines } from './first-lines.js';
import { refreshFirstTouchOf } from './first-touch.js';
import { CopyBatch } from './stage-copy.js';
import type { PendingRow } from './upsert-core.js';

type Table = PgTable & { id: PgColumn };

/** Counts of one flush: rows inserted, updated (a value changed) and left as they were. */
export interface StagedCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Rows held in the staging table before one set-based write. A cap keeps the key set in memory
 * small (about 70 bytes per key) and each write's transition tables moderate.
 */
const GENERATION_ROWS = 200_000;

/**
 * New rows in one flush from which the write switches to the bulk path (when they are also at least
 * as many as the rows already stored): foreign keys and plain indexes off until `finish`.
 */
export const BULK_WRITE_ROWS = 100_000;

/** Sizes of a staged write (tests lower them to exercise the bulk path and several generations). */
export interface StageLimits {
  /** New rows in one flush from which the bulk path may start (default BULK_WRITE_ROWS). */
  bulkRows?: number | undefined;
  /** Rows held before a flush (default GENERATION_ROWS). */
  generationRows?: number | undefined;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Where import fingerprints of the table's rows live: a table keyed by the row id (`id` column) with
 * `fingerprint` and `decimal_mark` (see src/db/schema/import-fingerprints.ts).
 */
export interface FingerprintStore {
  table: string;
  id: string;
}

/** A staged row's fingerprint and the decimal mark its amount showed (CSV import). */
export interface RowFingerprint {
  fingerprint: string;
  decimalMark: string | null;
}

let stageSerial = 0;

/**
 * The write half of a big import (CSV): the writers validate and resolve each batch as usual and
 * hand their rows here instead of upserting them. Rows go into a temporary staging table (COPY on
 * Postgres, one JSON parameter per batch on PGlite); `flush` then writes them with ONE set-based
 * statement per shape of row (which columns it carries; new or stored):
 * - stored rows: `UPDATE … FROM stage … WHERE row(t.*) IS DISTINCT FROM row(s.*)`, so unchanged rows
 *   are neither written nor counted as updated, and `updated_at` moves only on real changes;
 * - new rows: `INSERT … SELECT … ORDER BY key ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM`
 *   (a concurrent writer may have inserted the key meanwhile).
 * The rollup and data-version triggers are statement triggers, so each fires once per statement with
 * exactly the rows that changed (none on a replay). Keys of one generation are distinct: a key staged
 * again (a duplicate id further down the file) flushes first, so the later row wins field by field,
 * as with row-by-row writes. Callers own the transaction; `flush` takes the table lock
 * (SHARE ROW EXCLUSIVE) that keeps two imports from interleaving their set-based writes.
 *
 * Bulk path: when one flush has at least `bulkRows` new rows and they are at least as many as the rows
 * already in the table (a first import of a big file), the table is locked ACCESS EXCLUSIVE and its
 * foreign keys and plain indexes are dropped (dropForBulkWrite) for the rest of the import; `finish`
 * builds the indexes once and re-adds the foreign keys, which Postgres validates in one query each.
 * The statement triggers stay on, so the rollups stay exact as on the normal path. Call `finish`
 * (not only `flush`) at the end of the import. Once the ACCESS EXCLUSIVE lock is held, no other session
 * can write the table, so the rows of a generation whose lookups all ran under it are new for certain:
 * they go in with a plain INSERT (no ON CONFLICT, whose speculative insertion costs about as much as
 * the insert itself), their ids drawn in key order as before, and their fingerprints are written by
 * the same statement instead of by a second join of the stage with the table. A caller that knows the
 * import is big (`expectRows`, from the file's size) starts the bulk path at its first `reserve` when
 * the table is empty, so the first generation is new for certain as well.
 *
 * Fingerprints (`fingerprints`, CSV import): the caller names, per batch, the fingerprint of each row it
 * is about to stage (`expectFingerprints`); `flush` stores them beside the written rows and removes
 * the stored fingerprint of every staged row that has none (a duplicate id, a warning, an amount read
 * with the file's decimal mark), after the row's own update, whose trigger has removed the old one.
 */
export class StagedUpsert {
  private readonly columns: PgColumn[];
  private readonly props: string[];
  private readonly stage: string;
  private created = false;
  private readonly shapes = new Map<string, number>();
  private readonly sizes = new Map<number, number>();
  /**
   * Keys staged in the current generation, as 53-bit hashes (FirstLines: typed arrays, nothing for the
   * garbage collector to trace, where a Set held 200,000 strings per generation). Two keys sharing a hash
   * (odds about 1 in 400,000 for a full generation) only make `reserve`/`add` write the generation early,
   * which changes no stored value or count.
   */
  private readonly keys = new FirstLines();
  /** The COPY buffer of the last batch, written into again by the next (see CopyBatch). */
  private copyBuffer: Buffer | undefined;
  /** Column (property) → its bit in a shape code (see `shapeOf`); bit 1 says "stored". */
  private readonly bits = new Map<string, number>();
  /** Shape code → shape, for the current generation. */
  private readonly shapeByCode = new Map<number, number>();
  /** Leads whose first_touch_at may change (activities: old and new lead of each row). */
  private touched = new Set<number>();

  /** Statements that put back what the bulk path dropped; null while it is not in use. */
  private restore: string[] | null = null;

  /**
   * True when a row of the current generation was classified (new or stored) before this import held
   * the table's ACCESS EXCLUSIVE lock: another session may have inserted its key since.
   */
  private classifiedUnlocked = false;

  /** The sequence behind the table's id column, once looked up (plain inserts draw ids from it). */
  private idSequence: string | undefined;

  private readonly bulkRows: number;
  private readonly generationRows: number;

  constructor(
    private readonly db: Db,
    private readonly table: Table,
    private readonly keyName: string,
    private readonly after?: 'first touch of leads' | 'first touch of touched leads',
    limits: StageLimits = {},
    private readonly fingerprints?: FingerprintStore,
  ) {
    const all = getTableColumns(table) as Record<string, PgColumn>;
    this.props = Object.keys(all).filter((p) => p !== 'id' && p !== 'updatedAt');
    this.columns = this.props.map((p) => all[p]!);
    // Powers of two from 2: sums stay exact integers for any realistic number of columns.
    this.props.forEach((p, i) => {
      this.bits.set(p, 2 ** (i + 1));
    });
    stageSerial += 1;
    this.stage = `tally_stage_${getTableName(table)}_${stageSerial}`;
    this.bulkRows = limits.bulkRows ?? BULK_WRITE_ROWS;
    this.generationRows = limits.generationRows ?? GENERATION_ROWS;
  }

  /** Rows staged without a fingerprint since the last flush (their stored one is deleted then). */
  private unprinted = 0;

  /** Fingerprints of the rows the next `add` stages, by key (see the class). */
  private expected = new Map<string, RowFingerprint>();

  /** Fingerprints of the rows of the batch about to be staged, by key; rows without one get none. */
  expectFingerprints(byKey: Map<string, RowFingerprint>): void {
    this.expected = byKey;
  }

  /** Rows the caller expects to stage in all (see `expectRows`); 0 when unknown. */
  private expectedRows = 0;

  /** True once the first `reserve` has looked at the table (see `expectRows`). */
  private startLooked = false;

  /**
   * Says how many rows the import will stage in all (an estimate, e.g. from the file's size). When
   * they are at least `bulkRows` and the table is empty at the first `reserve`, the bulk path starts
   * there, before the first lookup: the first generation's rows are then new for certain too, and go
   * in with a plain INSERT instead of INSERT … ON CONFLICT followed by a second join for their
   * fingerprints (on a 1,000,000-row first import, a fifth of the rows).
   */
  expectRows(rows: number): void {
    this.expectedRows = rows;
  }

  /** Keys of the current batch that store no fingerprint after all (a writer found a warning on them). */
  forgetFingerprints(keys: string[]): void {
    for (const k of keys) this.expected?.delete(k);
  }

  /** Counts of a flush that `reserve` ran, handed back by the next `add` or `flush`. */
  private carried: StagedCounts = { inserted: 0, updated: 0, unchanged: 0 };

  /**
   * Call before looking anything up for a batch with these keys: when one is staged and not yet
   * written (a duplicate id further down the file), or the generation is full, the staged rows are
   * written first, so the batch sees them as stored.
   */
  async reserve(keys: string[]): Promise<void> {
    if (!this.startLooked) {
      this.startLooked = true;
      if (this.expectedRows >= this.bulkRows && this.restore === null && this.keys.count === 0) {
        const tableName = getTableName(this.table);
        const [r] = await queryRows<{ empty: boolean }>(
          this.db,
          sql.raw(`select not exists (select from ${ident(tableName)}) as empty`),
        );
        if (r!.empty) this.restore = await dropForBulkWrite(this.db, tableName);
      }
    }
    if (this.keys.count + keys.length > this.generationRows || this.anyStaged(keys)) {
      const c = await this.flush();
      this.carried = c;
    }
    this.reserved = true;
  }

  /**
   * True from a `reserve` to the next `add`: none of the reserved keys is staged, and the rows `add` then
   * gets are among them (the writers reserve every item's key), so `add` need not hash them again.
   */
  private reserved = false;

  /** True when one of `keys` is staged in the current generation (or shares a staged key's hash). */
  private anyStaged(keys: string[]): boolean {
    if (this.keys.count === 0) return false;
    for (const k of keys) if (this.keys.first(k) !== undefined) return true;
    return false;
  }

  private takeCarried(): StagedCounts {
    const c = this.carried;
    this.carried = { inserted: 0, updated: 0, unchanged: 0 };
    return c;
  }

  /** Leads to recompute first_touch_at for after the next flush. */
  touchLeads(ids: Iterable<number>): void {
    for (const id of ids) this.touched.add(id);
  }

  /**
   * Stages rows (validated, resolved, keys distinct within `rows`); `existing` holds the stored keys.
   * Flushes first when a key is already staged or the generation is full. After a `reserve`, the rows'
   * keys must be among the keys it was given (they are then known not to be staged).
   */
  async add(rows: PendingRow[], existing: Map<string, number>): Promise<StagedCounts> {
    // The caller looked `existing` up after its `reserve` and before this call: no flush (so no change
    // of lock) came in between.
    const lockedAtLookup = this.restore !== null;
    let counts = this.takeCarried();
    const reserved = this.reserved;
    this.reserved = false;
    if (
      this.keys.count + rows.length > this.generationRows ||
      (!reserved && this.anyStaged(rows.map((r) => r.key)))
    ) {
      counts = await this.flush();
    }
    if (rows.length === 0) return counts;
    if (!lockedAtLookup) this.classifiedUnlocked = true;
    await this.ensureStage();
    const extra = this.fingerprints ? ['fingerprint', 'decimal_mark'] : [];
    const batch = new CopyBatch(
      this.db,
      this.stage,
      ['shape', ...this.columns.map((c) => c.name), ...extra],
      this.copyBuffer,
    );
    for (const row of rows) {
      const shape = this.shapeOf(row.values, existing.has(row.key));
      this.sizes.set(shape, (this.sizes.get(shape) ?? 0) + 1);
      this.keys.firstOrAdd(row.key, 0);
      batch.value(shape);
      for (const p of this.props) batch.value(p === this.keyName ? row.key : row.values[p]);
      if (this.fingerprints) {
        const f = this.expected.get(row.key);
        if (!f) this.unprinted += 1;
        batch.value(f?.fingerprint);
        batch.value(f?.decimalMark);
      }
      batch.endRow();
    }
    await batch.send();
    // COPY has finished (Postgres answered): its bytes are no longer needed, the buffer is reused.
    this.copyBuffer = batch.buffer;
    return counts;
  }

  /**
   * The shape of a row (see `shapes`): found by a number whose bits are the row's columns (and whether
   * it is stored), so a row costs no string; the shape's name is built once per new combination.
   */
  private shapeOf(values: Record<string, unknown>, stored: boolean): number {
    let code = stored ? 1 : 0;
    for (const k in values) {
      const bit = this.bits.get(k);
      if (bit === undefined) {
        code = -1;
        break;
      }
      code += bit;
    }
    const known = code < 0 ? undefined : this.shapeByCode.get(code);
    if (known !== undefined) return known;
    const present = Object.keys(values).sort().join(',');
    const shapeKey = `${stored ? 'u' : 'i'}:${present}`;
    let shape = this.shapes.get(shapeKey);
    if (shape === undefined) {
      shape = this.shapes.size;
      this.shapes.set(shapeKey, shape);
    }
    if (code >= 0) this.shapeByCode.set(code, shape);
    return shape;
  }

  /** Writes every staged row (one statement per shape) and empties the stage. */
  async flush(): Promise<StagedCounts> {
    const counts = this.takeCarried();
    if (this.keys.count === 0) return counts;
    const tableName = ident(getTableName(this.table));
    // Decided before considerBulk: a lock taken by this flush came after the rows were looked up.
    const surelyNew = this.restore !== null && !this.classifiedUnlocked;
    const plainShapes: number[] = [];
    // The bulk path's ACCESS EXCLUSIVE lock first: upgrading from SHARE ROW EXCLUSIVE would deadlock
    // with an import that has read the table and waits for SHARE ROW EXCLUSIVE itself.
    await this.considerBulk(tableName);
    await this.db.execute(sql.raw(`lock table ${tableName} in share row exclusive mode`));
    const all = getTableColumns(this.table) as Record<string, PgColumn>;
    const keyCol = ident(all[this.keyName]!.name);
    const touch = 'updatedAt' in all ? `, ${ident(all.updatedAt!.name)} = now()` : '';
    // Shapes in order of first appearance; each shape's rows are distinct keys.
    for (const [shapeKey, shape] of this.shapes) {
      const props = shapeKey
        .slice(2)
        .split(',')
        .filter((p) => p !== '' && p !== this.keyName);
      const names = props.map((p) => ident(all[p]!.name));
      const size = this.sizes.get(shape) ?? 0;
      if (shapeKey.startsWith('u')) {
        if (names.length === 0) {
          counts.unchanged += size;
          continue;
        }
        const changed = `row(${names.map((n) => `t.${n}`).join(', ')}) is distinct from row(${names.map((n) => `s.${n}`).join(', ')})`;
        const [r] = await queryRows<{ n: number }>(
          this.db,
          sql`with w as (
                update ${sql.raw(tableName)} as t set ${sql.raw(names.map((n) => `${n} = s.${n}`).join(', ') + touch)}
                from ${sql.raw(this.stage)} s
                where s.shape = ${shape} and t.${sql.raw(keyCol)} = s.${sql.raw(keyCol)} and ${sql.raw(changed)}
                returning 1)
              select count(*)::int as n from w`,
        );
        counts.updated += r!.n;
        counts.unchanged += size - r!.n;
      } else if (surelyNew) {
        await this.insertNew(tableName, keyCol, [keyCol, ...names].join(', '), shape);
        plainShapes.push(shape);
        counts.inserted += size;
      } else {
        const list = [keyCol, ...names].join(', ');
        const conflict =
          names.length === 0
            ? 'do nothing'
            : `do update set ${names.map((n) => `${n} = excluded.${n}`).join(', ')}${touch}
               where row(${names.map((n) => `t.${n}`).join(', ')}) is distinct from row(${names.map((n) => `excluded.${n}`).join(', ')})`;
        const [r] = await queryRows<{ ins: number; upd: number }>(
          this.db,
          sql`with w as (
                insert into ${sql.raw(tableName)} as t (${sql.raw(list)})
                select ${sql.raw(list)} from ${sql.raw(this.stage)} where shape = ${shape} order by ${sql.raw(keyCol)}
                on conflict (${sql.raw(keyCol)}) ${sql.raw(conflict)}
                returning (t.xmax = 0) as inserted)
              select count(*) filter (where inserted)::int as ins, count(*) filter (where not inserted)::int as upd from w`,
        );
        counts.inserted += r!.ins;
        counts.updated += r!.upd;
        counts.unchanged += size - r!.ins - r!.upd;
      }
    }
    if (this.after === 'first touch of leads') {
      await refreshFirstTouchOf(
        this.db,
        sql.raw(`select t.id from ${tableName} t join ${this.stage} s on t.${keyCol} = s.${keyCol}`),
      );
    }
    if (this.after === 'first touch of touched leads' && this.touched.size > 0) {
      await refreshFirstTouchOf(this.db, [...this.touched]);
    }
    if (this.fingerprints) await this.storeFingerprints(tableName, keyCol, this.fingerprints, plainShapes);
    await this.db.execute(sql.raw(`truncate ${this.stage}`));
    this.classifiedUnlocked = false;
    this.keys.clear();
    this.touched = new Set();
    this.shapes.clear();
    this.shapeByCode.clear();
    this.sizes.clear();
    return counts;
  }

  /**
   * Inserts one shape of staged rows that are new for certain (see the class): ids drawn from the
   * table's sequence in key order, as the INSERT … SELECT … ORDER BY of the other path draws them, and
   * the rows' fingerprints (when the table keeps them) written by the same statement. `list` is the
   * quoted column list, key first.
   */
  private async insertNew(tableName: string, keyCol: string, list: string, shape: number): Promise<void> {
    if (this.idSequence === undefined) {
      const [r] = await queryRows<{ seq: string }>(
        this.db,
        sql`select pg_get_serial_sequence(${tableName}, 'id') as seq`,
      );
      this.idSequence = r!.seq;
    }
    const store = this.fingerprints;
    const prints = store
      ? `, f as (insert into ${ident(store.table)} (${ident(store.id)}, fingerprint, decimal_mark)
           select id, fingerprint, decimal_mark from src where fingerprint is not null)`
      : '';
    // Output expressions with a volatile function (nextval) are computed after the ORDER BY sort. The
    // insert reads `src` in the order it was materialized (key order) without sorting it again: ids are
    // fixed in `src`, and a second sort of a generation cost about 0.2 s.
    await this.db.execute(
      sql.raw(`with src as materialized (
                 select nextval('${this.idSequence.replace(/'/g, "''")}'::regclass) as id, * from ${this.stage}
                 where shape = ${shape} order by ${keyCol}),
               w as (insert into ${tableName} (id, ${list}) select id, ${list} from src)${prints}
               select 1`),
    );
  }

  /**
   * After the staged rows are written: their fingerprints, replaced, or removed where they have none.
   * Rows of `written` shapes (plain inserts) have theirs already.
   */
  private async storeFingerprints(
    tableName: string,
    keyCol: string,
    store: FingerprintStore,
    written: number[],
  ): Promise<void> {
    const f = ident(store.table);
    const id = ident(store.id);
    if (written.length === this.shapes.size) {
      this.unprinted = 0;
      return;
    }
    const join = `${this.stage} s join ${tableName} t on t.${keyCol} = s.${keyCol}`;
    const rest = written.length === 0 ? '' : ` and s.shape not in (${written.join(', ')})`;
    if (this.unprinted > 0)
      await this.db.execute(
        sql.raw(`delete from ${f} f using ${join} where f.${id} = t.id and s.fingerprint is null${rest}`),
      );
    this.unprinted = 0;
    await this.db.execute(
      sql.raw(`insert into ${f} as f (${id}, fingerprint, decimal_mark)
               select t.id, s.fingerprint, s.decimal_mark from ${join} where s.fingerprint is not null${rest}
               on conflict (${id}) do update set fingerprint = excluded.fingerprint, decimal_mark = excluded.decimal_mark
               where row(f.fingerprint, f.decimal_mark) is distinct from row(excluded.fingerprint, excluded.decimal_mark)`),
    );
  }

  /** Writes what is staged and, after a bulk write, builds the indexes and re-adds the foreign keys. */
  async finish(): Promise<StagedCounts> {
    const counts = await this.flush();
    if (this.restore) {
      const statements = this.restore;
      this.restore = null;
      await restoreAfterBulkWrite(this.db, statements);
    }
    return counts;
  }

  /** Switches to the bulk path when this flush inserts many rows relative to the table (see the class). */
  private async considerBulk(tableName: string): Promise<void> {
    if (this.restore) return;
    let inserts = 0;
    for (const [shapeKey, shape] of this.shapes)
      if (shapeKey.startsWith('i')) inserts += this.sizes.get(shape) ?? 0;
    if (inserts < this.bulkRows) return;
    const [stored] = await queryRows<{ n: number }>(
      this.db,
      sql.raw(`select count(*)::int as n from ${tableName}`),
    );
    if (stored!.n > inserts) return;
    this.restore = await dropForBulkWrite(this.db, getTableName(this.table));
  }

  private async ensureStage(): Promise<void> {
    if (this.created) return;
    const cols = [
      ...this.columns.map((c) => `${ident(c.name)} ${c.getSQLType()}`),
      ...(this.fingerprints ? ['fingerprint text', 'decimal_mark text'] : []),
    ].join(', ');
    // Temporary: private to this transaction's session, never WAL-logged, dropped at commit.
    await this.db.execute(
      sql.raw(`create temporary table ${this.stage} (shape int not null, ${cols}) on commit drop`),
    );
    this.created = true;
  }
}
