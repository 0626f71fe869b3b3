import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useTwoWriters } from '../helpers/two-writers.js';

/**
 * A rep's team move racing writes of that rep's events (migration 0032): the move's rebuild of the rep's
 * rollup rows and the events' deltas are serialised per rep, so after both commit every rollup table equals
 * what tally_rollup_rebuild_all() builds from raw. Without that, a deal update beside an uncommitted move took
 * its old share off the old team's rebuilt rows (negative counts) and added its new share on top of the new
 * team's (counted twice). On PGlite (one connection, writers never overlap) the same writes run one after the
 * other.
 */
describeDb('rollups when a team move races event writes of the same rep', (ctx) => {
  const writers = useTwoWriters(ctx);
  const { postgres, run } = writers;

  /**
   * Runs the `during` statements (one transaction) from the second connection while the first holds the `held`
   * ones uncommitted, then commits.
   */
  async function overlap(held: string[], during: string[]): Promise<void> {
    if (!postgres()) {
      for (const statement of [...held, ...during]) await run(statement);
      return;
    }
    await writers.first().query('begin');
    for (const statement of held) await writers.first().query(statement);
    const running = writers.second().query(['begin', ...during, 'commit'].join(';\n'));
    running.catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    await writers.first().query('commit');
    await running;
  }

  /** Rep 10 in team 2 since January; 3 lost and 3 won deals and 3 leads of his in November 2026. */
  async function seed(): Promise<void> {
    await run(`insert into teams (id, name) values (2, 'Two'), (4, 'Four')`);
    await run(`insert into reps (id, name) values (10, 'Ten')`);
    await run(
      `insert into team_memberships (id, rep_id, team_id, valid_from) values (11, 10, 2, '2026-01-01')`,
    );
    await run(`insert into opportunities (external_id, owner_rep_id, amount_minor, currency, created_at, closed_at, outcome)
      select 'D' || g, 10, 1000 * g, 'USD', '2026-10-01', '2026-11-01T10:00Z'::timestamptz + g * interval '1 day',
        case when g % 2 = 0 then 'won' else 'lost' end
      from generate_series(1, 6) g`);
    await run(`insert into leads (external_id, owner_rep_id, created_at)
      select 'L' || g, 10, '2026-11-05T10:00Z' from generate_series(1, 3) g`);
  }

  /** The team move of the tester's report: team 2 until November, team 4 from then on. */
  const move = [
    `update team_memberships set valid_to = '2026-11-01' where id = 11`,
    `insert into team_memberships (rep_id, team_id, valid_from) values (10, 4, '2026-11-01')`,
  ];

  const ROLLUPS = [
    'metric_rollups',
    'metric_team_rollups',
    'response_rollups',
    'response_team_rollups',
    'cycle_rollups',
    'cycle_team_rollups',
  ];
  const KEYS = new Set(['grain', 'bucket', 'rep_id', 'team_id', 'currency', 'vb']);
  /** Every rollup table's nonzero rows, freshness aside (a delta keeps the newest instant it ever saw). */
  async function rollups(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const table of ROLLUPS) {
      const rows = await run(`select * from ${table}`);
      out[table] = rows
        .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('newest_'))))
        .filter((r) => Object.entries(r).some(([k, v]) => !KEYS.has(k) && Number(v) !== 0))
        .map((r) => JSON.stringify(r))
        .sort();
    }
    return out;
  }
  /** The rollups as the writes left them, then as a rebuild from raw makes them: they must be equal. */
  async function expectRollupsEqualRebuild(): Promise<void> {
    const kept = await rollups();
    await run('select tally_rollup_rebuild_all()');
    expect(kept).toEqual(await rollups());
  }

  it('keeps lost-deal counters exact when a loss reason and amount change during the move', async () => {
    await seed();
    await overlap(move, [
      `update opportunities set loss_reason = 'Went dark', amount_minor = amount_minor + 1
         where owner_rep_id = 10 and outcome = 'lost'`,
    ]);
    const teams = await run(`select team_id, deals_lost, lost_minor::int as lost_minor, deals_lost_with_reason
      from metric_team_rollups where grain = 'm' and bucket = '2026-11-01T00:00Z' and deals_lost <> 0 order by team_id`);
    const raw = await run(`select count(*)::int as deals_lost, sum(amount_minor)::int as lost_minor
      from opportunities where outcome = 'lost' and owner_rep_id = 10`);
    expect(teams).toEqual([{ team_id: 4, ...raw[0], deals_lost_with_reason: 3 }]);
    const negative = await run(
      'select count(*)::int as n from metric_rollups where deals_lost < 0 or lost_minor < 0',
    );
    expect(negative[0]!.n).toBe(0);
    await expectRollupsEqualRebuild();
  });

  it('keeps the sales-cycle histograms exact when won deals close again during the move', async () => {
    await seed();
    await overlap(move, [
      `update opportunities set closed_at = closed_at + interval '1 hour' where owner_rep_id = 10 and outcome = 'won'`,
    ]);
    const teams = await run(`select team_id, sum(n)::int as n from cycle_team_rollups
      where grain = 'm' and bucket = '2026-11-01T00:00Z' group by team_id having sum(n) <> 0 order by team_id`);
    expect(teams).toEqual([{ team_id: 4, n: 3 }]);
    await expectRollupsEqualRebuild();
  });

  it('keeps the response histograms exact when leads are first touched during the move', async () => {
    await seed();
    await overlap(move, [`update leads set first_touch_at = '2026-11-06T10:00Z' where owner_rep_id = 10`]);
    const teams = await run(`select team_id, vb, sum(n)::int as n from response_team_rollups
      where grain = 'm' and bucket = '2026-11-01T00:00Z' group by team_id, vb having sum(n) <> 0 order by team_id`);
    expect(teams).toEqual([{ team_id: 4, vb: teams[0]?.vb, n: 3 }]);
    expect(teams[0]?.vb).not.toBe(-1);
    await expectRollupsEqualRebuild();
  });

  it('keeps every rollup exact when the move comes while new deals and leads are being written', async () => {
    await seed();
    await overlap(
      [
        `insert into opportunities (external_id, owner_rep_id, amount_minor, currency, created_at, closed_at, outcome)
         values ('N1', 10, 500, 'USD', '2026-12-01', '2026-12-03T10:00Z', 'won'),
           ('N2', 10, 700, 'USD', '2026-12-01', '2026-12-04T10:00Z', 'lost')`,
        `insert into leads (external_id, owner_rep_id, created_at, first_touch_at)
         values ('N3', 10, '2026-12-02T10:00Z', '2026-12-02T11:00Z')`,
      ],
      move,
    );
    const teams =
      await run(`select team_id, sum(deals_won)::int as deals_won, sum(deals_lost)::int as deals_lost,
        sum(leads_created)::int as leads_created
      from metric_team_rollups where grain = 'm' and bucket = '2026-12-01T00:00Z'
      group by team_id having sum(deals_won) <> 0 or sum(deals_lost) <> 0 or sum(leads_created) <> 0
      order by team_id`);
    expect(teams).toEqual([{ team_id: 4, deals_won: 1, deals_lost: 1, leads_created: 1 }]);
    await expectRollupsEqualRebuild();
  });
});
