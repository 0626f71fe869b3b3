import { WebClient } from '@slack/web-api';
import type { Database } from '../../src/db/client.js';
import { reps, teamMemberships, teams } from '../../src/db/schema/index.js';
import { createOutbox, type Outbox, type SendResult } from '../../src/delivery/outbox.js';
import type { Deps } from '../../src/deps.js';
import { createSubscription, type NewSubscription } from '../../src/digest/store.js';
import { consoleDeps } from '../helpers/deps.js';
import type { SlackApiStub } from '../helpers/slack-api.js';
import { createVirtualTime } from '../outbox/virtual-time.js';

/** A WebClient on the stand-in that leaves 429s and retries to the outbox, as src/main.ts must. */
export function testClient(stub: SlackApiStub): WebClient {
  return new WebClient('xoxb-test', {
    slackApiUrl: stub.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

export function testDeps(database: Database, client: WebClient, now: string): Deps {
  return { ...consoleDeps(database, new Date(now)), slack: client };
}

/** A real outbox on virtual time that also remembers every result (for pacing checks). */
export function recordingOutbox(client: WebClient): Outbox & { results: SendResult[] } {
  const vt = createVirtualTime(0);
  const inner = createOutbox(client, { now: vt.now, sleep: vt.sleep });
  const results: SendResult[] = [];
  return {
    results,
    send: async (m) => {
      const r = await inner.send(m);
      results.push(r);
      return r;
    },
    sendDm: async (u, m) => {
      const r = await inner.sendDm(u, m);
      results.push(r);
      return r;
    },
  };
}

export async function addTeam(
  database: Database,
  name: string,
  timezone: string | null = null,
): Promise<number> {
  const [t] = await database.db.insert(teams).values({ name, timezone }).returning({ id: teams.id });
  return t!.id;
}

export async function addRep(
  database: Database,
  fields: {
    name: string;
    slackUserId: string | null;
    timezone?: string | null;
    teamId?: number;
    role?: 'rep' | 'manager' | 'admin';
  },
): Promise<number> {
  const [r] = await database.db
    .insert(reps)
    .values({
      name: fields.name,
      email: `${fields.name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
      slackUserId: fields.slackUserId,
      timezone: fields.timezone ?? null,
      role: fields.role ?? 'rep',
    })
    .returning({ id: reps.id });
  if (fields.teamId !== undefined) {
    await database.db
      .insert(teamMemberships)
      .values({ repId: r!.id, teamId: fields.teamId, validFrom: new Date('2025-01-01T00:00:00Z') });
  }
  return r!.id;
}

/** A channel digest, daily 08:30 Europe/Berlin by default, active since `since`. */
export async function addDigest(
  database: Database,
  over: Partial<NewSubscription> & { now: Date },
): Promise<number> {
  const sub = await createSubscription(database.db, {
    target: 'C0SALES',
    scope: { kind: 'org' },
    cadence: 'daily',
    weekday: null,
    localTime: '08:30',
    timezone: 'Europe/Berlin',
    metrics: [],
    createdByRepId: null,
    createdBySlackUserId: 'UADMIN',
    ...over,
  });
  return sub.id;
}
