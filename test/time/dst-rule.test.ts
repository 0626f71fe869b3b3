import { describe, expect, it } from 'vitest';
import { addBusinessSeconds, type BusinessHours, isBusinessTime } from '../../src/alerts/business-time.js';
import { type Schedule, slotsBetween } from '../../src/digest/slots.js';
import { parsePeriod } from '../../src/metrics/periods.js';
import { formatLocalDate, formatLocalTime, formatMinuteOfDay } from '../../src/time/format.js';
import { zonedInstant } from '../../src/time/wall-clock.js';
import { canonicalTimeZone, isTimeZone, timeZoneSchema } from '../../src/time/zone.js';

/** The one digest slot of `localTime` on the local day around `noonUtc` (±12 h catches it). */
function digestSlot(localTime: string, timezone: string, noonUtc: string): Date {
  const schedule: Schedule = { cadence: 'daily', weekday: null, localTime, timezone };
  const noon = new Date(noonUtc).getTime();
  const slots = slotsBetween(schedule, new Date(noon - 12 * 3600_000), new Date(noon + 12 * 3600_000 - 1));
  expect(slots).toHaveLength(1);
  return slots[0]!;
}

/** When business hours that open at `startMinute` on Sundays first open after `from`. */
function businessOpening(startMinute: number, timezone: string, from: string): Date {
  const hours: BusinessHours = { kind: 'hours', days: [7], startMinute, endMinute: 240, timezone };
  const opening = addBusinessSeconds(new Date(from), 0, hours);
  expect(opening).not.toBeNull();
  return opening!;
}

describe('one DST rule for digests and business hours', () => {
  it('puts a Berlin 02:30 in the spring gap at the end of the gap for both', () => {
    // Sun 29 Mar 2026: Berlin clocks jump from 02:00 CET to 03:00 CEST (01:00 UTC); 02:30 never happens.
    const slot = digestSlot('02:30', 'Europe/Berlin', '2026-03-29T10:00:00Z');
    const opening = businessOpening(150, 'Europe/Berlin', '2026-03-28T12:00:00Z');
    expect(slot.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(opening.toISOString()).toBe(slot.toISOString());
    expect(formatLocalTime(slot, 'Europe/Berlin')).toBe('03:00');
  });

  it('puts a Berlin 02:30 in the autumn overlap at its first occurrence for both', () => {
    // Sun 25 Oct 2026: 02:30 happens at 00:30 UTC (CEST, +2) and again at 01:30 UTC (CET, +1).
    const slot = digestSlot('02:30', 'Europe/Berlin', '2026-10-25T10:00:00Z');
    const opening = businessOpening(150, 'Europe/Berlin', '2026-10-24T12:00:00Z');
    expect(slot.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(opening.toISOString()).toBe(slot.toISOString());
    const hours: BusinessHours = {
      kind: 'hours',
      days: [7],
      startMinute: 150,
      endMinute: 240,
      timezone: 'Europe/Berlin',
    };
    expect(isBusinessTime(new Date('2026-10-25T00:29:00Z'), hours)).toBe(false);
    expect(isBusinessTime(new Date('2026-10-25T00:30:00Z'), hours)).toBe(true);
  });

  it('agrees for New York on its own DST days', () => {
    // Sun 8 Mar 2026: 02:00 EST → 03:00 EDT at 07:00 UTC. Sun 1 Nov 2026: 01:30 EDT (05:30 UTC) comes first.
    expect(digestSlot('02:30', 'America/New_York', '2026-03-08T17:00:00Z').toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(businessOpening(150, 'America/New_York', '2026-03-07T17:00:00Z').toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(digestSlot('01:30', 'America/New_York', '2026-11-01T17:00:00Z').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(businessOpening(90, 'America/New_York', '2026-10-31T17:00:00Z').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('starts a day whose midnight falls in a gap where the gap ends, as period boundaries do', () => {
    // Sun 8 Mar 2026, Havana: 00:00 CST → 01:00 CDT (UTC−4) at 05:00 UTC; the day starts then.
    const start = zonedInstant({ year: 2026, month: 3, day: 8 }, 0, 0, 'America/Havana');
    expect(start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    const today = parsePeriod('today', { now: new Date('2026-03-08T17:00:00Z'), timezone: 'America/Havana' });
    expect(today.ok && today.period.start.toISOString()).toBe(start.toISOString());
  });
});

describe('time zones and formatting', () => {
  it('accepts IANA zones and refuses the rest with one message', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(timeZoneSchema.safeParse('Asia/Tokyo').success).toBe(true);
    const bad = timeZoneSchema.safeParse('Berlin');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('must be an IANA time zone name such as Europe/Berlin');
  });

  it('formats minutes of the day, local times and local dates', () => {
    expect(formatMinuteOfDay(540)).toBe('09:00');
    expect(formatMinuteOfDay(1440)).toBe('24:00');
    // 23:30 UTC on 31 Dec 2026 is 08:30 on 1 Jan 2027 in Tokyo (UTC+9).
    const at = new Date('2026-12-31T23:30:00Z');
    expect(formatLocalTime(at, 'Asia/Tokyo')).toBe('08:30');
    expect(formatLocalDate(at, 'Asia/Tokyo')).toBe('2027-01-01');
    expect(formatLocalDate(at, 'UTC')).toBe('2026-12-31');
  });
});
