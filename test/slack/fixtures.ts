import type { Db } from '../../src/db/client.js';
import {
  activities,
  leads,
  opportunities,
  reps,
  teamManagers,
  teamMemberships,
  teams,
} from '../../src/db/schema/index.js';

/**
 * A small org for the Slack tests, with numbers computed by hand:
 * - team EMEA (Europe/Berlin): manager Mia (U0MIA) manages it; reps Ana (U0ANA) and "<!channel> & Co" (U0HOST).
 * - team AMER: rep Bob (U0BOB). Admin Ada (U0ADA) is on no team. Eve has an email but no Slack id yet.
 * - Deals closed this quarter (Q4 2026): Ana won 3 (10,000 + 20,000 + 30,000 USD) and lost 1;
 *   Bob won 1 (5,000) and lost 1; "<!channel> & Co" won 1 (12,400). So Ana's win rate is 3/4 = 75.0%,
 *   EMEA's 4/5 = 80.0%, the org's 5/7 = 71.4%.
 * - Calls this week: Ana 3 outbound, Bob 1.
 */
// "Now" in these tests: Monday 23 Nov 2026, 10:00 UTC (11:00 in Berlin).
export const NOW = new Date('2026-11-23T10:00:00Z');

export const USERS = {
  ada: { id: 'U0ADA', email: 'ada@example.com' },
  mia: { id: 'U0MIA', email: 'mia@example.com' },
  ana: { id: 'U0ANA', email: 'ana@example.com' },
  bob: { id: 'U0BOB', email: 'bob@example.com' },
  hostile: { id: 'U0HOST', email: 'host@example.com' },
  eve: { id: 'U0EVE', email: 'eve@example.com' },
  stranger: { id: 'U0WHO', email: 'who@example.com' },
} as const;

export interface Fixture {
  emea: number;
  amer: number;
  ada: number;
  mia: number;
  ana: number;
  bob: number;
  hostile: number;
  eve: number;
}

const since = new Date('2025-01-01T00:00:00Z');

export async function seedFixture(db: Db, options: { withData?: boolean } = {}): Promise<Fixture> {
  const [emea, amer] = await db
    .insert(teams)
    .values([
      { name: 'EMEA', timezone: 'Europe/Berlin' },
      { name: 'AMER', timezone: 'America/New_York' },
    ])
    .returning({ id: teams.id });
  const rep = async (
    name: string,
    user: { id: string; email: string } | null,
    role: 'rep' | 'manager' | 'admin',
    email?: string,
  ) => {
    const [row] = await db
      .insert(reps)
      .values({ name, email: user?.email ?? email ?? null, slackUserId: user?.id ?? null, role })
      .returning({ id: reps.id });
    return row!.id;
  };
  const f: Fixture = {
    emea: emea!.id,
    amer: amer!.id,
    ada: await rep('Ada Admin', USERS.ada, 'admin'),
    mia: await rep('Mia Manager', USERS.mia, 'manager'),
    ana: await rep('Ana López', USERS.ana, 'rep'),
    bob: await rep('Bob Baker', USERS.bob, 'rep'),
    hostile: await rep('<!channel> & Co', USERS.hostile, 'rep'),
    eve: await rep('Eve Early', null, 'rep', USERS.eve.email),
  };
  await db.insert(teamMemberships).values([
    { repId: f.mia, teamId: f.emea, validFrom: since },
    { repId: f.ana, teamId: f.emea, validFrom: since },
    { repId: f.hostile, teamId: f.emea, validFrom: since },
    { repId: f.eve, teamId: f.emea, validFrom: since },
    { repId: f.bob, teamId: f.amer, validFrom: since },
  ]);
  await db.insert(teamManagers).values({ teamId: f.emea, repId: f.mia });
  if (options.withData !== false) await seedData(db, f);
  return f;
}

let counter = 0;
const ext = (p: string) => `${p}-${++counter}`;

async function seedData(db: Db, f: Fixture): Promise<void> {
  const deal = (owner: number, outcome: 'won' | 'lost', amount: number, closed: string, product = 'Pro') => ({
    externalId: ext('opp'),
    ownerRepId: owner,
    outcome,
    amountMinor: amount * 100,
    currency: 'USD',
    product,
    createdAt: new Date('2026-10-01T09:00:00Z'),
    closedAt: new Date(closed),
    stage: outcome === 'won' ? 'Closed Won' : 'Closed Lost',
  });
  await db
    .insert(opportunities)
    .values([
      deal(f.ana, 'won', 10_000, '2026-10-12T10:00:00Z'),
      deal(f.ana, 'won', 20_000, '2026-11-02T10:00:00Z'),
      deal(f.ana, 'won', 30_000, '2026-11-16T10:00:00Z', 'Enterprise'),
      deal(f.ana, 'lost', 8_000, '2026-11-05T10:00:00Z'),
      deal(f.bob, 'won', 5_000, '2026-10-20T15:00:00Z'),
      deal(f.bob, 'lost', 4_000, '2026-11-18T15:00:00Z'),
      deal(f.hostile, 'won', 12_400, '2026-11-20T10:00:00Z'),
    ]);
  const [lead] = await db
    .insert(leads)
    .values({
      externalId: ext('lead'),
      name: 'Lead One',
      source: 'web',
      ownerRepId: f.ana,
      createdAt: new Date('2026-11-23T08:00:00Z'),
      firstTouchAt: new Date('2026-11-23T08:04:12Z'),
    })
    .returning({ id: leads.id });
  const call = (rep: number, at: string, leadId?: number) => ({
    externalId: ext('act'),
    repId: rep,
    kind: 'call' as const,
    direction: 'outbound' as const,
    occurredAt: new Date(at),
    durationSeconds: 60,
    connected: true,
    ...(leadId ? { leadId } : {}),
  });
  await db
    .insert(activities)
    .values([
      call(f.ana, '2026-11-23T08:04:12Z', lead!.id),
      call(f.ana, '2026-11-23T08:30:00Z'),
      call(f.ana, '2026-11-23T09:00:00Z'),
      call(f.bob, '2026-11-23T09:10:00Z'),
    ]);
}
