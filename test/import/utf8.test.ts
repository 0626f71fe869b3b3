import { describe, expect, it } from 'vitest';
import { NOT_UTF8, Utf8Check } from '../../src/import/utf8.js';

/** Feeds `bytes` to a fresh check in chunks of `size` bytes; the refusal's message, or null. */
function check(bytes: Buffer, size: number): string | null {
  const c = new Utf8Check();
  try {
    for (let i = 0; i < bytes.length; i += size) c.push(bytes.subarray(i, i + size));
    c.end();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('Utf8Check', () => {
  // Two- to four-byte characters, a BOM, and LF, CRLF and lone CR line endings.
  const good = Buffer.from('\ufeffname,city\r\nRené,Zürich\nЖора,東京\r🙂 ok,€\r\n');

  it('accepts UTF-8 however the chunks cut its characters and its CRLFs', () => {
    for (const size of [1, 2, 3, 5, 7, 64]) expect(check(good, size)).toBeNull();
  });

  it('names the same line and character of the first bad byte whatever the chunk size', () => {
    // Line 5 (LF, CRLF and lone CR each end one line); the BOM is not a character.
    const bad = Buffer.concat([good, Buffer.from('Ren'), Buffer.from([0xe9]), Buffer.from(',x\n')]);
    for (const size of [1, 2, 3, 4, 64]) {
      expect(check(bad, size)).toBe(`line 5, character 4 (byte 0xE9): ${NOT_UTF8}`);
    }
    // On line 1, after the BOM: an encoded surrogate (ED A0 80) is not UTF-8 either.
    const surrogate = Buffer.concat([Buffer.from('\ufeffab'), Buffer.from([0xed, 0xa0, 0x80])]);
    expect(check(surrogate, 2)).toBe(`line 1, character 3 (byte 0xED): ${NOT_UTF8}`);
  });

  it('refuses a file that ends inside a character', () => {
    const cut = Buffer.from('a,b\nx,\u20ac').subarray(0, -1);
    expect(check(cut, 64)).toBe(`line 2, character 3 (byte 0xE2): ${NOT_UTF8}`);
  });

  it('names the first byte of an overlong, out-of-range or broken sequence, whatever the chunk size', () => {
    // Each case follows "a,b\nx," (line 2); the byte named is the sequence's first.
    const cases: [bytes: number[], character: number, named: string][] = [
      [[0xc0, 0xaf], 3, 'C0'], // overlong '/'
      [[0xe0, 0x80, 0xaf], 3, 'E0'], // overlong '/', three bytes
      [[0xf0, 0x80, 0x80, 0xaf], 3, 'F0'], // overlong '/', four bytes
      [[0xed, 0xa0, 0x80], 3, 'ED'], // the surrogate U+D800
      [[0xf4, 0x90, 0x80, 0x80], 3, 'F4'], // past U+10FFFF
      [[0xf5, 0x80, 0x80, 0x80], 3, 'F5'], // a byte UTF-8 never has
      [[0xe2, 0x82, 0x41], 3, 'E2'], // '€' cut short by a letter
      [[0xc3, 0xa9, 0xa9], 4, 'A9'], // 'é' and a continuation byte too many
      [[0x80], 3, '80'], // a continuation byte with no first byte
    ];
    for (const [bytes, character, named] of cases) {
      const bad = Buffer.concat([Buffer.from('a,b\nx,'), Buffer.from(bytes), Buffer.from('y\n')]);
      for (const size of [1, 2, 3, 5, 8, 64]) {
        expect(check(bad, size)).toBe(`line 2, character ${character} (byte 0x${named}): ${NOT_UTF8}`);
      }
    }
  });

  it('finds a bad byte in a later chunk of a large file, and a character the end cuts short', () => {
    const rows = Buffer.from('Zoë,Zürich\n'.repeat(10_000)); // 130,000 bytes, 10,000 lines
    const late = Buffer.concat([rows, Buffer.from('Ren'), Buffer.from([0xe9]), Buffer.from('\n')]);
    for (const size of [7, 4096, 65536]) {
      expect(check(late, size)).toBe(`line 10001, character 4 (byte 0xE9): ${NOT_UTF8}`);
    }
    // An emoji's four bytes cut to three at the end; a file of only a BOM's first two bytes.
    const cutEmoji = Buffer.concat([rows, Buffer.from('ok,🙂').subarray(0, -1)]);
    for (const size of [1, 3, 65536]) {
      expect(check(cutEmoji, size)).toBe(`line 10001, character 4 (byte 0xF0): ${NOT_UTF8}`);
    }
    expect(check(Buffer.from([0xef, 0xbb]), 1)).toBe(`line 1, character 1 (byte 0xEF): ${NOT_UTF8}`);
    expect(check(Buffer.from('\ufeff'), 1)).toBeNull();
  });
});
