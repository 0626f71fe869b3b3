import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/logger.js';

/** What the console runs with in tests: default config, the test database, a clock fixed at `now`, no Slack. */
export function consoleDeps(database: Database, now: Date): Deps {
  return {
    config: loadConfig({}),
    database,
    db: database.db,
    logger: silentLogger,
    clock: fixedClock(now),
    slack: null,
  };
}
