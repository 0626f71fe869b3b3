import { fold } from '../core/fold.js';
import type { Db } from '../db/client.js';
import { findByName, lockNameCreation, type NamedRecord } from './names.js';

/**
 * The names one batch refers to, looked up once (one findByName) instead of once per row, and kept
 * current with what the batch itself writes: a writer calls `add` / `replace` after each write
 * to the table, and `forget` after a row's savepoint was rolled back (the next read reloads, as the rolled
 * back writes and the creation lock taken in that savepoint are gone). Records of a fold key are oldest
 * first, as findByName returns them. Only for use inside one transaction.
 */
export class BatchNames {
  private keys = new Set<string>();
  private found = new Map<string, NamedRecord[]>();
  private stale = false;
  private locked = false;

  constructor(private readonly table: 'reps' | 'teams') {}

  /**
   * Looks `names` up (one query; names loaded already are not asked again unless stale). `db`: the
   * batch's transaction, or the savepoint of the row being written (the same connection).
   */
  async load(db: Db, names: string[]): Promise<void> {
    if (this.stale) return this.reload(db, names);
    const missing = [...new Set(names.map(fold))].filter((k) => k !== '' && !this.keys.has(k));
    if (missing.length === 0) return;
    const more = await findByName(db, this.table, missing);
    for (const k of missing) this.keys.add(k);
    for (const [k, list] of more) this.found.set(k, list);
  }

  /** The stored records whose name folds like `name` (loading it first when it is new to the batch). */
  async get(db: Db, name: string): Promise<NamedRecord[]> {
    await this.load(db, [name]);
    return this.found.get(fold(name)) ?? [];
  }

  /**
   * Takes lockNameCreation (once per batch) and looks every loaded name up again: a new statement after
   * the lock sees what a concurrent writer committed while we waited (see lockNameCreation).
   */
  async lock(db: Db): Promise<void> {
    if (this.locked) return;
    await lockNameCreation(db);
    this.locked = true;
    await this.reload(db, []);
  }

  /** A record this batch inserted (a name not loaded yet is left to its first lookup, which will see it). */
  add(record: NamedRecord): void {
    const key = fold(record.name);
    if (!this.keys.has(key)) return;
    const list = this.found.get(key) ?? [];
    list.push(record);
    list.sort((a, b) => a.id - b.id);
    this.found.set(key, list);
  }

  /** A stored record this batch changed (its name or email), as it now is. */
  replace(record: NamedRecord): void {
    this.drop(record.id);
    this.add(record);
  }

  /** A row's savepoint was rolled back: its writes and any lock it took are gone; read again next time. */
  forget(): void {
    this.stale = true;
    this.locked = false;
  }

  private drop(id: number): NamedRecord | undefined {
    for (const [key, list] of this.found) {
      const i = list.findIndex((r) => r.id === id);
      if (i < 0) continue;
      const [record] = list.splice(i, 1);
      if (list.length === 0) this.found.delete(key);
      return record;
    }
    return undefined;
  }

  private async reload(db: Db, names: string[]): Promise<void> {
    for (const n of names) if (fold(n) !== '') this.keys.add(fold(n));
    this.found = await findByName(db, this.table, [...this.keys]);
    this.stale = false;
  }
}
