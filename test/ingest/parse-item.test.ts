import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { buildItemSchemas, ENTITIES, parseItem } from '../../src/ingest/schemas.js';
import { newDateContext } from '../../src/ingest/values.js';

// parseItem reads a plain, well-formed item field by field without zod (its fast path) and hands
// everything else to schema.safeParse. These tests hold the fast path to zod's own answer.

/** Values a CSV cell or a JSON body may carry that a field may read wrongly. */
const ODD_VALUES: unknown[] = [
  '',
  '   ',
  null,
  undefined,
  0,
  -1,
  1.5,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '12',
  ' 12 ',
  '12.0',
  '+3',
  '-0',
  '1e3',
  '9007199254740991',
  '9007199254740993',
  '99999999999999999999',
  2 ** 53 + 2,
  '2147483648',
  true,
  false,
  'TRUE',
  'yes',
  '2026-01-15',
  '2026-01-15T10:00:00Z',
  '2026-01-15 10:00:00+0530',
  '2026-03-29T02:30:00',
  '2026-02-30',
  '2026-13-01',
  '0050-01-01',
  '1/15/2026',
  '15/01/2026',
  '23.11.2026',
  'yesterday',
  'Closed Won',
  'call',
  'Inbound',
  'won',
  'usd',
  'EURO',
  'Europe/Berlin',
  'Mars/Olympus',
  'ana@example.com',
  'not an email',
  '1.234,50',
  '4.200',
  '€ 99',
  '(500.00)',
  'a\u0000b',
  '\uD800',
  'caf\uFFFD',
  [],
  ['a'],
  {},
  { value: 1 },
];

const CONTEXTS = [
  { name: 'UTC', schemas: buildItemSchemas('UTC') },
  {
    name: 'Europe/Berlin, decimal comma, day/month/year',
    schemas: buildItemSchemas('Europe/Berlin', ',', { dates: newDateContext('DMY', 'file') }),
  },
  {
    name: 'America/New_York, decimal point, month/day/year',
    schemas: buildItemSchemas('America/New_York', '.', { dates: newDateContext('MDY', 'request') }),
  },
];

/** parseItem's answer, whether it came from the fast path, and zod's own answer. */
function both(schema: z.ZodObject, row: unknown) {
  const spy = vi.spyOn(schema, 'safeParse');
  let got: ReturnType<typeof parseItem>;
  let fast: boolean;
  try {
    got = parseItem(schema, row);
    fast = spy.mock.calls.length === 0;
  } finally {
    spy.mockRestore();
  }
  return { got, fast, want: schema.safeParse(row) };
}

/** Asserts the same accept/reject and the same output (values and key order); returns whether it was fast. */
function expectSameAsZod(schema: z.ZodObject, row: unknown, label: string): boolean {
  const { got, fast, want } = both(schema, row);
  expect(got.success, label).toBe(want.success);
  if (got.success && want.success) {
    expect(got.data, label).toStrictEqual(want.data);
    expect(Object.keys(got.data), label).toEqual(Object.keys(want.data));
  }
  return fast;
}

describe('parseItem', () => {
  for (const { name, schemas } of CONTEXTS) {
    for (const entity of ENTITIES) {
      it(`answers as zod's safeParse for odd ${entity} rows (${name})`, () => {
        const schema = schemas[entity];
        const fields = Object.keys(schema.shape);
        const rows: unknown[] = [
          {},
          null,
          'a row',
          [],
          Object.create(null),
          Object.fromEntries(fields.map((f) => [f, ''])),
          Object.fromEntries(fields.map((f) => [f, null])),
          Object.fromEntries(fields.map((f, i) => [f, String(i + 1)])),
          { ...Object.fromEntries(fields.map((f) => [f, 'x'])), extra_column: 'x' },
          { extra_column: 'x' },
          JSON.parse('{"__proto__": "x"}'),
        ];
        // Each odd value in each field, alone and beside a key that reads cleanly.
        for (const f of fields) {
          for (const v of ODD_VALUES) {
            rows.push({ [f]: v });
            rows.push({ [fields[0]!]: 'k-1', [f]: v });
          }
        }
        let fastRows = 0;
        rows.forEach((row, i) => {
          if (expectSameAsZod(schema, row, `row ${i}: ${String(JSON.stringify(row))}`)) fastRows += 1;
        });
        // The comparison means something only if the fast path answered many of them.
        expect(fastRows).toBeGreaterThan(rows.length / 4);
      });
    }
  }

  it("answers as zod's safeParse for random rows of odd values and extra columns", () => {
    for (const { schemas } of CONTEXTS) {
      for (const entity of ENTITIES) {
        const schema = schemas[entity];
        const keys = [...Object.keys(schema.shape), 'extra_column'];
        fc.assert(
          fc.property(
            fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...ODD_VALUES), { maxKeys: 6 }),
            (row) => {
              expectSameAsZod(schema, row, JSON.stringify(row));
            },
          ),
          { numRuns: 200 },
        );
      }
    }
  });

  it('leaves items to zod when the schema checks the whole object or transforms it', () => {
    const leads = buildItemSchemas('UTC').leads;
    const row = { external_id: 'L-1', created_at: '2026-01-15' };
    expect(parseItem(leads, row).success).toBe(true);
    const refused = 'an object-level check refused it';
    const checked: z.ZodObject[] = [
      leads.refine(() => false, refused),
      leads.superRefine((_, ctx) => {
        ctx.addIssue({ code: 'custom', message: refused });
      }),
      leads.check((ctx) => {
        ctx.issues.push({ code: 'custom', message: refused, input: ctx.value });
      }),
    ];
    for (const schema of checked) {
      const parsed = parseItem(schema, row);
      expect(parsed.success).toBe(false);
      expect(!parsed.success && parsed.error.issues[0]?.message).toBe(refused);
    }
    // A transform makes a pipe, not an object: zod's output, not the fields' reading.
    const piped = leads.transform((item) => ({ ...item, piped: true }));
    const parsed = parseItem(piped as unknown as z.ZodObject, row);
    expect(parsed.success && parsed.data).toMatchObject({ external_id: 'L-1', piped: true });
  });

  it("answers as zod's safeParse for schemas derived with catchall, strip, pick and partial", () => {
    const leads = buildItemSchemas('UTC').leads;
    const derived: z.ZodObject[] = [
      leads.catchall((leads.shape.name as z.ZodType).transform(() => 'caught')),
      leads.strip(),
      leads.pick({ external_id: true, created_at: true }),
      leads.partial(),
    ];
    for (const schema of derived) {
      for (const v of ODD_VALUES) {
        for (const row of [
          { external_id: 'L-1', created_at: v },
          { external_id: 'L-1', name: v, extra_column: v },
        ]) {
          expectSameAsZod(schema, row, JSON.stringify(row));
        }
      }
    }
  });
});
