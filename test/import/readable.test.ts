import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fileErrorReason } from '../../src/import/readable.js';

const errno = (code: string, n: number) => Object.assign(new Error(`${code}: x`), { code, errno: n });

describe('fileErrorReason', () => {
  it('names the reason from the errno code, without stack or path', () => {
    expect(fileErrorReason(errno('ENOENT', -2))).toBe('no such file');
    expect(fileErrorReason(errno('EACCES', -13))).toBe('permission denied');
    expect(fileErrorReason(errno('EISDIR', -21))).toBe('is a directory');
    // Any other code: the system's own words for it.
    expect(fileErrorReason(errno('ELOOP', -constants.errno.ELOOP))).toBe(
      'too many symbolic links encountered',
    );
  });
});
