import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { ImportFormatError, importCsv } from '../../src/import/import-csv.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

// The file itself, as written: quotes, line endings and empty rows. One file's text per call.
const file = tempCsv('csv-syntax').file;

const NOW = new Date('2026-11-23T09:00:00Z');
const HEADER = 'external_id,created_at,product';

describeDb('CSV syntax', (ctx) => {
  const run = (text: string | Buffer, skipInvalid = false) =>
    importCsv(ctx.db(), {
      entity: 'opportunities',
      input: createReadStream(file(text)),
      timezone: 'UTC',
      now: NOW,
      skipInvalid,
    });
  const refusal = async (text: string | Buffer) => {
    const err = await run(text).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportFormatError);
    return (err as Error).message;
  };
  const count = async () =>
    (await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from opportunities`))[0]!.n;

  it('refuses a stray quote with its line and how to quote the cell, never a raw parser error', async () => {
    expect(await refusal(`${HEADER}\nQ-1,2026-10-01,27" monitor\n`)).toBe(
      'line 2: a stray quote in an unquoted cell (column 3, "product"): 27"…; quote the whole cell and double its quotes (e.g. "27""…") or re-export the file as CSV with quoted fields',
    );
    expect(await refusal(`${HEADER}\nQ-1,2026-10-01,=HYPERLINK("x")\n`)).toContain(
      'line 2: a stray quote in an unquoted cell (column 3, "product")',
    );
    expect(await refusal(`${HEADER}\nQ-1,2026-10-01,"Big" Deal\n`)).toMatch(
      /^line 2: a quoted cell \(column 3, "product"\) goes on after its closing quote/,
    );
    // Opened on line 3, the file ends on line 4 inside it.
    expect(await refusal(`${HEADER}\nQ-1,2026-10-01,x\nQ-2,2026-10-01,"Big Deal\nmore\n`)).toMatch(
      /^line 3: a quoted cell \(column 3, "product"\) opened in this row is never closed/,
    );
    // Opened on line 3 and closed by a quote on line 5: the row to fix is line 3.
    expect(
      await refusal(
        `${HEADER}\nQ-1,2026-10-01,x\nQ-2,2026-10-01,"Acme\nQ-3,2026-10-01,x\nQ-4,2026-10-01,27" x\n`,
      ),
    ).toMatch(
      /^line 3: a quoted cell \(column 3, "product"\) opened on this line runs on to line 5, where its closing quote is followed by more text;/,
    );
    expect(await count()).toBe(0);
  });

  it('names the physical line of a quote error deep in the file, after quoted CRLF line breaks', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `D-${i},2026-10-01,x`);
    const text = `${HEADER}\r\nM-1,2026-10-01,"two\r\nlines"\r\n${rows.join('\r\n')}\r\nQ-1,2026-10-01,27" monitor\r\n`;
    expect(await refusal(text)).toMatch(/^line 20004: a stray quote/);
    expect(await count()).toBe(0);
  });

  it('reads LF, CRLF and lone CR line endings mixed in one file, with physical line numbers', async () => {
    const lfWithCrlf = `${HEADER}\nN-2,2026-10-01,x\r\nN-3,2026-10-01,x\r\nN-5,2026-10-01,x\r\nN-4,bad,y\n`;
    const a = await run(lfWithCrlf, true);
    expect(a).toMatchObject({ rows: 4, inserted: 3, invalidRows: 1 });
    expect(a.errors.map((e) => e.line)).toEqual([5]);

    const crlfWithLf = `${HEADER}\r\nC-2,2026-10-01,x\nC-3,2026-10-01,x\r\nC-4,bad,y\r\n`;
    const b = await run(crlfWithLf, true);
    expect(b).toMatchObject({ rows: 3, inserted: 2, invalidRows: 1 });
    expect(b.errors).toEqual([{ line: 4, field: 'created_at', message: expect.stringContaining('"bad"') }]);

    // Old Mac: every line ends with a lone CR.
    const mac = await run(`${HEADER}\rR-2,2026-10-01,x\rR-3,bad,y\r`, true);
    expect(mac).toMatchObject({ rows: 2, inserted: 1, invalidRows: 1 });
    expect(mac.errors.map((e) => e.line)).toEqual([3]);
    const products = await queryRows<{ product: string }>(
      ctx.db(),
      sql`select product from opportunities order by external_id`,
    );
    expect(products.map((p) => p.product)).toEqual(['x', 'x', 'x', 'x', 'x', 'x']);
  });

  it('skips rows of only delimiters or spaces (Excel) like blank lines, and counts them', async () => {
    const text = `${HEADER.replaceAll(',', ';')}\nE-1;2026-10-01;x\n;;\nE-2;2026-10-01;x\n   \n\nE-3;2026-10-01;x\n ; ;\n`;
    const r = await run(text);
    expect(r).toMatchObject({ rows: 3, inserted: 3, invalidRows: 0, rejected: false });
    expect(r.emptyRows).toEqual({ count: 4, lines: [3, 5, 6, 8] });
  });

  it('reads blank lines above the header as nothing: the header is the first line with content', async () => {
    // A leading blank line used to be sniffed as the header line, so ";" was never detected.
    const semi = await run(
      `\n\r\n ;;\n${HEADER.replaceAll(',', ';')}\nB-1;2026-10-01;x\n\nB-2;2026-10-01;y\n`,
    );
    expect(semi).toMatchObject({ delimiter: ';', rows: 2, inserted: 2, invalidRows: 0 });
    // Blank lines above the header are not empty rows of the data; the one below it is (line 6).
    expect(semi.emptyRows).toEqual({ count: 1, lines: [6] });
    // A quote error further down names the column by the header, not by the blank first line.
    expect(await refusal(`\n\n${HEADER}\nQ-1,2026-10-01,27" monitor\n`)).toBe(
      'line 4: a stray quote in an unquoted cell (column 3, "product"): 27"…; quote the whole cell and double its quotes (e.g. "27""…") or re-export the file as CSV with quoted fields',
    );
    expect(await refusal(`\r\n${HEADER.replaceAll(',', '\t')}\r\nQ-2\t2026-10-01\t"Big" Deal\r\n`)).toMatch(
      /^line 3: a quoted cell \(column 3, "product"\) goes on after its closing quote/,
    );
    expect(await count()).toBe(2);
  });

  it('refuses a file that is not UTF-8 with the line and character of its first bad byte, also deep in the file', async () => {
    const advice =
      'the file is not UTF-8 text (Excel: save as "CSV UTF-8 (comma delimited)"; or convert it, e.g. iconv -f latin1 -t utf-8)';
    // Latin-1 "é" (0xE9) on line 3, after a UTF-8 BOM and a real UTF-8 "é" on line 2.
    const latin1 = Buffer.concat([
      Buffer.from(`\ufeff${HEADER}\r\nU-1,2026-10-01,Caf\u00e9\r\nU-2,2026-10-01,Caf`),
      Buffer.from([0xe9, 0x0d, 0x0a]),
    ]);
    expect(await refusal(latin1)).toBe(`line 3, character 19 (byte 0xE9): ${advice}`);
    // Past the first 64 KiB (what is read before the rows stream): still the file's refusal, not a row's.
    const rows = Array.from({ length: 6_000 }, (_, i) => `D-${i},2026-10-01,plain row`).join('\n');
    const deep = Buffer.concat([
      Buffer.from(`${HEADER}\n${rows}\nD-x,2026-10-01,na`),
      Buffer.from([0xef, 0x76, 0x65, 0x0a]), // Latin-1 "ïve"
      Buffer.from('D-y,2026-10-01,ok\n'),
    ]);
    expect(deep.length).toBeGreaterThan(65_536);
    expect(await refusal(deep)).toBe(`line 6002, character 18 (byte 0xEF): ${advice}`);
    expect(await count()).toBe(0);
  });

  it('refuses UTF-16 written without a byte order mark, naming it, and still reads UTF-16 with one (tester)', async () => {
    const text = `${HEADER}\r\nW-1,2026-10-01,Café\r\n`;
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(await refusal(le)).toBe(
      'the file looks like UTF-16 (little-endian) without a byte order mark: every other byte is 0. Excel: save as "CSV UTF-8 (comma delimited)"; or convert it, e.g. iconv -f UTF-16LE -t UTF-8',
    );
    expect(await refusal(be)).toContain('UTF-16 (big-endian) without a byte order mark');
    expect(await count()).toBe(0);
    const withBom = await run(Buffer.concat([Buffer.from([0xff, 0xfe]), le]));
    expect(withBom).toMatchObject({ rows: 1, inserted: 1 });
  });

  it('refuses a repeated header row mid-file as one error on its line', async () => {
    const r = await run(`${HEADER}\nH-1,2026-10-01,x\n${HEADER}\nH-2,2026-10-01,x\n`, true);
    expect(r).toMatchObject({ rows: 3, inserted: 2, invalidRows: 1 });
    expect(r.errors).toEqual([{ line: 3, field: null, message: 'repeats the header row; delete it' }]);
  });

  it('refuses a header row repeated in another case (headers are read case-insensitively)', async () => {
    const r = await run(`External_ID,Created_At,Product\nH-1,2026-10-01,x\n${HEADER}\n`, true);
    expect(r.errors).toEqual([{ line: 3, field: null, message: 'repeats the header row; delete it' }]);
  });
});
