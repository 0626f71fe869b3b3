import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { queryRows, sql } from '../../src/db/client.js';
import { createIngestHandler, type IngestRouteDeps, ingestRoute } from '../../src/http/ingest-route.js';
import { silentLogger } from '../../src/logger.js';
import { describeDb } from '../helpers/db.js';

const TOKEN = 'test-ingest-token-0123456789';

describeDb('POST /api/v1/ingest', (ctx) => {
  let server: Server;
  let disabled: Server;
  let base = '';
  let disabledBase = '';
  beforeAll(async () => {
    const deps = (token: string | undefined): IngestRouteDeps => ({
      // The database is only ready inside tests, so resolve it per request.
      get db() {
        return ctx.db();
      },
      config: { ingestToken: token, defaultTimezone: 'UTC' },
      logger: silentLogger,
      // Monday 23 November 2026, 09:00 UTC.
      clock: fixedClock('2026-11-23T09:00:00Z'),
    });
    server = createServer(createIngestHandler(deps(TOKEN), { maxBodyBytes: 64 * 1024 }));
    disabled = createServer(ingestRoute(deps(undefined)).handler);
    base = await listen(server);
    disabledBase = await listen(disabled);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => disabled.close(r));
  });

  const post = async (body: unknown, token: string | null = TOKEN, url = base) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const leadCount = async () =>
    (await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from leads`))[0]!.n;
  const lead = (id: string, extra: Record<string, unknown> = {}) => ({
    external_id: id,
    created_at: '2026-11-20T10:00:00Z',
    ...extra,
  });

  it('answers 503 when no token is configured', async () => {
    const r = await post({ entity: 'leads', items: [lead('L-1')] }, TOKEN, disabledBase);
    expect(r).toEqual({
      status: 503,
      body: { ok: false, error: expect.stringContaining('ingest disabled') },
    });
  });

  it('answers 401 to a missing or wrong token and writes nothing', async () => {
    expect((await post({ entity: 'leads', items: [lead('L-1')] }, null)).status).toBe(401);
    expect((await post({ entity: 'leads', items: [lead('L-1')] }, `${TOKEN}x`)).status).toBe(401);
    expect((await post({ entity: 'leads', items: [lead('L-1')] }, '')).status).toBe(401);
    expect(await leadCount()).toBe(0);
  });

  it('writes a batch, then a replay changes nothing', async () => {
    const body = { entity: 'leads', items: [lead('L-1', { owner_name: 'Ann' }), lead('L-2')] };
    // No rep is called Ann yet: one is created, and the answer says so (fresh tester, MED: a CRM sync
    // that wrote "ann" for "Ann Lee" split her numbers without a word).
    expect(await post(body)).toEqual({
      status: 200,
      body: {
        ok: true,
        inserted: 2,
        updated: 0,
        unchanged: 0,
        created: { reps: [{ name: 'Ann', email: null }], teams: [], accounts: [] },
      },
    });
    expect(await post(body)).toEqual({
      status: 200,
      body: { ok: true, inserted: 0, updated: 0, unchanged: 2 },
    });
    expect(await leadCount()).toBe(2);
  });

  // Fresh tester (LOW): a missing "items", an unknown entity and a stray key all got the same generic 400.
  it('names what is wrong with the request itself: the field, with a did-you-mean', async () => {
    const error = async (body: unknown) => {
      const r = await post(body);
      expect(r.status).toBe(400);
      return r.body.error;
    };
    expect(await error({ entity: 'leads' })).toBe('items is missing: a list of leads');
    expect(await error({ entity: 'lead', items: [] })).toBe(
      'entity "lead" is not one of teams, reps, leads, activities, accounts, opportunities, contracts; did you mean "leads"?',
    );
    expect(await error({ items: [] })).toMatch(/^entity is missing: one of teams, reps, leads, /);
    expect(await error({ entity: 'leads', itmes: [] })).toBe(
      '"itmes" is not a field of the request; did you mean "items"?',
    );
    expect(await error({ entity: 'leads', items: {} })).toBe('items must be a list of leads');
    expect(
      await error({
        batches: [
          { entity: 'leads', items: [] },
          { entity: 'deals', items: [] },
        ],
      }),
    ).toBe(
      'batches[1].entity "deals" is not one of teams, reps, leads, activities, accounts, opportunities, contracts',
    );
    expect(await error({ batches: [] })).toBe('batches must be a non-empty list of {"entity", "items"}');
    expect(await error([1])).toMatch(/^the body must be a JSON object: expected \{"entity"/);
    expect(await leadCount()).toBe(0);
  });

  it('rejects a batch with one bad item with per-item errors and writes none of it', async () => {
    const r = await post({
      batches: [
        { entity: 'leads', items: [lead('L-1'), lead('L-2', { created_at: 'soon' })] },
        {
          entity: 'activities',
          items: [
            {
              external_id: 'A-1',
              lead_external_id: 'L-1',
              kind: 'call',
              occurred_at: '2026-11-20T10:01:00Z',
            },
            {
              external_id: 'A-2',
              lead_external_id: 'L-9',
              kind: 'call',
              occurred_at: '2026-11-20T10:01:00Z',
            },
          ],
        },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        entity: 'leads',
        batch: 0,
        index: 1,
        field: 'created_at',
        message: expect.stringContaining('not an ISO date'),
      },
      {
        entity: 'activities',
        batch: 1,
        index: 1,
        field: 'lead_external_id',
        message: 'matches no lead: L-9',
      },
    ]);
    expect(await leadCount()).toBe(0);
  });

  // Tester: with two batches of one entity, an error named the entity and the item's index in its batch,
  // not which batch it was in.
  it('names the batch of a refused item when two batches have one entity', async () => {
    const r = await post({
      batches: [
        { entity: 'leads', items: [lead('L-1'), lead('L-2')] },
        { entity: 'leads', items: [lead('L-3'), lead('L-4', { created_at: 'soon' })] },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        entity: 'leads',
        batch: 1,
        index: 1,
        field: 'created_at',
        message: expect.stringContaining('not an ISO date'),
      },
    ]);
    expect(await leadCount()).toBe(0);
  });

  // Tester: the API answered "and amount_minor are both given", a message whose subject (the first field)
  // only the CSV import's line prefix supplied.
  it('names both fields in the message of a deal giving amount and amount_minor', async () => {
    const deal = { external_id: 'O-1', created_at: '2026-11-20', amount: '12.00', amount_minor: 1200 };
    const r = await post({ entity: 'opportunities', items: [deal] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { index: 0, field: 'amount', message: 'amount and amount_minor are both given; give only one' },
    ]);
    // Whole numbers as JSON strings are read as numbers (the CSV's values are all text): "1200" is 1200.
    const text = await post({
      entity: 'opportunities',
      items: [{ ...deal, amount: undefined, amount_minor: '1200' }],
    });
    expect(text).toMatchObject({ status: 200, body: { inserted: 1 } });
    expect(await queryRows(ctx.db(), sql`select amount_minor::int as m from opportunities`)).toEqual([
      { m: 1200 },
    ]);
  });

  it('answers 400 to malformed JSON, an unknown entity or unknown fields', async () => {
    expect((await post('{"entity": "leads", "items": [')).status).toBe(400);
    expect((await post({ entity: 'deals', items: [] })).status).toBe(400);
    const r = await post({ entity: 'leads', items: [lead('L-1', { colour: 'red' })] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ index: 0, field: 'colour', message: 'unknown field for leads' }]);
    // Probe (LOW): `qualified` got no hint; a near spelling or the fields a word starts are named.
    const hinted = await post({
      entity: 'leads',
      items: [
        lead('L-1', { qualified: '2026-11-02' }),
        lead('L-2', { ownr_email: 'a@x.com' }),
        lead('L-3', { owner: 'Ann', colour: 'red' }),
      ],
    });
    expect(hinted.body.errors).toEqual([
      { index: 0, field: 'qualified', message: 'unknown field for leads; did you mean "qualified_at"?' },
      { index: 1, field: 'ownr_email', message: 'unknown field for leads; did you mean "owner_email"?' },
      {
        index: 2,
        field: 'owner, colour',
        message: 'unknown fields for leads; did you mean "owner_email" or "owner_name" for "owner"?',
      },
    ]);
  });

  // Fresh tester (HIGH): a reps item with Cara's Slack id but another email and name renamed Cara to
  // Mallory ("1 updated"): Slack showed Cara "Mallory", and a later item with cara@acme.test made a second Cara.
  it("answers 400 to a reps item that would take another rep's Slack id with another name and email", async () => {
    const cara = { name: 'Cara Diaz', email: 'cara@acme.test', slack_user_id: 'U0CARA' };
    expect((await post({ entity: 'reps', items: [cara] })).status).toBe(200);
    const r = await post({
      entity: 'reps',
      items: [{ name: 'Mallory', email: 'mallory@acme.test', slack_user_id: 'U0CARA' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        index: 0,
        field: 'slack_user_id',
        message:
          'U0CARA is Cara Diaz <cara@acme.test>, not Mallory <mallory@acme.test>: fix the Slack user id; if this really is Cara Diaz with a new name and email, change one at a time (this email with the name Cara Diaz, then the new name)',
      },
    ]);
    expect(await queryRows(ctx.db(), sql`select name, email, slack_user_id from reps order by id`)).toEqual([
      { name: 'Cara Diaz', email: 'cara@acme.test', slack_user_id: 'U0CARA' },
    ]);
  });

  it('answers 413 above 1,000 items or the body cap', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ external_id: `L-${i}` }));
    expect((await post({ entity: 'leads', items: many })).status).toBe(413);
    const huge = { entity: 'leads', items: [lead('L-1', { name: 'x'.repeat(70 * 1024) })] };
    expect((await post(huge)).status).toBe(413);
    expect(await leadCount()).toBe(0);
  });

  it('answers 405 to other methods', async () => {
    const res = await fetch(`${base}/api/v1/ingest`, {
      method: 'GET',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(405);
  });
});

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}
