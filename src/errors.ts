/**
 * Error handling shared by every surface. Details (message, code) go to logs; users see only the
 * short sentences chosen by the Slack layer. Stack traces and driver internals never reach either.
 */

/**
 * An error whose message was written for the person running Tally (a path, a variable, and what to do):
 * entry points print it whole (`messageForPeople`), where other errors are cut to what is safe to log.
 */
export class AdviceError extends Error {}

/**
 * The one line an entry point prints when it fails: an `AdviceError`'s message whole, else the logged
 * message (`describeError`: redacted, at most 300 characters). Secrets are redacted either way.
 */
export function messageForPeople(err: unknown): string {
  return err instanceof AdviceError ? redactSecrets(err.message) : describeError(err).message;
}

/** One link of an error's cause chain, safe to log. */
export interface ErrorLink {
  message: string;
  /** Node / driver code: `ECONNREFUSED`, a Postgres SQLSTATE such as `57P01`, a Slack error code. */
  code?: string;
}

/**
 * Message and code, plus the chain of causes (`err.cause`, and the first of an AggregateError's
 * `errors`, as pg raises for ECONNREFUSED on every address), at most 5 deep. Safe to log: secrets
 * redacted, long messages cut to 300 characters, and no query parameters or values, which may be
 * personal data (an email looked up): drizzle's "Failed query: <SQL> params: …" keeps only its SQL,
 * string literals blanked, and a Postgres data error (SQLSTATE class 22, e.g. `invalid input syntax for
 * type integer: "ana@example.com"`) has its quoted value blanked; the SQLSTATE code stays.
 */
export function describeError(err: unknown): ErrorLink & { cause?: ErrorLink[] } {
  const head = link(err);
  const chain: ErrorLink[] = [];
  let next = causeOf(err);
  for (let depth = 0; next !== undefined && depth < 5; depth++) {
    chain.push(link(next));
    next = causeOf(next);
  }
  if (chain.length === 0) return head;
  // The root cause's code is what an operator looks for first (ECONNREFUSED, 57P01, …).
  const rootCode = [...chain].reverse().find((c) => c.code)?.code;
  return { ...head, ...(head.code || !rootCode ? {} : { code: rootCode }), cause: chain };
}

function link(err: unknown): ErrorLink {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const message = redactSecrets(withoutValues(err, typeof code === 'string' ? code : undefined));
    return {
      message: message.length > 300 ? `${message.slice(0, 299)}…` : message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { message: redactSecrets(String(err)).slice(0, 300) };
}

/** The error's message less anything that may quote a query's parameters or the data it touched. */
function withoutValues(err: Error, code: string | undefined): string {
  // drizzle's DrizzleQueryError: "Failed query: <SQL>\nparams: <values>"; the pg error is its cause.
  const failed = /^Failed query: ([\s\S]*?)\nparams: /.exec(err.message);
  if (failed) return `Failed query: ${(failed[1] ?? '').replace(/'(?:[^']|'')*'/g, "'…'")}`;
  // A Postgres data exception quotes the offending value; other classes quote only names.
  if (code && /^22[0-9A-Z]{3}$/.test(code)) return err.message.replace(/"[^"]*"/g, '"…"');
  return err.message || err.name;
}

function causeOf(err: unknown): unknown {
  if (!(err instanceof Error)) return undefined;
  if (err.cause !== undefined) return err.cause;
  const errors = (err as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.length > 0 ? errors[0] : undefined;
}

/** Removes things that look like credentials (Slack tokens, passwords in URLs, bearer tokens) from text. */
export function redactSecrets(text: string): string {
  return text
    .replace(/xox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]')
    .replace(/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]')
    .replace(/(\/\/[^:/@\s]+:)[^@\s]+@/g, '$1[redacted]@')
    .replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]');
}
