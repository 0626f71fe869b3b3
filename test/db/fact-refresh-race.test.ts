import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useTwoWriters } from '../helpers/two-writers.js';

/**
 * Two transactions refreshing the facts of the same lead or account at once (migration 0031): the second
 * waits for the first to commit, then reads what it wrote. Without that, the second either failed on the
 * facts' primary key (an ingest batch answered 500) or stored facts computed without the first one's
 * change. On PGlite (one connection, writers never overlap) the same writes run one after the other.
 */
describeDb('fact refreshes of one key from two transactions', (ctx) => {
  const writers = useTwoWriters(ctx);
  const { postgres, run } = writers;

  /** Runs `during` from the second connection while the first holds `held` uncommitted, then commits. */
  async function overlap(held: string, during: string): Promise<void> {
    if (!postgres()) {
      await run(held);
      await run(during);
      return;
    }
    await writers.first().query('begin');
    await writers.first().query(held);
    const running = writers.second().query(during);
    running.catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    await writers.first().query('commit');
    await running;
  }

  const leadWins = async () =>
    (await run('select * from lead_wins order by lead_id')).map((r) => JSON.stringify(r));

  it('a first touch recorded while a won deal is being written ends up in the lead-to-close fact', async () => {
    const lead = (
      await run(
        `insert into leads (external_id, created_at, first_touch_at) values ('L1', '2026-09-01', '2026-11-02') returning id`,
      )
    )[0]!.id as number;
    await overlap(
      `insert into opportunities (external_id, lead_id, created_at, closed_at, outcome)
       values ('D1', ${lead}, '2026-11-03', '2026-11-25T10:00Z', 'won')`,
      `update leads set first_touch_at = '2026-10-01T00:00Z' where id = ${lead}`,
    );
    const facts = await leadWins();
    expect(facts).toHaveLength(1);
    const [fact] = await run('select started_at from lead_wins');
    expect(new Date(fact!.started_at as string).toISOString()).toBe('2026-10-01T00:00:00.000Z');
    await run('select tally_lead_wins_rebuild()');
    expect(await leadWins()).toEqual(facts);
  });

  it('two won deals written at once for one lead both succeed and the earlier close wins', async () => {
    const lead = (
      await run(`insert into leads (external_id, created_at) values ('L2', '2026-09-01') returning id`)
    )[0]!.id as number;
    await overlap(
      `insert into opportunities (external_id, lead_id, created_at, closed_at, outcome)
       values ('D2', ${lead}, '2026-10-03', '2026-11-20T10:00Z', 'won')`,
      `insert into opportunities (external_id, lead_id, created_at, closed_at, outcome)
       values ('D3', ${lead}, '2026-10-03', '2026-11-10T10:00Z', 'won')`,
    );
    const [fact] = await run('select closed_at from lead_wins');
    expect(new Date(fact!.closed_at as string).toISOString()).toBe('2026-11-10T10:00:00.000Z');
  });

  it('two contracts written at once for one customer both succeed and both count', async () => {
    const account = (
      await run(
        `insert into accounts (external_id, name, became_customer_at) values ('A1', 'Acme', '2026-01-01') returning id`,
      )
    )[0]!.id as number;
    const contract = (id: string) =>
      `insert into contracts (external_id, account_id, starts_at, ends_at) values ('${id}', ${account}, '2026-01-01', '2027-01-01')`;
    await overlap(contract('C1'), contract('C2'));
    const rows = await run(`select count(*)::int as n from contract_facts where account_id = ${account}`);
    expect(rows[0]!.n).toBe(2);
  });
});
