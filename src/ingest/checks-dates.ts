import type { Entity } from './schemas.js';
import type { RowCheckLog } from './warning-kinds.js';
import { atIn, dayIn, pairIn, sameDayDate } from './warning-text.js';

/**
 * Timestamps of events that must have happened by the time they are written, per entity. Not dates
 * that may lie ahead: an open deal's expected close, contract terms, a team change or churn planned,
 * a meeting booked for later. A deal's closed_at counts only once it is won or lost (see checkFuture).
 */
const EVENT_FIELDS: Partial<Record<Entity, string[]>> = {
  leads: ['created_at', 'qualified_at', 'converted_at', 'disqualified_at'],
  activities: ['occurred_at', 'email_opened_at', 'email_replied_at', 'meeting_held_at'],
  opportunities: ['created_at'],
};

/**
 * How far past "now" an event may be before it reads as in the future: a day, for clock skew and
 * for dates without a zone read in DEFAULT_TIMEZONE while the source wrote them in a zone ahead of it.
 */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** The field that closes a row of `entity` (a deal's closed_at, a lead's converted_at), or null. */
export function closedFieldOf(entity: Entity): 'closed_at' | 'converted_at' | null {
  return entity === 'opportunities' ? 'closed_at' : entity === 'leads' ? 'converted_at' : null;
}

/**
 * Counts a deal or lead closed (closed_at, converted_at) before its created_at, and a lead qualified before
 * it was created: stored as given. A date without a time on the other's day is not before it (sameDayDate).
 */
export function checkDateOrder(log: RowCheckLog, item: Record<string, unknown>, line: number): void {
  const created = item.created_at as Date | null | undefined;
  const closedField = closedFieldOf(log.entity);
  const closed = closedField ? (item[closedField] as Date | null | undefined) : undefined;
  if (created && closed && closed < created && !sameDayDate(closed, created, log.zone))
    log.add('close before create', line, () => {
      const [c, d] = pairIn(closed, created, log.zone);
      return `${closedField} ${c} is before created_at ${d} (stored as given; the cycle counts as 0 days)`;
    });
  const qualified = log.entity === 'leads' ? (item.qualified_at as Date | null | undefined) : undefined;
  if (created && qualified && qualified < created && !sameDayDate(qualified, created, log.zone))
    log.add('qualified before create', line, () => {
      const [q, c] = pairIn(qualified, created, log.zone);
      return `qualified_at ${q} is before created_at ${c} (stored as given)`;
    });
}

/**
 * Counts an item whose event timestamps (EVENT_FIELDS; a decided deal's closed_at, when `decided`: won or
 * lost) lie more than FUTURE_TOLERANCE_MS ahead of now (log.latest; not looked at without it).
 */
export function checkFuture(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  decided: boolean,
): void {
  const latest = log.latest;
  const fields = EVENT_FIELDS[log.entity];
  if (latest === undefined || !fields) return;
  if (!anyAfter(item, fields, latest) && !(decided && isAfter(item.closed_at, latest))) return;
  const late = fields.filter((f) => isAfter(item[f], latest));
  if (decided && isAfter(item.closed_at, latest)) late.push('closed_at');
  log.add('date in the future', line, () => {
    const said = late.map((f) => `${f} ${dayIn(item[f] as Date, log.zone)}`).join(', ');
    return `${said} ${late.length > 1 ? 'are' : 'is'} in the future (more than a day after ${dayIn(new Date(latest - FUTURE_TOLERANCE_MS), log.zone)}); stored as given, check the source's dates and time zone`;
  });
}

/**
 * Counts an account whose `churned_at` is before its `became_customer_at` (both in the row as sent): the
 * metrics read it as a customer for no time at all (customer counts and retention leave it out), while
 * ARR still counts its active contracts, so the two disagree. Stored as given, like close before create.
 */
export function checkChurnBeforeCustomer(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
): void {
  const became = item.became_customer_at;
  const churned = item.churned_at;
  if (!(became instanceof Date) || !(churned instanceof Date) || churned >= became) return;
  // On one day, the times tell them apart.
  const [c, b] = pairIn(churned, became, log.zone);
  log.add(
    'churn before customer',
    line,
    () =>
      `churned_at ${c} is before became_customer_at ${b} (stored as given: it counts as a customer for no time, so retention and customer counts leave it out while ARR still counts its contracts); fix whichever date is wrong in the source`,
  );
}

/**
 * Counts an email whose `email_opened_at` or `email_replied_at` is before its `occurred_at` (when it was
 * sent): a clock or time-zone slip in the source. Stored as given, so it counts as opened (or replied) in
 * the email metrics.
 */
export function checkOpenedBeforeSent(log: RowCheckLog, item: Record<string, unknown>, line: number): void {
  const sent = item.occurred_at;
  if (!(sent instanceof Date)) return;
  const early = (['email_opened_at', 'email_replied_at'] as const).filter((f) => {
    const at = item[f];
    return at instanceof Date && at < sent;
  });
  if (early.length === 0) return;
  log.add('opened before sent', line, () => {
    const said = early.map((f) => `${f} ${atIn(item[f] as Date, log.zone)}`).join(' and ');
    return `${said} ${early.length > 1 ? 'are' : 'is'} before occurred_at ${atIn(sent, log.zone)}, when the email was sent (stored as given: it counts as ${early.length > 1 ? 'opened and replied' : early[0] === 'email_opened_at' ? 'opened' : 'replied'}); check the source's clocks and time zones`;
  });
}

/** True when `d` is a Date later than `latest` (epoch ms). */
const isAfter = (d: unknown, latest: number) => d instanceof Date && d.getTime() > latest;

function anyAfter(item: Record<string, unknown>, fields: string[], latest: number): boolean {
  for (const f of fields) if (isAfter(item[f], latest)) return true;
  return false;
}
