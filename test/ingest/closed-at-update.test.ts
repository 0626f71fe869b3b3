import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer, refusedItems } from '../helpers/ingest-server.js';

const closing = (index: number, outcome: string, field: 'outcome' | 'stage') => ({
  index,
  field: 'closed_at',
  message: `is required when the outcome is ${outcome}: the deal has no closed_at, so send closed_at with the ${field}`,
});
const emptied = (index: number, outcome: string) => ({
  index,
  field: 'closed_at',
  message: `is required when the outcome is ${outcome}: the deal stays ${outcome}, so send closed_at, or an open outcome or stage with the empty closed_at`,
});

// Tester (HIGH): `{"external_id":"IO-2","outcome":"won"}` for a stored open deal answered 500 "internal
// error; nothing was written" (the table's check opportunities_closed_check), where a new deal gets a 400
// naming closed_at.
describeDb('ingest API: closing or reopening a stored deal with a partial update', (ctx) => {
  const post = ingestServer(ctx, '2026-11-23T09:00:00Z');
  const deals = (items: unknown[]) => post({ entity: 'opportunities', items });
  const stored = () =>
    queryRows<{ id: string; outcome: string; closed: string | null }>(
      ctx.db(),
      sql`select external_id as id, outcome, to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD') as closed
          from opportunities order by external_id`,
    );
  const owner = { owner_email: 'zoe@example.com', owner_name: 'Zoe' };
  const open = { external_id: 'IO-2', created_at: '2026-11-01', amount_minor: '100', ...owner };
  const won = { ...open, external_id: 'IO-3', stage: 'Closed Won', closed_at: '2026-11-20' };

  it('refuses an outcome or stage that closes a stored deal without closed_at, naming closed_at', async () => {
    expect((await deals([open, won])).status).toBe(200);
    expect(await deals([{ external_id: 'IO-2', outcome: 'won' }])).toEqual(
      refusedItems([closing(0, 'won', 'outcome')]),
    );
    expect(await deals([{ external_id: 'IO-2', stage: 'Closed Lost' }])).toEqual(
      refusedItems([closing(0, 'lost', 'stage')]),
    );
    // The request stays atomic: a valid item beside the refused one is not written either.
    expect(
      await deals([
        { external_id: 'IO-3', loss_reason: 'budget' },
        { external_id: 'IO-2', outcome: 'lost' },
      ]),
    ).toEqual(refusedItems([closing(1, 'lost', 'outcome')]));
    expect(await stored()).toEqual([
      { id: 'IO-2', outcome: 'open', closed: null },
      { id: 'IO-3', outcome: 'won', closed: '2026-11-20' },
    ]);
  });

  it('refuses emptying closed_at on a stored won deal unless the item reopens it', async () => {
    expect((await deals([open, won])).status).toBe(200);
    expect(await deals([{ external_id: 'IO-3', closed_at: null }])).toEqual(
      refusedItems([emptied(0, 'won')]),
    );
    expect(await stored()).toEqual([
      { id: 'IO-2', outcome: 'open', closed: null },
      { id: 'IO-3', outcome: 'won', closed: '2026-11-20' },
    ]);
    expect((await deals([{ external_id: 'IO-3', closed_at: null, outcome: 'open' }])).status).toBe(200);
    expect((await stored())[1]).toEqual({ id: 'IO-3', outcome: 'open', closed: null });
  });

  it('takes a partial update that leaves the stored deal consistent', async () => {
    expect((await deals([open, won])).status).toBe(200);
    // IO-3 has its closed_at stored: the outcome alone changes it.
    expect((await deals([{ external_id: 'IO-3', outcome: 'lost' }])).status).toBe(200);
    // A stage with closed_at closes the open IO-2.
    expect(
      (await deals([{ external_id: 'IO-2', stage: 'Closed Won', closed_at: '2026-11-21' }])).status,
    ).toBe(200);
    expect(await stored()).toEqual([
      { id: 'IO-2', outcome: 'won', closed: '2026-11-21' },
      { id: 'IO-3', outcome: 'lost', closed: '2026-11-20' },
    ]);
  });

  it('judges an item by the earlier items of its request for the same deal', async () => {
    expect((await deals([open])).status).toBe(200);
    // The close date comes first, then the outcome: the deal is dated when it is won.
    const dated = await deals([
      { external_id: 'IO-2', closed_at: '2026-11-22' },
      { external_id: 'IO-2', outcome: 'won' },
    ]);
    expect(dated.status).toBe(200);
    expect(await stored()).toEqual([{ id: 'IO-2', outcome: 'won', closed: '2026-11-22' }]);
    // Emptying the date after it leaves a won deal without one.
    expect(
      await deals([
        { external_id: 'IO-2', outcome: 'lost' },
        { external_id: 'IO-2', closed_at: null },
      ]),
    ).toEqual(refusedItems([emptied(1, 'lost')]));
    expect(await stored()).toEqual([{ id: 'IO-2', outcome: 'won', closed: '2026-11-22' }]);
  });

  // Fresh tester helper-180 (MED): an empty stage reopened a won deal without a word.
  it('refuses an empty stage or outcome on a stored won deal, naming the empty field', async () => {
    expect((await deals([open, won])).status).toBe(200);
    const reopened = (field: 'stage' | 'outcome') => ({
      index: 0,
      field,
      message: `is empty, but the deal is won: give its ${field}, leave the ${field} out to keep the deal won, or give outcome open with an empty closed_at to reopen it`,
    });
    expect(await deals([{ external_id: 'IO-3', stage: null }])).toEqual(refusedItems([reopened('stage')]));
    expect(await deals([{ external_id: 'IO-3', stage: '' }])).toEqual(refusedItems([reopened('stage')]));
    expect(await deals([{ external_id: 'IO-3', outcome: null }])).toEqual(
      refusedItems([reopened('outcome')]),
    );
    expect(await stored()).toEqual([
      { id: 'IO-2', outcome: 'open', closed: null },
      { id: 'IO-3', outcome: 'won', closed: '2026-11-20' },
    ]);
    // helper-181: a deal the request itself closes is judged the same on its later items.
    expect(
      await deals([
        {
          external_id: 'N5',
          created_at: '2026-01-01',
          stage: 'Closed Won',
          closed_at: '2026-02-01',
          ...owner,
        },
        { external_id: 'N5', stage: null },
      ]),
    ).toEqual(refusedItems([{ ...reopened('stage'), index: 1 }]));
    // Reopening is said outright.
    expect(
      (await deals([{ external_id: 'IO-3', stage: null, outcome: 'open', closed_at: null }])).status,
    ).toBe(200);
    expect((await stored())[1]).toEqual({ id: 'IO-3', outcome: 'open', closed: null });
  });
});
