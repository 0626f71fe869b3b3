import { describe, expect, it } from 'vitest';
import { parseDigestCommand } from '../../src/digest/parse-command.js';
import { readTypedTime } from '../../src/time/typed-time.js';

const timeOf = (...words: string[]) => {
  const r = parseDigestCommand(['add', 'dm', 'at', ...words, 'daily']);
  return r.ok && r.command.action === 'add' ? r.command.add : r;
};

describe('digest times as typed', () => {
  it('reads 24-hour and am/pm times into HH:MM', () => {
    // Helper-236: `at 8` and `at 8:30am` were refused as "not a time".
    expect(timeOf('8')).toMatchObject({ localTime: '08:00', cadence: 'daily' });
    expect(timeOf('8am')).toMatchObject({ localTime: '08:00' });
    expect(timeOf('8:30am')).toMatchObject({ localTime: '08:30' });
    expect(timeOf('8.30')).toMatchObject({ localTime: '08:30' });
    expect(timeOf('08:30')).toMatchObject({ localTime: '08:30' });
    expect(timeOf('20:00')).toMatchObject({ localTime: '20:00' });
    expect(timeOf('8pm')).toMatchObject({ localTime: '20:00' });
    expect(timeOf('8:15', 'PM')).toMatchObject({ localTime: '20:15', cadence: 'daily' });
    expect(readTypedTime('12am')).toEqual({ hour: 0, minute: 0 });
    expect(readTypedTime('12pm')).toEqual({ hour: 12, minute: 0 });
  });

  it('refuses an invalid or ambiguous time with the text to type', () => {
    for (const typed of ['25:00', '8:75', '24:00', '13pm', '0am', '20:00pm', '8:5', '830', 'noon']) {
      expect(readTypedTime(typed)).toBeNull();
      expect(timeOf(typed)).toEqual({
        ok: false,
        error: `“${typed}” is not a time of day (hours 0–23 or 1–12 am/pm, minutes 0–59). Write it as \`at 08:00\`, \`at 8:30am\` or \`at 20:00\`.`,
      });
    }
  });
});
