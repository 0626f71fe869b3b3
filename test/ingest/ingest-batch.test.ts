import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ingestBatch, recordTouch, refreshFirstTouch } from '../../src/ingest/index.js';
import { emptyCreated } from '../../src/ingest/names.js';
import { describeDb } from '../helpers/db.js';
import { withInsertFailingOnce } from '../helpers/fail-once.js';
import { snapshotTables } from './snapshot.js';

// Monday 23 November 2026, 09:00 UTC: "now" for every write in this file.
const opts = { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z') };

describeDb('ingestBatch', (ctx) => {
  const firstTouch = async (externalId: string) => {
    const [row] = await queryRows<{ at: string | null }>(
      ctx.db(),
      sql`select to_char(first_touch_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at from leads where external_id = ${externalId}`,
    );
    return row?.at;
  };

  it('writes every entity in one multi-entity batch and resolves references', async () => {
    const result = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'teams',
            items: [{ name: 'EMEA', timezone: 'Europe/London', response_sla_seconds: 600 }],
          },
          {
            entity: 'reps',
            items: [{ name: 'Ann Lee', email: 'Ann@Example.com', team: 'EMEA', role: 'rep' }],
          },
          {
            entity: 'accounts',
            items: [{ external_id: 'ACC-1', name: 'Acme', became_customer_at: '2026-03-01' }],
          },
          {
            entity: 'leads',
            items: [
              {
                external_id: 'L-1',
                name: 'Bo',
                source: 'web',
                owner_email: 'ann@example.com',
                created_at: '2026-11-20T10:00:00Z',
              },
            ],
          },
          {
            entity: 'opportunities',
            items: [
              {
                external_id: 'O-1',
                lead_external_id: 'L-1',
                account: 'Acme',
                owner_email: 'ann@example.com',
                amount: '1054.10',
                created_at: '2026-11-21',
                stage: 'Closed Won',
                closed_at: '2026-11-22',
              },
            ],
          },
          {
            entity: 'activities',
            items: [
              {
                external_id: 'A-1',
                lead_external_id: 'L-1',
                rep_email: 'ann@example.com',
                kind: 'call',
                occurred_at: '2026-11-20T10:04:00Z',
                connected: 'yes',
              },
            ],
          },
          {
            entity: 'contracts',
            items: [
              {
                external_id: 'C-1',
                account: 'ACC-1',
                starts_at: '2026-03-01',
                ends_at: '2027-03-01',
                total_value: '12000',
                contract_years: '1',
              },
            ],
          },
        ],
      },
      opts,
    );
    // Five of its dates have no zone (read in UTC), and team EMEA counts its periods in Europe/London.
    expect(result).toEqual({
      inserted: 7,
      updated: 0,
      unchanged: 0,
      errors: [],
      zonelessDates: { count: 5, zone: 'UTC', teams: [{ name: 'EMEA', timezone: 'Europe/London' }] },
    });
    const [opp] = await queryRows<{
      amount: number;
      outcome: string;
      owner: string;
      account: string;
      lead: string;
    }>(
      ctx.db(),
      sql`select o.amount_minor as amount, o.outcome, r.name as owner, a.external_id as account, l.external_id as lead
          from opportunities o join reps r on r.id = o.owner_rep_id join accounts a on a.id = o.account_id
          join leads l on l.id = o.lead_id`,
    );
    expect(opp).toEqual({ amount: 105410, outcome: 'won', owner: 'Ann Lee', account: 'ACC-1', lead: 'L-1' });
    const [contract] = await queryRows<{ v: number; y: number }>(
      ctx.db(),
      sql`select total_value_minor as v, contract_years as y from contracts`,
    );
    expect(contract).toEqual({ v: 1200000, y: 1 });
    expect(await firstTouch('L-1')).toBe('2026-11-20 10:04');
  });

  it('leaves absent fields alone, so a second source can add converted_at to stored leads', async () => {
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-1', source: 'web', created_at: '2026-11-20' }] },
      opts,
    );
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'leads',
        items: [{ external_id: 'L-1', converted_at: '2026-11-22T12:00:00Z', owner_name: 'New Person' }],
      },
      opts,
    );
    expect(r).toEqual({ inserted: 0, updated: 1, unchanged: 0, errors: [] });
    const [lead] = await queryRows<{ source: string; created: string; converted: string; owner: string }>(
      ctx.db(),
      sql`select l.source, l.created_at::date::text as created, l.converted_at::date::text as converted, r.name as owner
          from leads l join reps r on r.id = l.owner_rep_id`,
    );
    expect(lead).toEqual({
      source: 'web',
      created: '2026-11-20',
      converted: '2026-11-22',
      owner: 'New Person',
    });
  });

  it('gives an unknown owner email to the rep known only by that name, and refuses a bare unknown email', async () => {
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-11-20', owner_name: 'Ann' }] },
      opts,
    );
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'leads',
        items: [
          { external_id: 'L-2', created_at: '2026-11-20', owner_name: 'Ann', owner_email: 'ann@example.com' },
        ],
      },
      opts,
    );
    expect(r.errors).toEqual([]);
    const owners = await queryRows<{ name: string; email: string | null; leads: number }>(
      ctx.db(),
      sql`select r.name, r.email, count(l.id)::int as leads from reps r left join leads l on l.owner_rep_id = r.id group by r.id`,
    );
    expect(owners).toEqual([{ name: 'Ann', email: 'ann@example.com', leads: 2 }]);
    const bare = await ingestBatch(
      ctx.db(),
      {
        entity: 'leads',
        items: [{ external_id: 'L-3', created_at: '2026-11-20', owner_email: 'who@example.com' }],
      },
      opts,
    );
    expect(bare.errors).toEqual([
      { index: 0, field: 'owner_email', message: expect.stringMatching(/^matches no rep: /) },
    ]);
  });

  it('reports a new row without a required field and writes nothing from the batch', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'leads',
        items: [
          { external_id: 'L-ok', created_at: '2026-11-20' },
          { external_id: 'L-bad' },
          { external_id: 'L-bad2', created_at: 'yesterday' },
        ],
      },
      opts,
    );
    expect(r.inserted).toBe(0);
    expect(r.errors).toEqual([
      { index: 1, field: 'created_at', message: expect.stringContaining('required for a new lead') },
      { index: 2, field: 'created_at', message: expect.stringContaining('not an ISO date') },
    ]);
    const [{ n }] = (await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from leads`)) as [
      { n: number },
    ];
    expect(n).toBe(0);
  });

  it('writes the good items and reports the bad ones when not atomic', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'activities',
        items: [
          { external_id: 'A-1', kind: 'call', occurred_at: '2026-11-20', lead_external_id: 'nope' },
          { external_id: 'A-2', kind: 'fax', occurred_at: '2026-11-20' },
          { external_id: 'A-3', kind: 'email', occurred_at: '2026-11-20' },
        ],
      },
      { ...opts, atomic: false },
    );
    expect(r.inserted).toBe(1);
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([
      [0, 'lead_external_id'],
      [1, 'kind'],
    ]);
  });

  it('leaves out the own-value warnings of an item the writer refused, when not atomic', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'opportunities',
        items: [
          { external_id: 'O-W1', owner_email: 'nobody@example.com', created_at: '2026-01-05', amount: -5 },
          { external_id: 'O-W2', created_at: '2026-01-05', amount: -7 },
        ],
      },
      { ...opts, atomic: false },
    );
    expect(r.inserted).toBe(1);
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([[0, 'owner_email']]);
    expect(r.warnings).toEqual([{ index: 1, kind: 'amount negative', message: 'a deal with amount -7' }]);
  });

  // Fresh tester (LOW): a quoted CSV cell spanning lines made a rep name with CRLF, and a product that broke
  // its split table row in two.
  it('stores a name or product written over several lines on one line', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        batches: [
          { entity: 'reps', items: [{ name: 'Eve\r\nMulti', email: 'eve@example.com' }] },
          {
            entity: 'opportunities',
            items: [{ external_id: 'O-NL', created_at: '2026-01-05', product: 'Widget \n  Pro\u2028X' }],
          },
        ],
      },
      opts,
    );
    expect(r.errors).toEqual([]);
    expect(
      await queryRows(
        ctx.db(),
        sql`select (select name from reps where email = 'eve@example.com') as rep,
                   (select product from opportunities where external_id = 'O-NL') as product`,
      ),
    ).toEqual([{ rep: 'Eve Multi', product: 'Widget Pro X' }]);
  });

  it('changes nothing on replay', async () => {
    const batch = {
      batches: [
        { entity: 'reps' as const, items: [{ name: 'Ann', email: 'ann@example.com', team: 'A' }] },
        {
          entity: 'leads' as const,
          items: [{ external_id: 'L-1', created_at: '2026-11-20T10:00:00Z', owner_email: 'ann@example.com' }],
        },
        {
          entity: 'activities' as const,
          items: [
            {
              external_id: 'A-1',
              lead_external_id: 'L-1',
              kind: 'email',
              occurred_at: '2026-11-20T11:00:00Z',
            },
          ],
        },
        {
          entity: 'opportunities' as const,
          items: [
            {
              external_id: 'O-1',
              created_at: '2026-11-20',
              stage: 'Lost',
              closed_at: '2026-11-21',
              owner_name: 'Zed',
            },
          ],
        },
      ],
    };
    await ingestBatch(ctx.db(), batch, opts);
    const before = await snapshotTables(ctx.db());
    const again = await ingestBatch(ctx.db(), batch, { ...opts, now: new Date('2026-11-24T09:00:00Z') });
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 4, errors: [] });
    expect(await snapshotTables(ctx.db())).toEqual(before);
  });

  it('keeps first_touch_at at the earliest outbound activity whatever order activities arrive in', async () => {
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-11-20T08:00:00Z' }] },
      opts,
    );
    const act = (id: string, at: string, direction = 'outbound') => ({
      entity: 'activities' as const,
      items: [{ external_id: id, lead_external_id: 'L-1', kind: 'call', occurred_at: at, direction }],
    });
    await ingestBatch(ctx.db(), act('A-late', '2026-11-20T12:00:00Z'), opts);
    expect(await firstTouch('L-1')).toBe('2026-11-20 12:00');
    // An inbound call earlier does not count as a touch.
    await ingestBatch(ctx.db(), act('A-in', '2026-11-20T08:30:00Z', 'inbound'), opts);
    expect(await firstTouch('L-1')).toBe('2026-11-20 12:00');
    // An earlier outbound email synced late moves the first touch back.
    await ingestBatch(ctx.db(), act('A-early', '2026-11-20T09:15:00Z'), opts);
    expect(await firstTouch('L-1')).toBe('2026-11-20 09:15');
    // Correcting that activity's time forward moves it again; moving it to another lead restores L-1's.
    await ingestBatch(ctx.db(), act('A-early', '2026-11-20T12:30:00Z'), opts);
    expect(await firstTouch('L-1')).toBe('2026-11-20 12:00');
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-2', created_at: '2026-11-20T08:00:00Z' }] },
      opts,
    );
    await ingestBatch(
      ctx.db(),
      { entity: 'activities', items: [{ external_id: 'A-late', lead_external_id: 'L-2' }] },
      opts,
    );
    expect(await firstTouch('L-1')).toBe('2026-11-20 12:30');
    expect(await firstTouch('L-2')).toBe('2026-11-20 12:00');
  });

  it('records a touch from a button and refreshes first_touch_at, once per external id', async () => {
    await ingestBatch(
      ctx.db(),
      { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-11-20T08:00:00Z' }] },
      opts,
    );
    const [lead] = await queryRows<{ id: number }>(ctx.db(), sql`select id from leads`);
    const at = new Date('2026-11-20T08:07:00Z');
    const first = await recordTouch(ctx.db(), {
      leadId: lead!.id,
      repId: null,
      kind: 'call',
      at,
      externalId: 'btn-1',
    });
    expect(first.firstTouchAt?.toISOString()).toBe('2026-11-20T08:07:00.000Z');
    const again = await recordTouch(ctx.db(), {
      leadId: lead!.id,
      repId: null,
      kind: 'call',
      at,
      externalId: 'btn-1',
    });
    expect(again.activityId).toBeNull();
    const [{ n }] = (await queryRows<{ n: number }>(
      ctx.db(),
      sql`select count(*)::int as n from activities`,
    )) as [{ n: number }];
    expect(n).toBe(1);
    await expect(recordTouch(ctx.db(), { leadId: 999_999, repId: null, kind: 'call', at })).rejects.toThrow(
      /no lead/,
    );
  });

  it('recomputes first_touch_at for all leads after a bulk load', async () => {
    await ingestBatch(
      ctx.db(),
      {
        entity: 'leads',
        items: [
          { external_id: 'L-1', created_at: '2026-11-20' },
          { external_id: 'L-2', created_at: '2026-11-20' },
        ],
      },
      opts,
    );
    const [l1] = await queryRows<{ id: number }>(
      ctx.db(),
      sql`select id from leads where external_id = 'L-1'`,
    );
    // A bulk writer (the seed) inserts activities directly, then asks for one recomputation.
    await ctx.db().execute(
      sql`insert into activities (external_id, lead_id, kind, direction, occurred_at)
          values ('b1', ${l1!.id}, 'email', 'outbound', '2026-11-20T10:00:00Z'), ('b2', ${l1!.id}, 'call', 'outbound', '2026-11-20T09:00:00Z')`,
    );
    expect(await refreshFirstTouch(ctx.db(), 'all')).toBe(1);
    expect(await firstTouch('L-1')).toBe('2026-11-20 09:00');
    expect(await firstTouch('L-2')).toBeNull();
    expect(await refreshFirstTouch(ctx.db(), 'all')).toBe(0);
  });

  it('lists what a retried request created once: only the attempt that committed counts', async () => {
    // The first attempt loses a race (SQLSTATE 40001, as a concurrent writer would cause) after it created
    // the owner and the account; ingestBatch runs it again. A sequence is not rolled back, so the trigger
    // fails exactly once.
    const db = ctx.db();
    await withInsertFailingOnce(db, 'opportunities', async () => {
      const created = emptyCreated();
      const r = await ingestBatch(
        db,
        {
          entity: 'opportunities',
          items: [
            { external_id: 'O-1', created_at: '2026-11-01', owner_name: 'Bo Diaz', account: 'Initech' },
          ],
        },
        { ...opts, created },
      );
      expect(r).toMatchObject({ inserted: 1, errors: [] });
      expect(await queryRows(db, sql`select last_value::int as n from h_fail_once`)).toEqual([{ n: 2 }]);
      expect(created).toEqual({ reps: [{ name: 'Bo Diaz', email: null }], teams: [], accounts: ['Initech'] });
    });
  });
});
