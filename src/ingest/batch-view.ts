import type { SQL } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../db/client.js';
import { anyText } from './upsert-core.js';

/**
 * Records of one table as a batch's items see them, by external id: as stored before the batch, then as the
 * batch's earlier accepted items left them (a batch's items for one key are merged into one written row, so
 * each item is judged on what the earlier ones wrote). The guards that refuse a partial update on what it
 * leaves stored (ClosedAtGuard, CurrencyGuard) keep their state here.
 */
export class BatchView<T> {
  private readonly written = new Map<string, T>();

  constructor(private readonly stored: ReadonlyMap<string, T>) {}

  /** The record before the item being judged: as an earlier item of the batch left it, or as stored. */
  before(key: string): T | undefined {
    return this.written.get(key) ?? this.stored.get(key);
  }

  /** Records the state an accepted item leaves `key` in, for the batch's later items of that key. */
  write(key: string, state: T): void {
    this.written.set(key, state);
  }
}

/**
 * Reads the stored rows of `table` whose external id is one of `keys`, in one query through the external-id
 * index: `select external_id as key, <columns> from <table> where external_id = any(keys)`. `columns` is an
 * SQL select list; rows come back as the database returns them. No query when `keys` is empty.
 */
export async function readStored<R extends { key: string }>(
  db: Db,
  table: 'opportunities' | 'contracts',
  columns: SQL,
  keys: string[],
): Promise<R[]> {
  if (keys.length === 0) return [];
  return queryRows<R>(
    db,
    sql`select external_id as key, ${columns} from ${sql.raw(table)} where external_id = ${anyText([...new Set(keys)])}`,
  );
}
