import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { reps, teamMemberships, teams } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// Now: Monday 23 Nov 2026, 10:00 UTC (fixtures.ts). Mia manages EMEA (Europe/Berlin).
// Tester (MED): a rep who moved from Mia's team to AMER shows in her `team … by rep`, but asking for him
// by name said only "other people's numbers are for their managers". Access stays as it was; the refusal
// now says why and what works.
describeDb('a manager asking for a rep who left her team', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  const addMover = async (name: string, to: string | null) => {
    const db = ctx.db();
    const [emea] = await db.select({ id: teams.id }).from(teams).where(eq(teams.name, 'EMEA'));
    const [rep] = await db.insert(reps).values({ name, role: 'rep' }).returning({ id: reps.id });
    const moved = new Date('2026-11-07T09:00:00Z');
    await db.insert(teamMemberships).values({
      repId: rep!.id,
      teamId: emea!.id,
      validFrom: new Date('2025-01-01T00:00:00Z'),
      validTo: moved,
    });
    if (to) {
      const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.name, to));
      await db.insert(teamMemberships).values({ repId: rep!.id, teamId: team!.id, validFrom: moved });
    }
  };

  it('says where the rep is now, since when, and the ask that shows his results on her team', async () => {
    await addMover('Bob *Stone*', 'AMER');
    expect(await ask(USERS.mia.id, 'winrate "Bob *Stone*" q4')).toBe(
      "Sorry — Bob \u200d*\u200dStone\u200d*\u200d is on AMER now (since 7 Nov 2026), so their numbers are for AMER's manager; their results while on your team are in `/metrics winrate team 2026-Q4 by rep`.",
    );
  });

  it('says when a rep who is on no team now left hers', async () => {
    await addMover('Lea Left', null);
    expect(await ask(USERS.mia.id, 'calls Lea Left')).toBe(
      'Sorry — Lea Left left EMEA on 7 Nov 2026, so their numbers are no longer yours to see; their results while on your team are in `/metrics calls team by rep`.',
    );
  });

  it('keeps the usual refusal for a rep who was never on her team', async () => {
    expect(await ask(USERS.mia.id, 'winrate Bob Baker')).toMatch(
      /^Sorry — other people's numbers are for their managers\./,
    );
  });
});
