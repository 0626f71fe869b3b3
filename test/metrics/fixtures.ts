import type { Db } from '../../src/db/client.js';
import { activities, leads, opportunities, reps, teamMemberships, teams } from '../../src/db/schema/index.js';

/** Small hand-built data for metric tests: insert helpers that fill the boring columns. */
let seq = 0;
const ext = (p: string) => `${p}-${++seq}`;

export async function addTeam(
  db: Db,
  name: string,
  opts: { timezone?: string; sla?: number; weekStartsOn?: number } = {},
): Promise<number> {
  const [row] = await db
    .insert(teams)
    .values({
      name,
      timezone: opts.timezone ?? null,
      responseSlaSeconds: opts.sla ?? 300,
      weekStartsOn: opts.weekStartsOn ?? 1,
    })
    .returning({ id: teams.id });
  return row!.id;
}

/** A rep, optionally in a team from `since` (default 2020-01-01) until `until` (default: still there). */
export async function addRep(
  db: Db,
  name: string,
  teamId?: number,
  since = '2020-01-01T00:00:00Z',
  until?: string,
): Promise<number> {
  const [row] = await db
    .insert(reps)
    .values({ name, email: `${name.toLowerCase()}@example.com` })
    .returning({ id: reps.id });
  if (teamId !== undefined) await addMembership(db, row!.id, teamId, since, until);
  return row!.id;
}

export async function addMembership(
  db: Db,
  repId: number,
  teamId: number,
  from: string,
  to?: string,
): Promise<void> {
  await db
    .insert(teamMemberships)
    .values({ repId, teamId, validFrom: new Date(from), validTo: to ? new Date(to) : null });
}

export async function addCall(
  db: Db,
  repId: number,
  at: string,
  opts: { connected?: boolean; seconds?: number; direction?: 'outbound' | 'inbound' } = {},
): Promise<void> {
  await db.insert(activities).values({
    externalId: ext('a'),
    repId,
    kind: 'call',
    direction: opts.direction ?? 'outbound',
    occurredAt: new Date(at),
    connected: opts.connected ?? false,
    durationSeconds: opts.seconds ?? 0,
  });
}

export async function addActivity(
  db: Db,
  values: Omit<typeof activities.$inferInsert, 'externalId'>,
): Promise<void> {
  await db.insert(activities).values({ externalId: ext('a'), ...values });
}

export async function addOpp(
  db: Db,
  repId: number | null,
  opts: {
    created: string;
    closed?: string;
    outcome?: 'open' | 'won' | 'lost';
    amount?: number;
    currency?: string;
    product?: string;
    leadId?: number;
    accountId?: number;
    lossReason?: string | null;
  },
): Promise<number> {
  const [row] = await db
    .insert(opportunities)
    .values({
      externalId: ext('o'),
      ownerRepId: repId,
      createdAt: new Date(opts.created),
      closedAt: opts.closed ? new Date(opts.closed) : null,
      outcome: opts.outcome ?? 'open',
      amountMinor: opts.amount ?? null,
      currency: opts.currency ?? 'USD',
      product: opts.product ?? null,
      leadId: opts.leadId ?? null,
      accountId: opts.accountId ?? null,
      lossReason: opts.lossReason ?? null,
    })
    .returning({ id: opportunities.id });
  return row!.id;
}

export async function addLead(
  db: Db,
  repId: number | null,
  opts: { created: string; touched?: string; qualified?: string; converted?: string; source?: string },
): Promise<number> {
  const [row] = await db
    .insert(leads)
    .values({
      externalId: ext('l'),
      ownerRepId: repId,
      createdAt: new Date(opts.created),
      firstTouchAt: opts.touched ? new Date(opts.touched) : null,
      qualifiedAt: opts.qualified ? new Date(opts.qualified) : null,
      convertedAt: opts.converted ? new Date(opts.converted) : null,
      source: opts.source ?? null,
    })
    .returning({ id: leads.id });
  return row!.id;
}
