import type { CreatedByReference } from './names.js';
import type { StageRules } from './outcome.js';
import type { Entity } from './schemas.js';

/** What every write needs from the deployment: its time zone (for dates without a zone) and "now". */
export interface IngestOptions {
  /** DEFAULT_TIMEZONE: dates and times without a zone are read in it. */
  timezone: string;
  /** Used where the input gives no time: a team change without team_since takes effect now. */
  now: Date;
  /** Extra won/lost stage names (--won-stages / --lost-stages; the request's won_stages / lost_stages). */
  stages?: StageRules | undefined;
  /** Where references by name record what they created (reps, teams, accounts); omitted: not recorded. */
  created?: CreatedByReference | undefined;
}

/** One problem with one input item. `index` is the item's position in what the caller passed. */
export interface ItemError {
  index: number;
  /** Canonical field name, or null when the problem is with the item as a whole. */
  field: string | null;
  message: string;
  /** Set when a multi-entity batch was written. */
  entity?: Entity;
  /**
   * Set with `entity`: the position of the item's batch in `batches` (0-based), which tells apart two
   * batches of one entity.
   */
  batch?: number;
}

export interface WriteResult {
  inserted: number;
  updated: number;
  /** Items that matched a stored row with identical values (replays). */
  unchanged: number;
  errors: ItemError[];
  /** Activities: written outbound touches logged before their lead was created (see TouchBeforeLead). */
  touchesBeforeLead?: TouchBeforeLead[];
  /** Accounts: new accounts named like stored ones under other external ids (see NamedLikeStored). */
  namedLikeStored?: NamedLikeStored[];
  /** Reps: new reps named like stored reps under other emails (see RepNamedLikeStored). */
  repsNamedLikeStored?: RepNamedLikeStored[];
  /**
   * Reps: positions (as ItemError.index) of written items with role=manager and is_manager not yes whose rep
   * is, once the batch is written, a manager of some team (team_managers), so the role is no disagreement.
   */
  managersStored?: number[];
}

/**
 * An outbound activity (call, email, meeting) written with `occurred_at` before its lead's `created_at`
 * (CRM clock skew, or a lead re-created later): stored as given; lead response time counts it as 0 s.
 */
export interface TouchBeforeLead {
  /** The item's position in its batch (as ItemError.index). */
  index: number;
  occurredAt: Date;
  lead: string;
  leadCreatedAt: Date;
}

/**
 * A new account (its external id was not stored) whose name folds like the name of stored accounts under
 * other external ids (found by the accounts writer before it writes): stored as given, but a reference by
 * that name (a deal's account) now matches several accounts and is refused.
 */
export interface NamedLikeStored {
  /** The item's position in its batch (as ItemError.index). */
  index: number;
  name: string;
  externalId: string;
  /** The stored accounts of that name, oldest first. */
  stored: { id: number; externalId: string }[];
}

/**
 * A new rep (its email was not stored, and no rep of that name without an email took it) whose name folds
 * like the name of reps with other emails, stored when it was written (by an earlier item of the batch too;
 * found by the reps writer from the names it loads anyway):
 * stored as given, since an email is a rep's identity and two people may share a name, but a reference by
 * that name (owner_name, manager_name) now matches several reps and is refused.
 */
export interface RepNamedLikeStored {
  /** The item's position in its batch (as ItemError.index). */
  index: number;
  name: string;
  /** The rep's email (null only for a renamed rep found by Slack user id that has none). */
  email: string | null;
  /**
   * The other reps of that name, oldest first: for a new rep all with an email; for a rename (`renamedFrom`)
   * any rep, one stored without an email included.
   */
  stored: { id: number; name: string; email: string | null }[];
  /** Set when the item renamed a stored rep (found by email or Slack user id): its name before. */
  renamedFrom?: string;
}

export const emptyResult = (): WriteResult => ({ inserted: 0, updated: 0, unchanged: 0, errors: [] });

/** Adds `b` into `a`, shifting b's item indexes (errors and findings) by `offset`. */
export function addResult(a: WriteResult, b: WriteResult, offset = 0): WriteResult {
  a.inserted += b.inserted;
  a.updated += b.updated;
  a.unchanged += b.unchanged;
  for (const e of b.errors) a.errors.push({ ...e, index: e.index + offset });
  if (b.touchesBeforeLead?.length) {
    a.touchesBeforeLead ??= [];
    for (const t of b.touchesBeforeLead) a.touchesBeforeLead.push({ ...t, index: t.index + offset });
  }
  if (b.namedLikeStored?.length) {
    a.namedLikeStored ??= [];
    for (const n of b.namedLikeStored) a.namedLikeStored.push({ ...n, index: n.index + offset });
  }
  if (b.repsNamedLikeStored?.length) {
    a.repsNamedLikeStored ??= [];
    for (const n of b.repsNamedLikeStored) a.repsNamedLikeStored.push({ ...n, index: n.index + offset });
  }
  if (b.managersStored?.length) {
    a.managersStored ??= [];
    for (const i of b.managersStored) a.managersStored.push(i + offset);
  }
  return a;
}

/** Items per statement/transaction step: big enough to be fast, small enough for Postgres' 65,535 parameters. */
export const BATCH_SIZE = 1000;

/**
 * A short, log-safe sentence for a database failure: the driver's own message (drizzle wraps it in
 * "Failed query: <sql> params: <every value>", far too long and full of customer data), capped.
 */
export function describeDbFailure(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.message.startsWith('Failed query') && e.cause) e = e.cause;
  const message = e instanceof Error ? e.message : String(e);
  return message.length > 300 ? `${message.slice(0, 299)}…` : message;
}
