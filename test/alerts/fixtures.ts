import { WebClient } from '@slack/web-api';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database, Db } from '../../src/db/client.js';
import { leads, reps, teamManagers, teamMemberships, teams } from '../../src/db/schema/index.js';
import { createOutbox, setOutbox } from '../../src/delivery/outbox.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/logger.js';
import type { SlackApiStub } from '../helpers/slack-api.js';

export const SIGNING_SECRET = 'test-signing-secret';

/** Deps against the stand-in Slack API, with an unpaced outbox (pace is the outbox's own tests' business). */
export function makeDeps(database: Database, stub: SlackApiStub, now: string | Date) {
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: stub.apiUrl,
    DEFAULT_TIMEZONE: 'UTC',
  });
  const slack = new WebClient('xoxb-test', {
    slackApiUrl: stub.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  setOutbox(slack, createOutbox(slack, { globalIntervalMs: 0, perChannelIntervalMs: 0 }));
  const clock = fixedClock(now);
  const deps: Deps = { config, database, db: database.db, logger: silentLogger, clock, slack };
  return { deps, clock };
}

export interface World {
  teamId: number;
  ana: number;
  bob: number;
  mia: number;
}

/**
 * Team "Inbound" (UTC, SLA 5 min): reps Ana (U0ANA) and Bob (U0BOB), manager Mia (U0MIA) since 1 Jan 2026.
 */
export async function seedWorld(db: Db): Promise<World> {
  const [team] = await db.insert(teams).values({ name: 'Inbound', responseSlaSeconds: 300 }).returning();
  const inserted = await db
    .insert(reps)
    .values([
      { name: 'Ana López', email: 'ana@example.com', slackUserId: 'U0ANA' },
      { name: 'Bob <Smith>', email: 'bob@example.com', slackUserId: 'U0BOB' },
      { name: 'Mia Chen', email: 'mia@example.com', slackUserId: 'U0MIA', role: 'manager' },
    ])
    .returning();
  const [ana, bob, mia] = inserted.map((r) => r.id) as [number, number, number];
  const teamId = team?.id as number;
  const from = new Date('2026-01-01T00:00:00Z');
  await db.insert(teamMemberships).values([
    { repId: ana, teamId, validFrom: from },
    { repId: bob, teamId, validFrom: from },
    { repId: mia, teamId, validFrom: from },
  ]);
  await db.insert(teamManagers).values({ teamId, repId: mia });
  return { teamId, ana, bob, mia };
}

let leadCounter = 0;

/** Inserts a lead owned by `ownerRepId`, created at `createdAt`; returns its id. */
export async function addLead(
  db: Db,
  ownerRepId: number,
  createdAt: string,
  extra: Partial<typeof leads.$inferInsert> = {},
): Promise<number> {
  leadCounter++;
  const [row] = await db
    .insert(leads)
    .values({
      externalId: `L-${leadCounter}`,
      name: `Lead ${leadCounter}`,
      company: 'Acme & Co',
      source: 'web',
      ownerRepId,
      createdAt: new Date(createdAt),
      ...extra,
    })
    .returning({ id: leads.id });
  return row?.id as number;
}

/** Texts of every block of a recorded chat.postMessage/chat.update call, joined, for content checks. */
export function blockText(args: Record<string, unknown>): string {
  return JSON.stringify(args.blocks ?? []);
}
