import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Slack requests already seen by any instance (src/http/seen-requests.ts): `key` is "sig:" + SHA-256
 * of a request signature (a replay is refused) or "body:" + SHA-256 of a body (Slack's retry of a
 * handled request gets an empty 200); "share:" and "chart:" keys are button presses claimed across
 * instances (src/answers/share-once.ts, src/chart-button/claim.ts). Inserted on conflict do nothing at the edge; rows older than
 * the replay window plus a margin are purged by `seen_at`.
 */
export const slackSeenRequests = pgTable(
  'slack_seen_requests',
  {
    key: text('key').primaryKey(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('slack_seen_requests_seen_at_idx').on(t.seenAt)],
);
