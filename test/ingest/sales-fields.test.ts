import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';

const opts = { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z') };

describeDb('ingest: loss reason, expected close date, email template', (ctx) => {
  /** One request of opportunities. */
  const ingestDeals = (items: Record<string, unknown>[], options: Parameters<typeof ingestBatch>[2] = opts) =>
    ingestBatch(ctx.db(), { batches: [{ entity: 'opportunities', items }] }, options);

  it('stores the loss reason, the expected close date and the email template', async () => {
    const result = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'opportunities',
            items: [
              {
                external_id: 'O-1',
                created_at: '2026-10-01',
                closed_at: '2026-10-20',
                outcome: 'lost',
                loss_reason: ' Price too high ',
              },
              { external_id: 'O-2', created_at: '2026-10-02', expected_close_date: '2026-12-15' },
            ],
          },
          {
            entity: 'activities',
            items: [
              { external_id: 'A-1', kind: 'email', occurred_at: '2026-10-03', email_template: 'Intro B' },
            ],
          },
        ],
      },
      opts,
    );
    expect(result.errors).toEqual([]);
    const opps = await queryRows<{ external_id: string; loss_reason: string | null; close: string | null }>(
      ctx.db(),
      sql`select external_id, loss_reason, expected_close_date::text as close from opportunities order by external_id`,
    );
    expect(opps).toEqual([
      { external_id: 'O-1', loss_reason: 'Price too high', close: null },
      { external_id: 'O-2', loss_reason: null, close: '2026-12-15' },
    ]);
    const [email] = await queryRows<{ t: string }>(ctx.db(), sql`select email_template as t from activities`);
    expect(email?.t).toBe('Intro B');
  });

  it('refuses an expected close date that is not a date, naming the field', async () => {
    const result = await ingestDeals([
      { external_id: 'O-9', created_at: '2026-10-02', expected_close_date: '2026-02-30' },
    ]);
    expect(result.errors.map((e) => e.field)).toEqual(['expected_close_date']);
    expect(JSON.stringify(result)).toContain('expected_close_date');
    expect(JSON.stringify(result)).toContain('not a real date');
  });

  it("reads a CRM's close_date by the deal's outcome, in the request's zone, with its won_stages", async () => {
    const result = await ingestDeals(
      [
        // The expected close is the day written (helper-177: an offset or zone must not move it to another day).
        {
          external_id: 'O-1',
          created_at: '2026-10-01',
          stage: 'Negotiation',
          close_date: '2027-01-10T23:30:00-08:00',
        },
        { external_id: 'O-2', created_at: '2026-10-01', stage: 'Signed', close_date: '2026-10-20' },
      ],
      { ...opts, timezone: 'America/New_York', stages: { won: ['Signed'] } },
    );
    expect(result.errors).toEqual([]);
    // Without a stage or outcome, the request is refused, naming the field (nothing is stored).
    const unclear = await ingestDeals([
      { external_id: 'O-3', created_at: '2026-10-01', close_date: '2026-10-20' },
    ]);
    expect(unclear.errors).toEqual([
      {
        index: 0,
        entity: 'opportunities',
        field: 'close_date',
        message:
          'is when a won or lost deal closed, or when an open one is expected to close: give the stage or outcome with it to say which',
      },
    ]);
    const opps = await queryRows<{
      id: string;
      outcome: string;
      closed: string | null;
      close: string | null;
    }>(
      ctx.db(),
      sql`select external_id as id, outcome, to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as closed,
                 expected_close_date::text as close from opportunities order by external_id`,
    );
    expect(opps).toEqual([
      { id: 'O-1', outcome: 'open', closed: null, close: '2027-01-10' },
      { id: 'O-2', outcome: 'won', closed: '2026-10-20 04:00', close: null },
    ]);
  });
});
