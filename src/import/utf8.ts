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
 * character split by a chunk boundary is carried over to the next chunk. Throws ImportFormatError.
 */
export class Utf8Check {
  /** Line breaks in the bytes checked so far. */
  private breaks = 0;
  /** Whether the last byte checked was a CR (a CRLF split by the chunk boundary is one break). */
  private endsInCR = false;
  /** Characters after the last line break so far (-1 before a BOM, which editors do not show). */
  private column = 0;
  /** The start of a character that the chunk boundary cut, waiting for the next chunk. */
  private tail: Buffer | undefined;
  private first = true;

  /** Checks the next chunk; throws ImportFormatError at its first byte that is not UTF-8. */
  push(chunk: Buffer): void {
    let bytes = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = undefined;
    if (this.first && bytes.length > 0) {
      if (bytes.length < 3 && bytes[0] === 0xef) {
        // Too short to tell a BOM yet.
        this.tail = Buffer.from(bytes);
        return;
      }
      this.first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.column = -1;
    }
    const cut = incompleteTail(bytes);
    if (cut < bytes.length) {
      this.tail = Buffer.from(bytes.subarray(cut));
      bytes = bytes.subarray(0, cut);
    }
    if (!isUtf8(bytes)) this.refuse(bytes, firstBadByte(bytes));
    this.advance(bytes);
  }

  /** The stream ended: a character it cut short is refused too. */
  end(): void {
    if (this.tail) this.refuse(this.tail, 0);
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

/** Bytes after the lead byte of a sequence, and the range of the byte after the lead (Unicode Table 3-7). */
function sequence(lead: number): [more: number, lo: number, hi: number] | null {
  if (lead >= 0xc2 && lead <= 0xdf) return [1, 0x80, 0xbf];
  if (lead === 0xe0) return [2, 0xa0, 0xbf];
  if (lead === 0xed) return [2, 0x80, 0x9f]; // no UTF-16 surrogates
  if (lead >= 0xe1 && lead <= 0xef) return [2, 0x80, 0xbf];
  if (lead === 0xf0) return [3, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [3, 0x80, 0xbf];
  if (lead === 0xf4) return [3, 0x80, 0x8f]; // up to U+10FFFF
  return null;
}

/**
 * Where a character that the end of `b` cuts short starts (`b.length` when none does): such bytes
 * may be completed by the next chunk.
 */
function incompleteTail(b: Buffer): number {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 3; i -= 1) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue;
    const seq = c < 0x80 ? null : sequence(c);
    return seq && i + seq[0] >= b.length ? i : b.length;
  }
  return b.length;
}

/** The index of the first byte of `b` that does not start (or continue) a well-formed UTF-8 sequence. */
function firstBadByte(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    const seq = sequence(c);
    if (!seq) return i;
    const [more, lo, hi] = seq;
    if (i + more >= b.length) return i;
    const second = b[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= more; k += 1) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return b.length;
}
