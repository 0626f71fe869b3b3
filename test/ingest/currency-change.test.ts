import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer, refusedItems } from '../helpers/ingest-server.js';

const RESCALES = "amounts are kept in the currency's own units";
const refusal = (index: number, from: string, to: string, without = 'an amount', again = 'the amount') => ({
  index,
  field: 'currency',
  message: `would change from ${from} to ${to} without ${without}: ${RESCALES}, so send ${again} again with the new currency`,
});

// Tester (HIGH): amounts are minor units of the row's currency, so `{"external_id":"J1","currency":"USD"}`
// turned ¥1,054 into $10.54 (and "KWD" into 1.054 KWD, null into USD again), answered 200 "updated".
describeDb('ingest API: a currency change without the amount', (ctx) => {
  const post = ingestServer(ctx, '2026-11-23T09:00:00Z');
  const opps = () =>
    queryRows<{ id: string; amount: number | null; currency: string }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount, currency from opportunities order by external_id`,
    );
  const deals = (items: unknown[]) => post({ entity: 'opportunities', items });
  const j1 = {
    external_id: 'J1',
    created_at: '2026-11-01',
    owner_email: 'cy@x.com',
    owner_name: 'Cy',
    amount: '1054',
    currency: 'JPY',
    stage: 'Won',
    closed_at: '2026-11-20',
  };

  it('refuses a new currency (or an emptied one) under a stored amount, naming the field', async () => {
    expect((await deals([j1])).status).toBe(200);
    expect(await deals([{ external_id: 'J1', currency: 'USD' }])).toEqual(
      refusedItems([refusal(0, 'JPY', 'USD')]),
    );
    expect(await deals([{ external_id: 'J1', currency: 'KWD' }])).toEqual(
      refusedItems([refusal(0, 'JPY', 'KWD')]),
    );
    // null empties the field, which would set the column default: USD, under the same 1054.
    expect(await deals([{ external_id: 'J1', currency: null }])).toEqual(
      refusedItems([refusal(0, 'JPY', 'USD')]),
    );
    expect(await opps()).toEqual([{ id: 'J1', amount: 1054, currency: 'JPY' }]);
  });

  it('takes the new currency with the amount, and keeps the stored one when the item leaves it out', async () => {
    expect((await deals([j1])).status).toBe(200);
    // No currency key: the stored JPY stays, for the amount too (2000 is ¥2,000).
    expect((await deals([{ external_id: 'J1', amount: 2000 }])).status).toBe(200);
    expect(await opps()).toEqual([{ id: 'J1', amount: 2000, currency: 'JPY' }]);
    // The same currency again (any case) changes nothing.
    expect((await deals([{ external_id: 'J1', currency: 'jpy' }])).status).toBe(200);
    const moved = await deals([{ external_id: 'J1', currency: 'USD', amount: '13.50' }]);
    expect(moved.status).toBe(200);
    expect(await opps()).toEqual([{ id: 'J1', amount: 1350, currency: 'USD' }]);
    expect((await deals([{ external_id: 'J1', currency: 'KWD', amount_minor: 4150 }])).status).toBe(200);
    expect(await opps()).toEqual([{ id: 'J1', amount: 4150, currency: 'KWD' }]);
    // Clearing the amount with the currency leaves nothing to rescale; a deal without one changes freely.
    expect((await deals([{ external_id: 'J1', currency: 'EUR', amount: null }])).status).toBe(200);
    expect((await deals([{ external_id: 'J1', currency: 'GBP' }])).status).toBe(200);
    expect(await opps()).toEqual([{ id: 'J1', amount: null, currency: 'GBP' }]);
  });

  it('judges an item by the earlier items of its request for the same deal', async () => {
    // Merged into one row, these would store 1054 USD for a deal just sent as ¥1,054.
    expect(await deals([j1, { external_id: 'J1', currency: 'USD' }])).toEqual(
      refusedItems([refusal(1, 'JPY', 'USD')]),
    );
    expect(await opps()).toEqual([]);
    // An amount without a currency after a currency change in the same request is read in the new one.
    const ok = await deals([
      j1,
      { external_id: 'J1', currency: 'KWD', amount: '1.5' },
      { external_id: 'J1', amount: '2.25' },
    ]);
    expect(ok.status).toBe(200);
    expect(await opps()).toEqual([{ id: 'J1', amount: 2250, currency: 'KWD' }]);
  });

  it('refuses the same for contracts, naming each amount the item leaves stored', async () => {
    const contract = {
      external_id: 'C1',
      account: 'Acme',
      starts_at: '2026-01-01',
      ends_at: '2027-01-01',
      total_value: '1200000',
      revenue_per_license: '100000',
      currency: 'JPY',
    };
    const contracts = (items: unknown[]) => post({ entity: 'contracts', items });
    expect((await contracts([contract])).status).toBe(200);
    expect(await contracts([{ external_id: 'C1', currency: 'EUR', total_value: '9000' }])).toEqual(
      refusedItems([refusal(0, 'JPY', 'EUR', 'revenue_per_license', 'revenue_per_license')]),
    );
    expect(await contracts([{ external_id: 'C1', currency: 'EUR' }])).toEqual(
      refusedItems([
        refusal(
          0,
          'JPY',
          'EUR',
          'total_value and revenue_per_license',
          'total_value and revenue_per_license',
        ),
      ]),
    );
    // An amount that names another currency ("€ 9000") than the stored one, without a currency, is refused
    // (tester MED: a symbol is no word that the record changes currency; a currency field is).
    expect(await contracts([{ external_id: 'C1', total_value: '€ 9000' }])).toEqual(
      refusedItems([
        {
          index: 0,
          field: 'total_value',
          message: '"€ 9000" is in EUR but C1 is stored in JPY: add a currency column to change its currency',
        },
      ]),
    );
    const both = await contracts([
      { external_id: 'C1', currency: 'EUR', total_value: '9000', revenue_per_license: '750.50' },
    ]);
    expect(both.status).toBe(200);
    const stored = await queryRows<{ total: number; per: number; currency: string }>(
      ctx.db(),
      sql`select total_value_minor::float8 as total, revenue_per_license_minor::float8 as per, currency from contracts`,
    );
    expect(stored).toEqual([{ total: 900000, per: 75050, currency: 'EUR' }]);
  });
});
