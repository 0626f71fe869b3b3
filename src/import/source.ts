import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportFormatError } from './columns.js';

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

/** One parsed record and the line it ends on (1-based; csv-parse's `info.lines` at that record). */
export interface CsvRecord {
  record: string[];
  lines: number;
}

/**
 * Returns a counter that gives each record's first line (1-based, header = line 1), as an editor numbers
 * lines. csv-parse's `info.lines` is where a record ends, and it counts a CRLF inside a quoted cell as
 * two line breaks (so every later record drifts by one per such CRLF); the counter corrects both.
 * Call it once per record, in file order, with the record's cells and its `info.lines`.
 */
export function recordStartLines(): (record: string[], endLine: number) => number {
  let doubled = 0;
  return (record, endLine) => {
    let breaks = 0;
    for (const cell of record) {
      if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) continue;
      doubled += cell.match(/\r\n/g)?.length ?? 0;
      breaks += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
    }
    return endLine - doubled - breaks;
  };
}

/**
 * Opens a CSV stream: reads the first line to pick the delimiter (unless forced), decodes UTF-8 (with
 * or without BOM) or UTF-16 with a BOM (Excel's "Unicode text"), refuses other encodings with a clear
 * error, and returns csv-parse's records (with line info) and the delimiter used. LF and CRLF both work.
 */
export async function openCsv(
  input: Readable,
  forced?: Delimiter,
): Promise<{ records: AsyncIterable<CsvRecord>; delimiter: Delimiter; destroy(err: Error): void }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  // Enough to hold the header line (64 KiB is far beyond any real header).
  while (size < 65_536) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    const b = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(b);
    size += b.length;
    if (b.includes(10)) break;
  }
  let head = Buffer.concat(chunks);
  let decode: ((b: Buffer) => string) | null = null;
  if (head[0] === 0xff && head[1] === 0xfe) {
    const dec = new TextDecoder('utf-16le');
    decode = (b) => dec.decode(b, { stream: true });
  } else if (head[0] === 0xfe && head[1] === 0xff) {
    const dec = new TextDecoder('utf-16be');
    decode = (b) => dec.decode(b, { stream: true });
  } else {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    } catch {
      throw new ImportFormatError(
        'the file is not UTF-8 text (Excel: save as "CSV UTF-8 (comma delimited)"; or convert it, e.g. iconv -f latin1 -t utf-8)',
      );
    }
  }
  const headText = decode ? decode(head) : head.toString('utf8');
  head = Buffer.alloc(0);
  const firstLine = headText.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const delimiter = forced ?? sniffDelimiter(firstLine);
  async function* all(): AsyncGenerator<string | Buffer> {
    yield decode ? headText : Buffer.concat(chunks);
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      const b = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      yield decode ? decode(b) : b;
    }
  }
  const csv = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true });
  // csv-parse's `info: true` builds a fresh info object (a dozen fields, three spreads) per record; only
  // the line count is needed, and the parser's live `info` holds it when a record is pushed.
  const live = (csv as unknown as { info: { lines: number } }).info;
  const push = csv.push.bind(csv);
  csv.push = (record: unknown) =>
    push(record === null ? null : ({ record: record as string[], lines: live.lines } satisfies CsvRecord));
  const parser = Readable.from(all(), { objectMode: false }).pipe(csv);
  input.on('error', (err) => parser.destroy(err));
  return {
    records: parser as AsyncIterable<CsvRecord>,
    delimiter,
    destroy: (err) => parser.destroy(err),
  };
}
