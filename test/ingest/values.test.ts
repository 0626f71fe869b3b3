import { describe, expect, it } from 'vitest';
import { newDateContext, outcomeFromStage, parseInstant, parseMinorUnits } from '../../src/ingest/index.js';
import { parseBoolean, parseInteger } from '../../src/ingest/values.js';

describe('parseMinorUnits', () => {
  it('converts major-unit decimal text to exact integer cents', () => {
    expect(parseMinorUnits('1054')).toBe(105400);
    expect(parseMinorUnits('12.50')).toBe(1250);
    expect(parseMinorUnits('12.5')).toBe(1250);
    expect(parseMinorUnits('0.07')).toBe(7);
    expect(parseMinorUnits('19.99')).toBe(1999);
    // 0.29 * 100 is 28.999999999999996 in floating point; the string path must not go near it.
    expect(parseMinorUnits('0.29')).toBe(29);
    expect(parseMinorUnits('1.1')).toBe(110);
    expect(parseMinorUnits('100000.0')).toBe(10000000);
    expect(parseMinorUnits('-3.5')).toBe(-350);
    expect(parseMinorUnits(' 7 ')).toBe(700);
  });

  it('accepts JSON numbers through their decimal text', () => {
    expect(parseMinorUnits(12.5)).toBe(1250);
    expect(parseMinorUnits(0.29)).toBe(29);
    expect(parseMinorUnits(30288)).toBe(3028800);
  });

  it('rejects what is not a plain amount', () => {
    expect(() => parseMinorUnits('1.005')).toThrow(/more than 2 decimals/);
    expect(() => parseMinorUnits('1,054')).toThrow(/not an amount/);
    expect(() => parseMinorUnits('1e3')).toThrow(/not an amount/);
    expect(() => parseMinorUnits('90071992547409.92')).toThrow(
      '"90071992547409.92" is too large (at most 90071992547409.91)',
    );
    expect(() => parseMinorUnits('$12')).toThrow(/not an amount/);
    expect(() => parseMinorUnits('')).toThrow(/not an amount/);
  });
});

describe('parseInteger', () => {
  it('reads whole numbers exactly and names the limit, never a rounded value', () => {
    expect(parseInteger('12.0')).toBe(12);
    expect(parseInteger(' +7 ')).toBe(7);
    expect(parseInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseInteger('12.5')).toThrow('"12.5" is not a whole number');
    expect(() => parseInteger(12.5)).toThrow('"12.5" is not a whole number');
    expect(() => parseInteger('9223372036854775808')).toThrow(
      '9223372036854775808 is too large (at most 9007199254740991)',
    );
    expect(() => parseInteger('-9223372036854775808')).toThrow(
      '-9223372036854775808 is too small (at least -9007199254740991)',
    );
    // What JSON.parse makes of 9223372036854775807: a number rounded to 9223372036854776000.
    expect(() => parseInteger(JSON.parse('9223372036854775807') as number)).toThrow(
      'a number beyond 9007199254740991 is too large (at most 9007199254740991)',
    );
    expect(() => parseInteger(-1e300)).toThrow(
      'a number below -9007199254740991 is too small (at least -9007199254740991)',
    );
    expect(() => parseInteger(1e21, { min: 0, max: 2_147_483_647 }, 'range')).toThrow(
      'a number beyond 9007199254740991 is outside 0..2147483647',
    );
  });

  // Helper-236: a duration of "1,200" got only "is not a number", no word of what to write.
  it('names the number to write for a whole number with thousands separators', () => {
    expect(() => parseInteger('1,200', { min: 0, max: 2_147_483_647 }, 'range', 'seconds')).toThrow(
      '"1,200" is not a number; write whole seconds without a thousands separator: 1200',
    );
    expect(() => parseInteger('12 400', undefined, 'limit', 'seconds')).toThrow(
      '"12 400" is not a number; write whole seconds without a thousands separator: 12400',
    );
    expect(() => parseInteger('1,200,000')).toThrow(
      '"1,200,000" is not a number; write it without a thousands separator: 1200000',
    );
    // Not a grouping: no advice made up.
    expect(() => parseInteger('1,20')).toThrow(/^"1,20" is not a number$/);
  });
});

describe('parseInstant', () => {
  it('reads a bare date as midnight in the given zone', () => {
    expect(parseInstant('2017-10-20', 'UTC').toISOString()).toBe('2017-10-20T00:00:00.000Z');
    // Berlin is UTC+2 in October 2017 (summer time until the 29th).
    expect(parseInstant('2017-10-20', 'Europe/Berlin').toISOString()).toBe('2017-10-19T22:00:00.000Z');
  });

  it('reads a zone-less date-time as wall clock in the given zone, across DST', () => {
    // São Paulo had no DST in 2018-05: UTC-3.
    expect(parseInstant('2018-05-08 20:17:59', 'America/Sao_Paulo').toISOString()).toBe(
      '2018-05-08T23:17:59.000Z',
    );
    // New York: EST (UTC-5) in January, EDT (UTC-4) in July.
    expect(parseInstant('2026-01-15T09:00', 'America/New_York').toISOString()).toBe(
      '2026-01-15T14:00:00.000Z',
    );
    expect(parseInstant('2026-07-15T09:00', 'America/New_York').toISOString()).toBe(
      '2026-07-15T13:00:00.000Z',
    );
  });

  it('keeps an explicit zone or offset regardless of the default zone', () => {
    expect(parseInstant('2026-11-20T10:00:00Z', 'Asia/Tokyo').toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(parseInstant('2026-11-20T10:00:00+02:00', 'UTC').toISOString()).toBe('2026-11-20T08:00:00.000Z');
    expect(parseInstant('2026-11-20T10:00:00.250-0300', 'UTC').toISOString()).toBe(
      '2026-11-20T13:00:00.250Z',
    );
  });

  // Fresh tester: `dec 28, 2025` in an export was refused with no hint of what to write.
  it('refuses a date written with its month name, giving the ISO day to write', () => {
    const iso = '(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)';
    for (const written of [
      'dec 28, 2025',
      '28 Dec 2025',
      'December 28 2025',
      '28 december, 2025',
      'Dec. 28, 2025',
    ])
      expect(() => parseInstant(written, 'UTC')).toThrow(
        `"${written}" is not an ISO date or date-time ${iso}; write it as 2025-12-28`,
      );
    // Second fresh tester: ordinals and `Sept` got no hint, and a day that does not exist no reason.
    for (const written of ['December 28th, 2025', '28th Dec 2025'])
      expect(() => parseInstant(written, 'UTC')).toThrow(`${iso}; write it as 2025-12-28`);
    expect(() => parseInstant('Sept 3, 2026', 'UTC')).toThrow(`${iso}; write it as 2026-09-03`);
    expect(() => parseInstant('feb 30, 2026', 'UTC')).toThrow(
      `"feb 30, 2026" is not an ISO date or date-time ${iso}; it is no date: February 2026 has 28 days`,
    );
    expect(() => parseInstant('31 April 2026', 'UTC')).toThrow(
      `${iso}; it is no date: April 2026 has 30 days`,
    );
    // No year made up.
    expect(() => parseInstant('dec 28', 'UTC')).toThrow(/\)$/);
  });

  // Helper-236: `2026/10/01` got no hint though `Oct 1, 2026` did.
  it('refuses a year-first date with slashes or dots, giving the ISO form to write', () => {
    const iso = '(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)';
    expect(() => parseInstant('2026/10/01', 'UTC')).toThrow(
      `"2026/10/01" is not an ISO date or date-time ${iso}; write it as 2026-10-01`,
    );
    expect(() => parseInstant('2026/10/01', 'UTC', newDateContext(undefined, 'file'))).toThrow(
      `${iso}; write it as 2026-10-01`,
    );
    expect(() => parseInstant('2026.10.1 8:05', 'UTC')).toThrow(`${iso}; write it as 2026-10-01 08:05`);
    expect(() => parseInstant('2026/02/30', 'UTC')).toThrow(
      `${iso}; it is no date: February 2026 has 28 days`,
    );
  });

  it('rejects impossible or non-ISO dates', () => {
    expect(() => parseInstant('2017-02-30', 'UTC')).toThrow(/not a real date/);
    expect(() => parseInstant('20/10/2017', 'UTC')).toThrow(/not an ISO date/);
    expect(() => parseInstant('2017-10-20T25:00', 'UTC')).toThrow(/not a real date/);
  });

  // Tester: 02:30 on Berlin's spring-forward day was stored as 03:30 local with no word.
  it('refuses a zone-less time the zone skipped or read twice, naming the offsets that say which', () => {
    expect(() => parseInstant('2026-03-29T02:30:00', 'Europe/Berlin')).toThrow(
      '"2026-03-29T02:30:00" never happened in Europe/Berlin: the clocks jumped past it that night; give the instant with its offset (e.g. 2026-03-29T02:30:00+01:00 or 2026-03-29T02:30:00+02:00), or fix the time',
    );
    expect(() => parseInstant('2026-10-25 02:30', 'Europe/Berlin')).toThrow(
      '"2026-10-25 02:30" happened twice in Europe/Berlin: the clocks went back that night; give the offset to say which (2026-10-25T02:30:00+02:00 or 2026-10-25T02:30:00+01:00)',
    );
    expect(() =>
      parseInstant('11/1/2026 1:30 AM', 'America/New_York', newDateContext('MDY', 'file')),
    ).toThrow(/happened twice in America\/New_York.*2026-11-01T01:30:00-04:00 or 2026-11-01T01:30:00-05:00/);
    // Each offset given is taken as written; the hours around the change are unique.
    expect(parseInstant('2026-10-25T02:30:00+01:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-10-25T01:30:00.000Z',
    );
    expect(parseInstant('2026-03-29T01:59:59', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T00:59:59.000Z',
    );
    expect(parseInstant('2026-03-29T03:00:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(parseInstant('2026-10-25T03:00:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-10-25T02:00:00.000Z',
    );
    // A bare date is its day's first instant, even where the day starts with a gap (Santiago, 6 Sep 2026).
    expect(parseInstant('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('outcomeFromStage', () => {
  it('maps won and lost stage names in any case, everything else open', () => {
    expect(outcomeFromStage('Won')).toBe('won');
    expect(outcomeFromStage('closed won')).toBe('won');
    expect(outcomeFromStage('Closed_Won')).toBe('won');
    expect(outcomeFromStage('LOST')).toBe('lost');
    expect(outcomeFromStage('Closed Lost')).toBe('lost');
    expect(outcomeFromStage('Engaging')).toBe('open');
    expect(outcomeFromStage('Won back later')).toBe('open');
    expect(outcomeFromStage(null)).toBe('open');
  });
});

describe('parseBoolean', () => {
  it('reads the usual spellings in any case and lists them when a value is none of them', () => {
    for (const yes of ['true', 'TRUE', ' Yes ', 'y', 'T', '1', 1, true]) expect(parseBoolean(yes)).toBe(true);
    for (const no of ['false', 'No', 'n', 'f', '0', 0, false]) expect(parseBoolean(no)).toBe(false);
    expect(() => parseBoolean('ja')).toThrow(
      '"ja" is not true or false (write true/false, yes/no, y/n, t/f or 1/0, any case)',
    );
  });
});
