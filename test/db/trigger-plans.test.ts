import pg from 'pg';
import { expect, it } from 'vitest';
import { type Db, queryRows, sql } from '../../src/db/client.js';
import { describeDb, postgresAdminUrl } from '../helpers/db.js';
import { addRep, addTeam } from '../metrics/fixtures.js';

/**
 * An import session's first update batch may touch no row (its rows are all new), and a later one
 * thousands. A statement trigger's query planned once per session on the empty batch joined old_rows to
 * new_rows by a nested loop, quadratic on the later batch (migration 0048). These tests run that sequence
 * in one session: the triggers' facts stay equal to a rebuild on both databases, and on Postgres, where
 * auto_explain shows the plans of the triggers' statements, no join of two transition tables is a nested
 * loop.
 */

const MOVED = 300;

/** Stored facts of both trigger-kept tables, in a stable order. */
async function facts(db: Db) {
  return {
    wins: await queryRows<Record<string, unknown>>(db, sql`select * from lead_wins order by lead_id`),
    accounts: await queryRows<Record<string, unknown>>(
      db,
      sql`select * from account_facts order by account_id`,
    ),
  };
}

/** Reps Ana and Ben in one team; leads, won deals on them and customer accounts, all Ana's. */
async function seed(db: Db): Promise<{ ana: number; ben: number }> {
  const team = await addTeam(db, 'Berlin');
  const from = await addRep(db, 'Ana', team);
  const ben = await addRep(db, 'Ben', team);
  await db.execute(sql`
    insert into leads (external_id, owner_rep_id, created_at, converted_at)
    select 'L' || i, ${from}, timestamptz '2026-01-05 10:00Z' + i * interval '1 hour',
           timestamptz '2026-02-01 10:00Z' + i * interval '1 hour'
    from generate_series(1, ${MOVED}) i`);
  await db.execute(sql`
    insert into accounts (external_id, name, became_customer_at)
    select 'A' || i, 'Account ' || i, timestamptz '2026-02-01 10:00Z' + i * interval '1 hour'
    from generate_series(1, ${MOVED}) i`);
  await db.execute(sql`
    insert into opportunities (external_id, owner_rep_id, lead_id, account_id, created_at, closed_at, outcome,
                               amount_minor, currency)
    select 'O' || l.external_id, ${from}, l.id, a.id, l.created_at, l.converted_at, 'won', 100000, 'USD'
    from leads l join accounts a on a.external_id = 'A' || substr(l.external_id, 2)`);
  return { ana: from, ben };
}

/** The session's sequence: three updates that touch no row, then three that move or change every row. */
function moves(to: number): string[] {
  return [
    'update leads set source = source where false',
    'update opportunities set owner_rep_id = owner_rep_id where false',
    'update accounts set churned_at = churned_at where false',
    `update leads set owner_rep_id = ${to}`,
    `update opportunities set owner_rep_id = ${to}, closed_at = closed_at + interval '1 day'`,
    `update accounts set churned_at = timestamptz '2026-11-01 00:00Z'`,
  ];
}

interface PlanNode {
  'Node Type': string;
  Plans?: PlanNode[];
}

/** Nested loops whose two inputs are both transition tables, anywhere in `node`. */
function tuplestoreNestedLoops(node: PlanNode): number {
  const children = node.Plans ?? [];
  const own =
    node['Node Type'] === 'Nested Loop' &&
    children.length === 2 &&
    children.every((c) => c['Node Type'] === 'Named Tuplestore Scan')
      ? 1
      : 0;
  return own + children.reduce((n, c) => n + tuplestoreNestedLoops(c), 0);
}

/** Joins (of any kind) whose two inputs are both transition tables, anywhere in `node`. */
function tuplestoreJoins(node: PlanNode): number {
  const children = node.Plans ?? [];
  const scans = (c: PlanNode): boolean =>
    c['Node Type'] === 'Named Tuplestore Scan' ||
    (c['Node Type'] === 'Hash' && (c.Plans ?? []).every(scans)) ||
    (c['Node Type'] === 'Sort' && (c.Plans ?? []).every(scans));
  const own = children.length === 2 && children.every(scans) ? 1 : 0;
  return own + children.reduce((n, c) => n + tuplestoreJoins(c), 0);
}

describeDb('statement triggers after an update that touched no row', (ctx) => {
  it('keep their facts equal to a rebuild when the next update moves hundreds of rows', async () => {
    const db = ctx.db();
    const { ben } = await seed(db);
    // One connection for the whole sequence, as an import holds one session.
    await db.transaction(async (tx) => {
      for (const statement of moves(ben)) await tx.execute(sql.raw(statement));
    });
    const kept = await facts(db);
    expect(kept.wins).toHaveLength(MOVED);
    expect(kept.wins.every((w) => w.rep_id === ben)).toBe(true);
    expect(kept.accounts).toHaveLength(MOVED);
    expect(kept.accounts.every((a) => a.rep_id === ben && a.churned !== null)).toBe(true);
    await db.execute(sql`select tally_lead_wins_rebuild()`);
    await db.execute(sql`select tally_account_rebuild_all()`);
    expect(await facts(db)).toEqual(kept);
  });

  // PGlite has no auto_explain: there, the test above covers what the triggers store.
  if (ctx.backend !== 'postgres') return;
  it('join old_rows to new_rows by a plan made for the statement, not a nested loop', async () => {
    const db = ctx.db();
    const { ben } = await seed(db);
    const [row] = await queryRows<{ name: string }>(db, sql`select current_database() as name`);
    const url = new URL(postgresAdminUrl()!);
    url.pathname = `/${row!.name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const plans: { text: string; plan: PlanNode }[] = [];
    client.on('notice', (n) => {
      const json = n.message?.indexOf('{') ?? -1;
      if (json < 0) return;
      const parsed = JSON.parse(n.message!.slice(json)) as { 'Query Text': string; Plan: PlanNode };
      plans.push({ text: parsed['Query Text'], plan: parsed.Plan });
    });
    try {
      await client.query("load 'auto_explain'");
      await client.query('set auto_explain.log_min_duration = 0');
      await client.query('set auto_explain.log_nested_statements = on');
      await client.query("set auto_explain.log_format = 'json'");
      await client.query("set client_min_messages = 'log'");
      const [empty, full] = [moves(ben).slice(0, 3), moves(ben).slice(3)];
      for (const statement of empty) await client.query(statement);
      plans.length = 0;
      for (const statement of full) await client.query(statement);
    } finally {
      await client.end();
    }
    const joins = plans.filter((p) => tuplestoreJoins(p.plan) > 0);
    // The lead-to-close and account-state triggers' joins (and the rollups'), all seen.
    expect(joins.map((p) => p.text).join('\n')).toMatch(/new_rows n JOIN old_rows o ON o.id = n.id/);
    expect(joins.map((p) => p.text).join('\n')).toMatch(/old_rows o JOIN new_rows n ON n.id = o.id/);
    const nested = joins.filter((p) => tuplestoreNestedLoops(p.plan) > 0).map((p) => p.text);
    expect(nested).toEqual([]);
  });
});
