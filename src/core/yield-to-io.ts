/**
 * Work that may wait behind the ack. Slack wants every request acked within 3 s (the bench asks for
 * 50 ms), and the ack runs on the same event loop as the answers: a request that arrives while answers
 * are being parsed, formatted and posted waits until the loop gets back to its sockets. Answer work
 * therefore passes through `yieldToIo()` before its CPU-heavy steps (parsing a command, building a
 * message, posting it). Waiters resume on a later turn of the event loop, after the sockets were read
 * (new requests verified and acked), first come first served, for at most TURN_BUDGET_MS of
 * synchronous work per turn; the rest wait for the next turn. A backlog of answers thus delays an ack
 * by about one budget, while answers still get every turn's budget (a waiter is never dropped).
 */
const waiting: (() => void)[] = [];
let scheduled = false;

/** Synchronous answer work allowed per event-loop turn before the sockets are read again (ms). */
const TURN_BUDGET_MS = 4;

function releaseSome(): void {
  const start = performance.now();
  const step = (): void => {
    if (waiting.length === 0) {
      scheduled = false;
      return;
    }
    if (performance.now() - start >= TURN_BUDGET_MS) {
      setImmediate(releaseSome);
      return;
    }
    waiting.shift()!();
    // Queued behind the released waiter's continuation: runs once its synchronous step is done.
    queueMicrotask(step);
  };
  step();
}

/** Resolves on a later event-loop turn, after pending I/O, within that turn's budget (see above). */
export function yieldToIo(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(releaseSome);
    }
  });
}
