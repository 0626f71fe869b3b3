import { LRUCache } from 'lru-cache';
import { z } from 'zod';

/**
 * IANA time zones: one check, one zod schema, one canonical spelling. A zone is valid when the runtime's
 * `Intl` (ICU) knows it, which is also what `@date-fns/tz` uses to compute offsets.
 */

/** The sentence every surface shows for an unknown zone. */
export const TIME_ZONE_HINT = 'an IANA time zone name such as Europe/Berlin';

/**
 * Names already checked. Building an `Intl.DateTimeFormat` costs about 0.1 ms, and every command checks
 * its words and zones, so the answers are remembered: the 1,000 most recently used (the names come from
 * user text, so it must stay bounded).
 */
const checkedZones = new LRUCache<string, boolean>({ max: 1_000 });

/** Whether `name` is a time zone the runtime knows (`Europe/Berlin`, `UTC`; case-insensitive). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  const known = checkedZones.get(name);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    valid = true;
  } catch {
    valid = false;
  }
  checkedZones.set(name, valid);
  return valid;
}

/** The zone's canonical IANA spelling (`europe/berlin` → `Europe/Berlin`), or null when unknown. */
export function canonicalTimeZone(name: string): string | null {
  if (!isTimeZone(name)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

/** A string that must name a known IANA time zone; the value is kept as written. */
export const timeZoneSchema = z.string().refine(isTimeZone, `must be ${TIME_ZONE_HINT}`);
