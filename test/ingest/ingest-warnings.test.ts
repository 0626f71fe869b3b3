import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { reps } from '../../src/db/schema/index.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer, refusedItems } from '../helpers/ingest-server.js';

describeDb('POST /api/v1/ingest: warnings, locale and date_format wording', (ctx) => {
  const post = ingestServer(ctx, '2026-11-23T09:00:00Z');

  it('warns about an item with outcome open and a closed_at, naming the request field', async () => {
    const r = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-1', created_at: '2026-01-05', outcome: 'open', closed_at: '2026-02-01' },
        { external_id: 'O-2', created_at: '2026-01-05', outcome: 'open' },
      ],
    });
    expect(r.body).toEqual({
      ok: true,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      warnings: [
        {
          index: 0,
          kind: 'closed but outcome open',
          message:
            'outcome "open" but closed_at 2026-02-01 (stored as given: the deal stays open, in no win rate, cycle or revenue, and in pipeline coverage only by its expected_close_date); if it was won or lost, write that in "outcome"',
        },
      ],
    });
  });

  it('reports the CSV summary warnings per item, and which duplicate won', async () => {
    const r = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-1', created_at: '2026-01-05', amount: 100, stage: 'Open' },
        { external_id: 'O-2', created_at: '2026-01-05', closed_at: '2026-01-01', stage: 'Closed Lost' },
        { external_id: 'O-3', created_at: '2026-01-05', closed_at: '2026-02-01', stage: 'Won', amount: -5 },
        { external_id: 'O-1', created_at: '2026-01-05', amount: 250, stage: 'Open' },
        { external_id: 'O-4', created_at: '2026-01-05', closed_at: '2026-02-01', stage: 'Contract Sent' },
        { external_id: 'O-5', created_at: '2026-01-05', amount: 10, stage: 'Open' },
      ],
    });
    expect(r).toEqual({
      status: 200,
      body: {
        ok: true,
        inserted: 5,
        updated: 0,
        unchanged: 0,
        warnings: [
          {
            index: 1,
            kind: 'close before create',
            message:
              'closed_at 2026-01-01 is before created_at 2026-01-05 (stored as given; the cycle counts as 0 days)',
          },
          { index: 2, kind: 'won amount not positive', message: 'a won deal with amount -5' },
          {
            index: 3,
            kind: 'duplicate id',
            message: 'external id O-1 is item 0 and again item 3: the later item (3) wins, field by field',
          },
          {
            index: 4,
            kind: 'closed but stage reads open',
            message:
              'stage "Contract Sent" has a close date but reads as open; if it is a won or lost stage, add it to "won_stages" or "lost_stages" in the request',
          },
        ],
      },
    });
    const rows = await queryRows<{ amount: number }>(
      ctx.db(),
      sql`select amount_minor::float8 as amount from opportunities where external_id = 'O-1'`,
    );
    expect(rows).toEqual([{ amount: 25000 }]);
    // Nothing suspicious: no warnings key at all.
    const clean = await post({
      entity: 'opportunities',
      items: [{ external_id: 'O-9', created_at: '2026-01-05', amount: 1, stage: 'Open' }],
    });
    expect(clean.body).toEqual({ ok: true, inserted: 1, updated: 0, unchanged: 0 });
  });

  it('reports a contract that adds nothing to ARR, as the CSV summary counts it', async () => {
    const dates = { account: 'A5', starts_at: '2026-01-01', ends_at: '2027-01-01' };
    const r = await post({
      entity: 'contracts',
      items: [
        { external_id: 'V1', ...dates, licenses: 5, total_value: null },
        { external_id: 'V2', ...dates, total_value: 12000 },
        {
          external_id: 'V3',
          account: 'A5',
          starts_at: '2026-12-03T12:00:00Z',
          ends_at: '2026-12-03T18:00:00Z',
          total_value: 500,
        },
        { external_id: 'V4', ...dates, licenses: 5, revenue_per_license: 100 },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, inserted: 4 });
    expect(r.body.warnings).toEqual([
      {
        index: 0,
        kind: 'adds nothing to ARR',
        message:
          'no total_value, and no licenses with revenue_per_license: it counts as an active contract that adds nothing to ARR (stored as given); give total_value, or licenses and revenue_per_license',
      },
      {
        index: 2,
        kind: 'adds nothing to ARR',
        message:
          "starts_at 2026-12-03T12:00Z and ends_at 2026-12-03T18:00Z are on the same day, so its total_value runs over zero contract years: it counts as an active contract that adds nothing to ARR (stored as given); give contract_years, or the contract's real dates",
      },
    ]);
    // An update that leaves total_value out keeps the stored one: not judged.
    const renewal = await post({
      entity: 'contracts',
      items: [{ external_id: 'V2', account: 'A5', starts_at: '2026-01-01', ends_at: '2028-01-01' }],
    });
    expect(renewal.body).toMatchObject({ ok: true, inserted: 0, updated: 1, unchanged: 0 });
    expect(renewal.body.warnings).toBeUndefined();
  });

  // Tester (HIGH): a won deal with amount "  " was stored without an amount and counted as $0 in average deal
  // size, with no warning. Counted per item now, like a won amount of 0.
  it('reports a won deal whose amount is empty, blank or null, as the CSV summary counts it', async () => {
    const deal = { created_at: '2026-07-01', closed_at: '2026-08-21', stage: 'Closed Won' };
    const detail =
      'a won deal with no amount (stored as given: it counts as a win, but is left out of average deal size and adds nothing to revenue); give its amount in the source';
    const r = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-7', ...deal, amount: 2500 },
        { external_id: 'O-8', ...deal, amount: '  ' },
        { external_id: 'O-9', ...deal, amount: null },
        { external_id: 'O-10', ...deal, amount_minor: null },
        // No amount field at all: says nothing (an update keeps the stored amount).
        { external_id: 'O-11', ...deal },
        // Lost or open without an amount: not a win.
        { external_id: 'O-12', ...deal, stage: 'Closed Lost', amount: null },
        { external_id: 'O-13', created_at: '2026-07-01', stage: 'Discovery', amount: '' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      { index: 1, kind: 'won amount missing', message: detail },
      { index: 2, kind: 'won amount missing', message: detail },
      { index: 3, kind: 'won amount missing', message: detail },
    ]);
    // Stored as given: won, without an amount.
    const rows = await queryRows<{ id: string; amount: number | null; outcome: string }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount, outcome from opportunities
        where external_id in ('O-7', 'O-8') order by external_id`,
    );
    expect(rows).toEqual([
      { id: 'O-7', amount: 250000, outcome: 'won' },
      { id: 'O-8', amount: null, outcome: 'won' },
    ]);
  });

  it('reports an outcome that contradicts its stage, as the CSV summary counts it', async () => {
    const deal = { created_at: '2026-01-05', closed_at: '2026-02-01', amount: 10 };
    const r = await post({
      entity: 'opportunities',
      lost_stages: ['Gone dark'],
      items: [
        { external_id: 'O-1', ...deal, stage: 'Closed Lost', outcome: 'won' },
        { external_id: 'O-2', ...deal, stage: 'Closed Won', outcome: 'won' },
        { external_id: 'O-3', ...deal, stage: 'closedwon', outcome: 'lost' },
        { external_id: 'O-4', ...deal, stage: 'Gone dark', outcome: 'won' },
        { external_id: 'O-5', ...deal, stage: 'Negotiation', outcome: 'lost' },
        // helper-177 #8: an open outcome beside a won stage went unremarked.
        { external_id: 'O-6', created_at: '2026-01-05', stage: 'Closed Won', outcome: 'open' },
        { external_id: 'O-7', created_at: '2026-01-05', stage: 'Negotiation', outcome: 'open' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      {
        index: 0,
        kind: 'outcome contradicts stage',
        message:
          'outcome "won" but stage "Closed Lost" reads as lost (stored as given: the outcome counts, so the deal counts as won); fix whichever of the two is wrong in the source',
      },
      {
        index: 2,
        kind: 'outcome contradicts stage',
        message:
          'outcome "lost" but stage "closedwon" reads as won (stored as given: the outcome counts, so the deal counts as lost); fix whichever of the two is wrong in the source',
      },
      {
        index: 3,
        kind: 'outcome contradicts stage',
        message:
          'outcome "won" but stage "Gone dark" reads as lost (stored as given: the outcome counts, so the deal counts as won); fix whichever of the two is wrong in the source',
      },
      {
        index: 5,
        kind: 'outcome contradicts stage',
        message:
          'outcome "open" but stage "Closed Won" reads as won (stored as given: the outcome counts, so the deal counts as open); fix whichever of the two is wrong in the source',
      },
    ]);
  });

  it('reports an account churned before it became a customer, as the CSV summary counts it', async () => {
    const r = await post({
      entity: 'accounts',
      items: [
        { external_id: 'Beta', name: 'Beta', became_customer_at: '2026-04-02', churned_at: '2026-03-01' },
        { external_id: 'G-1', name: 'Gamma', became_customer_at: '2026-01-01', churned_at: '2026-06-01' },
        { external_id: 'T-1', name: 'Theta', churned_at: '2026-03-01' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      {
        index: 0,
        kind: 'churn before customer',
        message:
          'churned_at 2026-03-01 is before became_customer_at 2026-04-02 (stored as given: it counts as a customer for no time, so retention and customer counts leave it out while ARR still counts its contracts); fix whichever date is wrong in the source',
      },
    ]);
  });

  // Tester: an id on three items said "is item 0 and again item 4: the later item (4) wins" on item 4,
  // though item 5 is the one stored. Each repeating item names every item of the id and the last, as the
  // CSV import's warning does (items numbered from 0, as everywhere in the answer).
  it('names every item of an id on three or more items, and the last as the one that wins', async () => {
    const opp = (id: string, amount: number) => ({
      external_id: id,
      created_at: '2026-01-05',
      amount,
      stage: 'Open',
    });
    const r = await post({
      entity: 'opportunities',
      items: [opp('O-1', 1), opp('O-2', 2), opp('O-3', 3), opp('O-2', 4), opp('O-1', 5), opp('O-1', 6)],
    });
    const many = 'external id O-1 is on 3 items (0, 4, 5): the last, item 5, wins, field by field';
    expect(r.body.warnings).toEqual([
      {
        index: 3,
        kind: 'duplicate id',
        message: 'external id O-2 is item 1 and again item 3: the later item (3) wins, field by field',
      },
      { index: 4, kind: 'duplicate id', message: many },
      { index: 5, kind: 'duplicate id', message: many },
    ]);
    // Past five items the last is still named; an account without an id, named on three items, likewise (in
    // the words of its first repeat, as the CSV detail).
    const seven = await post({
      entity: 'leads',
      items: [0, 1, 2, 3, 4, 5, 6].map(() => ({ external_id: 'L-1', created_at: '2026-01-05' })),
    });
    expect((seven.body.warnings as { message: string }[]).map((w: { message: string }) => w.message)).toEqual(
      Array(6).fill(
        'external id L-1 is on 7 items (0, 1, 2, 3, 4, …, 6): the last, item 6, wins, field by field',
      ),
    );
    const named = await post({
      entity: 'accounts',
      items: [{ name: 'Zeta' }, { name: 'zeta' }, { name: 'ZETA' }],
    });
    expect(
      (named.body.warnings as { index: number; message: string }[]).map(
        (w: { index: number; message: string }) => [w.index, w.message],
      ),
    ).toEqual([
      [
        1,
        'account name "zeta" (no external id) names one account on 3 items (0, 1, 2): the last, item 2, wins, field by field',
      ],
      [
        2,
        'account name "zeta" (no external id) names one account on 3 items (0, 1, 2): the last, item 2, wins, field by field',
      ],
    ]);
  });

  // An item the writer refuses (a request that is not atomic) is not one of its id's items: item 0 refused
  // leaves items 1 and 2, so item 1 repeats nothing and item 2 repeats item 1.
  it("leaves a refused item out of its id's items in the duplicate-id warnings", async () => {
    const item = (owner: string) => ({
      external_id: 'O-9',
      owner_email: owner,
      created_at: '2026-01-05',
      stage: 'Open',
    });
    await ctx.db().insert(reps).values({ name: 'Ana', email: 'ana@x.com' });
    const r = await ingestBatch(
      ctx.db(),
      { entity: 'opportunities', items: [item('nobody@x.com'), item('ana@x.com'), item('ana@x.com')] },
      { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z'), atomic: false },
    );
    expect(r.errors.map((e) => e.index)).toEqual([0]);
    expect(r.warnings).toEqual([
      {
        index: 2,
        kind: 'duplicate id',
        message: 'external id O-9 is item 1 and again item 2: the later item (2) wins, field by field',
      },
    ]);
  });

  it('leaves out the warnings of an item replaced by a later item with its external id', async () => {
    const r = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-1', created_at: '2026-03-05', closed_at: '2026-02-01', stage: 'Won', amount: -5 },
        { external_id: 'O-2', created_at: '2026-01-05', closed_at: '2026-02-01', stage: 'Lost', amount: -1 },
        { external_id: 'O-1', created_at: '2026-01-05', closed_at: '2026-02-01', stage: 'Won', amount: 5 },
        { external_id: 'O-2', created_at: '2026-01-05', closed_at: '2026-02-01', stage: 'Lost', amount: -2 },
      ],
    });
    expect(r.body.warnings).toEqual([
      {
        index: 2,
        kind: 'duplicate id',
        message: 'external id O-1 is item 0 and again item 2: the later item (2) wins, field by field',
      },
      {
        index: 3,
        kind: 'duplicate id',
        message: 'external id O-2 is item 1 and again item 3: the later item (3) wins, field by field',
      },
      { index: 3, kind: 'amount negative', message: 'a lost deal with amount -2' },
    ]);
  });

  it('warns about an outbound touch logged before its lead was created, in item order', async () => {
    const r = await post({
      batches: [
        { entity: 'leads', items: [{ external_id: 'L-1', created_at: '2026-01-05T10:00:00Z' }] },
        {
          entity: 'activities',
          items: [
            {
              external_id: 'A-1',
              rep_name: 'Ana',
              lead_external_id: 'L-1',
              kind: 'call',
              occurred_at: '2026-01-05T11:00:00Z',
            },
            {
              external_id: 'A-2',
              rep_name: 'Ana',
              lead_external_id: 'L-1',
              kind: 'call',
              occurred_at: '2026-01-04T10:00:00Z',
            },
            {
              external_id: 'A-3',
              rep_name: 'Ana',
              lead_external_id: 'L-1',
              kind: 'call',
              occurred_at: '2099-01-04T10:00:00Z',
            },
          ],
        },
      ],
    });
    expect(r.body.warnings).toEqual([
      {
        index: 1,
        entity: 'activities',
        kind: 'touch before lead created',
        message:
          "occurred_at 2026-01-04T10:00Z is before lead L-1's created_at 2026-01-05T10:00Z (stored as given; its response time counts as 0 s)",
      },
      expect.objectContaining({ index: 2, entity: 'activities', kind: 'date in the future' }),
    ]);
  });

  it('names the entity of each warning in a multi-entity request', async () => {
    const r = await post({
      batches: [
        {
          entity: 'leads',
          items: [
            { external_id: 'L-1', created_at: '2026-01-05' },
            { external_id: 'L-1', created_at: '2026-01-06' },
          ],
        },
      ],
    });
    expect(r.body.warnings).toEqual([
      {
        index: 1,
        kind: 'duplicate id',
        entity: 'leads',
        message: 'external id L-1 is item 0 and again item 1: the later item (1) wins, field by field',
      },
    ]);
  });

  it('names the request fields locale / decimal / date_format, not CLI options', async () => {
    const r = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-1', created_at: '2026-01-05', amount: '4.200' },
        { external_id: 'O-2', created_at: '3/4/2026' },
      ],
    });
    expect(r).toEqual(
      refusedItems([
        {
          index: 0,
          field: 'amount',
          message:
            '"4.200" could be 4.2 or 4200; say how the request writes numbers with its "locale" field (e.g. "locale": "de-DE" or "locale": "en-US") or its "decimal" field ("," or ".")',
        },
        {
          index: 1,
          field: 'created_at',
          message:
            '"3/4/2026" is not an ISO date (YYYY-MM-DD) and could be month/day/year or day/month/year; say which with the request\'s "date_format" field ("MDY" for month/day/year or "DMY" for day/month/year)',
        },
      ]),
    );
    const forced = await post({
      entity: 'opportunities',
      decimal: ',',
      items: [{ external_id: 'O-1', created_at: '2026-01-05', amount: '12.50' }],
    });
    expect(forced.body.errors).toEqual([
      {
        index: 0,
        field: 'amount',
        message:
          '"12.50" does not read as a number with "," as decimal mark (check the request\'s "locale" / "decimal" field)',
      },
    ]);
    const ok = await post({
      entity: 'opportunities',
      locale: 'de-DE',
      date_format: 'MDY',
      items: [{ external_id: 'O-1', created_at: '3/4/2026', amount: '4.200' }],
    });
    expect(ok.status).toBe(200);
    const rows = await queryRows<{ amount: number; created: string }>(
      ctx.db(),
      sql`select amount_minor::float8 as amount, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as created from opportunities`,
    );
    expect(rows).toEqual([{ amount: 420000, created: '2026-03-04' }]);
  });
});
