import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { orgSettings } from '../db/schema/index.js';
import type { FiscalCalendar } from '../time/fiscal.js';

/** The fiscal columns of `org_settings` (the one row), as the calendar is built from them. */
export type FiscalRow = Pick<
  typeof orgSettings.$inferSelect,
  'fiscalYearStart' | 'fiscalWeeks' | 'fiscalYearEndWeekday' | 'fiscalYearEndRule'
>;

/** The calendar an `org_settings` row stores; null for no row (then the env default applies). */
export function fiscalCalendarFromRow(row: FiscalRow | undefined): FiscalCalendar | null {
  if (!row) return null;
  if (row.fiscalWeeks && row.fiscalYearEndWeekday !== null && row.fiscalYearEndRule) {
    return {
      kind: 'weeks',
      startMonth: row.fiscalYearStart,
      pattern: row.fiscalWeeks,
      endWeekday: row.fiscalYearEndWeekday,
      rule: row.fiscalYearEndRule,
    };
  }
  return { kind: 'months', startMonth: row.fiscalYearStart };
}

/**
 * The org's fiscal calendar as an admin set it from Slack, or null when none is stored (then the env
 * default TALLY_FISCAL_YEAR applies, else the calendar year).
 */
export async function readFiscalCalendar(db: Db): Promise<FiscalCalendar | null> {
  const [row] = await db.select().from(orgSettings).where(eq(orgSettings.id, 1));
  return fiscalCalendarFromRow(row);
}

/** The calendar that applies: the stored one, else `fallback` (env), else undefined (calendar year). */
export async function fiscalCalendarFor(
  db: Db,
  fallback?: FiscalCalendar,
): Promise<FiscalCalendar | undefined> {
  return (await readFiscalCalendar(db)) ?? fallback;
}

/**
 * Stores the org's fiscal calendar (upsert of the single row); null removes it (back to the env default).
 * Moves the data version after the write (cached answers and answer contexts are keyed by it).
 */
export async function saveFiscalCalendar(
  db: Db,
  cal: FiscalCalendar | null,
  byRepId: number | null,
): Promise<void> {
  if (cal === null) {
    await db.delete(orgSettings).where(eq(orgSettings.id, 1));
    // After the write committed, as imports do: a context read while it was uncommitted is not kept.
    await bumpDataVersion(db);
    return;
  }
  const values = {
    id: 1,
    fiscalYearStart: cal.startMonth,
    fiscalWeeks: cal.kind === 'weeks' ? cal.pattern : null,
    fiscalYearEndWeekday: cal.kind === 'weeks' ? cal.endWeekday : null,
    fiscalYearEndRule: cal.kind === 'weeks' ? cal.rule : null,
    updatedByRepId: byRepId,
    updatedAt: new Date(),
  };
  await db.insert(orgSettings).values(values).onConflictDoUpdate({ target: orgSettings.id, set: values });
  await bumpDataVersion(db);
}
