import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ingestBatch } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';

const opts = { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z') };

describeDb('ingest: loss reason, expected close date, email template', (ctx) => {
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
    const result = await ingestBatch(
      ctx.db(),
      {
        batches: [
          {
            entity: 'opportunities',
            items: [{ external_id: 'O-9', created_at: '2026-10-02', expected_close_date: '2026-02-30' }],
          },
        ],
      },
      opts,
    );
    expect(result.errors.map((e) => e.field)).toEqual(['expected_close_date']);
    expect(JSON.stringify(result)).toContain('expected_close_date');
    expect(JSON.stringify(result)).toContain('not a real date');
  });
});
