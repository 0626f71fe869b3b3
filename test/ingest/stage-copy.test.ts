import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type Db, queryRows, sql } from '../../src/db/client.js';
import { CopyBatch } from '../../src/ingest/stage-copy.js';
import { describeDb } from '../helpers/db.js';

/** COPY's text format as documented (and as the stage was written before CopyBatch): the reference. */
function reference(rows: unknown[][]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '\\N';
    if (typeof v === 'number') return String(v);
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'boolean') return v ? 't' : 'f';
    return String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  };
  return rows.map((r) => `${r.map(cell).join('\t')}\n`).join('');
}

/** A transaction on a plain Postgres connection, as far as CopyBatch looks (it is never sent here). */
const postgresTx = { session: { client: {} } } as unknown as Db;

// Text with the characters COPY reserves, non-ASCII (accents, CJK, emoji as surrogate pairs) and plain ASCII.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('a', 'Z', '7', ' ', '\\', '\n', '\r', '\t', 'é', '中', '😀', ',', '"') }),
);
const value = fc.oneof(
  text,
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  // Any instant a Date can hold, and (below) instants of the years 1900-2200, which the import accepts.
  fc.date({ noInvalidDate: true }),
  fc.date({
    min: new Date('1900-01-01T00:00:00Z'),
    max: new Date('2200-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
);

it('writes exactly the COPY text of its values, row by row (property over random rows)', () => {
  fc.assert(
    fc.property(fc.array(fc.array(value, { minLength: 1, maxLength: 6 }), { maxLength: 20 }), (rows) => {
      const batch = new CopyBatch(postgresTx, 'stage', ['a']);
      for (const r of rows) {
        for (const v of r) batch.value(v);
        batch.endRow();
      }
      expect(batch.copyText().toString('utf8')).toBe(reference(rows));
      expect(batch.rows).toBe(rows.length);
    }),
    { numRuns: 500 },
  );
});

it('writes instants and whole numbers at the edges as toISOString and String do', () => {
  const instants = [
    '0999-12-31T23:59:59.999Z',
    '1000-01-01T00:00:00.000Z',
    '1900-02-28T23:59:59.999Z',
    '2000-02-29T12:00:00.001Z',
    '2100-03-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ].map((t) => new Date(t));
  const numbers = [
    0,
    -0,
    9,
    10,
    99,
    100,
    -1,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    2 ** 53,
    1e21,
    0.1,
  ];
  const rows = [instants, numbers, [new Date(-8.64e15), new Date(8.64e15), new Date(-1)]];
  const batch = new CopyBatch(postgresTx, 'stage', ['a']);
  for (const r of rows) {
    for (const v of r) batch.value(v);
    batch.endRow();
  }
  expect(batch.copyText().toString('utf8')).toBe(reference(rows));
  expect(() => batch.value(new Date(Number.NaN))).toThrow(RangeError);
});

it('grows its buffer past 64 KiB without losing a byte', () => {
  const batch = new CopyBatch(postgresTx, 'stage', ['a', 'b']);
  const rows: unknown[][] = [];
  for (let i = 0; i < 5000; i += 1) rows.push([`row ${i} ${'x'.repeat(i % 40)}`, i % 7 === 0 ? 'é\t中' : i]);
  for (const r of rows) {
    for (const v of r) batch.value(v);
    batch.endRow();
  }
  expect(batch.copyText().toString('utf8')).toBe(reference(rows));
});

it('writes a batch into the buffer of an earlier one from its start', () => {
  const first = new CopyBatch(postgresTx, 'stage', ['a']);
  for (let i = 0; i < 3000; i += 1) {
    first.value(`long row ${i} ${'y'.repeat(30)}`);
    first.endRow();
  }
  const second = new CopyBatch(postgresTx, 'stage', ['a'], first.buffer);
  second.value('short');
  second.value(7);
  second.endRow();
  expect(second.buffer).toBe(first.buffer);
  expect(second.copyText().toString('utf8')).toBe('short\t7\n');
});

describeDb('CopyBatch into a staging table', (ctx) => {
  it('stores every value as given: reserved characters, non-ASCII, nulls, numbers, booleans, instants', async () => {
    const strings = fc.sample(text, { numRuns: 300, seed: 14 });
    await ctx.db().transaction(async (tx) => {
      const db = tx as unknown as Db;
      await db.execute(
        sql.raw(
          'create temporary table t_copy (i int, s text, n float8, b boolean, d timestamptz) on commit drop',
        ),
      );
      const batch = new CopyBatch(db, 't_copy', ['i', 's', 'n', 'b', 'd']);
      strings.forEach((s, i) => {
        batch.value(i);
        batch.value(i % 11 === 0 ? null : s);
        batch.value(i % 3 === 0 ? i / 7 : undefined);
        batch.value(i % 2 === 0);
        batch.value(new Date(Date.UTC(2026, 0, 1) + i * 1000));
        batch.endRow();
      });
      await batch.send();
      const back = await queryRows<{ i: number; s: string | null; n: number | null; b: boolean; d: Date }>(
        db,
        sql`select i, s, n, b, d from t_copy order by i`,
      );
      expect(back.map((r) => r.s)).toEqual(strings.map((s, i) => (i % 11 === 0 ? null : s)));
      expect(back.map((r) => r.n)).toEqual(strings.map((_, i) => (i % 3 === 0 ? i / 7 : null)));
      expect(back.map((r) => r.b)).toEqual(strings.map((_, i) => i % 2 === 0));
      expect(back.map((r) => new Date(r.d).getTime())).toEqual(
        strings.map((_, i) => Date.UTC(2026, 0, 1) + i * 1000),
      );
    });
  });
});
