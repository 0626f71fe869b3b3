import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { Logger } from './logger.js';
import type { MetricDeps, SharedComputations } from './metrics/types.js';

/**
 * What the running app hands to commands, jobs and handlers. Built once in `src/main.ts` (or by tests);
 * no module creates its own connection, clock or logger.
 */
export interface Deps {
  config: Config;
  database: Database;
  db: Db;
  logger: Logger;
  clock: Clock;
  /** The Slack Web API client (pointed at SLACK_API_URL when set); null in the local console. */
  slack: WebClient | null;
  /**
   * The same client for chart uploads a person has been told will follow (bot token, same options) but
   * with the longer request timeout CHART_UPLOAD_LIMIT_MS (src/chart-button/deliver.ts) instead of 10 s;
   * absent: the listener's client is used.
   */
  slackUploads?: WebClient;
  /** Shared metric computations (single-flight, cache by data version, load shedding); absent: none. */
  answers?: SharedComputations;
}

/** What the metrics module needs from the running app, at `now`. The one place these are picked out of Deps. */
export function metricDepsFor(
  deps: {
    db: Db;
    database?: Pick<Database, 'metricsDb'>;
    answers?: SharedComputations;
    config: Pick<Config, 'defaultTimezone' | 'grossMargin'> & Partial<Pick<Config, 'fiscalDefault'>>;
  },
  now: Date,
): MetricDeps {
  return {
    // The metrics pool (session settings and statement timeout for aggregates) when the app has one.
    db: deps.database?.metricsDb ?? deps.db,
    defaultTimezone: deps.config.defaultTimezone,
    grossMargin: deps.config.grossMargin,
    ...(deps.config.fiscalDefault ? { fiscalDefault: deps.config.fiscalDefault } : {}),
    now,
    ...(deps.answers ? { answers: deps.answers } : {}),
  };
}
