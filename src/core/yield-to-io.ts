/**
 * Work that may wait behind the ack. Slack wants every request acked within 3 s (the bench asks for
 * 50 ms), and the ack runs on the same event loop as the answers: a request that arrives while answers
 * are being parsed, formatted and posted waits until the loop gets back to its sockets. Answer work
 * therefore passes through `yieldToIo()` at its CPU-heavy steps (before parsing a command, before
 * building a message, before posting it). Each call resumes on a later turn of the event loop, ONE
 * caller per turn, and every turn first reads the sockets: new requests are verified and acked between
 * any two such steps, and a backlog of answers cannot hold the loop for more than one step at a time.
 *
 * Order is first come, first served; a waiter is never dropped. Costs one loop turn (microseconds when
 * the process is idle).
 */
const waiting: (() => void)[] = [];
let scheduled = false;

function releaseOne(): void {
  const next = waiting.shift();
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(releaseOne);
  next?.();
}

/** Resolves on a later event-loop turn, after pending I/O (see above); one waiter per turn. */
export function yieldToIo(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(releaseOne);
    }
  });
}
