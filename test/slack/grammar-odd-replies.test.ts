import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/grammar/parse.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

// Monday 23 Nov 2026, 09:00 UTC.
const ctx = {
  now: new Date('2026-11-23T09:00:00Z'),
  timezone: 'UTC',
  subcommands: ['target', 'digest', 'alerts'],
};
const parse = (text: string) => parseCommand(text, ctx);

// Tester (LOW): `what's my winrate org` answered "That names more than one scope: `me` and `org`", a word
// never typed, and nothing to type instead.
describe('a question’s `my` beside another scope', () => {
  it('names `my` as typed and offers the ask with the other scope', () => {
    expect(parse("what's my winrate org")).toEqual({
      kind: 'error',
      message: 'That names more than one scope: `my` and `org`; ask for one at a time.',
      suggestion: 'winrate org',
    });
    expect(parse("what's my winrate")).toEqual(parse('winrate me'));
  });
});

// Tester (LOW): `winrate vs team` answered "I don't know a team or person called "vs team". Did you mean
// `winrate team`?", and `what is my ?` offered the month `may`.
describe('odd words in a question', () => {
  it('answers `vs` between two scopes with the two asks to type', () => {
    expect(parse('winrate vs team')).toEqual({
      kind: 'error',
      message:
        'Tally answers one scope at a time, each compared with the period before: ask `winrate` and `winrate team` one after the other.',
      suggestion: null,
    });
    expect(parse('winrate team versus org last month')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('ask `winrate team last month` and `winrate org last month`'),
    });
    // A name with `vs` in it stays a name.
    expect(parse('winrate Us vs Them')).toMatchObject({ kind: 'ask', scope: { name: 'Us vs Them' } });
  });

  // Fresh tester helper-404 (MED): `winrate R&D vs last quarter` was "I don't know a team or person called
  // "R&D vs"". This period's answer compares with the last one, so it is what is asked.
  it('reads `vs last <period>` as this period, which the answer compares with the last', () => {
    expect(parse('winrate R&D vs last quarter')).toEqual(parse('winrate R&D this quarter'));
    expect(parse('winrate R&D this quarter vs last quarter')).toEqual(parse('winrate R&D this quarter'));
    expect(parse('calls team vs previous week by rep')).toEqual(parse('calls team this week by rep'));
    expect(parse('team versus last month')).toEqual(parse('team this month'));
    // Another period before `vs` is not this one: two periods, as before.
    expect(parse('winrate R&D q3 vs last quarter')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('more than one period'),
    });
  });

  it('asks which metric when a question names none', () => {
    for (const text of ['what is my ?', "what's my", 'what is my']) {
      expect(parse(text), text).toEqual({
        kind: 'error',
        message: 'Which metric? Ask as in `what’s my winrate`; `/metrics help` lists the metrics.',
        suggestion: null,
      });
    }
  });
});

describeDb('odd "did you mean" replies', (db) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(db, stub);
  const ask = async (text: string) => (await sendCommand(app, stub, USERS.ana.id, text)).reply.text;

  it('does not offer the metric back for a sign typed after it (`calls <`)', async () => {
    const reply = await ask('calls &lt;');
    expect(reply).toMatch(/^I don't know a team or person called "/);
    expect(reply).not.toContain('Did you mean');
  });
});
