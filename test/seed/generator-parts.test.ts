import { describe, expect, it } from 'vitest';
import { parseSeedArgs } from '../../src/seed/args.js';
import { encodeArray } from '../../src/seed/bulk.js';
import { atLocal, buildCalendar, nextWorkingTime } from '../../src/seed/calendar.js';
import { TEAM_SEEDS } from '../../src/seed/catalog.js';
import { planOrg, splitByWeight, teamAt } from '../../src/seed/org-plan.js';
import { Random } from '../../src/seed/random.js';

describe('seed arguments', () => {
  it('parses sizes, seed and now', () => {
    const r = parseSeedArgs([
      '--reps',
      '2000',
      '--days',
      '730',
      '--seed',
      '9',
      '--now',
      '2026-11-23T09:00:00Z',
    ]);
    expect(r).toEqual({
      ok: true,
      args: {
        profile: 'custom',
        reps: 2000,
        days: 730,
        seed: 9,
        now: new Date('2026-11-23T09:00:00Z'),
        leadsPerRepDay: undefined,
        chunkSize: undefined,
        reset: false,
      },
    });
  });

  it('rejects bad input with one clear line', () => {
    expect(parseSeedArgs(['--reps', 'many'])).toEqual({ ok: false, message: '--reps must be a number' });
    expect(parseSeedArgs(['--days', '0'])).toEqual({ ok: false, message: '--days must be at least 1' });
    expect(parseSeedArgs(['--now', 'yesterday'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('ISO'),
    });
    expect(parseSeedArgs(['--profile', 'bench', '--reps', '5'])).toMatchObject({ ok: false });
    expect(parseSeedArgs(['--colour'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('--colour'),
    });
  });
});

describe('seed building blocks', () => {
  it('repeats the same random stream for the same seed and stream', () => {
    const a = new Random(42, 3);
    const b = new Random(42, 3);
    const c = new Random(42, 4);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('encodes array literals with quotes, backslashes and NULLs', () => {
    expect(encodeArray(["O'Brien", 'say "hi"', 'a\\b', null], 'text')).toBe(
      `{"O'Brien","say \\"hi\\"","a\\\\b",NULL}`,
    );
    expect(encodeArray([1, null, 3], 'int')).toBe('{1,NULL,3}');
    expect(encodeArray([true, false, null], 'bool')).toBe('{t,f,NULL}');
  });

  it('places working hours in local time across a DST change', () => {
    // Day 0 = Friday 23 October 2026 in Berlin; summer time ends on Sunday 25 October.
    const cal = buildCalendar('Europe/Berlin', Date.parse('2026-10-23T10:00:00Z'), 5, 0);
    expect(new Date(atLocal(cal, 0, 9)).toISOString()).toBe('2026-10-23T07:00:00.000Z');
    expect(new Date(atLocal(cal, 3, 9)).toISOString()).toBe('2026-10-26T08:00:00.000Z');
    // Saturday 14:00 local moves to Monday 08:30 local (CET, UTC+1).
    const saturday = atLocal(cal, 1, 14);
    expect(new Date(nextWorkingTime(cal, saturday, 0.5)).toISOString()).toBe('2026-10-26T07:30:00.000Z');
    // Friday 10:00 local is already working time.
    expect(nextWorkingTime(cal, atLocal(cal, 0, 10), 0.5)).toBe(atLocal(cal, 0, 10));
  });

  it('plans one manager per team, Ana Lopez first, an admin and a team mover', () => {
    const start = Date.parse('2026-05-27T00:00:00Z');
    const end = Date.parse('2026-11-23T00:00:00Z');
    const plan = planOrg(40, 42, start, end);
    expect(plan.reps).toHaveLength(41);
    expect(plan.reps[0]).toMatchObject({
      name: 'Ana Lopez',
      email: 'ana.lopez@example.com',
      role: 'manager',
    });
    expect(plan.reps.at(-1)).toMatchObject({ email: 'admin@example.com', role: 'admin', memberships: [] });
    expect(plan.managers).toHaveLength(TEAM_SEEDS.length);
    expect(new Set(plan.reps.map((r) => r.email)).size).toBe(41);
    const mover = plan.reps.find((r) => r.memberships.length === 2)!;
    const mid = start + (end - start) / 2;
    expect(teamAt(mover, mid - 1)).not.toBe(teamAt(mover, mid + 1));
    expect(splitByWeight(40, TEAM_SEEDS).reduce((a, b) => a + b, 0)).toBe(40);
  });
});
