import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { noteRequestArrived, yieldToIo } from '../../src/core/yield-to-io.js';
import { spin } from '../helpers/spin.js';

describe('yieldToIo', () => {
  it('resumes waiters first come first served, a few milliseconds of work per event-loop turn', async () => {
    let turn = 0;
    const tick = () => {
      turn += 1;
      if (turn < 50) setImmediate(tick);
    };
    setImmediate(tick);
    const order: number[] = [];
    const turns = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        await yieldToIo();
        order.push(i);
        spin(3);
        return turn;
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // 8 steps of 3 ms with a 4 ms budget a turn: two at most per turn, so at least four turns.
    expect(new Set(turns).size).toBeGreaterThanOrEqual(4);
  });

  it('serves an HTTP request that arrives while a backlog of CPU-heavy steps runs', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // Warm the client up, so the request below needs only a few loop turns.
      await (await fetch(`http://127.0.0.1:${port}/`)).text();
      let done = 0;
      let doneWhenAnswered = -1;
      const answered = fetch(`http://127.0.0.1:${port}/`)
        .then((r) => r.text())
        .then(() => {
          doneWhenAnswered = done;
        });
      // 40 answers' steps of 5 ms each (200 ms of work), all queued at once.
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          await yieldToIo();
          spin(5);
          done += 1;
        }),
      );
      await answered;
      // The request was served between steps, not after the whole backlog.
      expect(doneWhenAnswered).toBeGreaterThanOrEqual(0);
      expect(doneWhenAnswered).toBeLessThan(40);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  /** Counts event-loop turns; calls noteRequestArrived() on turns 1..arrivals (a burst, one accept a turn). */
  const turnsWithArrivals = (arrivals: number) => {
    const state = { turn: 0 };
    const tick = () => {
      state.turn += 1;
      if (state.turn <= arrivals) noteRequestArrived();
      if (state.turn < arrivals + 60) setImmediate(tick);
    };
    setImmediate(tick);
    return state;
  };

  it('holds answer work while requests keep arriving, and releases it on the first turn without one', async () => {
    const clock = turnsWithArrivals(12);
    await yieldToIo();
    // Arrivals on turns 1..12: the waiter resumes on the first turn after them, not on turn 1.
    expect(clock.turn).toBe(13);
  });

  it('does not hold answer work for ever under a flood of requests', async () => {
    const clock = turnsWithArrivals(100);
    await yieldToIo();
    // At most 40 held turns in a row; then a budget of answer work runs although requests still arrive.
    expect(clock.turn).toBeGreaterThan(1);
    expect(clock.turn).toBeLessThanOrEqual(42);
    await new Promise((r) => setTimeout(r, 50));
  });

  it('after a hold that reached its limit, lets answers run on the following turns of the flood', async () => {
    const clock = turnsWithArrivals(200);
    await yieldToIo();
    const releasedAt = clock.turn;
    expect(releasedAt).toBeGreaterThan(30);
    // Requests still arrive on every turn: the next steps of an answer are not held for another 40 turns.
    // Each step waits for I/O first (a new turn), as an answer's steps do between queries.
    for (let i = 0; i < 5; i += 1) {
      await new Promise((r) => setImmediate(r));
      await yieldToIo();
    }
    expect(clock.turn - releasedAt).toBeLessThanOrEqual(10);
    await new Promise((r) => setTimeout(r, 100));
  });
});
