import { describe, expect, it } from 'vitest';
import { type AccessTarget, checkAccess } from '../../src/access/permissions.js';
import type { Caller } from '../../src/core/types.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

/**
 * Tester (LOW): refusing another rep's numbers always suggested `winrate`: `/metrics calls @amara 30d` and
 * `/metrics dealsize amara khan` were told "You can ask for your own (`/metrics winrate`), …". The
 * suggestions are for the metric asked, with its period.
 */
describeDb('what a refusal suggests', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply;
  const otherPeople = (own: string, team: string, org: string) =>
    `Sorry — other people's numbers are for their managers. You can ask for your own (\`${own}\`), your team's total (\`${team}\`) or the org's (\`${org}\`).`;

  it("suggests the metric and period asked when a rep asks for another rep's numbers", async () => {
    expect((await ask(USERS.ana.id, `calls <@${USERS.bob.id}|bob> 30d`)).text).toBe(
      otherPeople('/metrics calls 30d', '/metrics calls team 30d', '/metrics calls org 30d'),
    );
    expect((await ask(USERS.ana.id, 'dealsize bob baker')).text).toBe(
      otherPeople('/metrics dealsize', '/metrics dealsize team', '/metrics dealsize org'),
    );
    expect((await ask(USERS.ana.id, `winrate <@${USERS.bob.id}|bob> last month`)).text).toBe(
      otherPeople(
        '/metrics winrate last month',
        '/metrics winrate team last month',
        '/metrics winrate org last month',
      ),
    );
  });

  it('suggests questions that are answered as they are written', async () => {
    for (const text of ['calls 30d', 'calls team 30d', 'calls org 30d']) {
      const reply = await ask(USERS.ana.id, text);
      expect(reply.text, text).toMatch(/^Calls · /);
    }
    const answers = {
      'me this week': /^Scorecard · Ana López · /,
      'team this week': /^Scorecard · EMEA · /,
      'lost last month': /Ana López/,
      'lost team last month': /EMEA/,
    };
    for (const [text, answer] of Object.entries(answers))
      expect((await ask(USERS.ana.id, text)).text, text).toMatch(answer);
  });

  it('suggests the scorecard for a scorecard, and `lost` for lost deals', async () => {
    expect((await ask(USERS.ana.id, `<@${USERS.bob.id}|bob> this week`)).text).toBe(
      otherPeople('/metrics me this week', '/metrics team this week', '/metrics org this week'),
    );
    expect((await ask(USERS.ana.id, `lost <@${USERS.bob.id}|bob> last month`)).text).toBe(
      otherPeople(
        '/metrics lost last month',
        '/metrics lost team last month',
        '/metrics lost org last month',
      ),
    );
  });

  it("suggests the metric asked to a manager refused another team's leaderboard", async () => {
    await app.restart({ TALLY_LEADERBOARDS_PUBLIC: 'false' });
    const reply = await ask(USERS.mia.id, 'calls team AMER this week by rep');
    expect(reply.text).toBe(
      'Sorry — leaderboards by rep are limited to the teams you manage. Try `/metrics calls team &lt;your team&gt; this week by rep`.',
    );
  });
});

describe('the suggestions of a refusal', () => {
  const rep: Caller = {
    slackUserId: 'U1',
    repId: 1,
    name: 'Ana',
    email: null,
    role: 'rep',
    teamIds: [10],
    managedTeamIds: [],
    timezone: null,
  };
  const other: AccessTarget = { kind: 'rep', repId: 2, teamIds: [10] };

  it('leave out a period that is not plain words and dates (a forged button value)', () => {
    const refused = checkAccess(
      rep,
      other,
      null,
      { leaderboardsPublic: true },
      { words: 'calls', period: '`<!channel>`' },
    );
    expect(refused).toEqual({
      allowed: false,
      reason:
        "Sorry — other people's numbers are for their managers. You can ask for your own (`/metrics calls`), your team's total (`/metrics calls team`) or the org's (`/metrics calls org`).",
    });
  });
});
