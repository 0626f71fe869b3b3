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
    // Alone on R&D with data, he is compared with no one: no "at or above the team median" claim.
    expect(theirs).toContain('*Bob* — no teammate with data to compare with on these 4');
  });

  // Fresh tester helper-207, finding 3: "*Bob* — at or above the team median on all 4" when Bob had data
  // for 1 of the 4 metrics over the last 30 days.
  it('says on how many metrics a rep was compared, and claims nothing for a rep compared on none', async () => {
    const db = ctx.db();
    const sales = await addTeam(db, 'Sales');
    const ana = await addRep(db, 'Ana', sales);
    const bob = await addRep(db, 'Bob', sales);
    // Calls only (no leads or deals in the org): Ana 1, Bob 3 → median 2.
    await addCall(db, ana, '2026-11-10T10:00:00Z');
    for (const day of [10, 11, 12]) await addCall(db, bob, `2026-11-${day}T10:00:00Z`);
    const blocks = JSON.stringify(
      await buildCoachingHomeBlocks({ db, defaultTimezone: 'UTC', now }, [sales]),
    );
    expect(blocks).toContain('*Bob* — at or above the team median on the 1 of 4 with data');
    expect(blocks).toContain('*Ana* — behind the team median on calls (1 of 4 with data)');
    expect(blocks).not.toContain('on all 4');
    // A rep of the team with no call is a real 0 (as on the card): Cy is behind on calls.
    const cy = await addRep(db, 'Cy', sales);
    const withCy = JSON.stringify(
      await buildCoachingHomeBlocks({ db, defaultTimezone: 'UTC', now }, [sales]),
    );
    expect(withCy).toContain('*Cy* — behind the team median on calls (1 of 4 with data)');
    expect(cy).toBeGreaterThan(0);
  });
});
