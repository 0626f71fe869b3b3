import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// Now: Monday 23 Nov 2026, 10:00 UTC (fixtures.ts). Mia manages EMEA; Ada (admin) is on no team.
// Tester (MED): `winrate by rep` with no scope answered a one-row leaderboard of the caller herself.
describeDb('a split by rep or team with no scope typed', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  it('answers for the caller’s team, as `team by rep` does', async () => {
    const bare = await ask(USERS.mia.id, 'winrate last month by rep');
    expect(bare).toContain('Win rate by rep · EMEA');
    expect(bare).toBe(await ask(USERS.mia.id, 'winrate team last month by rep'));
    expect(await ask(USERS.ana.id, 'calls by team')).toBe(await ask(USERS.ana.id, 'calls team by team'));
  });

  it('hints `team` or `org` to a caller on no team', async () => {
    expect(await ask(USERS.ada.id, 'winrate by rep')).toBe(
      '`by rep` splits a team or the org: try `/metrics winrate team by rep` or `/metrics winrate org by rep`.',
    );
  });
});
