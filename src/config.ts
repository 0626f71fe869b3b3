import { z } from 'zod';
import { AdviceError } from './errors.js';
import { type FiscalCalendar, parseFiscalSetting } from './time/fiscal.js';
import { timeZoneSchema } from './time/zone.js';

/**
 * The only module that reads `process.env`. Everything else receives a typed `Config`.
 * A bad value stops start-up with one line naming the variable (see `loadConfig`).
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const envSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DEFAULT_TIMEZONE: timeZoneSchema.default('UTC'),
  SLACK_BOT_TOKEN: optionalString.pipe(
    z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.pipe(
    z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
  ),
  SLACK_API_URL: optionalString.pipe(
    z
      .url('must be a URL such as https://slack-gov.com/api/')
      .transform((u) => (u.endsWith('/') ? u : `${u}/`))
      .optional(),
  ),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TALLY_DATA_DIR: z.string().default('./.tally'),
  /** Whether reps may see `by rep` leaderboards of team/org (many sales teams want that). */
  TALLY_LEADERBOARDS_PUBLIC: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false')
    .default('true')
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** Answers warn that the data may be stale when the newest record is older than this. */
  TALLY_STALE_AFTER_HOURS: z.coerce.number().positive('must be a positive number of hours').default(24),
  /** A digest missed (downtime) by up to this many minutes is still posted, late, with a note; older ones are skipped. */
  TALLY_DIGEST_GRACE_MINUTES: z.coerce.number().int().min(0, 'must be 0 or more minutes').default(120),
  /** Workspace-wide pace of bot-initiated messages (digests, alerts), messages per second. */
  TALLY_SLACK_POSTS_PER_SECOND: z.coerce.number().positive('must be a positive number').max(50).default(1),
  /** Finished delivery ledger rows (digest runs, nudges, slip alerts, deliveries) are kept this many days. */
  TALLY_DELIVERY_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(8, 'must be at least 8 days (the digest and nudge look-back windows)')
    .default(90),
  /** A claimed delivery whose sender stops renewing it is re-taken this long after its last renewal. */
  TALLY_DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(5, 'must be at least 5 seconds').default(60),
  /** Minute jobs (digests, nudges, deliveries) look every this many seconds (default 60); drills and tests use less. */
  TALLY_SCHEDULER_TICK_SECONDS: z.coerce.number().int().min(1).max(60, 'must be 1..60 seconds').default(60),
  /** Shifts the app's clock by this many seconds (drills and fault tests only; default 0). */
  TALLY_TIME_OFFSET_SECONDS: z.coerce.number().int().default(0),
  /** Gross margin for customer lifetime value, a share 0..1 (default 1 = 100 %). */
  TALLY_GROSS_MARGIN: z.coerce
    .number()
    .gt(0, 'must be a share above 0, e.g. 0.8')
    .max(1, 'must be at most 1')
    .default(1),
  /**
   * Default fiscal calendar until an admin sets one from Slack: a start month ("february", "2") or a
   * week-based calendar ("4-4-5 last saturday of january"); unset = the calendar year.
   */
  TALLY_FISCAL_YEAR: optionalString.transform((v, ctx): FiscalCalendar | undefined => {
    if (v === undefined) return undefined;
    const parsed = parseFiscalSetting(v);
    if (parsed.ok) return parsed.calendar;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }),
  /** Bearer token for POST /api/v1/ingest; unset = the endpoint answers 503 "ingest disabled". */
  TALLY_INGEST_TOKEN: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  ),
});

export interface Config {
  databaseUrl: string | undefined;
  defaultTimezone: string;
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
  };
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  dataDir: string;
  /** Reps may see `by rep` leaderboards (TALLY_LEADERBOARDS_PUBLIC, default true). */
  leaderboardsPublic: boolean;
  /** Freshness warning threshold in hours (TALLY_STALE_AFTER_HOURS, default 24). */
  staleAfterHours: number;
  /** Digest catch-up window in minutes (TALLY_DIGEST_GRACE_MINUTES, default 120). */
  digestGraceMinutes: number;
  /** Outbox pace, messages per second across the workspace (TALLY_SLACK_POSTS_PER_SECOND, default 1). */
  slackPostsPerSecond: number;
  /** Days finished delivery ledger rows are kept (TALLY_DELIVERY_RETENTION_DAYS, default 90). */
  deliveryRetentionDays: number;
  /** Lease of a delivery claim in seconds (TALLY_DELIVERY_LEASE_SECONDS, default 60); renewed every quarter. */
  deliveryLeaseSeconds: number;
  /** Seconds between runs of the minute jobs (TALLY_SCHEDULER_TICK_SECONDS, default 60). */
  schedulerTickSeconds: number;
  /** Clock shift in ms (TALLY_TIME_OFFSET_SECONDS × 1000, default 0). */
  timeOffsetMs: number;
  /** Gross margin 0..1 for CLV (TALLY_GROSS_MARGIN, default 1); pass to metrics as `grossMargin`. */
  grossMargin: number;
  /** Fiscal calendar until an admin stores one (TALLY_FISCAL_YEAR); undefined = calendar year. */
  fiscalDefault?: FiscalCalendar | undefined;
  /** Secret for the ingest API (TALLY_INGEST_TOKEN); undefined = ingest disabled. Never log it. */
  ingestToken?: string | undefined;
}

export class ConfigError extends AdviceError {
  override name = 'ConfigError';
}

/** Parses an environment (default: `process.env`) into a `Config`, or throws one `ConfigError` naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    dataDir: e.TALLY_DATA_DIR,
    leaderboardsPublic: e.TALLY_LEADERBOARDS_PUBLIC,
    staleAfterHours: e.TALLY_STALE_AFTER_HOURS,
    digestGraceMinutes: e.TALLY_DIGEST_GRACE_MINUTES,
    slackPostsPerSecond: e.TALLY_SLACK_POSTS_PER_SECOND,
    grossMargin: e.TALLY_GROSS_MARGIN,
    deliveryRetentionDays: e.TALLY_DELIVERY_RETENTION_DAYS,
    schedulerTickSeconds: e.TALLY_SCHEDULER_TICK_SECONDS,
    deliveryLeaseSeconds: e.TALLY_DELIVERY_LEASE_SECONDS,
    timeOffsetMs: e.TALLY_TIME_OFFSET_SECONDS * 1000,
    ingestToken: e.TALLY_INGEST_TOKEN,
    fiscalDefault: e.TALLY_FISCAL_YEAR,
  };
}
