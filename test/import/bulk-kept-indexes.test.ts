import { expect, it } from 'vitest';
import { type Db, queryRows, sql } from '../../src/db/client.js';
import { dropForBulkWrite } from '../../src/ingest/bulk-write.js';
import { describeDb } from '../helpers/db.js';

/**
 * A bulk write drops a table's plain indexes for the rest of the import, but the statement triggers that stay
 * on read some of them once per account or lead on every statement: those lookups must still find an index
 * while the table is being bulk-written, or each one scans the table (quadratic; a first import of 100,000
 * deals on converted leads took 207 s, tester). The plan of each lookup must search an index by the lookup's
 * column (an Index Cond on it), not scan the table or walk a whole index filtering rows.
 */

/** The per-row lookups the triggers run on `table` while it is bulk-written, as their functions write them. */
const LOOKUPS: Record<string, { why: string; column: string; query: string }[]> = {
  opportunities: [
    {
      why: "a lead's first won deal (tally_lead_wins_refresh)",
      column: 'lead_id',
      query:
        "select o.owner_rep_id, o.closed_at, o.product from opportunities o where o.lead_id = 7 and o.outcome = 'won' order by o.closed_at, o.id limit 1",
    },
    {
      why: 'whether a lead has a deal at all (tally_lead_wins_refresh)',
      column: 'lead_id',
      query: 'select 1 from opportunities v where v.lead_id = 7',
    },
    {
      why: "an account's first won deal (tally_account_refresh)",
      column: 'account_id',
      query:
        "select o.id, o.owner_rep_id, o.closed_at from opportunities o where o.account_id = 7 and o.outcome = 'won' order by o.closed_at, o.id limit 1",
    },
  ],
  activities: [
    {
      why: "a lead's activities (the first-touch refresh)",
      column: 'lead_id',
      query: 'select a.occurred_at from activities a where a.lead_id = 7',
    },
  ],
};

interface PlanNode {
  'Node Type': string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Every index condition in the plan. */
function indexConds(node: PlanNode): string[] {
  return [...(node['Index Cond'] ? [node['Index Cond']] : []), ...(node.Plans ?? []).flatMap(indexConds)];
}

describeDb('indexes a bulk write keeps', (ctx) => {
  for (const [table, lookups] of Object.entries(LOOKUPS)) {
    it(`the triggers' lookups on ${table} find an index while it is bulk-written`, async () => {
      class Undo extends Error {}
      const searched: Record<string, boolean> = {};
      let dropped = 0;
      await ctx
        .db()
        .transaction(async (tx) => {
          const db = tx as unknown as Db;
          const restore = await dropForBulkWrite(db, table);
          dropped = restore.filter((s) => /^create index/i.test(s)).length;
          // A table this small would be read whole anyway: without sequential scans, an index serves.
          await db.execute(sql`set local enable_seqscan = off`);
          for (const { why, column, query } of lookups) {
            const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
              db,
              sql.raw(`explain (format json) ${query}`),
            );
            const plan = row!['QUERY PLAN'];
            const conds = indexConds((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan);
            searched[why] = conds.some((c) => c.includes(`(${column} = 7)`));
          }
          // Nothing of the drop is kept.
          throw new Undo();
        })
        .catch((err) => {
          if (!(err instanceof Undo)) throw err;
        });
      expect(searched).toEqual(Object.fromEntries(lookups.map((l) => [l.why, true])));
      // The write did drop the table's other plain indexes: a lookup without a kept one would show.
      expect(dropped).toBeGreaterThan(0);
    });
  }
});
