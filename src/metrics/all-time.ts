import type { SQL } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../db/client.js';
import { allTimeSince } from './periods.js';
import type { Period, Scope } from './types.js';

/**
 * `all time` for a scope starts at the scope's first record: the earliest lead created, opportunity
 * created, activity logged, account that became a customer or contract that started that the scope owns
 * (a rep's own; a team's by membership at the record's instant, as metrics attribute rows; an account or
 * contract by its account's owner, as retention and ARR attribute it; the org's all). Each lookup is an
 * index probe on the (rep, instant) indexes, never a scan. Returns the period unchanged when it is not
 * `all time` or the scope has no records; database errors propagate.
 */
export async function narrowAllTime(db: Db, scope: Scope, period: Period): Promise<Period> {
  if (!period.allTime) return period;
  return allTimeSince(period, await firstRecordAt(db, scope));
}

/**
 * The instant of the scope's first record (as `narrowAllTime` reads it: lead or opportunity created,
 * activity logged, account became a customer, contract started), or null when the scope has none. An
 * account's churn adds no earlier instant: metrics read a customer's churn no earlier than its `became`
 * (account_facts.left_at is the later of the two). Index probes only; database errors propagate.
 */
export async function firstRecordAt(db: Db, scope: Scope): Promise<Date | null> {
  const rows = await queryRows<{ first: number | null }>(db, firstRecordQuery(scope));
  const epoch = rows[0]?.first;
  return epoch === null || epoch === undefined ? null : new Date(Number(epoch) * 1000);
}

function firstRecordQuery(scope: Scope): SQL {
  const epoch = (e: SQL) => sql`select extract(epoch from ${e})::float8 as first`;
  if (scope.kind === 'rep') {
    const r = scope.repId;
    // Accounts and contracts by the account's owner (account state, 0 = none): the (rep, instant) indexes.
    return epoch(sql`least(
      (select min(created_at) from leads where owner_rep_id = ${r}),
      (select min(created_at) from opportunities where owner_rep_id = ${r}),
      (select min(occurred_at) from activities where rep_id = ${r}),
      (select min(became) from account_facts where rep_id = ${r}),
      (select min(starts_at) from contract_facts where rep_id = ${r}))`);
  }
  if (scope.kind === 'team') {
    // Per membership: the member's first record while in the team ([valid_from, valid_to)). An account is
    // the team's its owner was in at its first win (account state's team_id), as retention and ARR read it.
    const within = (col: SQL) => sql`${col} >= m.valid_from and (m.valid_to is null or ${col} < m.valid_to)`;
    const t = scope.teamId;
    return epoch(sql`least((select min(least(
      (select min(l.created_at) from leads l where l.owner_rep_id = m.rep_id and ${within(sql`l.created_at`)}),
      (select min(o.created_at) from opportunities o where o.owner_rep_id = m.rep_id and ${within(sql`o.created_at`)}),
      (select min(a.occurred_at) from activities a where a.rep_id = m.rep_id and ${within(sql`a.occurred_at`)})))
      from team_memberships m where m.team_id = ${t}),
      (select min(became) from account_facts where team_id = ${t}),
      (select min(starts_at) from contract_facts where team_id = ${t}))`);
  }
  // Activities have no index on the instant alone: probe each rep's (and the rep-less rows') first one.
  // Every account and contract, owned or not (accounts_customer_idx, contracts_period_idx lead with the instant).
  return epoch(sql`least(
    (select min(created_at) from leads),
    (select min(created_at) from opportunities),
    (select min((select a.occurred_at from activities a where a.rep_id = r.id order by a.occurred_at limit 1)) from reps r),
    (select min(occurred_at) from activities where rep_id is null),
    (select min(became_customer_at) from accounts),
    (select min(starts_at) from contracts))`);
}
