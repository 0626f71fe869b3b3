import { open } from 'node:fs/promises';
import { getSystemErrorMap } from 'node:util';

/** The common reasons in the words people use; any other code takes libuv's own message. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
};

/**
 * Why a file could not be opened, in a few words for a one-line message, from the error's errno
 * code (ENOENT → "no such file", EACCES/EPERM → "permission denied", EISDIR → "is a directory";
 * other codes: Node's system error message, e.g. "too many symbolic links encountered"). No stack,
 * no path (the caller names the file).
 */
export function fileErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e?.code ? REASONS[e.code] : undefined;
  if (known) return known;
  const system = typeof e?.errno === 'number' ? getSystemErrorMap().get(e.errno)?.[1] : undefined;
  return system ?? e?.code ?? 'unknown error';
}

/**
 * Null when `file` can be opened for reading as a regular file, else why not (`fileErrorReason`;
 * a directory opens on Linux but is no file to import, so it is "is a directory" too).
 */
export async function whyUnreadable(file: string): Promise<string | null> {
  try {
    const handle = await open(file, 'r');
    try {
      return (await handle.stat()).isDirectory() ? REASONS.EISDIR! : null;
    } finally {
      await handle.close();
    }
  } catch (err) {
    return fileErrorReason(err);
  }
}
