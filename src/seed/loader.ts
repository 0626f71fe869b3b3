import type { Db } from '../db/client.js';
import { buildInsertSql, encodeArray, rawClient } from './bulk.js';
import type { Buffers } from './generate-touches.js';

/**
 * Writes buffered rows in foreign-key order. Encoding happens at once (so buffers can refill) and the
 * statements run while the generator produces the next chunk; at most one chunk is in flight.
 */
export class Loader {
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  readonly rows: Record<string, number> = {};
  /** Time the generator spent waiting for the database, and encoding rows: where the seed's time goes. */
  waitMs = 0;
  encodeMs = 0;
  constructor(private readonly db: Db) {}

  async flush(buffers: Buffers): Promise<void> {
    const waitStart = Date.now();
    await this.drain();
    const encodeStart = Date.now();
    this.waitMs += encodeStart - waitStart;
    const batch = [
      buffers.leads,
      buffers.accounts,
      buffers.opportunities,
      buffers.activities,
      buffers.contracts,
    ]
      .filter((b) => b.length > 0)
      .map((b) => ({
        table: b.spec.table,
        n: b.length,
        text: buildInsertSql(b.spec),
        params: b.spec.columns.map((c, i) => encodeArray(b.cols[i]!, c.type)),
      }));
    for (const b of Object.values(buffers)) b.clear();
    this.encodeMs += Date.now() - encodeStart;
    const client = rawClient(this.db);
    this.pending = (async () => {
      for (const s of batch) {
        await client.query(s.text, s.params);
        this.rows[s.table] = (this.rows[s.table] ?? 0) + s.n;
      }
    })().catch((err: unknown) => {
      // Kept and rethrown by the next flush or drain, so a failed chunk is never an unhandled rejection.
      this.failure = err;
    });
  }

  async drain(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure;
  }
}
