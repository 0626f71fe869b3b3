import type { SQL } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../db/client.js';
import { METRIC_ENTITIES } from './compute/arrivals.js';
import { allTimeSince } from './periods.js';
import type { MetricId, Period, Scope } from './types.js';

/** The kinds of record a metric is read from (accounts stand for account state: customers and contracts). */
export type RecordKind = 'leads' | 'opportunities' | 'activities' | 'accounts';

/**
 * The kinds of record metric `metric` counts, from the tables it reads (METRIC_ENTITIES; contracts are account
 * state), for "no records before …" and `all time`: calls on a database whose installed base goes back to
 * 2022 but whose activity log starts in December 2025 have no data in 2024, not a zero (fresh tester: `calls
 * team feb 2024` said "0 calls · 0% attained · off track"; `emails all time` said "since 12 Feb 2022", the
 * first contract).
 */
export function metricRecords(metric: MetricId): RecordKind[] {
  return [...new Set(METRIC_ENTITIES[metric].map((t): RecordKind => (t === 'contracts' ? 'accounts' : t)))];
}

/** A kind of record in plain words, for "no … before 4 Dec 2025". */
const KIND_NOUN: Record<RecordKind, string> = {
  activities: 'activity',
  opportunities: 'deals',
  leads: 'leads',
  accounts: 'customers',
};

/**
 * What the records a metric reads are called in "no … before 4 Dec 2025": a single kind in plain words
 * ("activity" for calls, emails and meetings; "deals"; "leads"; "customers" for ARR and ARPU), "customers"
 * too for account state with the won deals behind it (retention, CLV), else "records" (leads with
 * activities or deals: response time, lead cycle).
 */
export function recordsNoun(records: readonly RecordKind[]): string {
  const kinds = new Set(records);
  if (kinds.size === 1) return KIND_NOUN[records[0]!];
  return kinds.size === 2 && kinds.has('accounts') && kinds.has('opportunities') ? 'customers' : 'records';
}

/**
 * `all time` for a scope starts at the scope's first record: the earliest lead created, opportunity
 * created, activity logged, account that became a customer or contract that started that the scope owns
 * (a rep's own; a team's by membership at the record's instant, as metrics attribute rows; an account or
 * contract by its account's owner, as retention and ARR attribute it; the org's all). Each lookup is an
 * index probe on the (rep, instant) indexes, never a scan. Returns the period unchanged when it is not
 * `all time` or the scope has no records; database errors propagate.
 */
export async function narrowAllTime(
  db: Db,
  scope: Scope,
  period: Period,
  records: readonly RecordKind[],
): Promise<Period> {
  if (!period.allTime) return period;
  return allTimeSince(period, await firstRecordAt(db, scope, records));
}

/**
 * The instant of the scope's first record (as `narrowAllTime` reads it: lead or opportunity created,
 * activity logged, account became a customer, contract started), or null when the scope has none. An
 * account's churn adds no earlier instant: metrics read a customer's churn no earlier than its `became`
 * (account_facts.left_at is the later of the two). Only the kinds `records` count (see
 * metricRecords). Index probes only; database errors propagate.
 */
export async function firstRecordAt(
  db: Db,
  scope: Scope,
  records: readonly RecordKind[],
): Promise<Date | null> {
  const rows = await queryRows<{ first: number | null }>(db, firstRecordQuery(scope, new Set(records)));
  const epoch = rows[0]?.first;
  return epoch === null || epoch === undefined ? null : new Date(Number(epoch) * 1000);
}

function firstRecordQuery(scope: Scope, records: ReadonlySet<RecordKind>): SQL {
  const epoch = (parts: [RecordKind, SQL][]) => {
    const kept = parts.filter(([kind]) => records.has(kind)).map(([, part]) => part);
    return sql`select extract(epoch from least(${sql.join(kept, sql`, `)}))::float8 as first`;
  };
  if (scope.kind === 'rep') {
    const r = scope.repId;
    // Accounts and contracts by the account's owner (account state, 0 = none): the (rep, instant) indexes.
    return epoch([
      ['leads', sql`(select min(created_at) from leads where owner_rep_id = ${r})`],
      ['opportunities', sql`(select min(created_at) from opportunities where owner_rep_id = ${r})`],
      ['activities', sql`(select min(occurred_at) from activities where rep_id = ${r})`],
      ['accounts', sql`(select min(became) from account_facts where rep_id = ${r})`],
      ['accounts', sql`(select min(starts_at) from contract_facts where rep_id = ${r})`],
    ]);
  }
  if (scope.kind === 'team') {
    // Per membership: the member's first record while in the team ([valid_from, valid_to)). An account is
    // the team's its owner was in at its first win (account state's team_id), as retention and ARR read it.
    const within = (col: SQL) => sql`${col} >= m.valid_from and (m.valid_to is null or ${col} < m.valid_to)`;
    const t = scope.teamId;
    const member = (kind: RecordKind, part: SQL): [RecordKind, SQL] => [
      kind,
      sql`(select min(${part}) from team_memberships m where m.team_id = ${t})`,
    ];
    return epoch([
      member(
        'leads',
        sql`(select min(l.created_at) from leads l where l.owner_rep_id = m.rep_id and ${within(sql`l.created_at`)})`,
      ),
      member(
        'opportunities',
        sql`(select min(o.created_at) from opportunities o where o.owner_rep_id = m.rep_id and ${within(sql`o.created_at`)})`,
      ),
      member(
        'activities',
        sql`(select min(a.occurred_at) from activities a where a.rep_id = m.rep_id and ${within(sql`a.occurred_at`)})`,
      ),
      ['accounts', sql`(select min(became) from account_facts where team_id = ${t})`],
      ['accounts', sql`(select min(starts_at) from contract_facts where team_id = ${t})`],
    ]);
  }
  // Activities have no index on the instant alone: probe each rep's (and the rep-less rows') first one.
  // Every account and contract, owned or not (accounts_customer_idx, contracts_period_idx lead with the instant).
  return epoch([
    ['leads', sql`(select min(created_at) from leads)`],
    ['opportunities', sql`(select min(created_at) from opportunities)`],
    [
      'activities',
      sql`(select min((select a.occurred_at from activities a where a.rep_id = r.id order by a.occurred_at limit 1)) from reps r)`,
    ],
    ['activities', sql`(select min(occurred_at) from activities where rep_id is null)`],
    ['accounts', sql`(select min(became_customer_at) from accounts)`],
    ['accounts', sql`(select min(starts_at) from contracts)`],
  ]);
}
