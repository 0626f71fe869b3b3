import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { sql } from '../../src/db/client.js';
import { type DigestSpec, gatherDigest } from '../../src/digest/content.js';
import { parseFiscalSetting, saveFiscalCalendar } from '../../src/metrics/index.js';
import type { FiscalCalendar } from '../../src/time/fiscal.js';
import { describeDb } from '../helpers/db.js';
import { addCall, addRep, addTeam } from '../metrics/fixtures.js';

// Tue 1 Dec 2026, 20:00 UTC: the 1st in UTC (the digest gives November, just ended), already Wed 2 Dec
// in Tokyo (December, running).
const slot = new Date('2026-12-01T20:00:00Z');
const config = loadConfig({});
const RETAIL = (parseFiscalSetting('4-4-5 last saturday of january') as { calendar: FiscalCalendar })
  .calendar;

const spec = (teamId: number): DigestSpec => ({
  subscriptionId: 1,
  scope: { kind: 'team', teamId },
  scopeLabel: 'East',
  metrics: ['calls'],
  cadence: 'daily',
  timezone: 'UTC',
  slot,
  lateScheduledLocal: null,
  personal: false,
});

/** The text of every statement sent while `work` runs. */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls.map(([q]) => String((q as { text?: string }).text ?? q));
  } finally {
    spy.mockRestore();
  }
}

describeDb('the digest’s scope and calendar come from the answer context cache', (ctx) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a second digest of a scope reads neither the scope nor the calendar again', async () => {
    const db = ctx.db();
    const east = await addTeam(db, 'East', { timezone: 'UTC' });
    await addCall(db, await addRep(db, 'Ana', east), '2026-11-20T10:00:00Z');
    const first = await gatherDigest({ db, config }, spec(east), slot);
    const texts = await statementsOf(async () => {
      const again = await gatherDigest({ db, config }, spec(east), slot);
      expect(again.lines.map((l) => l.toDate.value)).toEqual(first.lines.map((l) => l.toDate.value));
    });
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.filter((t) => t.includes('org_settings'))).toEqual([]);
    expect(texts.filter((t) => t.includes('week_starts_on'))).toEqual([]);
  });

  it('a change of the scope’s zone or of the fiscal calendar applies to the very next digest', async () => {
    const db = ctx.db();
    const east = await addTeam(db, 'East', { timezone: 'UTC' });
    await addCall(db, await addRep(db, 'Ana', east), '2026-11-20T10:00:00Z');
    const month = async () => (await gatherDigest({ db, config }, spec(east), slot)).lines[0]?.toDate.period;
    expect((await month())?.label).toBe('November 2026');
    // By hand-written SQL: only the statement trigger moves the data version.
    await db.execute(sql`update teams set timezone = 'Asia/Tokyo' where id = ${east}`);
    expect((await month())?.label).toContain('December 2026');
    await saveFiscalCalendar(db, RETAIL, null);
    expect((await month())?.label).toContain('P11 FY2027');
    await db.execute(sql`delete from org_settings`);
    expect((await month())?.label).toContain('December 2026');
  });
});
