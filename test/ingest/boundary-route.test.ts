import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createDb, queryRows, sql } from '../../src/db/client.js';
import { createIngestHandler, type IngestRouteDeps } from '../../src/http/ingest-route.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb } from '../helpers/db.js';

const TOKEN = 'test-ingest-token-0123456789';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

async function post(base: string, body: unknown) {
  const res = await fetch(`${base}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const deal = (id: string, extra: Record<string, unknown> = {}) => ({
  external_id: id,
  created_at: '2026-01-05',
  ...extra,
});

describeDb('ingest API boundary', (ctx) => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    const deps: IngestRouteDeps = {
      get db() {
        return ctx.db();
      },
      config: { ingestToken: TOKEN, defaultTimezone: 'UTC' },
      logger: silentLogger,
      clock: fixedClock('2026-11-23T09:00:00Z'),
    };
    server = createServer(createIngestHandler(deps));
    base = await listen(server);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });
  const opps = () =>
    queryRows<{ id: string; amount: number | null; currency: string; outcome: string }>(
      ctx.db(),
      sql`select external_id as id, amount_minor::float8 as amount, currency, outcome from opportunities order by external_id`,
    );

  it('answers 400 naming external_id for an item without one, and writes nothing', async () => {
    const r = await post(base, {
      entity: 'opportunities',
      items: [deal('O-1'), { created_at: '2026-01-05' }],
    });
    expect(r).toMatchObject({
      status: 400,
      body: { ok: false, errors: [{ index: 1, field: 'external_id', message: 'is required' }] },
    });
    expect(await opps()).toEqual([]);
  });

  it('answers a per-item 400 for a NUL byte or a lone surrogate, not a 500 for the batch', async () => {
    const body =
      '{"entity":"leads","items":[{"external_id":"L-1","created_at":"2026-01-05","name":"A\\u0000B"},{"external_id":"L-2","created_at":"2026-01-05","name":"x\\ud800y"},{"external_id":"L-3","created_at":"2026-01-05"}]}';
    const r = await post(base, body);
    expect(r).toEqual({
      status: 400,
      retryAfter: null,
      body: {
        ok: false,
        error: 'invalid items; nothing was written',
        errors: [
          { index: 0, field: 'name', message: 'contains a NUL character (\\0), which text cannot hold' },
          {
            index: 1,
            field: 'name',
            message: 'contains an unpaired UTF-16 surrogate (broken encoding); send valid Unicode',
          },
        ],
      },
    });
  });

  it('answers a per-item 400 naming the field for a whole number its column cannot hold, not a 500', async () => {
    const call = { rep_name: 'Ana', kind: 'call', occurred_at: '2026-01-05' };
    const cases: [string, Record<string, unknown>, string, string][] = [
      [
        'activities',
        { external_id: 'A-1', ...call, duration_seconds: 3000000000 },
        'duration_seconds',
        '3000000000 is outside 0..2147483647',
      ],
      [
        'teams',
        { name: 'East', response_sla_seconds: '99999999999' },
        'response_sla_seconds',
        '99999999999 is outside 1..2147483647',
      ],
      [
        'contracts',
        {
          external_id: 'C-1',
          account: 'Acme',
          starts_at: '2026-01-01',
          ends_at: '2027-01-01',
          licenses: 3000000000,
        },
        'licenses',
        '3000000000 is outside 0..2147483647',
      ],
    ];
    for (const [entity, item, field, message] of cases) {
      const r = await post(base, { entity, items: [item] });
      expect(r).toMatchObject({ status: 400, body: { ok: false, errors: [{ index: 0, field, message }] } });
    }
  });

  it('refuses amount_minor past 2^53 as too large, naming the limit, never as a rounded number', async () => {
    // Raw JSON: 9223372036854775807 reaches the server as a number JSON.parse rounds to 9223372036854776000.
    const r = await post(
      base,
      '{"entity":"opportunities","items":[{"external_id":"O-1","created_at":"2026-01-05","amount_minor":9223372036854775807},{"external_id":"O-2","created_at":"2026-01-05","amount_minor":"9223372036854775808"},{"external_id":"O-3","created_at":"2026-01-05","amount":1e20},{"external_id":"O-4","created_at":"2026-01-05","amount":1e300,"currency":"EUR"},{"external_id":"O-5","created_at":"2026-01-05","amount":-1e300,"currency":"JPY"}]}',
    );
    expect(r).toMatchObject({
      status: 400,
      body: {
        ok: false,
        errors: [
          {
            index: 0,
            field: 'amount_minor',
            message: 'a number beyond 9007199254740991 is too large (at most 9007199254740991)',
          },
          {
            index: 1,
            field: 'amount_minor',
            message: '9223372036854775808 is too large (at most 9007199254740991)',
          },
          {
            index: 2,
            field: 'amount',
            message: 'a number beyond 9007199254740991 is too large (at most 90071992547409.91 USD)',
          },
          // The range names the item's own currency and its minor digits (EUR 2, JPY 0), never USD's.
          {
            index: 3,
            field: 'amount',
            message: 'a number beyond 9007199254740991 is too large (at most 90071992547409.91 EUR)',
          },
          {
            index: 4,
            field: 'amount',
            message:
              'a number below -9007199254740991 is too large a negative amount (at least -9007199254740991 JPY)',
          },
        ],
      },
    });
    expect(JSON.stringify(r.body)).not.toMatch(
      /9223372036854776000|100000000000000000000|1e\+?300|not a whole number/,
    );
    expect(await opps()).toEqual([]);
  });

  it('reads amounts by the request locale, refuses ambiguous ones without it, and keeps JPY whole', async () => {
    const ambiguous = await post(base, {
      entity: 'opportunities',
      items: [deal('O-1', { amount: '4.200' })],
    });
    expect(ambiguous.status).toBe(400);
    // Through the API the fix is a request field, never a CLI flag (issue 14).
    const message = (ambiguous.body.errors as { message: string }[])[0]!.message;
    expect(message).toContain('its "locale" field');
    expect(message).not.toContain('--locale');
    // A well-formed locale Intl has no numbers for is refused, not read as en-US ("1.500" as 1.5).
    for (const locale of ['xx', 'german']) {
      const unknown = await post(base, {
        entity: 'opportunities',
        locale,
        items: [deal('O-1', { amount: '1.500' })],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        ok: false,
        error: `locale: "${locale}" is not a locale Tally knows how numbers are written in; use a tag such as en-US or de-DE`,
      });
    }
    // `de_DE` names the tag it means; a locale that is no text names the field (not the whole envelope).
    const underscore = await post(base, { entity: 'opportunities', locale: 'de_DE', items: [deal('O-1')] });
    expect(underscore.body).toEqual({
      ok: false,
      error: 'locale: "de_DE" is not a locale tag; did you mean de-DE?',
    });
    const number = await post(base, { entity: 'opportunities', locale: 5, items: [deal('O-1')] });
    expect(number.status).toBe(400);
    expect(number.body).toEqual({
      ok: false,
      error: 'locale: must be a text tag such as "en-US" or "de-DE" (at most 35 characters)',
    });
    // A locale and a decimal mark that disagree: refused naming the field, never settled by which one wins.
    const both = await post(base, {
      entity: 'opportunities',
      locale: 'de-DE',
      decimal: '.',
      items: [deal('O-1', { amount: '4.200' })],
    });
    expect(both.status).toBe(400);
    expect(both.body).toEqual({
      ok: false,
      error:
        'decimal: "." disagrees with locale de-DE, which writes "," as the decimal mark; send one of them',
    });
    expect(await opps()).toEqual([]);
    const r = await post(base, {
      entity: 'opportunities',
      locale: 'de-DE',
      items: [
        deal('O-1', { amount: '4.200' }),
        deal('O-2', { amount: 1054, currency: 'JPY' }),
        deal('O-3', { amount: '€ 1.234,50' }),
      ],
    });
    expect(r.status).toBe(200);
    expect(await opps()).toEqual([
      { id: 'O-1', amount: 420000, currency: 'USD', outcome: 'open' },
      { id: 'O-2', amount: 1054, currency: 'JPY', outcome: 'open' },
      { id: 'O-3', amount: 123450, currency: 'EUR', outcome: 'open' },
    ]);
    // A partial update of the JPY deal's amount keeps its currency's digits.
    expect(
      (await post(base, { entity: 'opportunities', items: [{ external_id: 'O-2', amount: 2000 }] })).status,
    ).toBe(200);
    expect((await opps())[1]).toEqual({ id: 'O-2', amount: 2000, currency: 'JPY', outcome: 'open' });
  });

  it('takes won_stages / lost_stages from the request', async () => {
    const r = await post(base, {
      entity: 'opportunities',
      won_stages: ['Signed'],
      lost_stages: ['Gone dark'],
      items: [
        deal('O-1', { stage: 'signed', closed_at: '2026-02-01' }),
        deal('O-2', { stage: 'Gone Dark', closed_at: '2026-02-01' }),
        deal('O-3', { stage: 'closedwon', closed_at: '2026-02-01' }),
      ],
    });
    expect(r.status).toBe(200);
    expect((await opps()).map((o) => o.outcome)).toEqual(['won', 'lost', 'won']);
  });

  it('never deadlocks when two clients upsert the same ids in opposite order', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `O-${String(i).padStart(3, '0')}`);
    const statuses: number[] = [];
    for (let round = 0; round < 15; round += 1) {
      const items = ids.map((id) => deal(id, { amount: round + 1 }));
      const [a, b] = await Promise.all([
        post(base, { entity: 'opportunities', items }),
        post(base, { entity: 'opportunities', items: [...items].reverse() }),
      ]);
      statuses.push(a.status, b.status);
    }
    expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
    expect((await opps()).every((o) => o.amount === 1500)).toBe(true);
  });
});

describe('ingest API when the database is down', () => {
  it('answers 503 with Retry-After, not 500', async () => {
    // Nothing listens on port 1: every query fails to connect.
    const down = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 });
    const server = createServer(
      createIngestHandler({
        db: down.db,
        config: { ingestToken: TOKEN, defaultTimezone: 'UTC' },
        logger: silentLogger,
        clock: fixedClock('2026-11-23T09:00:00Z'),
      }),
    );
    const base = await listen(server);
    try {
      const r = await post(base, {
        entity: 'leads',
        items: [{ external_id: 'L-1', created_at: '2026-01-05' }],
      });
      expect(r).toEqual({
        status: 503,
        retryAfter: '30',
        body: { ok: false, error: 'database unavailable; nothing was written, retry later' },
      });
    } finally {
      await new Promise((r) => server.close(r));
      await down.close();
    }
  });
});
