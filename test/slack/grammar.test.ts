import { describe, expect, it } from 'vitest';
import { suggestNames } from '../../src/access/people.js';
import { editDistance, suggestWord } from '../../src/edit-distance.js';
import type { ParsedCommand } from '../../src/slack/grammar/ask.js';
import { chooseMonthReading } from '../../src/slack/grammar/modifiers.js';
import { parseCommand, tokenize } from '../../src/slack/grammar/parse.js';
import { periodTypoHint } from '../../src/slack/grammar/period-words.js';

// Monday 23 Nov 2026, 09:00 UTC.
const ctx = {
  now: new Date('2026-11-23T09:00:00Z'),
  timezone: 'UTC',
  subcommands: ['target', 'digest', 'alerts'],
};
const parse = (text: string) => parseCommand(text, ctx);
const ask = (p: ParsedCommand) => {
  if (p.kind !== 'ask') throw new Error(`expected an ask, got ${JSON.stringify(p)}`);
  return { metric: p.metric?.id ?? null, scope: p.scope, period: p.period, by: p.by, share: p.share };
};

describe('the /metrics grammar', () => {
  // Tester: `/metrics by rep` answered the scorecard and dropped the split without a word.
  it('asks for a metric when a split comes without one, suggesting one', () => {
    expect(parse('by rep')).toEqual({
      kind: 'error',
      message: '`by rep` splits one metric, and the scorecard shows several: name the metric first.',
      suggestion: 'winrate by rep',
      about: 'split',
    });
    expect(parse('team last month by team')).toMatchObject({
      kind: 'error',
      suggestion: 'winrate team last month by team',
    });
    expect(parse('summary org by team')).toMatchObject({ kind: 'error', suggestion: 'winrate org by team' });
    expect(ask(parse('calls by rep')).by).toBe('rep');
    // helper-188: a mistyped metric before a split was offered as `winrate respnse team by rep`.
    expect(parse('respnse team by rep')).toEqual({
      kind: 'error',
      message: "I don't know `respnse`.",
      suggestion: 'response team by rep',
    });
    // A word near no metric still gets the split's answer.
    expect(parse('frobnicate by rep')).toMatchObject({ suggestion: 'winrate frobnicate by rep' });
  });

  // Tester (LOW): `/metrics leads org` answered "I don't know a team or person called \"leads org\"".
  it('calls an unknown word before `org` / `me` an unknown metric, naming the metrics it may mean', () => {
    expect(parse('leads org')).toEqual({
      kind: 'error',
      message:
        'There is no metric called `leads`. Did you mean `response org` (Lead response time), `conversion org` (Lead conversion rate) or `leadcycle org` (Lead-to-close cycle)?',
      suggestion: null,
    });
    expect(parse('winrat org last month')).toEqual({
      kind: 'error',
      message: 'There is no metric called `winrat`.',
      suggestion: 'winrate org last month',
    });
    expect(parse('deal me')).toMatchObject({
      message: expect.stringContaining('`dealsize me` (Average deal size)'),
    });
    expect(parse('frobnicate org')).toEqual({
      kind: 'error',
      message: 'There is no metric called `frobnicate`. `/metrics help` lists the metrics.',
      suggestion: null,
    });
    // helper-218: with a split and a period after the scope, it offered `winrate leads org by rep last month`.
    expect(parse('leads org by rep last month')).toEqual({
      kind: 'error',
      message:
        'There is no metric called `leads`. Did you mean `response org by rep last month` (Lead response time), `conversion org by rep last month` (Lead conversion rate) or `leadcycle org by rep last month` (Lead-to-close cycle)?',
      suggestion: null,
    });
    expect(parse('frobnicate me this quarter by product')).toMatchObject({
      message: 'There is no metric called `frobnicate`. `/metrics help` lists the metrics.',
    });
    // Names and periods before a scope word are still read as before.
    expect(ask(parse('q3 org')).scope).toEqual({ kind: 'org' });
    expect(parse('q3 org by rep')).toMatchObject({ suggestion: 'winrate q3 org by rep', about: 'split' });
    expect(ask(parse('Growth Team')).scope).toMatchObject({ kind: 'named', name: 'Growth Team' });
  });

  it('never offers a known word back as its own correction (helper-188: `by` → "Did you mean `by`?")', () => {
    const reply = parse('by');
    expect(reply).toMatchObject({ kind: 'error' });
    expect(reply.kind === 'error' && reply.suggestion).not.toBe('by');
    expect(reply.kind === 'error' && reply.message).toContain('Split `by` what?');
  });

  it('shows help for bare /metrics, help, and help <metric>', () => {
    expect(parse('')).toEqual({ kind: 'help', metric: null });
    expect(parse('  HELP ')).toEqual({ kind: 'help', metric: null });
    const help = parse('help wins');
    expect(help.kind === 'help' && help.metric?.id).toBe('winrate');
  });

  it("reads help <subcommand> as that subcommand's usage, case-insensitively", () => {
    expect(parse('help digest')).toEqual({ kind: 'help', metric: null, topic: 'digest' });
    expect(parse('help TARGET')).toEqual({ kind: 'help', metric: null, topic: 'target' });
    expect(parse('help digset')).toMatchObject({ kind: 'error', suggestion: 'digest' });
  });

  it('reads `from lead` in any position after the cycle or the lead-to-close cycle, and points other metrics to it', () => {
    const leadCycleOfX = { metric: 'leadcycle', scope: { kind: 'named', name: 'X', teamOnly: true } };
    for (const text of [
      'leadcycle team X from lead',
      'leadcycle from lead team X',
      'lead to close team X from first contact',
      'cycle team X from lead',
      'cycle from lead team X',
      'cycle team X from first touch last quarter',
    ])
      expect(ask(parse(text)), text).toMatchObject(leadCycleOfX);
    expect(ask(parse('leadcycle team X'))).toMatchObject(leadCycleOfX);
    expect(parse('winrate team X from lead')).toEqual({
      kind: 'error',
      message:
        'Win rate has no `from`: `from lead` goes with the sales cycle only (`cycle … from lead` is the lead-to-close cycle).',
      suggestion: 'cycle team X from lead',
    });
  });

  it('reads metric, scope, period, split and share in any order after the metric, case-insensitively', () => {
    expect(ask(parse('WinRate share by rep last month team'))).toEqual({
      metric: 'winrate',
      scope: { kind: 'my_team' },
      period: 'last month',
      by: 'rep',
      share: true,
    });
  });

  it('defaults to me and the metric default period', () => {
    expect(ask(parse('calls'))).toEqual({
      metric: 'calls',
      scope: { kind: 'me' },
      period: null,
      by: null,
      share: false,
    });
  });

  it('resolves aliases to metric ids', () => {
    expect(ask(parse('lrt')).metric).toBe('response');
    expect(ask(parse('ltv org')).metric).toBe('clv');
    // Fresh tester (LOW): "avg deal size" left "size" over as a scope word.
    expect(ask(parse('avg deal size team')).metric).toBe('dealsize');
    expect(ask(parse('average deal size org')).metric).toBe('dealsize');
  });

  it('treats scope or period alone as the summary', () => {
    expect(ask(parse('team this week'))).toMatchObject({
      metric: null,
      scope: { kind: 'my_team' },
      period: 'this week',
    });
    expect(ask(parse('summary org'))).toMatchObject({ metric: null, scope: { kind: 'org' } });
    expect(ask(parse('EMEA'))).toMatchObject({ metric: null, scope: { kind: 'named', name: 'EMEA' } });
  });

  it('reads mentions as Slack sends them with escaping on', () => {
    expect(ask(parse('calls <@U0ANA|ana maria> 30d')).scope).toEqual({
      kind: 'user',
      slackUserId: 'U0ANA',
      name: 'ana maria',
    });
    expect(ask(parse('calls <@W123>')).scope).toEqual({ kind: 'user', slackUserId: 'W123', name: null });
  });

  it('reads multi-word team names after "team" and multi-word periods', () => {
    expect(ask(parse('winrate team EMEA Inbound q3'))).toMatchObject({
      scope: { kind: 'named', name: 'EMEA Inbound', teamOnly: true },
      period: '2026-Q3',
    });
    expect(ask(parse('winrate last 30 days')).period).toBe('30d');
    expect(ask(parse('winrate 2026-10-01..2026-10-31')).period).toBe('2026-10-01..2026-10-31');
  });

  it('routes subcommand words with the rest of the words', () => {
    expect(parse('digest add <#C1|sales> at 08:30')).toEqual({
      kind: 'subcommand',
      name: 'digest',
      tokens: ['add', '<#C1|sales>', 'at', '08:30'],
    });
  });

  it('suggests the closest word for typos', () => {
    // A metric's slip keeps the rest of the ask: the suggestion is the command to type back (helper-218 LOW:
    // `winrat East` offered `winrate` alone, which answered the scorecard's metric for the caller's team).
    expect(parse('winrat team')).toMatchObject({ kind: 'error', suggestion: 'winrate team' });
    expect(parse('winrat East last month by rep')).toMatchObject({
      kind: 'error',
      message: "I don't know `winrat`.",
      suggestion: 'winrate East last month by rep',
    });
    expect(parse('clals')).toMatchObject({ kind: 'error', suggestion: 'calls' });
    expect(parse('help dealsise')).toMatchObject({ kind: 'error', suggestion: 'dealsize' });
    expect(parse('digets list')).toMatchObject({ kind: 'error', suggestion: 'digest' });
  });

  it('explains an incomplete split and conflicting scopes', () => {
    expect(parse('winrate by')).toMatchObject({ kind: 'error' });
    expect(parse('winrate by color')).toMatchObject({ kind: 'error' });
    expect(parse('calls me org')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('more than one scope'),
    });
    expect(parse('calls today yesterday')).toMatchObject({ kind: 'error' });
  });

  it('never throws, whatever the input', () => {
    const nasty = [
      '<',
      '>',
      '<@',
      '<@U1|',
      '&&&',
      'by by by',
      '\u0000',
      'x'.repeat(10_000),
      '%%% 2026-13-45',
      '💥 team',
    ];
    for (const text of nasty) expect(() => parse(text)).not.toThrow();
  });

  it('keeps mentions whole when splitting words', () => {
    expect(tokenize('calls <@U1|ana maria>  today')).toEqual(['calls', '<@U1|ana maria>', 'today']);
  });
});

describe('did you mean', () => {
  it('counts edits, with a swap of neighbours as one', () => {
    expect(editDistance('winrate', 'winrate')).toBe(0);
    expect(editDistance('winrat', 'winrate')).toBe(1);
    expect(editDistance('wniarte', 'winrate')).toBe(2); // two swaps: ni→in, ar→ra
    expect(editDistance('clals', 'calls')).toBe(1);
  });

  it('suggests only close words', () => {
    expect(suggestWord('winrat', ['winrate', 'calls'])).toBe('winrate');
    expect(suggestWord('banana', ['winrate', 'calls'])).toBeUndefined();
    expect(suggestWord('x', ['x1'])).toBeUndefined();
  });
});

// Tester: on a 4-4-5 calendar `/metrics calls team P13 FY2027` (and `P11`, `P0 FY2027`) answered "I don't know a
// team called "P13"". A fiscal month out of range is a period error; `P11` alone is P11 of the running fiscal
// year, as `q3` is its Q3. Without a week-based calendar `P11` stays a name (a team may be called that).
describe('fiscal months in the grammar (week-based calendar)', () => {
  const retail = {
    ...ctx,
    fiscal: { kind: 'weeks', startMonth: 2, pattern: '445', endWeekday: 6, rule: 'last' } as const,
  };
  it('reads P11 alone as the running fiscal year P11 and refuses P13 / P0 as a period', () => {
    const p11 = parseCommand('calls team P11', retail);
    expect(ask(p11).period).toBe('P11 FY2027');
    expect(parseCommand('calls team P11 FY2027', retail)).toMatchObject({ kind: 'ask' });
    for (const [text, bad] of [
      ['calls team P13 FY2027', 'p13 fy2027'],
      ['calls team P0 FY2027', 'p0 fy2027'],
      ['calls team P13', 'p13'],
    ] as const) {
      expect(parseCommand(text, retail)).toEqual({
        kind: 'error',
        message: `"${bad}": a fiscal year has months P1–P12.`,
        suggestion: null,
        about: 'period',
      });
    }
    expect(parseCommand('calls P11', ctx)).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'P11' },
    });
  });
});

// Helper-173 (MED): with a fiscal year starting in February, `winrate org q1 2026` answered the calendar Q1 2026
// beside `q1` answering Q1 FY2027: the same words, two calendars, without a word. Asked back with both to type.
describe('a quarter with a year under a fiscal calendar', () => {
  const february = { ...ctx, fiscal: { kind: 'months', startMonth: 2 } as const };
  it('asks which quarter `q1 2026` means, keeping 2026-Q1 calendar and Q1 FY2026 fiscal', () => {
    const question = (typed: string) =>
      `\`${typed}\` reads two ways with the fiscal calendar: the calendar quarter 1 Jan – 31 Mar 2026, written \`2026-Q1\`, or fiscal Q1 FY2026 (1 Feb – 30 Apr 2025), written \`Q1 FY2026\`.`;
    for (const typed of ['q1 2026', 'Q1 2026', '2026 q1', 'q1-2026', '2026q1']) {
      expect(parseCommand(`winrate org ${typed}`, february)).toEqual({
        kind: 'error',
        message: question(typed),
        suggestion: null,
        about: 'period',
      });
    }
    expect(ask(parseCommand('winrate org 2026-Q1', february)).period).toBe('2026-Q1');
    expect(ask(parseCommand('winrate org Q1 FY2026', february)).period).toBe('Q1 FY2026');
    // Without a fiscal calendar there is one reading.
    expect(ask(parseCommand('winrate org q1 2026', ctx)).period).toBe('2026-Q1');
  });

  // Tester: `winrate org 2026` was silently the calendar year while `q3 2026` was asked back.
  it('asks which year `2026` means, as it asks `q1 2026`, with `CY2026` and `FY2026` to type', () => {
    const question = (typed: string) =>
      `\`${typed}\` reads two ways with the fiscal calendar: the calendar year 1 Jan – 31 Dec 2026, written \`CY2026\`, or fiscal year FY2026 (1 Feb 2025 – 31 Jan 2026), written \`FY2026\`.`;
    for (const text of ['winrate org 2026', 'winrate 2026 org', 'winrate team 2026 by rep'])
      expect(parseCommand(text, february), text).toEqual({
        kind: 'error',
        message: question('2026'),
        suggestion: null,
        about: 'period',
      });
    for (const typed of ['CY2026', 'cy 2026', 'calendar 2026', 'calendar year 2026'])
      expect(ask(parseCommand(`winrate org ${typed}`, february)).period, typed).toBe('CY2026');
    expect(ask(parseCommand('winrate org FY2026', february)).period).toBe('FY2026');
    // A year inside a longer period is that period's, never asked: `2026 october`, `oct 2026`, `q1 FY2026`.
    expect(ask(parseCommand('winrate org 2026 october', february)).period).toBe('2026-10');
    expect(ask(parseCommand('winrate org oct 2026', february)).period).toBe('2026-10');
    // Without a fiscal calendar there is one reading, the calendar year, as before.
    expect(ask(parseCommand('winrate org 2026', ctx)).period).toBe('2026');
    expect(ask(parseCommand('winrate org calendar 2026', ctx)).period).toBe('2026');
  });

  // Helper-206 (MED): `this fiscal quarter` answered "I don't know the period `this fiscal`".
  it('reads `this fiscal quarter` as `this quarter`: quarters and years follow the fiscal calendar', () => {
    for (const [typed, period] of [
      ['this fiscal quarter', 'this quarter'],
      ['Last Fiscal Year', 'last year'],
      ['next fiscal quarter', 'next quarter'],
      ['last fiscal quarter', 'last quarter'],
    ] as const) {
      const fiscal = ask(parseCommand(`winrate org ${typed}`, february));
      expect(fiscal, typed).toEqual(ask(parseCommand(`winrate org ${period}`, february)));
      expect(fiscal.period, typed).not.toBeNull();
    }
    // A team whose name holds the word keeps it.
    expect(ask(parseCommand('winrate team Fiscal Year Ops', february)).scope).toMatchObject({
      kind: 'named',
      name: 'Fiscal Year Ops',
    });
  });

  // Tester (LOW): `winrate org fiscal year` answered "I couldn't make sense of `fiscal year`. Did you mean
  // `fiscal`?". Without this/last/next it is this fiscal year (quarter).
  it('reads `fiscal year` / `fiscal quarter` alone as this fiscal year / quarter', () => {
    for (const [typed, period] of [
      ['winrate org fiscal year', 'winrate org this year'],
      ['winrate org Fiscal Quarter', 'winrate org this quarter'],
      ['winrate fiscal year', 'winrate this year'],
      ['winrate org fiscal quarter by rep', 'winrate org this quarter by rep'],
      ['winrate org fiscal year share', 'winrate org this year share'],
    ] as const) {
      const fiscal = ask(parseCommand(typed, february));
      // The OrTeam (`winrate fiscal year` and a team "Fiscal") is only looked at by the answer: see
      // test/slack/grammar-team-words.test.ts.
      const { orTeam: _, ...scope } = fiscal.scope as typeof fiscal.scope & { orTeam?: unknown };
      expect({ ...fiscal, scope }, typed).toEqual(ask(parseCommand(period, february)));
      expect(fiscal.period, typed).not.toBeNull();
    }
    expect(ask(parseCommand('winrate fiscal year', february)).scope).toMatchObject({
      kind: 'me',
      orTeam: { name: 'fiscal', own: 'winrate this year' },
    });
    // After `team` they are the caller's team this fiscal year, with the name's reading offered for the
    // answer to take when a team is called "Fiscal Year" (tester, MED: it was only ever the team's name);
    // with more words after them they stay a name.
    const afterTeam = parseCommand('winrate team Fiscal Year', february);
    expect(ask(afterTeam).scope).toMatchObject({ kind: 'my_team' });
    expect(ask(afterTeam).period).toBe(ask(parseCommand('winrate team this year', february)).period);
    expect(afterTeam).toMatchObject({
      monthNames: [
        { ask: { scope: { kind: 'named', name: 'Fiscal Year', teamOnly: true } }, match: 'exact' },
      ],
    });
    expect(ask(parseCommand('winrate Fiscal Year Ops', february)).scope).toMatchObject({
      kind: 'named',
      name: 'Fiscal Year Ops',
    });
  });
});

// The grammar offers the readings with month words inside names; the names decide (here a fixed list).
describe('month words inside names', () => {
  const names = new Set(['may fisher', 'march madness', 'october']);
  const known = async ({ name }: { name: string }, exact: boolean) =>
    names.has(name.toLowerCase()) || (!exact && name.toLowerCase() === 'may');
  const choose = async (text: string) => chooseMonthReading(parse(text), known);

  it('takes the reading whose name is spelt exactly, with any other month as the period', async () => {
    expect(ask(await choose('revenue may fisher'))).toMatchObject({
      scope: { kind: 'named', name: 'may fisher', teamOnly: false },
      period: null,
    });
    expect(ask(await choose('winrate may fisher oct 2026'))).toMatchObject({
      scope: { kind: 'named', name: 'may fisher' },
      period: '2026-10',
    });
    expect(ask(await choose('calls team March Madness'))).toMatchObject({
      scope: { kind: 'named', name: 'March Madness', teamOnly: true },
      period: null,
    });
  });

  it('keeps the month as the period when no name is spelt, and the question for a month-only name', async () => {
    expect(ask(await choose('winrate fisher may'))).toMatchObject({
      scope: { kind: 'named', name: 'fisher' },
      period: '2026-05',
    });
    expect(ask(await choose('calls october'))).toMatchObject({
      scope: { kind: 'me', monthOrName: { word: 'october', period: '2026-10' } },
      period: '2026-10',
    });
    const twoPeriods = await choose('calls team october september');
    expect(twoPeriods).toMatchObject({ kind: 'error' });
    expect(twoPeriods).not.toHaveProperty('monthNames');
  });

  it('reads a month beside another period as a name only when it finds someone', async () => {
    expect(ask(await choose('calls may this month'))).toMatchObject({
      scope: { kind: 'named', name: 'may' },
      period: 'this month',
    });
    expect(await chooseMonthReading(parse('calls team october last year'), async () => false)).toMatchObject({
      kind: 'error',
      message: 'That names more than one period; ask for one at a time.',
    });
  });
});

// Tester (issue 10): `calls oct.`, `calls next-month`, `calls oct 26` answered "I don't know a team or person
// called …". A dotted abbreviation and a hyphenated period word are the period; a month with a 1–2 digit
// number is ambiguous and refused with both spellings; two mistyped period words are suggested, not guessed.
describe('periods as people type them', () => {
  it('reads oct. and sept. as the month, and next-month, last-quarter like the spaced words', () => {
    expect(ask(parse('calls oct.')).period).toBe('2026-10');
    expect(ask(parse('calls sept.')).period).toBe('2026-09');
    expect(ask(parse('calls team oct. 2026')).period).toBe('2026-10');
    expect(ask(parse('calls next-month')).period).toBe('next month');
    expect(ask(parse('calls team last-quarter')).period).toBe('last quarter');
    expect(ask(parse('calls this-week')).period).toBe('this week');
  });

  it('refuses a month with a 1–2 digit number, saying how to write the month and the day', () => {
    expect(parse('calls oct 26')).toMatchObject({
      kind: 'error',
      about: 'period',
      message:
        '`oct 26` could be 26 October or October 2026: write `oct 2026` for the month or `2026-10-26` for the day.',
    });
    expect(ask(parse('calls oct 2026')).period).toBe('2026-10');
  });

  it('suggests the period for two mistyped period words after a scope', () => {
    expect(parse('calls me nxt month')).toMatchObject({ kind: 'error', suggestion: 'next month' });
    expect(parse('calls me lst week')).toMatchObject({ kind: 'error', suggestion: 'last week' });
  });
});

describe('counted weeks and months, and a mistyped period after a name (fresh tester)', () => {
  it('asks back on `last 2 weeks` and `past 3 months`, offering the day window and the calendar forms', () => {
    expect(parse('calls last 2 weeks')).toMatchObject({
      kind: 'error',
      about: 'period',
      suggestion: null,
      message:
        '`last 2 weeks` could mean the last 14 days or the 2 calendar weeks before this one: ask `14d` for the days (today included), or `2026-11-09..2026-11-22` for the calendar weeks.',
    });
    expect(parse('calls team past 3 months')).toMatchObject({
      kind: 'error',
      about: 'period',
      message: expect.stringContaining('ask `90d` for the days (today included)'),
    });
    expect(ask(parse('calls last 30 days')).period).toBe('30d');
  });

  it('hints the period when a name ends in a mistyped one', () => {
    const ctx = { now: new Date('2026-11-23T12:00:00Z'), timezone: 'UTC' };
    expect(periodTypoHint('zoe park nxt month', ctx)).toBe('Did you mean `next month`?');
    expect(periodTypoHint('NA East lst week', ctx)).toBe('Did you mean `last week`?');
    expect(periodTypoHint('zoe park septembre', ctx)).toBe('Did you mean the month `september`?');
    expect(periodTypoHint('zoe park', ctx)).toBeNull();
  });
});

// Fresh tester 5: each of these answered "I don't know a team or person called …".
describe('periods as people type them, and quoted names (fresh tester 5)', () => {
  it('reads `30 days`, glued `lastmonth` and month ranges, each with one reading', () => {
    for (const text of ['calls 30 days', 'calls 30days', 'calls past 30 days'])
      expect(ask(parse(text)).period, text).toBe('30d');
    expect(ask(parse('calls lastmonth')).period).toBe('last month');
    expect(ask(parse('calls team nextmonth')).period).toBe('next month');
    expect(ask(parse('calls thisweek')).period).toBe('this week');
    for (const text of ['calls oct-nov', 'calls oct..nov', 'calls Oct to Nov', 'calls oct - nov'])
      expect(ask(parse(text)).period, text).toBe('2026-10-01..2026-11-30');
    // The first month as read alone (the latest December that has started), the last the first after it.
    expect(ask(parse('calls dec-feb')).period).toBe('2025-12-01..2026-02-28');
  });

  // Fresh tester: `week 53` was read as a name ("I don't know a team or person called "week 53"").
  it('answers a numbered week with its ISO days to type, the latest such week that has started', () => {
    const weekError = (typed: string, week: string, suggestion: string) => ({
      kind: 'error',
      about: 'period',
      message: `I can't read \`${typed}\` as a period (ISO week ${week} runs Monday to Sunday).`,
      suggestion,
    });
    // Now: Monday 23 Nov 2026, ISO week 48.
    expect(parse('calls week 12')).toEqual(weekError('week 12', '12 of 2026', '2026-03-16..2026-03-22'));
    expect(parse('calls KW 48 team')).toEqual(weekError('KW 48', '48 of 2026', '2026-11-23..2026-11-29'));
    // Week 49 of 2026 has not started: last year's.
    expect(parse('calls week 49')).toEqual(weekError('week 49', '49 of 2025', '2025-12-01..2025-12-07'));
    // 2025 had no week 53, so 2026's (which will answer "Not started yet").
    expect(parse('calls week 53')).toEqual(weekError('week 53', '53 of 2026', '2026-12-28..2027-01-03'));
    expect(parse('calls week 1 2026')).toEqual(
      weekError('week 1 2026', '1 of 2026', '2025-12-29..2026-01-04'),
    );
    expect(parse('calls week 53 2025')).toMatchObject({
      message: '`week 53 2025` is not a week: 2025 has 52 ISO weeks.',
    });
    expect(parse('calls week 54')).toMatchObject({
      message: '`week 54` is not a week: a year has 52 or 53 ISO weeks.',
    });
    // `week` without a number is still a name's word.
    expect(ask(parse('calls Week Team')).scope).toMatchObject({ kind: 'named', name: 'Week Team' });
  });

  // Fresh tester: `mar 2026 to apr 2026` said "That names more than one period".
  it('reads a range of months with their years, in words or ISO months, as whole months', () => {
    for (const text of [
      'calls mar 2026 to apr 2026',
      'calls March 2026 - April 2026',
      'calls from mar 2026 to apr 2026',
      'calls 2026-03 to 2026-04',
      'calls 2026-03..2026-04',
    ])
      expect(ask(parse(text)).period, text).toBe('2026-03-01..2026-04-30');
    // Across a year end, February's own length; the scope still read after it.
    expect(ask(parse('calls oct 2025 to feb 2026 team'))).toMatchObject({
      period: '2025-10-01..2026-02-28',
      scope: { kind: 'my_team' },
    });
    expect(parse('calls apr 2026 to mar 2026')).toEqual({
      kind: 'error',
      about: 'period',
      message: '`apr 2026 to mar 2026` ends before it starts.',
      suggestion: '2026-03-01..2026-04-30',
    });
    expect(parse('calls 2026-13 to 2027-01')).toMatchObject({
      message: '`2026-13 to 2027-01` has a month that does not exist: there is no month 13.',
    });
  });

  it('answers `26 oct` and `since oct` with the exact text to type, never as a name', () => {
    expect(parse('calls 26 oct')).toMatchObject({
      kind: 'error',
      about: 'period',
      message: "I can't read `26 oct` as a period.",
      suggestion: '2026-10-26',
    });
    expect(parse('calls team 3 may 2025')).toMatchObject({ kind: 'error', suggestion: '2025-05-03' });
    expect(parse('calls 31 nov')).toMatchObject({ kind: 'error', about: 'period', suggestion: null });
    expect(parse('calls since oct')).toMatchObject({
      kind: 'error',
      about: 'period',
      message: "I can't read `since oct` as a period.",
      suggestion: '2026-10-01..2026-11-23',
    });
    expect(parse('calls since last week')).toMatchObject({ suggestion: '2026-11-16..2026-11-23' });
    expect(parse('calls since next month')).toMatchObject({
      kind: 'error',
      about: 'period',
      suggestion: null,
    });
  });

  it('hints the period for a glued, mistyped one', () => {
    const ctx = { now: new Date('2026-11-23T12:00:00Z'), timezone: 'UTC' };
    expect(periodTypoHint('nxtmonth', ctx)).toBe('Did you mean `next month`?');
    expect(periodTypoHint('zoe park lastmnth', ctx)).toBe('Did you mean `last month`?');
    expect(periodTypoHint('zoe', ctx)).toBeNull();
  });

  it('reads a name in straight or curly quotes as the name, whatever its words', () => {
    expect(tokenize('calls "Sales & Success" last month')).toEqual([
      'calls',
      '"Sales & Success"',
      'last',
      'month',
    ]);
    expect(ask(parse('calls "Sales & Success" last month')).scope).toEqual({
      kind: 'named',
      name: 'Sales & Success',
      teamOnly: false,
      quoted: true,
    });
    expect(ask(parse('calls team “Team October” this week'))).toMatchObject({
      scope: { kind: 'named', name: 'Team October', teamOnly: true },
      period: 'this week',
    });
  });

  // Fresh tester: `@"R&D Team"` said "The quote in `@"R&D` is not closed": the name was split at the space.
  it('reads an @ before a quoted name as that name', () => {
    expect(tokenize('winrate @"R&D Team" this year')).toEqual(['winrate', '"R&D Team"', 'this', 'year']);
    expect(ask(parse('winrate @“R&D Team” this year'))).toMatchObject({
      scope: { kind: 'named', name: 'R&D Team', quoted: true },
      period: 'this year',
    });
    // A lone @ or a plain @handle is unchanged.
    expect(tokenize('calls @ana @ "x"')).toEqual(['calls', '@ana', '@', '"x"']);
  });

  it('suggests names that start with or hold as a whole word what was typed', () => {
    const names = ['Sales & Success', 'EMEA', 'Ana López'];
    expect(suggestNames('Sales', names)).toEqual(['Sales & Success']);
    expect(suggestNames('success', names)).toEqual(['Sales & Success']);
    expect(suggestNames('lopez', names)).toEqual(['Ana López']);
    expect(suggestNames('EMAE', names)).toEqual(['EMEA']);
    expect(suggestNames('ucces', names)).toEqual([]);
  });

  // Tester: `winrate sales and success` got no "Did you mean" for the team "Sales & Success".
  it('suggests a name with `&` for `and` or `+` typed in its place, and the other way round', () => {
    const names = ['Sales & Success', 'EMEA', 'Research and Development'];
    expect(suggestNames('sales and success', names)).toEqual(['Sales & Success']);
    expect(suggestNames('Sales + Success', names)).toEqual(['Sales & Success']);
    expect(suggestNames('sales+success', names)).toEqual(['Sales & Success']);
    expect(suggestNames('research & development', names)).toEqual(['Research and Development']);
    expect(suggestNames('sales and', names)).toEqual(['Sales & Success']);
  });
});

// A fresh tester's low findings: each kind once, with the exact text the reply carries.
describe('the /metrics grammar, as a sales manager types it', () => {
  it('asks back `2 weeks`, `a week` and `1 week` as `last 2 weeks` is, never as a name', () => {
    expect(parse('calls EMEA 2 weeks')).toEqual({
      kind: 'error',
      about: 'period',
      message:
        '`2 weeks` could mean the last 14 days or the 2 calendar weeks before this one: ask `14d` for the days (today included), or `2026-11-09..2026-11-22` for the calendar weeks.',
      suggestion: null,
    });
    for (const text of ['calls EMEA a week', 'calls EMEA 1 week', 'calls an week'])
      expect(parse(text), text).toMatchObject({
        kind: 'error',
        about: 'period',
        message: expect.stringContaining(
          'could mean the last 7 days or the calendar week before this one: ask `7d` for the days',
        ),
      });
    expect(parse('calls team 3 months')).toMatchObject({
      message: expect.stringMatching(/^`3 months` could mean the last 90 days or the 3 calendar months/),
    });
    // `30 days` stays the last 30 days.
    expect(ask(parse('calls EMEA 30 days'))).toMatchObject({ period: '30d' });
  });

  it('answers `30 days ago` with the day and the range to type, since it is a point, not a period', () => {
    expect(parse('calls 30 days ago')).toMatchObject({
      kind: 'error',
      about: 'period',
      message:
        "I can't read `30 days ago` as a period: it is one day. Ask `2026-10-24` for that day, or `2026-10-24..2026-11-23` for the days from then to today.",
      suggestion: null,
    });
    expect(parse('calls EMEA 2 weeks ago')).toMatchObject({
      message: expect.stringContaining('Ask `2026-11-09` for that day'),
      zoned: { scope: { kind: 'named', name: 'EMEA' } },
    });
    expect(parse('calls a month ago')).toMatchObject({ message: expect.stringContaining('`2026-10-23`') });
    expect(parse('calls 7d ago')).toMatchObject({ message: expect.stringContaining('`2026-11-16`') });
  });

  it('keeps `since` in the range it offers for `since 26 oct`, and the scope asked about', () => {
    expect(parse('calls EMEA since 26 oct')).toMatchObject({
      kind: 'error',
      about: 'period',
      message: "I can't read `since 26 oct` as a period.",
      suggestion: '2026-10-26..2026-11-23',
      zoned: { scope: { kind: 'named', name: 'EMEA', teamOnly: false } },
    });
    expect(parse('calls team since oct')).toMatchObject({
      suggestion: '2026-10-01..2026-11-23',
      zoned: { scope: { kind: 'my_team' } },
    });
  });

  it('says an unclosed quote is not closed, and reads two quoted names as two scopes', () => {
    const unclosed = {
      kind: 'error',
      message:
        'The quote in `"Sales` is not closed: put the whole name between two quotes, as in `"Sales & Success"`.',
      suggestion: null,
    };
    expect(parse('calls "Sales & Success 30d')).toEqual(unclosed);
    expect(parse('calls “Sales & Success 30d')).toMatchObject({
      message: expect.stringContaining('is not closed'),
    });
    expect(parse('calls Sales & Success" 30d')).toMatchObject({
      message: expect.stringContaining('is not closed'),
    });
    // A quote inside a word opens nothing: a name an import stored with one can be asked for (tester).
    expect(parse('winrate O"Brien this year')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'O"Brien' },
    });
    expect(parse('winrate O"Brien" this year')).toMatchObject({
      message: expect.stringContaining('is not closed'),
    });
    // helper-204 (LOW): in quotes too, as the error's advice says ("put the whole name between two quotes").
    expect(parse('winrate "Sean O"Brien" this year')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'Sean O"Brien', quoted: true },
    });
    expect(parse('winrate “Sean O"Brien” 30d')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'Sean O"Brien', quoted: true },
    });
    const twoScopes = (named: string) => ({
      kind: 'error',
      message: `That names more than one scope: ${named}; ask for one at a time.`,
      suggestion: null,
    });
    expect(parse('calls "EMEA" "UK"')).toEqual(twoScopes('`"EMEA"` and `"UK"`'));
    expect(parse('calls "EMEA" UK last month')).toEqual(twoScopes('`"EMEA"` and `UK`'));
    expect(parse('calls org "EMEA"')).toEqual(twoScopes('`org` and `"EMEA"`'));
    expect(parse('calls me org')).toEqual(twoScopes('`me` and `org`'));
    expect(parse('calls "A" "B" "C"')).toEqual(twoScopes('`"A"`, `"B"`, and `"C"`'));
    // `rep` and `person` before a name look for a person only (a team may have the same name).
    expect(parse('calls rep "R&D Team" last month')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'R&D Team', teamOnly: false, personOnly: true },
      period: 'last month',
    });
    expect(parse('calls person ana')).toMatchObject({ scope: { name: 'ana', personOnly: true } });
    // Fresh tester helper-180: `@` typed before a full name asks for that person (it left `Ray` unread).
    expect(parse('winrate @Bob Ray 2026')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'Bob Ray', teamOnly: false, personOnly: true },
      period: '2026',
    });
    expect(parse('winrate @bob 2026')).toMatchObject({
      scope: { kind: 'handle', handle: 'bob' },
      period: '2026',
    });
    expect(parse('winrate @Bob Ray last week org')).toEqual(twoScopes('`org` and `@Bob Ray`'));
    // helper-182: after another scope it was named back as `@June`.
    expect(parse('winrate me @June Smith 2026')).toEqual(twoScopes('`me` and `@June Smith`'));
    expect(parse('winrate org @bob 2026')).toEqual(twoScopes('`org` and `@bob`'));
    // helper-181: two of them said "I couldn't make sense of `Bob Ray Smith`".
    expect(parse('winrate @Bob Ray @June Smith 2026')).toMatchObject({
      kind: 'error',
      message: 'That names more than one person: `@Bob Ray` and `@June Smith`; ask for one at a time.',
    });
    expect(parse('calls team EMEA rep ana')).toMatchObject({ kind: 'error' });
    // Fresh tester: `team` is no person; mentions and channels named as people see them.
    expect(parse('calls team <@U999>')).toEqual(twoScopes('`team` and `@U999`'));
    expect(parse('calls org <#C1|emea>')).toEqual(twoScopes('`org` and `#emea`'));
    expect(parse('calls <@U1|ana> <@U2|bo>')).toMatchObject({
      message: 'That names more than one person: `@ana` and `@bo`; ask for one at a time.',
    });
    // A channel typed as text (Slack links only channels that exist) stands for the team, as a link does.
    expect(parse('calls #emea last week')).toMatchObject({
      kind: 'ask',
      scope: { kind: 'named', name: 'emea', teamOnly: true },
      period: 'last week',
    });
    expect(parse('calls me #emea')).toEqual(twoScopes('`me` and `#emea`'));
  });

  it('reads a quoted name as a name even when it is a period word', () => {
    expect(ask(parse('calls "Last Month"')).scope).toEqual({
      kind: 'named',
      name: 'Last Month',
      teamOnly: false,
      quoted: true,
    });
    expect(ask(parse('calls team "this week" last month'))).toMatchObject({
      scope: { kind: 'named', name: 'this week', teamOnly: true, quoted: true },
      period: 'last month',
    });
    expect(ask(parse('calls Last Month'))).toMatchObject({ scope: { kind: 'me' }, period: 'last month' });
  });

  it('refuses two splits', () => {
    expect(parse('calls team by rep by team')).toEqual({
      kind: 'error',
      message: 'One split at a time: `by rep` or `by team`.',
      suggestion: null,
    });
    expect(parse('winrate by product org by source')).toMatchObject({
      message: 'One split at a time: `by product` or `by source`.',
    });
  });
});

// Tester (4 Dec 2026): `feb 30`, `feb 29` (in 2026) and `apr 31` were answered "could be 30 February or
// February 2030: write … `2026-02-30` for the day", a day then refused as one that does not exist.
describe('month-and-day words on 4 Dec 2026 (tester)', () => {
  // Friday 4 Dec 2026, 10:00 UTC.
  const dec4 = { ...ctx, now: new Date('2026-12-04T10:00:00Z') };
  const parse4 = (text: string) => parseCommand(text, dec4);
  const periodError = (message: string, suggestion: string | null = null) => ({
    kind: 'error',
    about: 'period',
    message,
    suggestion,
  });

  it('offers only a day that exists: a day no month has is said to be none, the month reading kept', () => {
    expect(parse4('calls feb 30')).toMatchObject(
      periodError(
        '`feb 30` is not a day: February has at most 29 days. For the month February 2030, write `feb 2030`.',
      ),
    );
    expect(parse4('calls apr 31')).toMatchObject(
      periodError('`apr 31` is not a day: April has 30 days. For the month April 2031, write `apr 2031`.'),
    );
    // 29 February exists, but not in 2026 (the year `feb` is read in): the last one is offered instead.
    expect(parse4('calls feb 29')).toMatchObject(
      periodError(
        '`feb 29` could be February 2029, but not 29 February: 2026 has none. Write `feb 2029` for the month, or `2024-02-29` for the last 29 February.',
      ),
    );
    // Written day first, the same.
    expect(parse4('calls 30 feb')).toMatchObject(
      periodError('`30 feb` is not a day: February has at most 29 days.'),
    );
    expect(parse4('calls 29 feb')).toMatchObject(
      periodError('`29 feb` is not a day in 2026: write `2024-02-29` for the last 29 February.'),
    );
    // What the replies offer is read as asked.
    expect(ask(parse4('calls feb 2030')).period).toBe('2030-02');
    expect(ask(parse4('calls 2024-02-29')).period).toBe('2024-02-29');
    // A day that exists keeps both readings.
    expect(parse4('calls feb 28')).toMatchObject(
      periodError(
        '`feb 28` could be 28 February or February 2028: write `feb 2028` for the month or `2026-02-28` for the day.',
      ),
    );
  });

  // Tester: a year written on a month-and-day range was dropped (`mar 1 2026 to mar 10 2026` → "`mar 1` could
  // be 1 March or March 2001"; `dec 28 2025 to jan 3 2026` → `2026-12-28`), and days written first or a
  // month and a day after an ISO day lost the end (`1 mar to 10 mar` → `2026-03-01`, one day).
  it('answers a range with its years, days first or beside an ISO day with the whole ISO range to type', () => {
    const cases: [string, string, string][] = [
      ['calls mar 1 2026 to mar 10 2026', '`mar 1 2026 to mar 10 2026`', '2026-03-01..2026-03-10'],
      ['calls dec 28 2025 to jan 3 2026', '`dec 28 2025 to jan 3 2026`', '2025-12-28..2026-01-03'],
      [
        'calls from dec 20 2025 to jan 10 2026',
        '`from dec 20 2025 to jan 10 2026`',
        '2025-12-20..2026-01-10',
      ],
      ['calls 1 mar to 10 mar', '`1 mar to 10 mar`', '2026-03-01..2026-03-10'],
      ['calls 1 mar 2026 - 10 mar 2026', '`1 mar 2026 - 10 mar 2026`', '2026-03-01..2026-03-10'],
      ['calls 2026-03-01 - mar 10', '`2026-03-01 - mar 10`', '2026-03-01..2026-03-10'],
      ['calls 2026-03-01 to mar 10', '`2026-03-01 to mar 10`', '2026-03-01..2026-03-10'],
      // A year on one side only: the other side is the nearest such day on its side of it.
      ['calls mar 1 to mar 10 2025', '`mar 1 to mar 10 2025`', '2025-03-01..2025-03-10'],
      ['calls dec 20 to 2026-01-10', '`dec 20 to 2026-01-10`', '2025-12-20..2026-01-10'],
      ['calls EMEA 28 dec 2025 – 3 jan 2026', '`28 dec 2025 – 3 jan 2026`', '2025-12-28..2026-01-03'],
    ];
    for (const [text, typed, range] of cases)
      expect(parse4(text), text).toMatchObject(periodError(`I can't read ${typed} as a period.`, range));
    // Still refused the wrong way round, and a day that does not exist.
    expect(parse4('calls 2026-03-10 to mar 1')).toMatchObject(
      periodError('`2026-03-10 to mar 1` ends before it starts.', '2026-03-01..2026-03-10'),
    );
    expect(parse4('calls feb 27 2026 to feb 29 2026')).toMatchObject(
      periodError('`feb 27 2026 to feb 29 2026` has a date that does not exist: February 2026 has 28 days.'),
    );
    // One month, day and year alone: the day to type, not `mar 1` as March 2001.
    expect(parse4('calls mar 1 2026')).toMatchObject(
      periodError("I can't read `mar 1 2026` as a period.", '2026-03-01'),
    );
    expect(parse4('calls feb 31 2026')).toMatchObject(
      periodError('`feb 31 2026` is not a day: February has at most 29 days.'),
    );
    // The suggestions are read as the range asked.
    expect(ask(parse4('calls 2025-12-28..2026-01-03')).period).toBe('2025-12-28..2026-01-03');
  });

  // US dates are written with a comma before the year: `dec 28, 2025` said "That names more than one period".
  it('reads a comma between a day or month and its year as the same date without it', () => {
    const cases: [string, string][] = [
      ['calls dec 28, 2025', '`dec 28 2025`'],
      ['calls december 28,2025', '`december 28 2025`'],
      ['calls 28 dec, 2025', '`28 dec 2025`'],
    ];
    for (const [text, typed] of cases)
      expect(parse4(text), text).toMatchObject(
        periodError(`I can't read ${typed} as a period.`, '2025-12-28'),
      );
    expect(parse4('calls dec 28, 2025 to jan 3, 2026')).toMatchObject({
      suggestion: '2025-12-28..2026-01-03',
    });
    expect(ask(parse4('calls dec, 2025')).period).toBe('2025-12');
    // Other commas stay: a quoted team name keeps its comma. A comma before no year is not a date's, but
    // one before a period word separates, as in `winrate, org, q4`: `28, dec` is read as `28 dec` (it was
    // the name "28,").
    expect(parse4('calls "Sales, EMEA" last month')).toMatchObject({ kind: 'ask' });
    expect(parse4('calls 28, dec')).toEqual(parse4('calls 28 dec'));
  });

  // Tester: `dec 20 to jan 10` on 4 Dec 2026 suggested `2026-12-20..2027-01-10`, answered "Not started yet".
  it('offers the latest month-and-day range that has started, the last year end before 20 December', () => {
    expect(parse4('calls dec 20 to jan 10')).toMatchObject(
      periodError("I can't read `dec 20 to jan 10` as a period.", '2025-12-20..2026-01-10'),
    );
    expect(parse4('calls dec 20 to dec 31')).toMatchObject({ suggestion: '2025-12-20..2025-12-31' });
    // A range that has started (today is in it) is this year's.
    expect(parse4('calls dec 1 to jan 10')).toMatchObject({ suggestion: '2026-12-01..2027-01-10' });
    expect(parse4('calls dec 4 to dec 10')).toMatchObject({ suggestion: '2026-12-04..2026-12-10' });
    // A year written is kept, future or not.
    expect(parse4('calls dec 20 2026 to jan 10 2027')).toMatchObject({
      suggestion: '2026-12-20..2027-01-10',
    });
  });
});

// Helper-206 (LOW): `winrate team Team *Star* last month` answered "That names more than one scope: `team`
// and `Team *Star*`"; only the quoted name worked.
describe('a team whose name begins with "Team"', () => {
  it('reads `team Team Star` as the team named "Team Star"', () => {
    for (const typed of ['winrate team Team Star last month', 'winrate team team star last month']) {
      const asked = ask(parse(typed));
      expect(asked.scope, typed).toEqual({
        kind: 'named',
        name: typed.split(' ').slice(2, 4).join(' '),
        teamOnly: true,
      });
      expect(asked.period, typed).toBe('last month');
    }
    expect(ask(parse('winrate team Team *Star* 30d')).scope).toEqual({
      kind: 'named',
      name: 'Team *Star*',
      teamOnly: true,
    });
    // `team team` alone still says the word twice.
    expect(parse('winrate team team')).toMatchObject({ kind: 'error' });
  });
});

// Helper-206 (LOW): `calls org nov-oct` was read, without a word, as 1 Nov 2026 – 31 Oct 2027 ("10% attained ·
// on track" for twelve months mostly ahead).
describe('a range of months typed the wrong way round', () => {
  it('asks whether `nov-oct` is twelve months or `oct-nov`, and reads `dec-feb` and `jan-dec` as ever', () => {
    const dec = { ...ctx, now: new Date('2026-12-06T12:00:00Z') };
    for (const typed of ['nov-oct', 'Nov to Oct', 'nov..oct']) {
      expect(parseCommand(`calls org ${typed}`, dec), typed).toEqual({
        kind: 'error',
        message: `\`${typed}\` reads two ways: twelve months, 1 Nov 2026 – 31 Oct 2027, written \`2026-11..2027-10\`, or the other way round, written \`oct-nov\`.`,
        suggestion: null,
        about: 'period',
      });
    }
    expect(ask(parseCommand('calls org 2026-11..2027-10', dec)).period).toBe('2026-11-01..2027-10-31');
    expect(ask(parseCommand('calls org dec-feb', dec)).period).toBe('2026-12-01..2027-02-28');
    expect(ask(parseCommand('calls org jan-dec', dec)).period).toBe('2026-01-01..2026-12-31');
  });
});

// Fresh tester helper-218 (LOW): a typed backtick closed the code span a refusal echoes the word in, turning
// the rest of the sentence into code; `fiscal year fiscal year` was read as a team called "fiscal year".
describe('words echoed back in code spans', () => {
  const message = (text: string) => {
    const p = parse(text);
    if (p.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(p)}`);
    return p.message;
  };
  /** The code spans of a sentence are balanced: an even number of backticks. */
  const balanced = (text: string) => (text.match(/`/g) ?? []).length % 2 === 0;

  it('shows a typed backtick as ˋ, which cannot end the span', () => {
    for (const text of ['`winrat team', 'calls by `rep', 'calls q9`', 'cla`ls team']) {
      const said = message(text);
      expect(balanced(said), `${text} → ${said}`).toBe(true);
    }
    expect(message('calls by `quux')).toContain('`ˋquux`');
  });

  it('reads a fiscal period said twice as a period said twice, not a name', () => {
    expect(message('winrate fiscal year fiscal year')).toBe(
      'That names more than one period; ask for one at a time.',
    );
    expect(message('winrate fiscal quarter fiscal quarter')).toBe(
      'That names more than one period; ask for one at a time.',
    );
  });

  // Tester: `winrate, org, q4` answered "I don't know `winrate,`. Did you mean `winrate org, q4`?", which
  // failed again when typed back.
  it('reads commas between the parts of an ask as separators, and keeps a comma inside a name', () => {
    const winrateOrgQ4 = ask(parse('winrate org q4'));
    expect(ask(parse('winrate, org, q4'))).toEqual(winrateOrgQ4);
    expect(ask(parse('winrate org, q4,'))).toEqual(winrateOrgQ4);
    expect(ask(parse('winrate , org q4'))).toEqual(winrateOrgQ4);
    expect(ask(parse('win rate, team NA East, last month, by rep'))).toEqual(
      ask(parse('win rate team NA East last month by rep')),
    );
    // A comma followed by a name word is part of the name, as a CRM writes owners and companies.
    expect(ask(parse('calls Lopez, Ana, q4')).scope).toEqual({
      kind: 'named',
      name: 'Lopez, Ana',
      teamOnly: false,
    });
    expect(ask(parse('winrate Org, Inc')).scope).toEqual({
      kind: 'named',
      name: 'Org, Inc',
      teamOnly: false,
    });
    // A subcommand reads its own words as typed.
    expect(parse('target set winrate, 30%')).toMatchObject({ tokens: ['set', 'winrate,', '30%'] });
  });
});
