import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer, refusedItems } from '../helpers/ingest-server.js';

// A fresh tester's findings on the ingest API: numbers JSON.parse reads as Infinity, a body that is not
// UTF-8, and ids sent as JSON numbers.
describeDb('ingest API: numbers past the limit, bytes and numeric ids', (ctx) => {
  const post = ingestServer(ctx, '2026-11-23T09:00:00Z');
  const ids = async (table: 'opportunities' | 'activities') =>
    (
      await queryRows<{ id: string }>(
        ctx.db(),
        sql`select external_id as id from ${sql.raw(table)} order by external_id`,
      )
    ).map((r) => r.id);

  it('names a number past ±1.79e308 by its bound, never as Infinity, in every numeric field', async () => {
    const deal = '"created_at":"2026-01-05"';
    const r = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":1e400},{"external_id":"O-2",${deal},"amount":-1e400,"currency":"EUR"},{"external_id":"O-3",${deal},"amount_minor":1e400}]}`,
    );
    expect(r).toEqual(
      refusedItems([
        {
          index: 0,
          field: 'amount',
          message: 'a number beyond 9007199254740991 is too large (at most 90071992547409.91 USD)',
        },
        {
          index: 1,
          field: 'amount',
          message:
            'a number below -9007199254740991 is too large a negative amount (at least -90071992547409.91 EUR)',
        },
        {
          index: 2,
          field: 'amount_minor',
          message: 'a number beyond 9007199254740991 is too large (at most 9007199254740991)',
        },
      ]),
    );
    const call = '"kind":"call","occurred_at":"2026-01-05"';
    const calls = await post(
      `{"entity":"activities","items":[{"external_id":"A-1",${call},"duration_seconds":1e400}]}`,
    );
    expect(calls.body).toMatchObject({
      errors: [
        {
          index: 0,
          field: 'duration_seconds',
          message: 'a number beyond 9007199254740991 is outside 0..2147483647',
        },
      ],
    });
    const contract = '"account":"Acme","starts_at":"2026-01-01","ends_at":"2026-12-31"';
    const contracts = await post(
      `{"entity":"contracts","items":[{"external_id":"C-1",${contract},"contract_years":-1e400}]}`,
    );
    expect(contracts.body).toMatchObject({
      errors: [{ index: 0, field: 'contract_years', message: 'a number below -1.79e308 is too large' }],
    });
    expect(JSON.stringify([r, calls, contracts])).not.toContain('Infinity');
  });

  // Second fresh tester: 90071992547409.91 sent as a JSON number was stored one cent low (JSON.parse reads
  // it as 90071992547409.9); the same amount as text was exact.
  it('refuses a JSON amount whose cents a double cannot carry, and stores the same amount sent as text', async () => {
    const deal = '"created_at":"2026-01-05","stage":"Closed Won","closed_at":"2026-01-09"';
    const r = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":90071992547409.91},{"external_id":"O-2",${deal},"amount":10000000000000}]}`,
    );
    const message =
      'a JSON number of 10,000,000,000,000 USD or more cannot carry its cents exactly; send the amount as text (in quotes) or in amount_minor';
    expect(r).toEqual(
      refusedItems([
        { index: 0, field: 'amount', message },
        { index: 1, field: 'amount', message },
      ]),
    );
    const ok = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":"90071992547409.91"},{"external_id":"O-2",${deal},"amount":9999999999999.99}]}`,
    );
    expect(ok.status).toBe(200);
    expect(
      await queryRows<{ id: string; minor: string }>(
        ctx.db(),
        sql`select external_id as id, amount_minor::text as minor from opportunities order by external_id`,
      ),
    ).toEqual([
      { id: 'O-1', minor: '9007199254740991' },
      { id: 'O-2', minor: '999999999999999' },
    ]);
  });

  it('says a body that is not UTF-8 is not UTF-8, at which byte, in words for an API', async () => {
    const head = Buffer.from(
      '{"entity":"opportunities","items":[{"external_id":"O-1","created_at":"2026-01-05","product":"Caf',
    );
    const body = Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('"}]}')]);
    expect(await post(body)).toEqual({
      status: 400,
      body: {
        ok: false,
        error: `the request body is not valid UTF-8 (byte 0xE9 at offset ${head.length}); send the JSON as UTF-8`,
      },
    });
    expect(await ids('opportunities')).toEqual([]);
  });

  // Fresh tester (LOW): a body saved by a Windows tool starts with a byte order mark and was "not valid JSON".
  it('reads a body that starts with a byte order mark; a body that is not JSON is refused', async () => {
    const json = '{"entity":"opportunities","items":[{"external_id":"O-BOM","created_at":"2026-01-05"}]}';
    const bom = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]));
    expect(bom.status).toBe(200);
    expect(await ids('opportunities')).toEqual(['O-BOM']);
    const broken = await post('{"entity":"opportunities","items":[}');
    // Fresh tester (LOW): the refusal said where, not only that.
    expect(broken).toEqual({
      status: 400,
      body: { ok: false, error: `body is not valid JSON: Unexpected token '}', ...","items":[}"` },
    });
    // Probe (LOW): a message with only "at position 70" says where as an editor does, too.
    const missingComma = await post(
      '{\n  "entity": "opportunities",\n  "items": [\n    {"external_id": "O-1" "created_at": "2026-01-05"}\n  ]\n}',
    );
    expect(missingComma).toEqual({
      status: 400,
      body: {
        ok: false,
        error:
          "body is not valid JSON: Expected ',' or '}' after property value in JSON at position 70 (line 4, column 27)",
      },
    });
  });

  // Tester: `{"amount": 5, "amount": 7}` was written as 7 (JSON.parse keeps the last); another reader takes 5.
  it('refuses a body that names a field twice in one object, naming the field and where', async () => {
    const refusal =
      'JSON that gives a field twice can be read two ways, so nothing was written; send each field once';
    const deal = '"external_id":"O-1","created_at":"2026-01-05"';
    expect(await post(`{"entity":"opportunities","items":[{${deal},"amount":5,"amount":7}]}`)).toEqual({
      status: 400,
      body: { ok: false, error: `items[0] names "amount" twice (line 1, columns 83 and 94): ${refusal}` },
    });
    // An escaped spelling of the same key is the same key; the place is found in a later item, over lines.
    const lines = [
      '{"entity": "opportunities", "items": [',
      '  {"external_id": "O-2", "created_at": "2026-01-05"},',
      '  {"external_id": "O-3", "created_at": "2026-01-05", "stage": "Open",',
      '   "st\\u0061ge": "Closed Won", "closed_at": "2026-02-01"}',
      ']}',
    ];
    expect(await post(lines.join('\n'))).toEqual({
      status: 400,
      body: {
        ok: false,
        error: `items[1] names "stage" twice (line 3, column 54 and line 4, column 4): ${refusal}`,
      },
    });
    // The request's own fields and a multi-entity batch's are named the same way.
    expect((await post(`{"entity":"leads","entity":"opportunities","items":[{${deal}}]}`)).body.error).toBe(
      `the request names "entity" twice (line 1, columns 2 and 19): ${refusal}`,
    );
    expect(
      (
        await post(
          `{"batches":[{"entity":"leads","items":[]},{"entity":"opportunities","items":[{${deal},"currency":"EUR","currency":"USD"}]}]}`,
        )
      ).body.error,
    ).toBe(`batches[1].items[0] names "currency" twice (line 1, columns 125 and 142): ${refusal}`);
    expect(await ids('opportunities')).toEqual([]);
    // The same key in two objects is no duplicate, and neither is a key written inside a string value.
    const ok = await post(
      `{"entity":"opportunities","items":[{${deal},"amount":5,"stage":"\\"amount\\": 7"},{"external_id":"O-4","created_at":"2026-01-05","amount":7}]}`,
    );
    expect(ok.status).toBe(200);
    expect(await ids('opportunities')).toEqual(['O-1', 'O-4']);
  });

  it('refuses an id sent as true or false, and one sent as an object', async () => {
    const deal = '"created_at":"2026-01-05"';
    const bad = await post(
      `{"entity":"opportunities","items":[{"external_id":true,${deal}},{"external_id":{"id":1},${deal}}]}`,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('external_id');
    expect(await ids('opportunities')).toEqual([]);
  });

  it('stores a whole-number id as its digits and refuses a number that is no id', async () => {
    const deal = '"created_at":"2026-01-05"';
    const ok = await post(
      `{"entity":"opportunities","items":[{"external_id":123,${deal}},{"external_id":-7,${deal}},{"external_id":9007199254740991,${deal}}]}`,
    );
    expect(ok.status).toBe(200);
    // The same deal sent with the id as text is the same record, not a second one.
    const again = await post(`{"entity":"opportunities","items":[{"external_id":"123",${deal}}]}`);
    expect(again.status).toBe(200);
    expect(await ids('opportunities')).toEqual(['-7', '123', '9007199254740991']);
    const call = '"kind":"call","occurred_at":"2026-01-05"';
    const bad = await post(
      `{"entity":"activities","items":[{"external_id":0.1,${call}},{"external_id":1e21,${call}},{"external_id":"A-3",${call},"opportunity_external_id":12.5},{"external_id":1e400,${call}}]}`,
    );
    const not = 'is not an id: send ids as text, or as whole numbers up to 9007199254740991';
    expect(bad).toEqual(
      refusedItems([
        { index: 0, field: 'external_id', message: `0.1 ${not}` },
        { index: 1, field: 'external_id', message: `a number beyond 9007199254740991 ${not}` },
        { index: 2, field: 'opportunity_external_id', message: `12.5 ${not}` },
        { index: 3, field: 'external_id', message: `a number beyond 1.79e308 ${not}` },
      ]),
    );
    expect(await ids('activities')).toEqual([]);
  });

  // Tester (LOW): `"amount": 1e-400` was stored as 0: JSON.parse reads a number too small for a double as
  // 0, and after that no check could tell it from a 0 that was sent.
  it('refuses a number that reads as 0 though it is not (1e-400), naming the field, and asks for a string', async () => {
    const deal = '"created_at":"2026-01-05","stage":"Closed Won","closed_at":"2026-01-09"';
    const tiny = `0.${'0'.repeat(330)}1`;
    const r = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":1e-400},{"external_id":"O-2",${deal},"amount":12},{"external_id":"O-3",${deal},"amount_minor":-2.5E-401},{"external_id":"O-4",${deal},"amount":${tiny}}]}`,
    );
    const tooSmall = (shown: string) =>
      `${shown} is too small for a JSON number and would read as 0; send the number as a string (in quotes)`;
    expect(r).toEqual(
      refusedItems([
        { index: 0, field: 'amount', message: tooSmall('1e-400') },
        { index: 2, field: 'amount_minor', message: tooSmall('-2.5E-401') },
        { index: 3, field: 'amount', message: tooSmall(`${tiny.slice(0, 40)}…`) },
      ]),
    );
    expect(await ids('opportunities')).toEqual([]);

    // In a request with batches, the item's entity is named too.
    const call = '"kind":"call","occurred_at":"2026-01-05"';
    const multi = await post(
      `{"batches":[{"entity":"opportunities","items":[{"external_id":"O-1",${deal}}]},{"entity":"activities","items":[{"external_id":"A-1",${call},"duration_seconds":1e-999}]}]}`,
    );
    expect(multi).toEqual(
      refusedItems([
        { index: 0, field: 'duration_seconds', message: tooSmall('1e-999'), entity: 'activities', batch: 1 },
      ]),
    );
    // A number anywhere else is named by its path.
    const nested = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":[1e-400]}]}`,
    );
    expect(nested).toEqual({
      status: 400,
      body: {
        ok: false,
        error:
          'items[0].amount[0] is 1e-400, too small for a JSON number: it would read as 0, so nothing was written; send the number as a string (in quotes)',
      },
    });
    expect(await ids('opportunities')).toEqual([]);

    // A zero written with an exponent is a zero, and "1e-400" inside a text field is text: both are stored.
    const ok = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":0E-400,"product":"Plan 1e-400"},{"external_id":"O-2",${deal},"amount":-0.0e-5}]}`,
    );
    expect(ok.status).toBe(200);
    expect(
      await queryRows<{ id: string; minor: string; product: string | null }>(
        ctx.db(),
        sql`select external_id as id, amount_minor::text as minor, product from opportunities order by external_id`,
      ),
    ).toEqual([
      { id: 'O-1', minor: '0', product: 'Plan 1e-400' },
      { id: 'O-2', minor: '0', product: null },
    ]);
  });

  // The other ways a JSON number can be read as something not sent, past the double's range (Infinity) or
  // past its exact digits, are refused by the field's own checks (above): stated here for an amount.
  it('refuses an amount that overflows or loses digits as a JSON number', async () => {
    const deal = '"created_at":"2026-01-05","stage":"Closed Won","closed_at":"2026-01-09"';
    const r = await post(
      `{"entity":"opportunities","items":[{"external_id":"O-1",${deal},"amount":1e400},{"external_id":"O-2",${deal},"amount":12345678901234567890}]}`,
    );
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        index: 0,
        field: 'amount',
        message: 'a number beyond 9007199254740991 is too large (at most 90071992547409.91 USD)',
      },
      {
        index: 1,
        field: 'amount',
        message: 'a number beyond 9007199254740991 is too large (at most 90071992547409.91 USD)',
      },
    ]);
    expect(await ids('opportunities')).toEqual([]);
  });
});
