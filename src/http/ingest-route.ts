import { isUtf8 } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { isDatabaseOutage, isLockTimeout } from '../db/failures.js';
import { describeError } from '../errors.js';
import { firstBadByte } from '../import/utf8.js';
import { openCloseStagesNote } from '../ingest/close-date.js';
import { contractsLeftOutWarning } from '../ingest/contracts-left-out.js';
import {
  DATE_ORDERS,
  DemoDataError,
  ENTITIES,
  emptyCreated,
  type ItemError,
  ingestBatch,
} from '../ingest/index.js';
import { zonelessDatesNote } from '../ingest/zoneless-dates.js';
import type { Logger } from '../logger.js';
import { decimalMarkOf } from '../money/index.js';
import { duplicateKeyProblem } from './duplicate-keys.js';
import { envelopeProblem } from './ingest-envelope.js';
import { pathText, SEND_AS_STRING, shownNumber, underflowedNumbers } from './number-underflow.js';
import { BodyTooLargeError, readBody } from './read-body.js';

export const INGEST_PATH = '/api/v1/ingest';
/** Items per request, over all entities of a multi-entity batch. */
export const MAX_INGEST_ITEMS = 1000;
/** Body cap: 1,000 generous items fit comfortably; anything bigger is refused before it is buffered. */
export const MAX_INGEST_BODY_BYTES = 4 * 1024 * 1024;

export interface IngestRouteDeps {
  db: Db;
  config: Pick<Config, 'ingestToken' | 'defaultTimezone'>;
  logger: Logger;
  clock: Clock;
}

/** Request-wide settings: how numbers in text are written, and extra won/lost stage names. */
const settings = {
  locale: z.string().max(35).optional(),
  decimal: z.enum(['.', ',']).optional(),
  date_format: z.enum(DATE_ORDERS).optional(),
  won_stages: z.array(z.string().max(200)).max(100).optional(),
  lost_stages: z.array(z.string().max(200)).max(100).optional(),
};
/** What each request-wide setting must be, for a 400 that names the field (`locale: must be …`). */
const SETTING_RULES: Record<keyof typeof settings, string> = {
  locale: 'must be a text tag such as "en-US" or "de-DE" (at most 35 characters)',
  decimal: 'must be "." or ","',
  date_format: `must be one of ${DATE_ORDERS.map((o) => `"${o}"`).join(', ')}`,
  won_stages: 'must be a list of at most 100 stage names (text, at most 200 characters each)',
  lost_stages: 'must be a list of at most 100 stage names (text, at most 200 characters each)',
};

/**
 * The 400 message for a request whose settings are the wrong shape (`"locale": 5` → `locale: must be a
 * text tag …`), naming the first bad field; null when the settings are well-formed (or `json` is no object).
 */
function settingsProblem(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const parsed = z.object(settings).safeParse(json);
  const field = parsed.success ? undefined : parsed.error.issues[0]?.path[0];
  return typeof field === 'string' && field in SETTING_RULES
    ? `${field}: ${SETTING_RULES[field as keyof typeof settings]}`
    : null;
}
const batchSchema = z.strictObject({ entity: z.enum(ENTITIES), items: z.array(z.unknown()) });
const envelopeSchema = z.union([
  z.strictObject({ ...batchSchema.shape, ...settings }),
  z.strictObject({ batches: z.array(batchSchema).min(1), ...settings }),
]);
/** Seconds a client should wait before retrying when the database is unreachable or locked. */
export const RETRY_AFTER_SECONDS = 30;
/**
 * Longest wait for one lock, ms: a big import holds its table (and the lock on creating names) until it
 * commits, which takes minutes; past this the request answers 503 with Retry-After instead of hanging.
 */
export const INGEST_LOCK_TIMEOUT_MS = 5_000;

/**
 * `POST /api/v1/ingest` with `Authorization: Bearer $TALLY_INGEST_TOKEN` and a JSON body
 * `{ "entity": "leads", "items": [...] }` or `{ "batches": [{ "entity": …, "items": […] }, …] }`.
 * Same validation and upserts as the CSV import; a request is atomic (any bad item → 400, nothing
 * written) and replays change nothing. Optional request fields: `locale` ("de-DE") or `decimal`
 * ("," / ".") for amounts written as text, `won_stages` / `lost_stages` (extra stage names).
 * 400 with per-item errors naming the field; 409 when the database holds the demo org; 503 when no token is configured, or (with Retry-After)
 * when the database is unreachable or a lock is not granted within `lockTimeoutMs` (a big import); 401 on a missing or wrong token, 413 over MAX_INGEST_ITEMS items
 * or the body cap, 500 for anything unexpected (nothing written), 200 with counts.
 */
export function createIngestHandler(
  deps: IngestRouteDeps,
  options: { maxBodyBytes?: number; lockTimeoutMs?: number } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? MAX_INGEST_BODY_BYTES,
    lockTimeoutMs: options.lockTimeoutMs ?? INGEST_LOCK_TIMEOUT_MS,
  };
  return (req, res) => {
    handle(deps, limits, req, res).catch((err) => {
      // A refusal of the request (409: the database holds the demo org) is the client's to fix: logged at
      // warn like the Slack edge's refusals, not as a server failure with an error level and a stack.
      if (err instanceof DemoDataError) {
        deps.logger.warn({ status: 409, why: err.message }, 'ingest refused');
        if (!res.headersSent) send(res, 409, { ok: false, error: err.message });
        return;
      }
      // A lock not granted in time is the expected answer while a big import holds the tables: the client
      // is told to retry (503 with Retry-After), and the log says so at warn, without a stack.
      if (isLockTimeout(err)) {
        deps.logger.warn(
          { status: 503, lockTimeoutMs: limits.lockTimeoutMs, retryAfterSeconds: RETRY_AFTER_SECONDS },
          'ingest deferred: the data is locked by another writer',
        );
        if (res.headersSent) return;
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        send(res, 503, {
          ok: false,
          error: 'the data is locked by another writer (a large import); nothing was written, retry later',
        });
        return;
      }
      deps.logger.error({ err: describeError(err) }, 'ingest failed');
      if (res.headersSent) return;
      if (isDatabaseOutage(err)) {
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        send(res, 503, { ok: false, error: 'database unavailable; nothing was written, retry later' });
      } else send(res, 500, { ok: false, error: 'internal error; nothing was written' });
    });
  };
}

/** The Bolt custom route (`customRoutes: [ingestRoute(deps)]`) for the ingest handler. */
export function ingestRoute(deps: IngestRouteDeps): {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
} {
  return { path: INGEST_PATH, method: ['POST'], handler: createIngestHandler(deps) };
}

async function handle(
  deps: IngestRouteDeps,
  { maxBodyBytes, lockTimeoutMs }: { maxBodyBytes: number; lockTimeoutMs: number },
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return send(res, 405, { ok: false, error: 'use POST' });
  }
  const expected = deps.config.ingestToken;
  if (!expected) return send(res, 503, { ok: false, error: 'ingest disabled (set TALLY_INGEST_TOKEN)' });
  if (!tokenMatches(req.headers.authorization, expected)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return send(res, 401, { ok: false, error: 'missing or wrong bearer token' });
  }
  const type = req.headers['content-type'];
  if (type && !/\bjson\b/i.test(type)) return send(res, 415, { ok: false, error: 'send application/json' });
  let body: Buffer;
  try {
    body = await readBody(req, maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      res.setHeader('Connection', 'close');
      return send(res, 413, { ok: false, error: `body larger than ${maxBodyBytes} bytes` });
    }
    throw err;
  }
  // Decoding would turn a Latin-1 `é` into U+FFFD, refused later as a field's text with file wording: say
  // here that the body is not UTF-8, and where.
  if (!isUtf8(body)) {
    const at = firstBadByte(body);
    const byte = body[at]!.toString(16).toUpperCase().padStart(2, '0');
    return send(res, 400, {
      ok: false,
      error: `the request body is not valid UTF-8 (byte 0x${byte} at offset ${at}); send the JSON as UTF-8`,
    });
  }
  // A leading byte order mark (Windows tools write one) is not part of the JSON text: RFC 8259 §8.1 lets a
  // parser ignore it, and JSON.parse does not.
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8 says where: the token and the text around it (`Unexpected token '}', ..."items":[}"`), or the
    // position; the text is the caller's own.
    const where =
      err instanceof SyntaxError
        ? `: ${withLineAndColumn(err.message.replace(/ is not valid JSON$/, ''), text).slice(0, 200)}`
        : '';
    return send(res, 400, { ok: false, error: `body is not valid JSON${where}` });
  }
  // `{"amount": 5, "amount": 7}` is JSON that JSON.parse reads as 7 and other readers as 5: refused.
  const duplicate = duplicateKeyProblem(text, json);
  if (duplicate) return send(res, 400, { ok: false, error: duplicate });
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    const setting = settingsProblem(json);
    if (setting) return send(res, 400, { ok: false, error: setting });
    return send(res, 400, { ok: false, error: envelopeProblem(json) });
  }
  const { locale, decimal: givenDecimal, date_format, won_stages, lost_stages, ...data } = envelope.data;
  let decimal = givenDecimal;
  if (locale !== undefined) {
    try {
      decimal = decimalMarkOf(locale);
    } catch (err) {
      return send(res, 400, {
        ok: false,
        error: `locale: ${err instanceof Error ? err.message : 'not a locale such as en-US or de-DE'}`,
      });
    }
    // Two answers to one question: refused, never settled by which field wins.
    if (givenDecimal !== undefined && givenDecimal !== decimal)
      return send(res, 400, {
        ok: false,
        error: `decimal: "${givenDecimal}" disagrees with locale ${locale}, which writes "${decimal}" as the decimal mark; send one of them`,
      });
  }
  const batches = 'batches' in data ? data.batches : [data as z.infer<typeof batchSchema>];
  const count = batches.reduce((n, b) => n + b.items.length, 0);
  if (count > MAX_INGEST_ITEMS) {
    return send(res, 413, { ok: false, error: `${count} items; at most ${MAX_INGEST_ITEMS} per request` });
  }
  // `"amount": 1e-400` reads as 0 (too small for a double): refused, never stored as a 0 nobody sent.
  const underflow = underflowAnswer(text, batches, 'batches' in data);
  if (underflow) return send(res, 400, underflow);
  // Names the request referenced that matched nothing and so were created (a rep, team or account): the
  // answer lists them, as the CSV import's summary does, so "ann" for "Ann Lee" is seen, not silent.
  const created = emptyCreated();
  const result = await ingestBatch(deps.db, 'batches' in data ? { batches } : batches[0]!, {
    created,
    timezone: deps.config.defaultTimezone,
    now: deps.clock(),
    atomic: true,
    source: 'api',
    decimal,
    dateOrder: date_format,
    stages: { won: won_stages ?? [], lost: lost_stages ?? [] },
    lockTimeoutMs,
  });
  if (result.errors.length > 0) {
    return send(res, 400, { ok: false, error: 'invalid items; nothing was written', errors: result.errors });
  }
  deps.logger.info(
    { items: count, inserted: result.inserted, updated: result.updated },
    'ingest batch written',
  );
  // About the request as a whole, not one item.
  const summaryWarnings = [
    ...(result.contractsLeftOut
      ? [
          {
            kind: 'contracts left out',
            count: result.contractsLeftOut,
            message: contractsLeftOutWarning(result.contractsLeftOut),
          },
        ]
      : []),
    ...(result.openCloseStages
      ? [
          {
            kind: 'close date read as expected',
            count: result.openCloseStages.length,
            message: openCloseStagesNote(result.openCloseStages, 'request'),
          },
        ]
      : []),
    ...(result.zonelessDates
      ? [
          {
            kind: 'dates without a zone',
            count: result.zonelessDates.count,
            message: zonelessDatesNote(result.zonelessDates, 'request'),
          },
        ]
      : []),
  ];
  return send(res, 200, {
    ok: true,
    inserted: result.inserted,
    updated: result.updated,
    unchanged: result.unchanged,
    ...(result.warnings ? { warnings: result.warnings } : {}),
    ...(summaryWarnings.length > 0 ? { summary_warnings: summaryWarnings } : {}),
    ...(created.reps.length + created.teams.length + created.accounts.length > 0 ? { created } : {}),
  });
}

/**
 * The 400 body for the numbers of `text` written with a non-zero digit that JSON.parse reads as 0
 * (`1e-400`, see underflowedNumbers), or null when there are none. A number in an item's field is named as
 * other invalid items are (`index`, `field`, and `entity` when `multi`, a request with `batches`), so a
 * client reads it like any refused value; a number anywhere else by its path (`items[0].amount[1]`).
 */
function underflowAnswer(
  text: string,
  batches: z.infer<typeof batchSchema>[],
  multi: boolean,
): Record<string, unknown> | null {
  const found = underflowedNumbers(text);
  if (found.length === 0) return null;
  const errors: ItemError[] = [];
  for (const { path, written } of found) {
    const message = `${shownNumber(written)} is too small for a JSON number and would read as 0; ${SEND_AS_STRING}`;
    const [a, b, c, d, e] = path;
    if (!multi && path.length === 3 && a === 'items' && typeof b === 'number' && typeof c === 'string')
      errors.push({ index: b, field: c, message });
    else if (
      multi &&
      path.length === 5 &&
      a === 'batches' &&
      typeof b === 'number' &&
      c === 'items' &&
      typeof d === 'number' &&
      typeof e === 'string'
    )
      errors.push({ index: d, field: e, message, entity: batches[b]!.entity, batch: b });
    else
      return {
        ok: false,
        error: `${pathText(path)} is ${shownNumber(written)}, too small for a JSON number: it would read as 0, so nothing was written; ${SEND_AS_STRING}`,
      };
  }
  return { ok: false, error: 'invalid items; nothing was written', errors };
}

/** Constant-time comparison: hashing first makes both sides equal length, so length leaks nothing either. */
function tokenMatches(header: string | undefined, expected: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const want = createHash('sha256').update(expected).digest();
  return timingSafeEqual(given, want) && m !== null;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * A JSON.parse message that gives only `at position 109` (a UTF-16 offset into `text`), with where that is
 * as an editor shows it: `at position 109 (line 5, column 3)`, lines and columns from 1. Other messages
 * are returned as they are.
 */
function withLineAndColumn(message: string, text: string): string {
  const m = / at position (\d+)$/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}
