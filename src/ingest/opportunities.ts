import type { Db } from '../db/client.js';
import { leads, type Outcome, opportunities } from '../db/schema/index.js';
import { ClosedAtGuard, type CloseItem } from './closed-at.js';
import { CurrencyGuard, type MoneyItem } from './currency-change.js';
import { outcomeFromStage } from './outcome.js';
import { createNewNames, findAccounts, findReps } from './resolve.js';
import type { ItemOf } from './schemas.js';
import type { StagedUpsert } from './staging.js';
import type { IngestOptions, ItemError, WriteResult } from './types.js';
import { findExistingIds, mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import {
  currencyFor,
  idOrNew,
  minorOf,
  put,
  requireForNew,
  storedCurrencyConflict,
  unknownRef,
} from './write-helpers.js';

export type OpportunityItem = ItemOf<'opportunities'>;

const given = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * The amount to store in minor units: from `amount` (already converted: `fromAmount`) when it has a value,
 * else `amount_minor` as given; null when the given one is empty (clears it); undefined when neither is
 * given (left as stored).
 */
function amountOf(item: OpportunityItem, fromAmount: number | null | undefined) {
  if (given(item.amount)) return fromAmount;
  if (given(item.amount_minor)) return item.amount_minor;
  return item.amount === null || item.amount_minor === null ? null : undefined;
}

/** The item as CurrencyGuard sees it: its one money field `amount`, given as `amount` or `amount_minor`. */
const moneyItem = (item: OpportunityItem): MoneyItem => ({
  key: item.external_id!,
  currency: item.currency,
  money: { amount: given(item.amount) ? item.amount : amountOf(item, undefined) },
});

/**
 * The outcome the item sets: `outcome` when given, else read from `stage` when given (an empty outcome cell
 * falls back to the stage, like a missing outcome column); 'open' for an emptied outcome without a stage;
 * undefined when the item gives neither (left as stored).
 */
function outcomeOf(item: OpportunityItem, stages: IngestOptions['stages']): Outcome | undefined {
  if (item.outcome) return item.outcome;
  if (item.stage !== undefined) return outcomeFromStage(item.stage, stages);
  return item.outcome === null ? 'open' : undefined;
}

const blank = (v: string | null | undefined): boolean => v === null || (v !== undefined && v.trim() === '');

/**
 * The item as ClosedAtGuard sees it: the outcome it sets, the field that set it, and the closed_at it writes
 * (null when it makes the deal open without a closed_at of its own: an open deal has not closed, so a deal
 * reopened and later won again by its stage alone is not dated by its first close, helper-181); and,
 * when the outcome comes from empty cells (`emptied`, see CloseItem), which: an empty stage without an
 * outcome ('stage'), an empty stage and outcome ('both'), an empty outcome without a stage or beside one
 * that reads as open ('outcome', with that stage as `openStage`: Pipedrive keeps won deals in an open
 * pipeline stage, and only its Status says won).
 */
function closeItem(item: OpportunityItem, stages: IngestOptions['stages']): CloseItem {
  const outcome = outcomeOf(item, stages);
  let emptied: CloseItem['emptied'];
  if (!item.outcome && blank(item.stage)) emptied = item.outcome === null ? 'both' : 'stage';
  else if (item.outcome === null && outcome === 'open') emptied = 'outcome';
  return {
    key: item.external_id!,
    outcome,
    outcomeFrom: item.outcome ? 'outcome' : item.stage !== undefined ? 'stage' : 'outcome',
    ...(emptied ? { emptied } : {}),
    ...(emptied === 'outcome' && typeof item.stage === 'string' ? { openStage: item.stage } : {}),
    closedAt: item.closed_at === undefined && outcome === 'open' ? null : item.closed_at,
  };
}

/**
 * Writes one batch of opportunities (callers own the transaction). Owner by owner_email / owner_name,
 * account by external id or name (created when unknown), lead by external id (must exist). Without an
 * outcome field the outcome follows the stage; an item that makes the deal open empties its closed_at unless
 * it gives one; a won or lost deal needs closed_at, a stored deal too as a
 * partial update leaves it (ClosedAtGuard). Unknown owners and accounts are created only for the rows that
 * pass every check (createNewNames): a refused row creates nothing. With `stage` (a big import) the rows
 * are staged for one set-based write and the counts come from its flushes.
 */
export async function writeOpportunities(
  db: Db,
  items: OpportunityItem[],
  opts: Pick<IngestOptions, 'stages' | 'created'> = {},
  stage?: StagedUpsert,
): Promise<WriteResult> {
  await stage?.reserve(items.map((i) => i.external_id!));
  const errors: ItemError[] = [];
  const owners = await findReps(
    db,
    items.map((i) => ({ email: i.owner_email, name: i.owner_name })),
    { email: 'owner_email', name: 'owner_name' },
  );
  const accountRefs = await findAccounts(
    db,
    items.map((i) => i.account),
  );
  const leadIds = await findExistingIds(
    db,
    leads,
    'externalId',
    items.map((i) => i.lead_external_id).filter((v): v is string => typeof v === 'string'),
  );
  const moneyItems = items.map(moneyItem);
  const guard = await CurrencyGuard.load(db, 'opportunities', moneyItems);
  const closeItems = items.map((item) => closeItem(item, opts.stages));
  const closing = await ClosedAtGuard.load(db, closeItems);
  const rows: PendingRow[] = [];
  items.forEach((item, index) => {
    // Errors go straight to `errors` (no list per row); the row is dropped when it added any.
    const before = errors.length;
    const storedIn = guard.currencyBefore(item.external_id!);
    const switched = storedCurrencyConflict(
      item.currency,
      [['amount', item.amount]],
      storedIn,
      item.external_id!,
      index,
    );
    if (switched) {
      errors.push(switched);
      return;
    }
    const currency = currencyFor(item.currency, [item.amount], storedIn);
    const amountMinor = minorOf(item.amount, currency, index, 'amount', errors);
    // The currency the row writes (see `put(values, 'currency', …)` below); undefined: left as stored.
    const newCurrency = item.currency === undefined ? (item.amount?.reading.currency ?? undefined) : currency;
    const rescaled = guard.check(index, moneyItems[index]!, newCurrency);
    if (rescaled) errors.push(rescaled);
    const owner = owners.resolve({ email: item.owner_email, name: item.owner_name }, index);
    if (owner && 'error' in owner) errors.push({ index, field: owner.field, message: owner.error });
    const account = item.account ? accountRefs.resolve(item.account, index) : undefined;
    if (account && 'error' in account) errors.push({ index, field: account.field, message: account.error });
    const leadId = item.lead_external_id ? leadIds.get(item.lead_external_id) : item.lead_external_id;
    if (leadId === undefined && item.lead_external_id) {
      errors.push(unknownRef(index, 'lead_external_id', 'lead', item.lead_external_id));
    }
    // A file with both columns fills one per row: an empty cell beside a filled one is not a second value.
    if (given(item.amount) && given(item.amount_minor)) {
      errors.push({
        index,
        field: 'amount',
        message: 'amount and amount_minor are both given; give only one',
      });
    }
    // Won or lost needs a closed_at, a stored deal as the item leaves it too.
    const undated = closing.check(index, closeItems[index]!);
    if (undated) errors.push(undated);
    if (errors.length > before) return;
    guard.record(moneyItems[index]!, newCurrency);
    closing.record(closeItems[index]!);
    const values: Record<string, unknown> = {};
    put(values, 'leadId', leadId);
    // A name not stored yet stays a NewName until createNewNames (below) creates it.
    put(values, 'accountId', item.account ? idOrNew(account) : item.account);
    put(values, 'ownerRepId', idOrNew(owner));
    put(values, 'product', item.product);
    put(values, 'amountMinor', amountOf(item, amountMinor));
    // The currency the amount was read in is the row's: given, named only by the amount cell ("€ 99", also
    // when the currency cell is empty), or USD for an emptied cell; an item that says nothing keeps the stored one.
    put(values, 'currency', newCurrency);
    put(values, 'createdAt', item.created_at);
    put(values, 'stage', item.stage);
    put(values, 'closedAt', closeItems[index]!.closedAt);
    put(values, 'outcome', closeItems[index]!.outcome);
    put(values, 'lossReason', item.loss_reason);
    put(values, 'expectedCloseDate', item.expected_close_date);
    rows.push({ index, key: item.external_id!, values });
  });
  const merged = mergeByExternalId(rows);
  const existing = await findExistingIds(
    db,
    opportunities,
    'externalId',
    merged.map((r) => r.key),
  );
  const valid = requireForNew(merged, existing, { createdAt: 'created_at' }, 'opportunity', errors).filter(
    (row) => {
      // A new won/lost deal must say when it closed (the table enforces it; say so per row instead).
      const closing = row.values.outcome === 'won' || row.values.outcome === 'lost';
      if (closing && !existing.has(row.key) && row.values.closedAt == null) {
        errors.push({
          index: row.index,
          field: 'closed_at',
          message: `is required when the outcome is ${row.values.outcome}`,
        });
        return false;
      }
      return true;
    },
  );
  const ready = await createNewNames(
    db,
    valid,
    { ownerRepId: owners, accountId: accountRefs },
    errors,
    opts.created,
  );
  const counts = stage
    ? await stage.add(ready, existing)
    : await upsertRows(db, opportunities, 'externalId', ready, existing);
  return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
}
