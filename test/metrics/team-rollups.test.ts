import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { type Db, queryRows } from '../../src/db/client.js';
import { activities, leads } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { addActivity, addMembership, addOpp, addRep, addTeam } from './fixtures.js';

const COUNTERS = [
  'calls',
  'calls_connected',
  'talk_seconds',
  'emails',
  'emails_opened',
  'emails_replied',
  'meetings_booked',
  'meetings_held',
  'opps_created',
  'pipeline_minor',
  'deals_won',
  'won_minor',
  'deals_lost',
  'leads_created',
  'leads_created_converted',
  'leads_qualified',
  'leads_qualified_converted',
  'lost_minor',
  'deals_lost_with_reason',
  'deals_won_with_amount',
];

/**
 * Keys (grain, bucket, rep, team, currency) where metric_rollups' lost-deal counters differ from the lost
 * opportunities counted raw (owner's team at the close, reasons normalised by tally_loss_reason), and the
 * raw totals of the month rows: deals lost, amount lost and deals lost with a reason.
 */
async function lostDiff(db: Db): Promise<{ diff: number; lost: number; amount: number; withReason: number }> {
  const [row] = await queryRows<{ diff: number; lost: number; amount: number; withReason: number }>(
    db,
    sql`with raw as (
        select g.grain::char(1) as grain, date_trunc(g.unit, o.closed_at, 'UTC') as bucket,
          coalesce(o.owner_rep_id, 0) as rep_id, coalesce(m.team_id, 0) as team_id, o.currency::text as currency,
          count(*) as deals_lost, sum(coalesce(o.amount_minor, 0)) as lost_minor,
          count(*) filter (where tally_loss_reason(o.loss_reason) is not null) as deals_lost_with_reason
        from opportunities o
        left join team_memberships m on m.rep_id = o.owner_rep_id and m.valid_from <= o.closed_at
          and (m.valid_to is null or o.closed_at < m.valid_to)
        cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
        where o.outcome = 'lost'
        group by 1, 2, 3, 4, 5)
      select
        (select count(*) from raw full join metric_rollups r using (grain, bucket, rep_id, team_id, currency)
         where (coalesce(raw.deals_lost, 0), coalesce(raw.lost_minor, 0), coalesce(raw.deals_lost_with_reason, 0))
           is distinct from (coalesce(r.deals_lost, 0), coalesce(r.lost_minor, 0), coalesce(r.deals_lost_with_reason, 0))
        )::int as diff,
        (select coalesce(sum(deals_lost), 0) from raw where grain = 'm')::int as lost,
        (select coalesce(sum(lost_minor), 0) from raw where grain = 'm')::int as amount,
        (select coalesce(sum(deals_lost_with_reason), 0) from raw where grain = 'm')::int as "withReason"`,
  );
  return row!;
}

/**
 * Keys (grain, bucket, rep, team, currency) where metric_rollups' won deals with an amount differ from the won
 * opportunities whose amount_minor is not null counted raw, and the raw total of the month rows.
 */
async function wonWithAmountDiff(db: Db): Promise<{ diff: number; withAmount: number }> {
  const [row] = await queryRows<{ diff: number; withAmount: number }>(
    db,
    sql`with raw as (
        select g.grain::char(1) as grain, date_trunc(g.unit, o.closed_at, 'UTC') as bucket,
          coalesce(o.owner_rep_id, 0) as rep_id, coalesce(m.team_id, 0) as team_id, o.currency::text as currency,
          count(*) as n
        from opportunities o
        left join team_memberships m on m.rep_id = o.owner_rep_id and m.valid_from <= o.closed_at
          and (m.valid_to is null or o.closed_at < m.valid_to)
        cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
        where o.outcome = 'won' and o.amount_minor is not null
        group by 1, 2, 3, 4, 5)
      select
        (select count(*) from raw full join metric_rollups r using (grain, bucket, rep_id, team_id, currency)
         where coalesce(raw.n, 0) <> coalesce(r.deals_won_with_amount, 0))::int as diff,
        (select coalesce(sum(n), 0) from raw where grain = 'm')::int as "withAmount"`,
  );
  return row!;
}

/**
 * Every check: the twin equals metric_rollups summed over reps, and the lost-deal counters and the won deals
 * with an amount equal raw rows.
 */
async function expectExact(
  db: Db,
): Promise<{ calls: number; deals: number; lost: number; withReason: number; withAmount: number }> {
  const twin = await twinDiff(db);
  const lost = await lostDiff(db);
  const won = await wonWithAmountDiff(db);
  expect(twin.diff).toBe(0);
  expect(lost.diff).toBe(0);
  expect(won.diff).toBe(0);
  return {
    calls: twin.calls,
    deals: twin.deals,
    lost: lost.lost,
    withReason: lost.withReason,
    withAmount: won.withAmount,
  };
}

/**
 * Keys (grain, bucket, team, currency) where metric_team_rollups differs from metric_rollups summed over
 * reps, in any counter (a key missing on one side counts as zeros), and the twin's total calls.
 */
async function twinDiff(db: Db): Promise<{ diff: number; calls: number; deals: number }> {
  const cols = sql.raw(COUNTERS.map((c) => `sum(${c}) as ${c}`).join(', '));
  const differs = sql.raw(COUNTERS.map((c) => `coalesce(r.${c}, 0) <> coalesce(t.${c}, 0)`).join(' or '));
  const [row] = await queryRows<{ diff: number; calls: number; deals: number }>(
    db,
    sql`select
      (select count(*) from (
         select grain, bucket, team_id, currency, ${cols} from metric_rollups group by 1, 2, 3, 4
       ) r full join metric_team_rollups t using (grain, bucket, team_id, currency)
       where ${differs})::int as diff,
      (select coalesce(sum(calls), 0) from metric_team_rollups where grain = 'd')::int as calls,
      (select coalesce(sum(deals_won + deals_lost), 0) from metric_team_rollups where grain = 'm')::int as deals`,
  );
  return row!;
}

describeDb('team-level counter rollups', (ctx) => {
  it('equal metric_rollups summed over reps, lost-deal counters equal to raw, after every kind of write, a move, a rebuild and a TRUNCATE', async () => {
    const db = ctx.db();
    const north = await addTeam(db, 'North');
    const south = await addTeam(db, 'South');
    const ana = await addRep(db, 'Ana', north);
    const ben = await addRep(db, 'Ben', north, '2026-01-01T00:00:00Z');
    const cy = await addRep(db, 'Cy', south);
    const dee = await addRep(db, 'Dee'); // no team: team 0
    const reps = [ana, ben, cy, dee];
    const day = (i: number, h = 9) => new Date(Date.UTC(2026, 9, 1 + (i % 40), h + (i % 7)));

    // One multi-row insert per table (statement triggers see whole batches), then single rows.
    await db.insert(activities).values(
      Array.from({ length: 120 }, (_, i) => ({
        externalId: `tw-a-${i}`,
        repId: reps[i % 4]!,
        kind: (['call', 'email', 'meeting'] as const)[i % 3]!,
        direction: i % 11 === 0 ? ('inbound' as const) : ('outbound' as const),
        occurredAt: day(i),
        connected: i % 3 === 0 ? i % 2 === 0 : null,
        durationSeconds: i % 3 === 0 ? 30 + i : null,
        emailOpenedAt: i % 3 === 1 && i % 2 === 0 ? day(i) : null,
        emailRepliedAt: i % 3 === 1 && i % 5 === 0 ? day(i) : null,
        meetingBookedAt: i % 3 === 2 ? day(i) : null,
        meetingHeldAt: i % 3 === 2 && i % 2 === 0 ? day(i + 1) : null,
      })),
    );
    for (let i = 0; i < 30; i++) {
      const outcome = (['open', 'won', 'lost'] as const)[i % 3]!;
      await addOpp(db, i % 9 === 0 ? null : reps[i % 4]!, {
        created: day(i).toISOString(),
        ...(outcome === 'open' ? {} : { closed: day(i + 3, 14).toISOString(), outcome }),
        amount: 1000 + i * 37,
        currency: i % 4 === 0 ? 'EUR' : 'USD',
        // Reasons, a blank one, none, and placeholders ("N/A", "none": no reason, as a blank one).
        lossReason: ['Price', ' PRICE ', null, '  ', 'Went  dark', 'N/A', ' none '][i % 7] ?? null,
      });
    }
    await db.insert(leads).values(
      Array.from({ length: 40 }, (_, i) => ({
        externalId: `tw-l-${i}`,
        ownerRepId: reps[i % 4]!,
        createdAt: day(i),
        qualifiedAt: i % 2 ? day(i + 2) : null,
        convertedAt: i % 3 === 0 ? day(i + 5) : null,
      })),
    );
    await addActivity(db, { repId: ben, kind: 'call', direction: 'outbound', occurredAt: day(3, 12) });
    let state = await expectExact(db);
    expect(state.calls).toBeGreaterThan(30);
    expect(state.deals).toBe(20);
    expect(state.lost).toBe(10);
    // Lost: i = 2, 5, …, 29; a reason at i = 8 and 29 (" PRICE "), 11 ("Went  dark") and 14 ("Price").
    expect(state.withReason).toBe(4);

    // Updates that move events between reps, teams, buckets and currencies; deletes.
    await db.execute(sql`update activities set rep_id = ${cy}, occurred_at = occurred_at + interval '26 hours'
      where external_id like 'tw-a-%' and (right(external_id, 1))::int % 4 = 0`);
    await db.execute(sql`update opportunities set outcome = 'won', closed_at = created_at + interval '2 days',
      currency = 'GBP' where outcome = 'open'`);
    // Lost deals: won ones lost and lost ones won, reasons given and taken away, amounts and currencies changed,
    // Ana's moved to Cy (another team) and five hours later.
    await db.execute(sql`update opportunities set outcome = case outcome when 'won' then 'lost' else 'won' end,
      loss_reason = case when outcome = 'won' then ' Timing' end where id % 5 = 1 and outcome <> 'open'`);
    await db.execute(sql`update opportunities set loss_reason = case when loss_reason is null then 'budget' end,
      amount_minor = amount_minor * 3, currency = case when currency = 'USD' then 'EUR' else currency end
      where outcome = 'lost' and id % 2 = 0`);
    await db.execute(sql`update opportunities set owner_rep_id = ${cy}, closed_at = closed_at + interval '5 hours'
      where outcome = 'lost' and owner_rep_id = ${ana}`);
    // Reasons become placeholders ("-": no reason) and a placeholder a reason.
    await db.execute(sql`update opportunities set loss_reason = case when loss_reason is null then null
      when tally_loss_reason(loss_reason) is null then 'Legal' else ' - ' end where outcome = 'lost' and id % 4 = 3`);
    expect((await expectExact(db)).lost).toBeGreaterThan(5);
    // Won deals lose their amount, and one gets it back (deals_won_with_amount follows; deals_won does not move).
    await db.execute(sql`update opportunities set amount_minor = null where outcome = 'won' and id % 3 = 0`);
    const emptied = await expectExact(db);
    expect(emptied.withAmount).toBeGreaterThan(0);
    expect(emptied.withAmount).toBeLessThan(emptied.deals - emptied.lost);
    await db.execute(sql`update opportunities set amount_minor = 4200
      where id = (select min(id) from opportunities where outcome = 'won' and amount_minor is null)`);
    expect((await expectExact(db)).withAmount).toBe(emptied.withAmount + 1);
    await db.execute(sql`update leads set owner_rep_id = ${dee}, converted_at = created_at + interval '1 hour'
      where qualified_at is not null`);
    await expectExact(db);
    await db.execute(sql`delete from activities where kind = 'email' and rep_id = ${ana}`);
    await db.execute(sql`delete from opportunities where outcome = 'lost' and currency = 'EUR'`);
    await db.execute(sql`delete from leads where converted_at is null`);
    await expectExact(db);
    await db.execute(
      sql`delete from opportunities where outcome = 'lost' and loss_reason is not null and id % 3 = 0`,
    );
    await expectExact(db);

    // Ana moves from North to South in the middle of the data: her rows are rebuilt and North loses her share
    // after the move while South gains it.
    await db.execute(
      sql`update team_memberships set valid_to = '2026-10-20T12:00:00Z' where rep_id = ${ana}`,
    );
    await addMembership(db, ana, south, '2026-10-20T12:00:00Z');
    await expectExact(db);
    // South's calls, emails and meetings booked after the move, from the twin and from the raw rows.
    const [moved] = await queryRows<{ south: number }>(
      db,
      sql`select coalesce(sum(calls + emails + meetings_booked), 0)::int as south
        from metric_team_rollups where team_id = ${south} and grain = 'h'
          and bucket >= '2026-10-20T12:00:00Z' and bucket < '2026-11-20T00:00:00Z'`,
    );
    const [raw] = await queryRows<{ south: number; ana: number }>(
      db,
      sql`select count(*)::int as south, count(*) filter (where e.rep_id = ${ana})::int as ana
        from (select a.rep_id, case when a.kind = 'meeting' then coalesce(a.meeting_booked_at, a.occurred_at)
                else a.occurred_at end as ts
              from activities a where a.kind = 'meeting' or a.direction = 'outbound') e
        join team_memberships m on m.rep_id = e.rep_id and m.valid_from <= e.ts
          and (m.valid_to is null or e.ts < m.valid_to)
        where m.team_id = ${south} and e.ts >= '2026-10-20T12:00:00Z' and e.ts < '2026-11-20T00:00:00Z'`,
    );
    expect(raw!.ana).toBeGreaterThan(0);
    expect(moved!.south).toBe(raw!.south);
    // Removing a membership moves the rep's rows to team 0.
    await db.execute(sql`delete from team_memberships where rep_id = ${ben}`);
    await expectExact(db);

    // A rebuild changes no figure; a TRUNCATE of a source leaves the rest exact and that source's share at 0.
    const before = await queryRows<Record<string, unknown>>(
      db,
      sql`select grain, bucket, team_id, currency, calls, emails, deals_won, won_minor, leads_created, deals_lost,
          lost_minor, deals_lost_with_reason
        from metric_team_rollups where calls + emails + deals_won + leads_created + deals_lost <> 0
        order by 1, 2, 3, 4`,
    );
    await db.execute(sql`select tally_rollup_rebuild_all()`);
    await expectExact(db);
    const after = await queryRows<Record<string, unknown>>(
      db,
      sql`select grain, bucket, team_id, currency, calls, emails, deals_won, won_minor, leads_created, deals_lost,
          lost_minor, deals_lost_with_reason
        from metric_team_rollups where calls + emails + deals_won + leads_created + deals_lost <> 0
        order by 1, 2, 3, 4`,
    );
    expect(after).toEqual(before);
    await db.execute(sql`truncate activities`);
    state = await expectExact(db);
    expect(state.calls).toBe(0);
    expect(state.deals).toBeGreaterThan(0);
    expect(state.withReason).toBeGreaterThan(0);
    await db.execute(sql`truncate opportunities cascade`);
    state = await expectExact(db);
    expect(state.deals).toBe(0);
  }, 120_000);
});
