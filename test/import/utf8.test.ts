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
});
