import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

describeDb('periods out of bounds', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  it('says a range is out of bounds, and answers FY99999 and -5d with a period error, not a team error', async () => {
    const answers: [string, string][] = [
      [
        'winrate team 1970-01-01..9999-12-31',
        '"1970-01-01..9999-12-31" is out of range: Tally reads dates from 1970 to 2200.',
      ],
      [
        'winrate team 0001-01-01..2026-01-01',
        '"0001-01-01..2026-01-01" is out of range: Tally reads dates from 1970 to 2200.',
      ],
      [
        'winrate team FY99999',
        '"FY99999" is not a fiscal year I can read: use FY2027 or FY27 (years 1971 to 2200).',
      ],
      [
        'winrate team -5d',
        '"-5d" is not a window I can use: windows count back from today, so ask for between 1d and 3660d. Did you mean `5d`?',
      ],
      // `last 90d` (fresh tester): the window alone is what was meant.
      ['calls org last 90d by team', "I don't know the period `last 90d`. Did you mean `90d`?"],
      // A date that really does not exist still says so.
      [
        'winrate team 2026-02-30..2026-03-01',
        '"2026-02-30..2026-03-01" has a date that does not exist: February 2026 has 28 days.',
      ],
      // Fresh tester: it said only "does not exist", not why.
      ['winrate team 2026-02-29', '"2026-02-29" has a date that does not exist: February 2026 has 28 days.'],
      ['calls org 2026-13-01', '"2026-13-01" has a date that does not exist: there is no month 13.'],
      [
        'calls org 2026-04-01..2026-04-31',
        '"2026-04-01..2026-04-31" has a date that does not exist: April 2026 has 30 days.',
      ],
    ];
    for (const [text, expected] of answers) {
      expect((await sendCommand(app, stub, USERS.ana.id, text)).reply.text, text).toBe(expected);
    }
  });
});
