import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/grammar/parse.js';

// Monday 23 Nov 2026, 09:00 UTC.
const ctx = {
  now: new Date('2026-11-23T09:00:00Z'),
  timezone: 'UTC',
  subcommands: ['target', 'digest', 'alerts'],
};
const parse = (text: string) => parseCommand(text, ctx);

// Tester (LOW): `winrate per rep` and a trailing `please` were refused.
describe('asks written as a sales team says them', () => {
  it('reads `per` before a split word as `by`', () => {
    expect(parse('winrate per rep')).toEqual(parse('winrate by rep'));
    expect(parse('calls org per team')).toEqual(parse('calls org by team'));
  });

  it('drops a trailing please or thanks', () => {
    expect(parse('winrate team emea q4 please')).toEqual(parse('winrate team emea q4'));
    expect(parse('winrate org thanks!')).toEqual(parse('winrate org'));
  });
});
