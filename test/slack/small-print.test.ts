import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { seedFixture, USERS } from './fixtures.js';
import { allText, type RunningApp, sendCommand, startApp } from './harness.js';

/** Issue 10, items 5 and 12: the small print of answers and targets, over signed HTTP. */
describeDb('small print of answers', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;

  beforeEach(async () => {
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply;

  it('refuses a zero target', async () => {
    expect((await ask(USERS.mia.id, 'target set calls 0 team')).text).toBe(
      'A calls target of 0 is met by doing nothing; set one above zero.',
    );
  });

  it('shows a prorated calls target as whole calls', async () => {
    await ask(USERS.mia.id, 'target set calls 400 team month');
    const reply = await ask(USERS.mia.id, 'calls team this week');
    // 400 a month prorated to a week: 400 × 7 / 30.4375 days = 92.0, shown whole.
    expect(reply.text).toContain('target 92 (off track)');
    expect(allText(reply)).toContain('Target 92 · 3% attained');
  });

  it('warns about stale data only for a running period', async () => {
    // Stale after 30 minutes, so a running period whose newest record is 50 minutes old gets the warning.
    await app.stop();
    app = await startApp(ctx.database(), stub, { TALLY_STALE_AFTER_HOURS: '0.5' });
    // October's newest deal closed on 20 Oct, 34 days before "now": old by nature, not a stalled sync.
    const finished = await ask(USERS.ada.id, 'winrate org 2026-10');
    expect(allText(finished)).toContain('Data as of Tue, 20 Oct 2026, 15:00 (34 days ago)');
    expect(allText(finished)).not.toContain('Data may be stale');
    // Bob's newest record (a call at 09:10) is 50 minutes old in a running quarter: worth a warning.
    const running = await ask(USERS.ada.id, `winrate <@${USERS.bob.id}|bob> this quarter`);
    expect(allText(running)).toContain(
      ':warning: *Data may be stale:* the newest record behind this answer is from',
    );
  });
});
