/**
 * Virtual time for paced senders: `sleep(ms)` returns at once (after yielding, so other senders run)
 * and moves the virtual clock forward to when the sleeper would have woken. Concurrent sleepers move it
 * to the latest wake-up, not to the sum, as real time would.
 */
export interface VirtualTime {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Every sleep requested, in order (ms). */
  sleeps: number[];
}

export function createVirtualTime(startMs: number): VirtualTime {
  let t = startMs;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      const wake = t + ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
      t = Math.max(t, wake);
    },
  };
}
