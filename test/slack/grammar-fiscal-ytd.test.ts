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

// Tester (LOW): `year to date`, `quarter to date`, `month to date` and `fy ytd` were read as a team called
// "year to date" (or "fy"), though `ytd`, `qtd` and `mtd` were periods.
describe('periods to date, spelt out', () => {
  it('reads `year to date`, `quarter to date` and `month to date` as `ytd`, `qtd` and `mtd`', () => {
    expect(parse('winrate org year to date')).toEqual(parse('winrate org ytd'));
    expect(parse('winrate org Year To Date')).toEqual(parse('winrate org ytd'));
    expect(parse('winrate team quarter to date by rep')).toEqual(parse('winrate team qtd by rep'));
    expect(parse('calls month to date')).toEqual(parse('calls mtd'));
    expect(parse('winrate org ytd')).toMatchObject({ kind: 'ask', period: expect.any(String) });
  });

  it('reads `fy ytd` and `fiscal year to date` as `ytd`', () => {
    expect(parse('winrate org fy ytd')).toEqual(parse('winrate org ytd'));
    expect(parse('winrate org fiscal year to date')).toEqual(parse('winrate org ytd'));
  });

  it('keeps a quoted name as typed', () => {
    expect(parse('winrate "year to date"')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'year to date', quoted: true },
    });
  });
});

// Fresh tester helper-503 (LOW): "I don't know the period `last qtr`", though `last quarter` is one.
describe('a unit written short after this, last, next, previous or prior', () => {
  it('reads `last qtr`, `this wk`, `last mo`, `next mth` and `prior yr` as the unit', () => {
    expect(parse('winrate org last qtr')).toEqual(parse('winrate org last quarter'));
    expect(parse('calls team This Wk')).toEqual(parse('calls team this week'));
    expect(parse('calls last mo by rep')).toEqual(parse('calls last month by rep'));
    expect(parse('winrate next mth')).toEqual(parse('winrate next month'));
    expect(parse('winrate prior yr')).toEqual(parse('winrate prior year'));
    expect(parse('winrate org last qtr')).toMatchObject({ kind: 'ask', period: 'last quarter' });
  });

  it('keeps a short word that follows no such word as typed', () => {
    expect(parse('winrate qtr')).not.toEqual(parse('winrate quarter'));
  });
});
