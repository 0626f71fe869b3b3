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
  expect(parseTargetValue('3.5', 'multiple')).toBe(3.5);
});

// Second probe (MED): `target set coverage 3× team Berlin` was refused, though answers show coverage as 3.0×.
it('reads a multiple as answers show it, 3× or 3x', () => {
  expect(parseTargetValue('3×', 'multiple')).toBe(3);
  expect(parseTargetValue('2.5x', 'multiple')).toBe(2.5);
  expect(parseTargetValue('3X', 'multiple')).toBe(3);
  expect(parseTargetValue('3×', 'count')).toBeNull();
  expect(parseTargetValue('x3', 'multiple')).toBeNull();
});

it('reads fractional minutes and hours in a duration target, in whole seconds', () => {
  expect(parseTargetValue('1.5m', 'seconds')).toBe(90);
  expect(parseTargetValue('0.5h', 'seconds')).toBe(1800);
  expect(parseTargetValue('1h1.5m', 'seconds')).toBe(3690);
  expect(parseTargetValue('1.01m', 'seconds')).toBe(61);
  expect(parseTargetValue('1.5s', 'seconds')).toBeNull();
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
    // Every count metric, with its article, whatever the period words after it.
    const emails = (await sendCommand(app, stub, USERS.mia.id, 'target set emails 10.5 team per day')).reply;
    expect(emails.text).toBe('An emails target is a whole number: "10.5" is not. Try 11.');
    const opps = (await sendCommand(app, stub, USERS.mia.id, 'target set opps 2.5 team week')).reply;
    expect(opps.text).toBe('An opportunities created target is a whole number: "2.5" is not. Try 3.');
    // A duration in fractional minutes is meaningful: 1.5m is 90 seconds.
    const response = (await sendCommand(app, stub, USERS.mia.id, 'target set response 1.5m team')).reply;
    expect(response.text).toBe('Target set: Lead response time 1m 30s (monthly) for team EMEA.');
  });
});
