import { describe, expect, it } from 'vitest';
import { otherCurrenciesLeftOut } from '../../src/metrics/compute/aggregate.js';
import {
  headlineCurrencyNotes,
  recordsLeftOut,
  shortCurrencyNote,
} from '../../src/metrics/currency-notes.js';
import { findMetric } from '../../src/metrics/index.js';

const metric = (id: 'revenue' | 'opps' | 'arr' | 'coverage') => findMetric(id)!;
const figure = { kind: 'value', value: 1 } as const;

describe('the currency notes a scorecard or digest shows beside a headline', () => {
  it('finds the notes otherCurrenciesLeftOut writes, for one record and for many', () => {
    const one = `${otherCurrenciesLeftOut(1, ['won deal', 'won deals'])} (no exchange rates); figures are in USD.`;
    const many = `${otherCurrenciesLeftOut(1204, ['contract', 'contracts'])} (no exchange rates).`;
    expect(one).toBe('1 won deal in another currency left out (no exchange rates); figures are in USD.');
    expect(many).toBe('1,204 contracts in other currencies left out (no exchange rates).');
    const zone = 'Split by rep in Europe/Berlin: 2 reps have another time zone.';
    const contracts =
      '3 contracts in force are on accounts with no customer-since date (became_customer_at) and are left out.';
    expect(headlineCurrencyNotes({ metric: metric('revenue'), notes: [one, zone], value: figure })).toEqual([
      one,
    ]);
    expect(headlineCurrencyNotes({ metric: metric('arr'), notes: [contracts, many], value: figure })).toEqual(
      [many],
    );
  });

  it('leaves out a count’s note, which is about a figure beside it (pipeline value), not its headline', () => {
    const note = `Pipeline value: ${otherCurrenciesLeftOut(2, ['opportunity', 'opportunities'])} (no exchange rates); figures are in USD.`;
    expect(headlineCurrencyNotes({ metric: metric('opps'), notes: [note], value: figure })).toEqual([]);
  });

  it('keeps pipeline coverage’s note, whose headline is money over money (helper-174: a scorecard row in EUR)', () => {
    const note = `${otherCurrenciesLeftOut(7, ['deal', 'deals'])} (no exchange rates); figures are in EUR.`;
    expect(headlineCurrencyNotes({ metric: metric('coverage'), notes: [note], value: figure })).toEqual([
      note,
    ]);
    // Helper-206: a period that has ended has no coverage figure, so nothing was left out of one.
    const ended = {
      kind: 'no_data',
      reason: 'coverage looks ahead: ask about a period that has not ended',
    } as const;
    expect(headlineCurrencyNotes({ metric: metric('coverage'), notes: [note], value: ended })).toEqual([]);
    // A money headline with no figure in its currency still says what was left out.
    const none = { kind: 'no_data', reason: 'no deals won in USD' } as const;
    expect(headlineCurrencyNotes({ metric: metric('revenue'), notes: [note], value: none })).toEqual([note]);
  });

  it('reads how many records the notes say were left out', () => {
    expect(
      recordsLeftOut([
        '1,204 contracts in other currencies left out (no exchange rates).',
        'Lost amount: 1 deal in another currency left out (no exchange rates).',
        'Split by rep in Europe/Berlin: 2 reps have another time zone.',
      ]),
    ).toBe(1205);
    expect(recordsLeftOut([])).toBe(0);
  });

  it('cuts a note short for a text fallback: the records left out, without the figure’s name or the reason', () => {
    expect(
      shortCurrencyNote('2 won deals in other currencies left out (no exchange rates); figures are in USD.'),
    ).toBe('2 won deals in other currencies left out');
    expect(shortCurrencyNote('Lost amount: 1 deal in another currency left out (no exchange rates).')).toBe(
      '1 deal in another currency left out',
    );
    expect(shortCurrencyNote('1,204 contracts in other currencies left out (no exchange rates).')).toBe(
      '1,204 contracts in other currencies left out',
    );
  });
});
