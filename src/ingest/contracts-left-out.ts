import { type Db, queryRows, sql } from '../db/client.js';
import { counted } from '../numbers/count.js';
import type { Entity } from './schemas.js';

/** Entities whose write can add or remove contracts that ARR and ARPU leave out. */
const TOUCHING: ReadonlySet<string> = new Set<string>(['contracts', 'accounts', 'subscriptions']);

/** Whether a write of `entity` (an ingest batch or a CSV import) should be followed by `countContractsLeftOut`. */
export const touchesContractsLeftOut = (entity: Entity | 'subscriptions'): boolean => TOUCHING.has(entity);

/**
 * Contracts stored on accounts with no `became_customer_at` once the write is done (call it inside the
 * writer's transaction): ARR and ARPU count an account's contracts only once it is a customer
 * (docs/metrics.md), so these are left out. One set-based statement over `contracts_left_out` (kept by the
 * account-state triggers, migration `contracts_left_out`); a count of contracts, never rows loaded into JS.
 */
export async function countContractsLeftOut(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from contracts_left_out`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The warning for `n` > 0 such contracts, as the CSV summary and the ingest API show it: `3 contracts are on
 * accounts with no became_customer_at: ARR and ARPU count an account's contracts only once it is a customer;
 * import the accounts with became_customer_at to count them`.
 */
export function contractsLeftOutWarning(n: number): string {
  const are = n === 1 ? 'is on an account' : 'are on accounts';
  return `${counted(n, ['contract', 'contracts'])} ${are} with no became_customer_at: ARR and ARPU count an account's contracts only once it is a customer; import the accounts with became_customer_at to count them`;
}
