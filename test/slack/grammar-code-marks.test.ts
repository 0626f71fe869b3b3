import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/grammar/parse.js';

// Monday 23 Nov 2026, 09:00 UTC.
const ctx = {
  now: new Date('2026-11-23T09:00:00Z'),
  timezone: 'UTC',
  subcommands: ['target', 'digest', 'alerts'],
};
const parse = (text: string) => parseCommand(text, ctx);

// Tester (LOW): `winrate \`org\`` was "I don't know a team or person called "`org`"".
describe('code formatting and a quote mark around the words', () => {
  it('reads a keyword, metric or period wholly in backticks without them', () => {
    expect(parse('winrate `org`')).toEqual(parse('winrate org'));
    expect(parse('`winrate` team `q4` `by` `rep`')).toEqual(parse('winrate team q4 by rep'));
    expect(parse('calls `ytd`')).toEqual(parse('calls ytd'));
  });

  it('keeps backticks around any other word, as names may hold them', () => {
    expect(parse('winrate `East`')).toMatchObject({ kind: 'ask', scope: { kind: 'named', name: '`East`' } });
  });

  it('reads a command after a Slack quote mark', () => {
    expect(parse('> winrate org q4')).toEqual(parse('winrate org q4'));
  });
});
