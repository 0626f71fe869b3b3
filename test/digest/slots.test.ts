import { describe, expect, it } from 'vitest';
import { classifySlot, nextSlot, type Schedule, slotsBetween } from '../../src/digest/slots.js';
import { formatLocalTime } from '../../src/time/format.js';
import { zonedInstant } from '../../src/time/wall-clock.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const berlin = (over: Partial<Schedule> = {}): Schedule => ({
  cadence: 'daily',
  weekday: null,
  localTime: '08:30',
  timezone: 'Europe/Berlin',
  ...over,
});

describe('digest slots', () => {
  it('keeps 08:30 Berlin local across the spring-forward change', () => {
    // Sat 28 Mar 2026 (CET, +1) … Mon 30 Mar 2026 (CEST, +2); clocks jump on Sun 29 Mar at 02:00.
    const slots = slotsBetween(berlin(), new Date('2026-03-28T00:00:00Z'), new Date('2026-03-30T23:59:00Z'));
    expect(iso(slots)).toEqual([
      '2026-03-28T07:30:00.000Z',
      '2026-03-29T06:30:00.000Z',
      '2026-03-30T06:30:00.000Z',
    ]);
  });

  it('keeps 08:30 Berlin local across the fall-back change', () => {
    // Sat 24 Oct 2026 (CEST, +2), Sun 25 Oct (clocks go back at 03:00 to 02:00), Mon 26 Oct (CET, +1).
    const slots = slotsBetween(berlin(), new Date('2026-10-24T00:00:00Z'), new Date('2026-10-26T23:59:00Z'));
    expect(iso(slots)).toEqual([
      '2026-10-24T06:30:00.000Z',
      '2026-10-25T07:30:00.000Z',
      '2026-10-26T07:30:00.000Z',
    ]);
  });

  it('fires a time that does not exist on the spring-forward day at the end of the gap', () => {
    // Sun 29 Mar 2026 Berlin: 02:00–02:59 local does not exist; 03:00 CEST = 01:00 UTC.
    const s = berlin({ localTime: '02:30' });
    const slots = slotsBetween(s, new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z'));
    expect(iso(slots)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('fires a time that happens twice on the fall-back day only once, at its first occurrence', () => {
    // Sun 25 Oct 2026 Berlin: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    const s = berlin({ localTime: '02:30' });
    const slots = slotsBetween(s, new Date('2026-10-24T12:00:00Z'), new Date('2026-10-25T12:00:00Z'));
    expect(iso(slots)).toEqual(['2026-10-25T00:30:00.000Z']);
  });

  it('follows America/New_York across its own DST dates', () => {
    // US spring forward Sun 8 Mar 2026; fall back Sun 1 Nov 2026. 08:30 EST = 13:30 UTC, EDT = 12:30 UTC.
    const ny: Schedule = {
      cadence: 'daily',
      weekday: null,
      localTime: '08:30',
      timezone: 'America/New_York',
    };
    expect(iso(slotsBetween(ny, new Date('2026-03-07T00:00:00Z'), new Date('2026-03-08T23:00:00Z')))).toEqual(
      ['2026-03-07T13:30:00.000Z', '2026-03-08T12:30:00.000Z'],
    );
    expect(iso(slotsBetween(ny, new Date('2026-10-31T00:00:00Z'), new Date('2026-11-01T23:00:00Z')))).toEqual(
      ['2026-10-31T12:30:00.000Z', '2026-11-01T13:30:00.000Z'],
    );
    // 02:30 on Sun 8 Mar 2026 does not exist in New York: fires at 03:00 EDT = 07:00 UTC.
    expect(zonedInstant({ year: 2026, month: 3, day: 8 }, 2, 30, 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('fires weekday digests Monday to Friday and weekly digests on their day', () => {
    // Mon 23 Nov 2026 … Sun 29 Nov 2026, 09:00 UTC.
    const from = new Date('2026-11-23T00:00:00Z');
    const to = new Date('2026-11-29T23:59:00Z');
    const weekdays = slotsBetween(
      { ...berlin(), cadence: 'weekdays', timezone: 'UTC', localTime: '09:00' },
      from,
      to,
    );
    expect(weekdays.map((d) => d.getUTCDate())).toEqual([23, 24, 25, 26, 27]);
    const weekly = slotsBetween(
      { cadence: 'weekly', weekday: 3, localTime: '09:00', timezone: 'UTC' },
      from,
      to,
    );
    expect(iso(weekly)).toEqual(['2026-11-25T09:00:00.000Z']);
  });

  it('finds slots whose local date differs from the UTC date', () => {
    // 07:00 in Asia/Tokyo (+9) is 22:00 UTC the day before: Tue 24 Nov 07:00 JST = Mon 23 Nov 22:00 UTC.
    const tokyo: Schedule = { cadence: 'daily', weekday: null, localTime: '07:00', timezone: 'Asia/Tokyo' };
    const slots = slotsBetween(tokyo, new Date('2026-11-23T12:00:00Z'), new Date('2026-11-23T23:00:00Z'));
    expect(iso(slots)).toEqual(['2026-11-23T22:00:00.000Z']);
    expect(formatLocalTime(slots[0]!, 'Asia/Tokyo')).toBe('07:00');
  });

  it('classifies slots against the grace window', () => {
    const slot = new Date('2026-11-23T07:30:00Z'); // Mon 23 Nov 2026, 08:30 Berlin
    expect(classifySlot(slot, new Date('2026-11-23T07:29:59Z'), 120)).toBe('future');
    expect(classifySlot(slot, new Date('2026-11-23T07:30:00Z'), 120)).toBe('due');
    expect(classifySlot(slot, new Date('2026-11-23T09:30:00Z'), 120)).toBe('due');
    expect(classifySlot(slot, new Date('2026-11-23T09:30:01Z'), 120)).toBe('missed');
  });

  it('gives the next slot after an instant', () => {
    // Fri 27 Nov 2026 10:00 UTC: the next weekday 08:30 Berlin is Mon 30 Nov 07:30 UTC.
    const s = berlin({ cadence: 'weekdays' });
    expect(nextSlot(s, new Date('2026-11-27T10:00:00Z'))?.toISOString()).toBe('2026-11-30T07:30:00.000Z');
  });
});
