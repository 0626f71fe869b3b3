import { type Db, sql } from '../db/client.js';
import { BatchView, readStored } from './batch-view.js';
import type { ItemError } from './types.js';

/** The money columns of each table with a currency: canonical field → column (minor units of the row's currency). */
const MONEY = {
  opportunities: { amount: 'amount_minor' },
  contracts: { total_value: 'total_value_minor', revenue_per_license: 'revenue_per_license_minor' },
} as const;

/**
 * A record's currency and the money fields that hold an amount, as stored or as the batch's earlier items left
 * it (currency undefined: neither stored nor given by the batch; it gets the column default, USD).
 */
interface RecordMoney {
  currency: string | undefined;
  amounts: ReadonlySet<string>;
}

/**
 * One item as CurrencyGuard sees it. `currency` is the item's field (undefined: absent; null: emptied);
 * `money` has one entry per canonical money field of the table (opportunities: `amount`, given as
 * `amount` or `amount_minor`; contracts: `total_value`, `revenue_per_license`): undefined when the item
 * leaves it out, null when it clears it, anything else when it gives an amount.
 */
export interface MoneyItem {
  key: string;
  currency: string | null | undefined;
  money: Record<string, unknown>;
}

/**
 * Keeps a partial update from changing a record's currency under an amount it leaves stored. Amounts are
 * integers in the currency's minor units (`1054` JPY is ¥1,054), so a new currency with the old number
 * would silently rescale the value (¥1,054 → $10.54). A row is refused (`check`) when it would change the
 * currency of a record holding an amount in a money field the row does not give again; giving the amount
 * with the new currency, or clearing it, is fine. The record's currency and amounts are those stored,
 * updated by the batch's earlier items for the same key (which are merged into one written row). Stored
 * rows are read once per batch, only for the keys whose items need it (`load`): one query, no table scan.
 */
export class CurrencyGuard {
  private constructor(
    private readonly fields: readonly string[],
    private readonly records: BatchView<RecordMoney>,
  ) {}

  /**
   * Reads, in one query, the stored currency and money fields of the records that `items` may rescale
   * (a currency given or emptied, or an amount, while a money field is left out) or whose amounts are
   * read in the stored currency (an amount without a currency).
   */
  static async load(db: Db, table: keyof typeof MONEY, items: MoneyItem[]): Promise<CurrencyGuard> {
    const columns: Record<string, string> = MONEY[table];
    const fields = Object.keys(columns);
    const keys = items
      .filter((item) => {
        const values = fields.map((f) => item.money[f]);
        const anyAmount = values.some((v) => v !== undefined && v !== null);
        const anyAbsent = values.some((v) => v === undefined);
        return (anyAmount && !item.currency) || ((item.currency !== undefined || anyAmount) && anyAbsent);
      })
      .map((item) => item.key);
    const held = fields.map((f) => `case when ${columns[f]} is not null then '${f}' end`).join(', ');
    const rows = await readStored<{ key: string; currency: string; amounts: string }>(
      db,
      table,
      sql`currency, concat_ws(',', ${sql.raw(held)}) as amounts`,
      keys,
    );
    const stored = new Map<string, RecordMoney>(
      rows.map((r) => [
        r.key,
        { currency: r.currency.trim(), amounts: new Set(r.amounts === '' ? [] : r.amounts.split(',')) },
      ]),
    );
    return new CurrencyGuard(fields, new BatchView(stored));
  }

  /**
   * The record's currency before this item (as stored, or as an earlier item of the batch set it); undefined
   * for a record neither stored nor given a currency by the batch (it gets the column default, USD).
   */
  currencyBefore(key: string): string | undefined {
    return this.records.before(key)?.currency;
  }

  /**
   * The error for an item that would move its record to currency `to` (undefined: the item leaves the
   * currency as it is) while an amount stays stored in the old one, on the field `currency`:
   * `would change from JPY to USD without an amount: amounts are kept in the currency's own units, so
   * send the amount again with the new currency` (contracts name the fields: `without revenue_per_license`).
   * undefined when the item is fine.
   */
  check(index: number, item: MoneyItem, to: string | undefined): ItemError | undefined {
    if (to === undefined) return undefined;
    const from = this.currencyBefore(item.key) ?? 'USD';
    if (from === to) return undefined;
    const missing = this.fields.filter((f) => item.money[f] === undefined && this.holds(item.key, f));
    if (missing.length === 0) return undefined;
    const amount = missing.length === 1 && missing[0] === 'amount';
    const names = missing.join(' and ');
    return {
      index,
      field: 'currency',
      message:
        `would change from ${from} to ${to} without ${amount ? 'an amount' : names}: amounts are kept in the ` +
        `currency's own units, so send ${amount ? 'the amount' : names} again with the new currency`,
    };
  }

  /** Records what an accepted item writes (currency `to`, undefined: unchanged), for the batch's later items of its key. */
  record(item: MoneyItem, to: string | undefined): void {
    const before = this.records.before(item.key);
    const amounts = new Set(before?.amounts);
    for (const f of this.fields) {
      const v = item.money[f];
      if (v === null) amounts.delete(f);
      else if (v !== undefined) amounts.add(f);
    }
    this.records.write(item.key, { currency: to ?? before?.currency, amounts });
  }

  /** True when the record holds an amount in `field` before the item being checked. */
  private holds(key: string, field: string): boolean {
    return this.records.before(key)?.amounts.has(field) ?? false;
  }
}
