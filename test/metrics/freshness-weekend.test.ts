import { describe, expect, it } from 'vitest';
import { judgeFreshness, workweekMs } from '../../src/metrics/freshness.js';

const HOUR = 3_600_000;
const ms = (iso: string) => new Date(iso).getTime();

/** An org answer of a running December 2026 whose newest record is `newest`, data last arrived at `arrival`. */
function orgAnswer(newest: string, arrival: string) {
  return {
    freshness: {
      newestRecordAt: new Date(newest),
      lastArrival: { source: 'import', at: new Date(arrival) },
      previousHeld: true,
    },
    period: { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z'), running: true },
    scope: { kind: 'org' },
    metric: { state: false },
  } as unknown as Parameters<typeof judgeFreshness>[0];
}

describe('workweekMs', () => {
  it('leaves out the Saturday and Sunday between two instants (UTC days)', () => {
    // Fri 4 Dec 2026 00:00 → Mon 7 Dec 14:00: 86 h, of which 48 h are the weekend.
    expect(workweekMs(ms('2026-12-04T00:00:00Z'), ms('2026-12-07T14:00:00Z'))).toBe(38 * HOUR);
    // Sat 12:00 → Sun 23:00: all weekend.
    expect(workweekMs(ms('2026-12-05T12:00:00Z'), ms('2026-12-06T23:00:00Z'))).toBe(0);
    // Tue 1 Dec 00:00 → Mon 7 Dec 14:00: 158 h − 48 h.
    expect(workweekMs(ms('2026-12-01T00:00:00Z'), ms('2026-12-07T14:00:00Z'))).toBe(110 * HOUR);
    // Three whole weeks and a Saturday morning: 15 working days.
    expect(workweekMs(ms('2026-11-14T00:00:00Z'), ms('2026-12-05T06:00:00Z'))).toBe(15 * 24 * HOUR);
    expect(workweekMs(ms('2026-12-07T00:00:00Z'), ms('2026-12-07T00:00:00Z'))).toBe(0);
    expect(workweekMs(ms('2026-12-08T00:00:00Z'), ms('2026-12-07T00:00:00Z'))).toBe(0);
  });
});

// Fresh tester helper-304 (MED): on Monday 7 Dec at 14:00, with the newest close dated Friday 4 Dec (a date
// without a time, so 00:00), "revenue org this month" warned "Data may be behind": 86 h > 72 h, though the
// docs say a quiet weekend does not count.
describe('a running org period called behind', () => {
  it('does not count a quiet weekend, but still calls a week-long gap behind', () => {
    const now = new Date('2026-12-07T14:30:00Z');
    expect(judgeFreshness(orgAnswer('2026-12-04T00:00:00Z', '2026-12-07T14:00:00Z'), now, 24).kind).toBe(
      'fresh',
    );
    expect(judgeFreshness(orgAnswer('2026-12-01T00:00:00Z', '2026-12-07T14:00:00Z'), now, 24)).toMatchObject({
      kind: 'behind',
      newest: new Date('2026-12-01T00:00:00Z'),
    });
    // Thursday 00:00 to Monday 14:00: 2 working days and 14 h, under 72 h.
    expect(judgeFreshness(orgAnswer('2026-12-03T00:00:00Z', '2026-12-07T14:00:00Z'), now, 24).kind).toBe(
      'fresh',
    );
    // Tuesday 10:00 to Monday 14:00: 4 working days and 4 h, over 72 h.
    expect(judgeFreshness(orgAnswer('2026-12-01T10:00:00Z', '2026-12-07T14:00:00Z'), now, 24).kind).toBe(
      'behind',
    );
  });
});
