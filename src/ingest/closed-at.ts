import { type Db, sql } from '../db/client.js';
import type { Outcome } from '../db/schema/index.js';
import { BatchView, readStored } from './batch-view.js';
import type { ItemError } from './types.js';

/** A deal's outcome and whether it has a closed_at, as stored or as the batch's earlier items left it. */
interface DealClose {
  outcome: Outcome;
  hasClosedAt: boolean;
  /** The outcome a won or lost deal had when one of the batch's earlier items reopened it. */
  reopenedFrom?: Outcome;
}

/**
 * One opportunity item as ClosedAtGuard sees it. `outcome` is what the item sets (given, or read from its
 * stage; undefined: left as stored); `outcomeFrom` names the field it came from; `closedAt` is the item's
 * closed_at (undefined: absent; null: emptied). `emptied`: the outcome ('open') came from empty cells, which
 * say nothing about the deal: an empty stage without an outcome ('stage'), an empty stage and outcome
 * ('both'), an empty outcome without a stage or beside `openStage`, a stage that reads as open ('outcome').
 */
export interface CloseItem {
  key: string;
  outcome: Outcome | undefined;
  outcomeFrom: 'outcome' | 'stage';
  emptied?: 'stage' | 'outcome' | 'both';
  openStage?: string;
  closedAt: unknown;
}

/** A deal before any item of the batch: how a new record starts (open, no closed_at). */
const NEW_DEAL: DealClose = { outcome: 'open', hasClosedAt: false };

/**
 * Keeps an empty stage or outcome cell from reopening a stored won or lost deal without a word (fresh
 * tester helper-180: `O-1,` under `Opportunity ID,Stage` turned a won deal open, "1 updated"): an empty
 * cell says nothing about the deal, so the row is refused on that field, as an emptied email is.
 * Keeps a partial update of a stored deal from leaving it won or lost without a closed_at (the table's
 * check `opportunities_closed_check`, which would otherwise fail the whole request or file with a database
 * error). The deal is judged as it will be stored: its stored outcome and closed_at, overlaid by the batch's
 * earlier accepted items for the same key, then by the item's own fields. A record new in the batch is judged
 * on the closed_at rule when its merged row is checked (writeOpportunities), and on empty cells here, after
 * the batch's earlier items for it (helper-181: a file that closed a new deal on one line reopened it with an
 * empty stage on the next). Stored rows are read once per batch, only for the keys whose items could break
 * a rule (`load`): one query.
 */
export class ClosedAtGuard {
  private constructor(
    private readonly deals: BatchView<DealClose>,
    /** Keys new in the batch: looked up (`load`) and not stored. */
    private readonly fresh: ReadonlySet<string>,
  ) {}

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
    const fresh = new Set(items.filter((i) => mayBreak(i) && !stored.has(i.key)).map((i) => i.key));
    return new ClosedAtGuard(new BatchView(stored), fresh);
  }

  /**
   * The error, on `closed_at`, for an item that gives won or lost with an empty closed_at: `is required when
   * the outcome is won`, with `: an earlier record of this deal here reopened it (it was won) and emptied its
   * closed_at; without this record the deal stays open` when the batch's earlier item reopened it. Or for an
   * item that would leave its stored deal won or lost without a closed_at, saying how to send it: `is required
   * when the outcome is won: the deal has no closed_at, so send closed_at with the outcome` (or `with the
   * stage`; after a reopening in the batch, `an earlier record … emptied its closed_at, so send closed_at with
   * the stage; without this record the deal stays open`), or, for an emptied closed_at on a won deal, `… the
   * deal stays won, so send closed_at, or an open outcome or stage with the empty closed_at`. undefined
   * when the item is fine or its deal is not stored. An `emptied` item on a won or lost deal, stored or closed
   * by the batch's earlier items, is refused on the emptied field (reopenedByEmptyCells): `is empty, but the
   * deal is won: give its stage, leave the stage out to keep the deal won, or give outcome open with an empty
   * closed_at to reopen it`.
   */
  check(index: number, item: CloseItem): ItemError | undefined {
    const before = this.deals.before(item.key);
    // Won or lost with an empty closed_at, stored or new (helper-184: after the batch's earlier item reopened
    // a won deal, this said only "is required", and without it the deal stayed open).
    if (item.closedAt === null && item.outcome !== undefined && item.outcome !== 'open') {
      const was = before?.reopenedFrom;
      const why = was ? `: ${reopenedBy(was)}; ${STAYS_OPEN}` : '';
      return { index, field: 'closed_at', message: `is required when the outcome is ${item.outcome}${why}` };
    }
    if (!before) return undefined;
    if (item.emptied && before.outcome !== 'open') return reopenedByEmptyCells(index, item, before.outcome);
    if (this.fresh.has(item.key)) return undefined;
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
    // helper-183: with --skip-invalid, a file's earlier row that reopened the deal stood without a word.
    const was = before.reopenedFrom;
    const why = was ? reopenedBy(was) : 'the deal has no closed_at';
    const left = was ? `; ${STAYS_OPEN}` : '';
    return {
      index,
      field: 'closed_at',
      message: `${required}: ${why}, so send closed_at with the ${item.outcomeFrom}${left}`,
    };
  }

  /** Records what an accepted item writes, for the batch's later items of its key (stored or new, if looked up). */
  record(item: CloseItem): void {
    const before = this.deals.before(item.key) ?? (this.fresh.has(item.key) ? NEW_DEAL : undefined);
    if (before) this.deals.write(item.key, overlay(before, item));
  }
}

/** Why a deal the batch's earlier item reopened has no closed_at: `was` is its outcome before. */
const reopenedBy = (was: Outcome) =>
  `an earlier record of this deal here reopened it (it was ${was}) and emptied its closed_at`;
const STAYS_OPEN = 'without this record the deal stays open';

/**
 * The refusal of empty cells that would reopen a won or lost deal, on the field that is empty, with what to
 * send instead: the stage or outcome, nothing (the column left out keeps the deal as it is), or outcome open
 * with an empty closed_at to reopen it. An empty outcome beside a stage that reads as open (Pipedrive's
 * Status beside its pipeline stage) leaves only the outcome to say what the deal is.
 */
function reopenedByEmptyCells(index: number, item: CloseItem, outcome: Outcome): ItemError {
  const reopen = 'open with an empty closed_at to reopen it';
  if (item.emptied === 'outcome' && item.openStage !== undefined)
    return {
      index,
      field: 'outcome',
      message: `is empty and stage "${item.openStage}" reads as open, but the deal is ${outcome}: give its outcome (${outcome} to keep it, or ${reopen})`,
    };
  if (item.emptied === 'both')
    return {
      index,
      field: 'stage',
      message: `stage and outcome are empty, but the deal is ${outcome}: give its stage or outcome, leave both out to keep the deal ${outcome}, or give outcome ${reopen}`,
    };
  const field = item.emptied === 'outcome' ? 'outcome' : 'stage';
  return {
    index,
    field,
    message: `is empty, but the deal is ${outcome}: give its ${field}, leave the ${field} out to keep the deal ${outcome}, or give outcome ${reopen}`,
  };
}

/** True when the item, laid over some stored deal, could leave it won or lost without a closed_at or reopen it with empty cells. */
function mayBreak(item: CloseItem): boolean {
  if (item.emptied) return true;
  const closes = item.outcome !== undefined && item.outcome !== 'open';
  // An emptied closed_at beside won or lost is refused in any case: read to say whether the batch reopened it.
  return item.closedAt === undefined
    ? closes
    : item.closedAt === null && (closes || item.outcome === undefined);
}

/**
 * The deal after the item: the fields it gives replace the ones before. A won or lost deal the item makes
 * open keeps its old outcome as `reopenedFrom` (kept while it stays open), for a later item's refusal to say.
 */
function overlay(before: DealClose, item: CloseItem): DealClose {
  const outcome = item.outcome ?? before.outcome;
  const reopenedFrom =
    outcome !== 'open' ? undefined : before.outcome !== 'open' ? before.outcome : before.reopenedFrom;
  return {
    outcome,
    hasClosedAt: item.closedAt === undefined ? before.hasClosedAt : item.closedAt !== null,
    ...(reopenedFrom ? { reopenedFrom } : {}),
  };
}
