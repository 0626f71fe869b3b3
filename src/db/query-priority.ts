import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Statement priority on the embedded database. PGlite runs one statement at a time behind one connection,
 * so every statement waits its turn for that connection. In plain `pg.Pool` order (first come, first
 * served) a team question's few short statements each queued behind an org-wide answer's long ones, and
 * an answer's wait was mostly its queue position. Work that runs inside `asBackgroundQueries` (the
 * sharing point runs org-wide computations there) takes the connection only when no other statement is
 * waiting, so everyday team and rep answers, the caller lookup and the data version read pass it.
 */
const background = new AsyncLocalStorage<true>();

/** Runs `fn` with every statement it issues (awaited work included) at background priority. */
export function asBackgroundQueries<T>(fn: () => Promise<T>): Promise<T> {
  return background.run(true, fn);
}

/** True inside `asBackgroundQueries`. */
export function isBackgroundQuery(): boolean {
  return background.getStore() === true;
}

/**
 * A background statement that has waited while this many others were given the connection in a row goes
 * next anyway: a steady stream of team questions delays an org-wide answer, it cannot starve it.
 */
export const MAX_PASSED_BY = 16;

interface Waiter {
  background: boolean;
  grant: () => void;
}

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * A `pg.Pool` whose checkouts (`connect()`, and so every `query()`, which checks out a client) are handed
 * out by priority: waiters outside `asBackgroundQueries` first, in arrival order; background waiters when
 * none of those waits, or once one has been passed by MAX_PASSED_BY checkouts. A background checkout is
 * handed out one event-loop turn after a release, so a foreground answer whose next statement follows from
 * the result just read gets the connection first. At most `max` clients are lent at once, as in `pg.Pool`.
 * Without background work it behaves exactly like `pg.Pool` (first come, first served).
 */
export class PriorityPool extends pg.Pool {
  private lent = 0;
  private readonly waiting: Waiter[] = [];
  private passedBy = 0;
  private deferred = false;

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads (promise and callback forms).
  override connect(callback?: ConnectCallback): any {
    const checkedOut = new Promise<void>((grant) => {
      this.waiting.push({ background: isBackgroundQuery(), grant });
      this.dispatch();
    }).then(() => super.connect());
    const lent = checkedOut.then(
      (client) => this.watchRelease(client),
      (err: unknown) => {
        this.returned();
        throw err;
      },
    );
    if (!callback) return lent;
    lent.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error)),
      (err: unknown) => callback(err as Error, undefined, () => {}),
    );
    return undefined;
  }

  /** Makes the client's `release` (set by pg.Pool per checkout) also hand the turn to the next waiter. */
  private watchRelease(client: pg.PoolClient): pg.PoolClient {
    const release = client.release.bind(client);
    let once = false;
    client.release = (err?: Error | boolean) => {
      const result = release(err);
      if (!once) {
        once = true;
        this.returned();
      }
      return result;
    };
    return client;
  }

  private returned(): void {
    this.lent -= 1;
    this.dispatch();
  }

  /**
   * Lends the connection to the next waiter by priority, while fewer than `max` are lent. `nowBackground`:
   * a background waiter may have it on this turn (else it is offered one turn later).
   */
  private dispatch(nowBackground = false): void {
    const max = this.options.max ?? 10;
    while (this.lent < max && this.waiting.length > 0) {
      const foreground = this.waiting.findIndex((w) => !w.background);
      const waitingBackground = this.waiting.findIndex((w) => w.background);
      const starved =
        waitingBackground >= 0 &&
        this.passedBy >= MAX_PASSED_BY &&
        (foreground < 0 || waitingBackground < foreground);
      if (foreground >= 0 && !starved) {
        if (waitingBackground >= 0) this.passedBy += 1;
        this.lend(foreground);
      } else if (nowBackground || starved) {
        this.passedBy = 0;
        this.lend(waitingBackground);
      } else {
        // Only background waiters: one turn later, so a foreground statement that follows from a result
        // just read (issued in this turn's callbacks) goes first.
        if (!this.deferred) {
          this.deferred = true;
          setImmediate(() => {
            this.deferred = false;
            this.dispatch(true);
          });
        }
        return;
      }
    }
  }

  private lend(index: number): void {
    const [waiter] = this.waiting.splice(index, 1) as [Waiter];
    this.lent += 1;
    waiter.grant();
  }
}
