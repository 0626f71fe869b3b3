import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';

const opts = { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z') };
const AMBIGUOUS =
  '"4.200" could be 4.2 or 4200; say how the request writes numbers with its "locale" field (e.g. "locale": "de-DE" or "locale": "en-US") or its "decimal" field ("," or ".")';

/**
 * What settles an ambiguous amount ("4.200") in an ingest request: the marks of the request's items that are
 * stored, or the item's own amounts; never an item refused while reading or by the writer (NumberContext).
 */
describeDb('ingestBatch: evidence of the decimal mark', (ctx) => {
  const opps = () =>
    queryRows<{ id: string; amount: number | null }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount from opportunities order by external_id`,
    );

  it('does not settle "4.200" with the mark of an item refused while reading', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        entity: 'opportunities',
        items: [
          { external_id: 'O-1', created_at: 'someday', amount: '12.50' },
          { created_at: '2026-01-05', amount: '99.50' },
          { external_id: 'O-2', created_at: '2026-01-05', amount: '4.200' },
        ],
      },
      { ...opts, atomic: false },
    );
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([
      [0, 'created_at'],
      [1, 'external_id'],
      [2, 'amount'],
    ]);
    expect(r.errors[2]!.message).toBe(AMBIGUOUS);
    expect(await opps()).toEqual([]);
  });

  it('does not settle "4.200" with the mark of an item the writer refuses, atomic or not', async () => {
    const items = [
      { external_id: 'O-1', created_at: '2026-01-05', amount: '12.50', lead_external_id: 'L-404' },
      { external_id: 'O-2', created_at: '2026-01-05', amount: '4.200' },
      { external_id: 'O-3', created_at: '2026-01-05', amount: '7' },
    ];
    for (const atomic of [true, false]) {
      const r = await ingestBatch(ctx.db(), { entity: 'opportunities', items }, { ...opts, atomic });
      expect(r.errors.map((e) => [e.index, e.field])).toEqual([
        [0, 'lead_external_id'],
        [1, 'amount'],
      ]);
      expect(r.errors[1]!.message).toBe(AMBIGUOUS);
      expect(await opps()).toEqual(atomic ? [] : [{ id: 'O-3', amount: 700 }]);
    }
    // In a later batch of the same request too.
    await ctx.db().execute(sql`delete from opportunities`);
    const split = await ingestBatch(
      ctx.db(),
      {
        batches: [
          { entity: 'opportunities', items: [items[0]!] },
          { entity: 'opportunities', items: [items[1]!] },
        ],
      },
      { ...opts, atomic: false },
    );
    expect(split.errors.map((e) => [e.entity, e.index, e.field])).toEqual([
      ['opportunities', 0, 'lead_external_id'],
      ['opportunities', 0, 'amount'],
    ]);
    expect(await opps()).toEqual([]);
  });

  it('settles "4.200" with the mark of a stored item of the request, or with its own amounts', async () => {
    const r = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'opportunities',
            items: [
              { external_id: 'O-1', created_at: '2026-01-05', amount: '4.200' },
              { external_id: 'O-2', created_at: '2026-01-05', amount: '12.50' },
            ],
          },
          {
            entity: 'contracts',
            items: [
              {
                external_id: 'C-1',
                account: 'Acme',
                starts_at: '2026-01-01',
                ends_at: '2027-01-01',
                total_value: '1.234,50',
                revenue_per_license: '1.500',
              },
            ],
          },
        ],
      },
      opts,
    );
    // "1.234,50" shows "," beside the request's "12.50": both ways, so it is refused.
    expect(r.errors.map((e) => [e.entity, e.index, e.field])).toEqual([
      ['contracts', 0, 'total_value'],
      ['contracts', 0, 'revenue_per_license'],
    ]);
    const ok = await ingestBatch(
      ctx.db(),
      {
        entity: 'contracts',
        items: [
          {
            external_id: 'C-1',
            account: 'Acme',
            starts_at: '2026-01-01',
            ends_at: '2027-01-01',
            total_value: '1.234,50',
            revenue_per_license: '1.500',
          },
        ],
      },
      opts,
    );
    expect(ok.errors).toEqual([]);
    const [c] = await queryRows<{ total: number; perLicense: number }>(
      ctx.db(),
      sql`select total_value_minor::float8 as total, revenue_per_license_minor::float8 as "perLicense" from contracts`,
    );
    expect(c).toEqual({ total: 123450, perLicense: 150000 });
    const deals = await ingestBatch(
      ctx.db(),
      {
        entity: 'opportunities',
        items: [
          { external_id: 'O-1', created_at: '2026-01-05', amount: '4.200' },
          { external_id: 'O-2', created_at: '2026-01-05', amount: '12.50' },
        ],
      },
      opts,
    );
    expect(deals.errors).toEqual([]);
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 420 },
      { id: 'O-2', amount: 1250 },
    ]);
  });
});
