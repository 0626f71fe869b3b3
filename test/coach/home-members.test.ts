import { expect, it } from 'vitest';
import { buildCoachingHomeBlocks } from '../../src/coach/home.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addMembership, addRep, addTeam } from '../metrics/fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC; App Home's coaching section covers the last 30 days.
const now = new Date('2026-11-23T12:00:00Z');

describeDb('App Home coaching: who is listed', (ctx) => {
  // Probe (MED): after Bob moved from Sales to R&D on 15 Nov, Sales' manager saw him on App Home with
  // "Open a full card with /metrics coach @person", and `/metrics coach bob` then refused her.
  it("lists only the team's current members, while the medians keep the window's calls", async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const rd = await addTeam(db, 'R&D');
    const ana = await addRep(db, 'Ana', sales);
    const cy = await addRep(db, 'Cy', sales);
    const bob = await addRep(db, 'Bob', sales, '2020-01-01T00:00:00Z', '2026-11-15T00:00:00Z');
    await addMembership(db, bob, rd, '2026-11-15T00:00:00Z');
    // In Sales' window: Ana 1 call, Cy 3, Bob 5 (before his move) → median 3.
    await addCall(db, ana, '2026-11-10T10:00:00Z');
    for (const day of [10, 11, 12]) await addCall(db, cy, `2026-11-${day}T10:00:00Z`);
    for (const day of [2, 3, 4, 5, 6]) await addCall(db, bob, `2026-11-0${day}T10:00:00Z`);
    const blocks = JSON.stringify(
      await buildCoachingHomeBlocks({ db, defaultTimezone: 'UTC', now }, [sales]),
    );
    expect(blocks).toContain('Coaching · Team Sales');
    expect(blocks).toContain('*Ana* — behind the team median on calls');
    expect(blocks).toContain('*Cy* — ');
    expect(blocks).not.toContain('Bob');
    // R&D's manager sees Bob, who is theirs now (with a call since his move).
    await addCall(db, bob, '2026-11-20T10:00:00Z');
    const theirs = JSON.stringify(await buildCoachingHomeBlocks({ db, defaultTimezone: 'UTC', now }, [rd]));
    expect(theirs).toContain('*Bob*');
  });
});
