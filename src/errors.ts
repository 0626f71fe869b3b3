/**
 * Error handling shared by every surface. Details (message, code) go to logs; users see only the
 * short sentences chosen by the Slack layer. Stack traces and driver internals never reach either.
 */

/** Message and code only, safe to log. */
export function describeError(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: redactSecrets(err.message), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: redactSecrets(String(err)) };
}

/** Removes things that look like credentials (Slack tokens, passwords in URLs, bearer tokens) from text. */
export function redactSecrets(text: string): string {
  return text
    .replace(/xox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]')
    .replace(/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]')
    .replace(/(\/\/[^:/@\s]+:)[^@\s]+@/g, '$1[redacted]@')
    .replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]');
}
