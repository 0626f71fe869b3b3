import { expect, it } from 'vitest';
import { parseTargetValue } from '../../commands/target.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from '../slack/fixtures.js';
import { sendCommand, useRunningApp } from '../slack/harness.js';

it('reads count targets as whole numbers only', () => {
  expect(parseTargetValue('1.5', 'count')).toBeNull();
  expect(parseTargetValue('2.0', 'count')).toBe(2);
  expect(parseTargetValue('1,200', 'count')).toBe(1200);
  // Other units keep their decimals.
  expect(parseTargetValue('1.5', 'days')).toBe(1.5);
});

describeDb('target set with a fractional count', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  it('refuses `target set calls 1.5 team` with a clear message and stores nothing', async () => {
    const refused = (await sendCommand(app, stub, USERS.mia.id, 'target set calls 1.5 team')).reply;
    expect(refused.text).toBe('A calls target is a whole number: "1.5" is not. Try 2.');
    const list = (await sendCommand(app, stub, USERS.mia.id, 'target list')).reply;
    expect(JSON.stringify(list)).not.toContain('1.5');
    const meetings = (await sendCommand(app, stub, USERS.mia.id, 'target set meetings 12.25 team')).reply;
    expect(meetings.text).toBe('A meetings booked target is a whole number: "12.25" is not. Try 12.');
  });
});
