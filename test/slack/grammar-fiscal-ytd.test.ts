import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/grammar/parse.js';

// Monday 23 Nov 2026, 09:00 UTC; a fiscal year starting in February.
const ctx = {
  now: new Date('2026-11-23T09:00:00Z'),
  timezone: 'UTC',
  subcommands: ['target', 'digest', 'alerts'],
  fiscal: { kind: 'months', startMonth: 2 } as const,
};
const parse = (text: string) => parseCommand(text, ctx);

// Tester (LOW): `fytd` and `fiscal ytd` were not understood, though `ytd` and `fiscal year` were.
describe('fiscal year to date', () => {
  it('reads `fytd` and `fiscal ytd` as `ytd`', () => {
    const ytd = parse('winrate org ytd');
    expect(ytd).toMatchObject({ kind: 'ask' });
    expect(parse('winrate org fytd')).toEqual(ytd);
    expect(parse('winrate org fiscal ytd')).toEqual(ytd);
  });
});
