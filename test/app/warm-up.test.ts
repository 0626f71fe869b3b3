import { expect, it } from 'vitest';
import { warmAnswerPath } from '../../src/app/warm-up.js';
import { METRICS } from '../../src/metrics/definitions.js';
import { describeDb, openTestDatabase } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';
import { seedFixture } from '../slack/fixtures.js';

const NOW = new Date('2026-11-25T14:00:00Z');

/**
 * The start-up warm-up of the embedded database's answer path (src/app/warm-up.ts): every metric's default
 * question once for a team, a rep and the org, through the command path; never throws, bounded in time.
 */
describeDb('warm-up of the answer path', (ctx) => {
  it('answers every metric for a team, a rep and the org', async () => {
    await seedFixture(ctx.db(), { withData: true });
    const warmed = await warmAnswerPath(consoleDeps(ctx.database(), NOW));
    expect(warmed.answered).toBe(3 * METRICS.length);
  });

  it('answers nothing on an empty database, and stops at its cap', async () => {
    expect((await warmAnswerPath(consoleDeps(ctx.database(), NOW))).answered).toBe(0);
    await seedFixture(ctx.db(), { withData: true });
    expect((await warmAnswerPath(consoleDeps(ctx.database(), NOW), { capMs: 0 })).answered).toBe(0);
  });
});

it('with the database gone, answers nothing and does not throw', async () => {
  const database = await openTestDatabase('pglite');
  await seedFixture(database.db, { withData: true });
  await database.close();
  const warmed = await warmAnswerPath(consoleDeps(database, NOW));
  expect(warmed.answered).toBe(0);
});
