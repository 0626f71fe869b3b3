import { describe, expect, it } from 'vitest';
import { teams } from '../../src/db/schema/index.js';
import { zonedHint } from '../../src/slack/grammar/period-words.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// `since monday`: answered, as `since oct` is, with the range from that day (the last one on or before
// today, in the zone of the scope asked about) to today.
describe('since a day of the week', () => {
  // Wednesday 2 December 2026, as the tester asked.
  const ctx = { now: new Date('2026-12-02T10:00:00Z'), timezone: 'UTC' };
  const hint = (typed: string, weekday: number) => zonedHint({ kind: 'since-weekday', typed, weekday }, ctx);

  it('gives the range from the last such day to today', () => {
    expect(hint('since monday', 1)).toEqual({
      message: "I can't read `since monday` as a period.",
      suggestion: '2026-11-30..2026-12-02',
    });
    expect(hint('since wed', 3).suggestion).toBe('2026-12-02..2026-12-02');
    expect(hint('since thursday', 4).suggestion).toBe('2026-11-26..2026-12-02');
    expect(hint('since sun', 0).suggestion).toBe('2026-11-29..2026-12-02');
  });
});

// Now: Monday 23 Nov 2026, 10:00 UTC (fixtures.ts): already Tuesday 24 Nov, 00:00, at UTC+14.
describeDb('since a day of the week, asked in Slack', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply.text;

  it('answers every day name, long or short, with the text to type', async () => {
    expect(await ask(USERS.mia.id, 'calls since monday')).toBe(
      "I can't read `since monday` as a period. Did you mean `2026-11-23..2026-11-23`?",
    );
    const days = ['tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
    const starts = ['17', '18', '19', '20', '21', '22'];
    for (const [k, day] of days.entries()) {
      for (const typed of [day, day.slice(0, 3), day.toUpperCase()])
        expect(await ask(USERS.mia.id, `calls org since ${typed}`)).toBe(
          `I can't read \`since ${typed}\` as a period. Did you mean \`2026-11-${starts[k]}..2026-11-23\`?`,
        );
    }
  });

  it("words the range in the zone of the team asked about, not the caller's", async () => {
    await ctx.db().insert(teams).values({ name: 'Line Islands', timezone: 'Pacific/Kiritimati' });
    expect(await ask(USERS.ada.id, 'calls team Line Islands since mon')).toBe(
      "I can't read `since mon` as a period. Did you mean `2026-11-23..2026-11-24`?",
    );
    expect(await ask(USERS.ada.id, 'lost team Line Islands since tuesday')).toContain(
      'Did you mean `2026-11-24..2026-11-24`?',
    );
  });
});
