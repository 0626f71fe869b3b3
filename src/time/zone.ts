import { z } from 'zod';

/**
 * IANA time zones: one check, one zod schema, one canonical spelling. A zone is valid when the runtime's
 * `Intl` (ICU) knows it, which is also what `@date-fns/tz` uses to compute offsets.
 */

/** The sentence every surface shows for an unknown zone. */
export const TIME_ZONE_HINT = 'an IANA time zone name such as Europe/Berlin';

/** Whether `name` is a time zone the runtime knows (`Europe/Berlin`, `UTC`; case-insensitive). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical IANA spelling (`europe/berlin` → `Europe/Berlin`), or null when unknown. */
export function canonicalTimeZone(name: string): string | null {
  if (!isTimeZone(name)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

/** A string that must name a known IANA time zone; the value is kept as written. */
export const timeZoneSchema = z.string().refine(isTimeZone, `must be ${TIME_ZONE_HINT}`);
