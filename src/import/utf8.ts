import { isUtf8 } from 'node:buffer';
import { ImportFormatError } from './columns.js';

/** The end of every "not UTF-8" refusal: what the file is, and how to convert it. */
export const NOT_UTF8 =
  'the file is not UTF-8 text (Excel: save as "CSV UTF-8 (comma delimited)"; or convert it, e.g. iconv -f latin1 -t utf-8)';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Checks that a byte stream is UTF-8, chunk by chunk, and keeps count of its lines, so that a file
 * with a byte that is not UTF-8 (a Latin-1 `é`, 0xE9) is refused with where it is:
 * `line 7, character 12 (byte 0xE9): the file is not UTF-8 text (…)`. Lines end with LF, CRLF or a
 * lone CR, as the CSV reader reads them (line 1 is the file's first line; a UTF-8 BOM is no character).
 * The check is node:buffer's `isUtf8` (no decoding); the byte is looked for only when it fails. A
 * chunk's last character, when it is not ASCII, is checked with the next chunk, so a character split
 * by a chunk boundary is checked whole. Throws ImportFormatError.
 */
export class Utf8Check {
  /** Line breaks in the bytes checked so far. */
  private breaks = 0;
  /** Whether the last byte checked was a CR (a CRLF split by the chunk boundary is one break). */
  private endsInCR = false;
  /** Characters after the last line break so far (-1 before a BOM, which editors do not show). */
  private column = 0;
  /** The chunk's last character (at most 4 bytes, maybe cut short), waiting for the next chunk. */
  private tail: Buffer | undefined;
  private first = true;

  /** Checks the next chunk; throws ImportFormatError at its first byte that is not UTF-8. */
  push(chunk: Buffer): void {
    let bytes = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = undefined;
    const cut = lastCharStart(bytes);
    if (cut < bytes.length) {
      this.tail = Buffer.from(bytes.subarray(cut));
      bytes = bytes.subarray(0, cut);
    }
    if (this.first && bytes.length > 0) {
      this.first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.column = -1;
    }
    if (!isUtf8(bytes)) this.refuse(bytes, firstBadByte(bytes));
    this.advance(bytes);
  }

  /** The stream ended: the last character is checked too (one that the end cut short is refused). */
  end(): void {
    const tail = this.tail;
    this.tail = undefined;
    if (tail && !isUtf8(tail)) this.refuse(tail, firstBadByte(tail));
  }

  private advance(bytes: Buffer): void {
    this.breaks += countBreaks(bytes, this.endsInCR);
    if (bytes.length === 0) return;
    this.endsInCR = bytes[bytes.length - 1] === CR;
    const last = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR));
    this.column = (last < 0 ? this.column : 0) + countChars(bytes, last + 1, bytes.length);
  }

  private refuse(bytes: Buffer, at: number): never {
    const before = bytes.subarray(0, at);
    const line = this.breaks + countBreaks(before, this.endsInCR) + 1;
    const last = Math.max(before.lastIndexOf(LF), before.lastIndexOf(CR));
    const column = (last < 0 ? this.column : 0) + countChars(bytes, last + 1, at) + 1;
    const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
    throw new ImportFormatError(`line ${line}, character ${column} (byte 0x${byte}): ${NOT_UTF8}`);
  }
}

/** Line breaks in `b` (LF, CRLF and lone CR one each); `afterCR`: the byte before `b` was a CR. */
function countBreaks(b: Buffer, afterCR: boolean): number {
  let lf = 0;
  for (let i = b.indexOf(LF); i !== -1; i = b.indexOf(LF, i + 1)) lf += 1;
  let cr = 0;
  let crlf = afterCR && b[0] === LF ? 1 : 0;
  for (let i = b.indexOf(CR); i !== -1; i = b.indexOf(CR, i + 1)) {
    cr += 1;
    if (b[i + 1] === LF) crlf += 1;
  }
  return lf + cr - crlf;
}

/** Characters that start in b[from, to): bytes that are not UTF-8 continuation bytes (10xxxxxx). */
function countChars(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) if ((b[i]! & 0xc0) !== 0x80) n += 1;
  return n;
}

/**
 * Where the last character of `b` starts when it is not ASCII (`b.length` otherwise): the start of
 * the last byte that is not a continuation byte (10xxxxxx) among the last four, the longest a
 * character is. With none there, `b.length` too: four continuation bytes in a row are not UTF-8.
 */
function lastCharStart(b: Buffer): number {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 4; i -= 1) {
    const c = b[i]!;
    if ((c & 0xc0) !== 0x80) return c < 0x80 ? b.length : i;
  }
  return b.length;
}

/**
 * Whether `b` is UTF-8 up to a last character that more bytes could still complete: the
 * standard decoder, streaming and fatal, throws at the first byte no UTF-8 text could have there.
 */
function startsUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The index of the first byte of `b` (which is not UTF-8) that does not start (or continue) a
 * well-formed UTF-8 sequence: for a sequence broken after its first byte, that first byte. Found by
 * halving: the longest prefix `startsUtf8` accepts ends just before the byte that broke it, or at
 * the end of `b` when only a cut-short last character is wrong; the character (at most 3 bytes)
 * left open there is backed up to, the end of the longest prefix that `isUtf8` accepts.
 */
export function firstBadByte(b: Buffer): number {
  let ok = 0; // startsUtf8 accepts b[0, ok) ...
  let bad = b.length; // ... and refuses b[0, bad) (unless ok reaches it)
  if (startsUtf8(b)) ok = bad;
  while (bad - ok > 1) {
    const mid = (ok + bad) >>> 1;
    if (startsUtf8(b.subarray(0, mid))) ok = mid;
    else bad = mid;
  }
  let at = ok;
  while (at > 0 && !isUtf8(b.subarray(0, at))) at -= 1;
  return at;
}
