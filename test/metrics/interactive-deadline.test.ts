import { describe, expect, it } from 'vitest';
import { isBusyError, throwIfPastDeadline, withInteractiveDeadline } from '../../src/metrics/index.js';

describe('throwIfPastDeadline', () => {
  it('throws the busy error only inside an interactive ask whose deadline has passed', async () => {
    // Outside an ask (digests, the console) there is no deadline.
    expect(() => throwIfPastDeadline()).not.toThrow();
    await withInteractiveDeadline(1_000, async () => {
      expect(() => throwIfPastDeadline(() => 999)).not.toThrow();
      let thrown: unknown;
      try {
        throwIfPastDeadline(() => 1_000);
      } catch (err) {
        thrown = err;
      }
      expect(isBusyError(thrown)).toBe(true);
    });
  });
});
