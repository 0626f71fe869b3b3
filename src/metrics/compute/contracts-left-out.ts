import { type Db, sql } from '../../db/client.js';
import { counted } from '../../numbers/count.js';
import type { Scope } from '../types.js';
import { toNumber } from './aggregate.js';
import { runMetricQuery } from './query.js';

/**
 * Contracts in force just before `asOf` (contracts run [starts_at, ends_at)) whose account has no
 * `became_customer_at`, so ARR and ARPU leave them out (docs/metrics.md: an account's contracts count once
 * it is a customer). `perLicense`: only per-license contracts (ARPU's). Org scope only: such an account
 * has no customer date to attribute it by, so a rep's or team's answer is not told (resolves to 0).
 * One indexed read of `contracts_left_out` (migration `contracts_left_out`, by `ends_at`), never `contracts`.
 */
export async function contractsLeftOutAt(
  db: Db,
  scope: Scope,
  asOf: Date,
  perLicense: boolean,
): Promise<number> {
  if (scope.kind !== 'org') return 0;
  const t = asOf.toISOString();
  const rows = await runMetricQuery<{ n: unknown }>(
    db,
    sql`select count(*)::int as n from contracts_left_out c
      where c.ends_at >= ${t}::timestamptz and c.starts_at < ${t}::timestamptz
        ${perLicense ? sql`and c.per_license` : sql``}`,
  );
  return toNumber(rows[0]?.n);
}

/**
 * The answer's note for `n` > 0 contracts left out (`contractsLeftOutAt`), else none: `3 contracts in force
 * are on accounts with no customer-since date (became_customer_at) and are left out.`
 */
export function contractsLeftOutNotes(n: number, perLicense: boolean): string[] {
  if (n <= 0) return [];
  const words: [string, string] = perLicense
    ? ['per-license contract', 'per-license contracts']
    : ['contract', 'contracts'];
  return [
    `${counted(n, words)} in force ${n === 1 ? 'is' : 'are'} on ${n === 1 ? 'an account' : 'accounts'} with no customer-since date (became_customer_at) and ${n === 1 ? 'is' : 'are'} left out.`,
  ];
}
