import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Server-side cancellation of queries whose answer nobody waits for any more. Work that may be abandoned
 * runs inside `withQuerySignal(signal, fn)`; every query it issues on a `CancellablePool` (the metrics pool)
 * is cancelled on the server (`pg_cancel_backend`) when the signal aborts, and no new one starts after it.
 * Without a signal the pool behaves exactly like `pg.Pool`.
 */
const signals = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with `signal` governing every query it issues (awaited work included). */
export function withQuerySignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return signals.run(signal, fn);
}

/** The signal of the work in progress, if any (checked before each metric query, on PGlite too). */
export function currentQuerySignal(): AbortSignal | undefined {
  return signals.getStore();
}

type QueryArgs = Parameters<pg.Pool['query']>;

/**
 * A `pg.Pool` whose promise-style queries honour the current query signal: an aborted signal rejects before
 * a connection is taken, and an abort while the query runs sends `pg_cancel_backend(pid)` through `admin`
 * (another pool, so a full metrics pool cannot block its own cancellation). The cancelled connection is
 * closed rather than reused, so a late cancel can never hit the next query on it. The query then rejects
 * with the signal's reason.
 */
export class CancellablePool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly admin: pg.Pool,
  ) {
    super(config);
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads; only the promise form is intercepted.
  override query(...args: any[]): any {
    const signal = currentQuerySignal();
    if (!signal || typeof args.at(-1) === 'function')
      return (super.query as (...a: unknown[]) => unknown)(...args);
    return this.queryWithSignal(signal, args as unknown as QueryArgs);
  }

  private async queryWithSignal(signal: AbortSignal, args: QueryArgs): Promise<unknown> {
    signal.throwIfAborted();
    const client = await this.connect();
    let cancelled: Promise<unknown> | null = null;
    const onAbort = () => {
      const pid = (client as unknown as { processID: number | null }).processID;
      cancelled = pid ? this.admin.query('select pg_cancel_backend($1)', [pid]).catch(() => {}) : null;
    };
    try {
      signal.throwIfAborted();
      signal.addEventListener('abort', onAbort, { once: true });
      return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (cancelled) await cancelled;
      client.release(signal.aborted);
    }
  }
}
