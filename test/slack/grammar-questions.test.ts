import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/grammar/parse.js';

// Monday 23 Nov 2026, 09:00 UTC.
const ctx = {
  now: new Date('2026-11-23T09:00:00Z'),
  timezone: 'UTC',
  subcommands: ['target', 'digest', 'alerts'],
};
const parse = (text: string) => parseCommand(text, ctx);

// Tester (LOW): `what's my winrate` was read as a team or person called "what's my winrate", and
// `show me winrate` as the unknown metric `show`, with no suggestion.
describe('an ask written as a question', () => {
  it('reads `what is my …` and `my …` as the metric for the caller, as `me` after it is', () => {
    const mine = parse('winrate me');
    expect(mine).toMatchObject({ kind: 'ask', scope: { kind: 'me' } });
    expect(parse("what's my winrate")).toEqual(mine);
    expect(parse('what’s my win rate')).toEqual(mine);
    expect(parse('what is my winrate')).toEqual(mine);
    expect(parse('how is my winrate')).toEqual(mine);
    expect(parse('my winrate')).toEqual(mine);
    expect(parse("what's my winrate this quarter")).toEqual(parse('winrate me this quarter'));
  });

  it('drops `show me` and `what is the` before a metric, keeping the rest of the ask', () => {
    expect(parse('show me winrate')).toEqual(parse('winrate'));
    expect(parse('show me my winrate')).toEqual(parse('winrate me'));
    expect(parse('what is the winrate for team')).toEqual(parse('winrate team'));
    expect(parse('show me calls org last month')).toEqual(parse('calls org last month'));
  });

  it('leaves words without a metric after them as they were read', () => {
    expect(parse("what's up")).toMatchObject({ kind: 'ask', scope: { kind: 'named', name: "what's up" } });
  });
});
