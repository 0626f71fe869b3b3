import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/logger.js';
import type { Reply } from '../../src/slack/reply.js';
import { ANSWER_TIMEOUT_MS, answerSafely } from '../../src/slack/respond.js';

const deps = {
  config: loadConfig({}),
  database: {} as Database,
  db: {} as Deps['db'],
  logger: silentLogger,
  // Monday 23 Nov 2026, 10:00 UTC.
  clock: fixedClock('2026-11-23T10:00:00Z'),
  slack: null,
} satisfies Deps;

describe('answering safely', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells the user to try again when the database never answers', async () => {
    vi.useFakeTimers();
    const pending = answerSafely(deps, 'test', () => new Promise<Reply>(() => {}));
    await vi.advanceTimersByTimeAsync(ANSWER_TIMEOUT_MS);
    const reply = await pending;
    expect(reply.message.text).toBe("Couldn't load metrics right now — please try again in a minute.");
  });

  it('turns a database error into the same sentence, without its details', async () => {
    const reply = await answerSafely(deps, 'test', async () => {
      throw new Error('connection to server at "db.internal" (10.0.0.5), port 5432 failed: password=hunter2');
    });
    expect(reply.message.text).toBe("Couldn't load metrics right now — please try again in a minute.");
    expect(JSON.stringify(reply)).not.toContain('hunter2');
  });

  it('tells a change that timed out it may still be saved, and one that failed that nothing changed', async () => {
    // A write that hangs past the timeout may still commit: "nothing was changed" would not be known.
    const failure = (cause: 'error' | 'timeout') =>
      cause === 'timeout' ? 'may still be saved' : 'nothing changed';
    vi.useFakeTimers();
    const pending = answerSafely(deps, 'test', () => new Promise<Reply>(() => {}), { failure });
    await vi.advanceTimersByTimeAsync(ANSWER_TIMEOUT_MS);
    expect((await pending).message.text).toBe('may still be saved');
    vi.useRealTimers();
    const failed = await answerSafely(
      deps,
      'test',
      async () => {
        throw new Error('connection refused');
      },
      { failure },
    );
    expect(failed.message.text).toBe('nothing changed');
  });
});
