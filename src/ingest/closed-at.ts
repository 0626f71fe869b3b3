import { type Db, sql } from '../db/client.js';
import type { Outcome } from '../db/schema/index.js';
import { BatchView, readStored } from './batch-view.js';
import type { ItemError } from './types.js';

/** A deal's outcome and whether it has a closed_at, as stored or as the batch's earlier items left it. */
interface DealClose {
  outcome: Outcome;
  hasClosedAt: boolean;
}

/**
 * One opportunity item as ClosedAtGuard sees it. `outcome` is what the item sets (given, or read from its
 * stage; undefined: left as stored); `outcomeFrom` names the field it came from; `closedAt` is the item's
 * closed_at (undefined: absent; null: emptied). `emptied`: the outcome ('open') was read from empty cells
 * alone, an empty stage without an outcome or an empty outcome without a stage.
 */
export interface CloseItem {
  key: string;
  outcome: Outcome | undefined;
  outcomeFrom: 'outcome' | 'stage';
  emptied?: boolean;
  closedAt: unknown;
}

/**
 * Keeps an empty stage or outcome cell from reopening a stored won or lost deal without a word (fresh
 * tester helper-180: `O-1,` under `Opportunity ID,Stage` turned a won deal open, "1 updated"): an empty
 * cell says nothing about the deal, so the row is refused on that field, as an emptied email is.
 * Keeps a partial update of a stored deal from leaving it won or lost without a closed_at (the table's
 * check `opportunities_closed_check`, which would otherwise fail the whole request or file with a database
 * error). The deal is judged as it will be stored: its stored outcome and closed_at, overlaid by the batch's
 * earlier accepted items for the same key, then by the item's own fields. Only records stored before the
 * batch are judged here; a new record is judged when its merged row is checked (writeOpportunities). Stored
 * rows are read once per batch, only for the keys whose items could break the rule (`load`): one query.
 */
export class ClosedAtGuard {
  private constructor(private readonly deals: BatchView<DealClose>) {}

  /**
   * Reads, in one query, the stored outcome and closed_at of the deals that `items` may leave closed without
   * a date (an item that sets won or lost without closed_at, or empties closed_at without setting an
   * outcome) or may reopen with empty cells (`emptied`).
   */
  static async load(db: Db, items: CloseItem[]): Promise<ClosedAtGuard> {
    const rows = await readStored<{ key: string; outcome: Outcome; has_closed_at: boolean }>(
      db,
      'opportunities',
      sql`outcome, closed_at is not null as has_closed_at`,
      items.filter(mayBreak).map((item) => item.key),
    );
    const stored = new Map(rows.map((r) => [r.key, { outcome: r.outcome, hasClosedAt: r.has_closed_at }]));
    return new ClosedAtGuard(new BatchView(stored));
  }

  /**
   * The error, on `closed_at`, for an item that would leave its stored deal won or lost without a closed_at,
   * saying how to send it: `is required when the outcome is won: the deal has no closed_at, so send
   * closed_at with the outcome` (or `with the stage`), or, for an emptied closed_at on a won deal, `… the
   * deal stays won, so send closed_at, or an open outcome or stage with the empty closed_at`. undefined
   * when the item is fine or its deal is not stored. An `emptied` item on a won or lost deal is refused on
   * the emptied field: `is empty, but the deal is won: give its stage, leave the stage out to keep the deal
   * won, or give outcome open to reopen it`.
   */
  check(index: number, item: CloseItem): ItemError | undefined {
    const before = this.deals.before(item.key);
    if (!before) return undefined;
    if (item.emptied && before.outcome !== 'open') {
      const field = item.outcomeFrom;
      return {
        index,
        field,
        message: `is empty, but the deal is ${before.outcome}: give its ${field}, leave the ${field} out to keep the deal ${before.outcome}, or give outcome open to reopen it`,
      };
    }
    const after = overlay(before, item);
    if (after.outcome === 'open' || after.hasClosedAt) return undefined;
    const required = `is required when the outcome is ${after.outcome}`;
    // The item left the outcome as it was and emptied closed_at.
    if (item.outcome === undefined) {
      return {
        index,
        field: 'closed_at',
        message: `${required}: the deal stays ${after.outcome}, so send closed_at, or an open outcome or stage with the empty closed_at`,
      };
    }
    return {
      index,
      field: 'closed_at',
      message: `${required}: the deal has no closed_at, so send closed_at with the ${item.outcomeFrom}`,
    };
  }

  /** Records what an accepted item writes, for the batch's later items of its key (stored deals only). */
  record(item: CloseItem): void {
    const before = this.deals.before(item.key);
    if (before) this.deals.write(item.key, overlay(before, item));
  }
}

/** True when the item, laid over some stored deal, could leave it won or lost without a closed_at or reopen it with empty cells. */
function mayBreak(item: CloseItem): boolean {
  if (item.emptied) return true;
  if (item.closedAt === undefined) return item.outcome !== undefined && item.outcome !== 'open';
  return item.closedAt === null && item.outcome === undefined;
}

/** The deal after the item: the fields it gives replace the ones before. */
function overlay(before: DealClose, item: CloseItem): DealClose {
  return {
    outcome: item.outcome ?? before.outcome,
    hasClosedAt: item.closedAt === undefined ? before.hasClosedAt : item.closedAt !== null,
  };
}
