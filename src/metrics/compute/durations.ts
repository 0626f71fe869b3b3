import { formatCount } from '../../numbers/count.js';

/**
 * The one rule for durations (response time, sales cycle, lead-to-close cycle): a record whose end comes
 * before its start (CRM clock skew, bad data) is clamped to 0 per record, before any median or mean, and
 * such records are counted in the answer's notes. Aggregates are never floored after averaging.
 */

/**
 * The note for `count` records whose duration was negative, e.g. "2 deals closed before they were created
 * (clock skew or bad data) count as 0 days." `what` is [singular, plural] phrase. Empty when none.
 */
export function negativeDurationNote(count: number, what: [string, string], zero: string): string[] {
  if (count <= 0) return [];
  return [
    `${formatCount(count)} ${count === 1 ? what[0] : what[1]} (clock skew or bad data) count${count === 1 ? 's' : ''} as ${zero} each.`,
  ];
}
