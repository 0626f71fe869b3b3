import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';

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
        batch: 0,
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

  // The CSV summary named the stages read as open whose Close Date became the expected close; the API said
  // nothing, so a custom won stage ("Signed") sent without won_stages went unremarked.
  const post = ingestServer(ctx, '2026-11-23T09:00:00Z');
  it('names in summary_warnings the stages read as open whose close_date became the expected close', async () => {
    const deal = { created_at: '2026-10-01', owner_name: 'Zoe' };
    const written = await post({
      entity: 'opportunities',
      items: [
        { external_id: 'O-1', ...deal, stage: 'Signed', close_date: '2026-10-20' },
        { external_id: 'O-2', ...deal, stage: 'Negotiation', close_date: '2027-01-10' },
        { external_id: 'O-3', ...deal, stage: 'Closed Won', close_date: '2026-10-21' },
      ],
    });
    expect(written.status).toBe(200);
    expect(written.body.summary_warnings).toEqual([
      {
        kind: 'close date read as expected',
        count: 2,
        message:
          'close_date was read as the expected close of open deals in the stages "Negotiation", "Signed"; if one of them means won or lost, send the request again with won_stages or lost_stages naming it',
      },
    ]);
    // Sent again with the stage named: no note, and the deal is won on its close date.
    const again = await post({
      entity: 'opportunities',
      won_stages: ['Signed'],
      items: [{ external_id: 'O-1', stage: 'Signed', close_date: '2026-10-20' }],
    });
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('summary_warnings');
    const [o1] = await queryRows<{ outcome: string; close: string | null }>(
      ctx.db(),
      sql`select outcome, expected_close_date::text as close from opportunities where external_id = 'O-1'`,
    );
    expect(o1).toEqual({ outcome: 'won', close: null });
  });
});
