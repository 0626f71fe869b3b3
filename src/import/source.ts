import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ImportFormatError } from './columns.js';
import { Utf8Check } from './utf8.js';

/** Delimiters Tally recognises: comma, semicolon (Excel in most of Europe), tab, pipe. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
export const delimiterName = (d: string) => NAMES[d as Delimiter] ?? JSON.stringify(d);

/** "," ";" "|" "\t" or the words comma, semicolon, tab, pipe → the delimiter; null otherwise. */
export function parseDelimiter(text: string): Delimiter | null {
  const t = text === '\\t' || text.toLowerCase() === 'tab' ? '\t' : text;
  const byName = Object.entries(NAMES).find(([, n]) => n === t.toLowerCase());
  if (byName) return byName[0] as Delimiter;
  return (DELIMITERS as readonly string[]).includes(t) ? (t as Delimiter) : null;
}

/**
 * Picks the delimiter of a header line: the candidate that occurs most often outside quotes; a comma
 * when none occurs (a one-column file).
 */
export function sniffDelimiter(headerLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as Delimiter))
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** One parsed record and the physical line it starts on (1-based, header = line 1, as an editor numbers lines). */
export interface CsvRecord {
  record: string[];
  line: number;
}

/**
 * Returns a counter that gives each record's first line (1-based, header = line 1), as an editor numbers
 * lines. csv-parse's `info.lines` is where a record ends, and it counts a CRLF inside a quoted cell as
 * two line breaks (so every later record drifts by one per such CRLF); the counter corrects both.
 * Call `start` once per record, in file order, with the record's cells and its `info.lines`; `physical`
 * turns a later `info.lines` (e.g. a CsvError's `lines`) into a physical line with the drift so far.
 */
export function recordStartLines(): {
  start(record: string[], endLine: number): number;
  physical(lines: number): number;
} {
  let doubled = 0;
  return {
    start(record, endLine) {
      let breaks = 0;
      for (const cell of record) {
        if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) continue;
        doubled += cell.match(/\r\n/g)?.length ?? 0;
        breaks += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
      }
      return endLine - doubled - breaks;
    },
    physical: (lines) => lines - doubled,
  };
}

/**
 * csv-parse's refusal of the file's syntax (a CsvError), in words for people: the physical line, the
 * column (by header name when known) and how to fix it. Null for any other error.
 * `line`: the physical line of the error; `opened`: the line the unfinished record started on.
 */
export function describeCsvError(
  err: unknown,
  where: { line: number; opened: number; header: string[] | undefined },
): ImportFormatError | null {
  if (!(err instanceof CsvError)) return null;
  const index = (err as { column?: unknown }).column;
  const name = typeof index === 'number' ? where.header?.[index] : undefined;
  const column =
    typeof index === 'number' ? ` (column ${index + 1}${name ? `, ${JSON.stringify(name)}` : ''})` : '';
  const reexport = 're-export the file as CSV with quoted fields';
  switch (err.code) {
    case 'INVALID_OPENING_QUOTE': {
      const before = String((err as { field?: unknown }).field ?? '');
      return new ImportFormatError(
        `line ${where.line}: a stray quote in an unquoted cell${column}: ${before}"…; quote the whole cell and double its quotes (e.g. "${before}""…") or ${reexport}`,
      );
    }
    case 'CSV_INVALID_CLOSING_QUOTE': {
      // A quote left open earlier swallows the following lines until the next quote closes it: the row
      // to fix is the one where the quoted cell opened.
      const at =
        where.opened < where.line
          ? `line ${where.opened}: a quoted cell${column} opened on this line runs on to line ${where.line}, where its closing quote is followed by more text`
          : `line ${where.line}: a quoted cell${column} goes on after its closing quote (e.g. "Big" Deal)`;
      return new ImportFormatError(
        `${at}; close the cell where it ends, quote the whole cell and double the quotes inside it (e.g. """Big"" Deal"), or ${reexport}`,
      );
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ImportFormatError(
        `line ${where.opened}: a quoted cell${column} opened in this row is never closed (the file ends inside it); close it with a quote, double any quote inside it, or ${reexport}`,
      );
    default:
      return new ImportFormatError(`line ${where.line}: the file is not valid CSV (${err.message})`);
  }
}

/**
 * Opens a CSV stream: reads the header line (the first line with content; blank lines above it are
 * skipped) to pick the delimiter (unless forced), decodes UTF-8 (with or without BOM) or UTF-16 with a
 * BOM (Excel's "Unicode text"), refuses other encodings with the line and character of the first byte
 * that is not UTF-8 (an ImportFormatError, from this call or from `records`), and returns csv-parse's
 * records (with their first line; in arrays, one per chunk of input) and the delimiter used. Each line may end with LF, CRLF or a lone CR.
 * Blank lines come as records (one empty cell).
 */
export async function openCsv(
  input: Readable,
  forced?: Delimiter,
): Promise<{
  /** The records in file order, in arrays (one per chunk of input read). */
  records: AsyncIterable<CsvRecord[]>;
  delimiter: Delimiter;
  destroy(err: Error): void;
  /** A CsvError from `records` as an ImportFormatError (see describeCsvError); other errors as they are. */
  explain(err: unknown): unknown;
}> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  // Enough to hold the header line and the blank lines above it (64 KiB is far beyond any real header).
  while (size < 65_536) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    const b = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(b);
    size += b.length;
    if (
      (b.includes(10) || b.includes(13)) &&
      headerLine(sniffText(Buffer.concat(chunks)), false) !== undefined
    )
      break;
  }
  const head = Buffer.concat(chunks);
  let decode: ((b: Buffer) => string) | null = null;
  // UTF-8 is checked as the file streams by, so a byte that is not UTF-8 is refused with its line.
  let utf8: Utf8Check | null = null;
  if (head[0] === 0xff && head[1] === 0xfe) {
    const dec = new TextDecoder('utf-16le');
    decode = (b) => dec.decode(b, { stream: true });
  } else if (head[0] === 0xfe && head[1] === 0xff) {
    const dec = new TextDecoder('utf-16be');
    decode = (b) => dec.decode(b, { stream: true });
  } else {
    const utf16 = bomlessUtf16(head);
    if (utf16)
      throw new ImportFormatError(
        `the file looks like UTF-16 (${utf16}) without a byte order mark: every other byte is 0. Excel: save as "CSV UTF-8 (comma delimited)"; or convert it, e.g. iconv -f ${utf16 === 'little-endian' ? 'UTF-16LE' : 'UTF-16BE'} -t UTF-8`,
      );
    utf8 = new Utf8Check();
    utf8.push(head);
    if (done) utf8.end();
  }
  const headText = decode ? decode(head) : '';
  // Blank lines above the header are skipped (the header is the first record with content), so the
  // delimiter is guessed from that line, not from an empty first line.
  const firstLine = headerLine(sniffText(head), true) ?? '';
  const delimiter = forced ?? sniffDelimiter(firstLine);
  async function* all(): AsyncGenerator<string | Buffer> {
    yield decode ? headText : head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) {
        utf8?.end();
        return;
      }
      const b = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      utf8?.push(b);
      yield decode ? decode(b) : b;
    }
  }
  // Each line ends with CRLF, LF or a lone CR (old Mac), whatever the other lines use: csv-parse would
  // otherwise keep the first ending it sees and read the others as text (merging rows). Blank lines are
  // records too, so that the caller can count them with rows of only empty cells.
  const csv = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    // Records go downstream in arrays, one per input chunk (see `emit`): one array waiting is enough.
    // (csv-parse hands its options to the stream too, but does not type the stream's own.)
    ...({ readableHighWaterMark: 1 } as object),
  });
  // csv-parse's `info: true` builds a fresh info object (a dozen fields, three spreads) per record; only
  // the line count is needed, and the parser's live `info` holds it when a record is pushed.
  const live = (csv as unknown as { info: { lines: number } }).info;
  const lines = recordStartLines();
  let header: string[] | undefined;
  let lastEnd = 0;
  // The records of one input chunk go downstream as ONE array: an async iterator over single records
  // costs a promise, a result object and a stream buffer entry per record, which a big file pays a
  // million times. The parser calls `push` once per record, synchronously within `_transform`/`_flush`;
  // the chunk's array is pushed when that call ends (before its error, if any, so the records read
  // before a syntax error still arrive first).
  const push = csv.push.bind(csv);
  let chunk: CsvRecord[] = [];
  const emit = () => {
    if (chunk.length === 0) return;
    const records = chunk;
    chunk = [];
    push(records);
  };
  csv.push = (record: unknown) => {
    if (record === null) {
      emit();
      return push(null);
    }
    const cells = record as string[];
    if (header === undefined && !isBlankRecord(cells)) header = cells;
    lastEnd = live.lines;
    chunk.push({ record: cells, line: lines.start(cells, live.lines) });
    return true;
  };
  type Done = (err?: Error | null) => void;
  const parser_ = csv as unknown as {
    _transform(buf: Buffer | string, encoding: BufferEncoding, done: Done): void;
    _flush(done: Done): void;
  };
  const transform = parser_._transform.bind(csv);
  const flush = parser_._flush.bind(csv);
  parser_._transform = (buf, encoding, done) =>
    transform(buf, encoding, (err) => {
      emit();
      done(err);
    });
  parser_._flush = (done) =>
    flush((err) => {
      emit();
      done(err);
    });
  // pipeline: a parse error before the consumer starts reading (it may still be migrating) is held by
  // the parser and thrown by its iterator, never an unhandled 'error' event.
  const parser = pipeline(Readable.from(all(), { objectMode: false }), csv, () => {});
  input.on('error', (err) => parser.destroy(err));
  return {
    records: parser as AsyncIterable<CsvRecord[]>,
    delimiter,
    destroy: (err) => parser.destroy(err),
    explain: (err) => {
      const error = err as { lines?: unknown };
      const at = typeof error?.lines === 'number' ? lines.physical(error.lines) : 0;
      return describeCsvError(err, { line: at, opened: lines.physical(lastEnd + 1), header }) ?? err;
    },
  };
}

/** True when every cell is empty or spaces (a blank line is one empty cell): no header, no row. */
export function isBlankRecord(record: string[]): boolean {
  for (const cell of record) if (cell.trim() !== '') return false;
  return true;
}

/**
 * Whether the start of a file is UTF-16 text written without a byte order mark: at least a quarter of its
 * first 4 KiB are NUL bytes (which CSV text never holds), nine in ten of them on the same side of each
 * byte pair (odd offsets: little-endian, ASCII 'a' = 61 00). Null otherwise.
 */
function bomlessUtf16(head: Buffer): 'little-endian' | 'big-endian' | null {
  const n = Math.min(head.length, 4096) & ~1;
  let odd = 0;
  let even = 0;
  for (let i = 0; i < n; i += 1) if (head[i] === 0) i % 2 === 1 ? odd++ : even++;
  if (n < 4 || odd + even < n / 4) return null;
  if (odd >= 0.9 * (odd + even)) return 'little-endian';
  if (even >= 0.9 * (odd + even)) return 'big-endian';
  return null;
}

/** The start of a file as text, for finding its header line (UTF-16 by its BOM, else UTF-8; BOM dropped). */
function sniffText(head: Buffer): string {
  const encoding =
    head[0] === 0xff && head[1] === 0xfe
      ? 'utf-16le'
      : head[0] === 0xfe && head[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  return new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, '');
}

/**
 * The first line of `text` with content: not blank, not only delimiters, spaces and quotes (the rows the
 * import skips as empty). `unfinished`: also a last line that no line break ends yet (the whole file
 * was read); otherwise undefined until the line is complete.
 */
function headerLine(text: string, unfinished: boolean): string | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  const complete = unfinished ? lines : lines.slice(0, -1);
  return complete.find((line) => !/^[\s,;|"]*$/.test(line));
}
