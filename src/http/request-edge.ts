import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { BodyTooLargeError, readBody } from './read-body.js';

/**
 * The HTTP edge in front of Bolt's receiver: everything that can be decided from the request alone is
 * decided here, at once, before any listener or database work.
 *
 * - Known paths answer wrong methods with 405 and an `Allow` header; `HEAD` works wherever `GET` does.
 * - Slack requests (`POST /slack/events`) are verified here: v0 HMAC signature, timestamp within 5 minutes
 *   either way (Bolt only checks the past), and each signature accepted once while it is valid, so a
 *   captured request cannot be replayed. Slack's own retries (`X-Slack-Retry-Num`) come with a fresh
 *   signature; when the same body was already handled they get an empty 200 and nothing runs twice.
 * - A verified body that is not a Slack payload (`%%%`, `payload="a string"`, block_actions without
 *   actions, …) gets a 400 naming the problem, instead of waiting for Bolt's 3-second "unhandled" 404.
 * Passing requests go on to Bolt with the body already buffered (Bolt reuses `rawBody`).
 */

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's documented window for `X-Slack-Request-Timestamp`, applied to the future too. */
export const TIMESTAMP_WINDOW_SECONDS = 5 * 60;
/** Slack payloads are small; anything bigger is not from Slack. */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;
/** Bound on remembered signatures and bodies; entries expire with the timestamp window. */
const MAX_REMEMBERED = 50_000;

export interface RequestEdgeOptions {
  signingSecret: string;
  logger: Logger;
  /** Path → methods served there (GET implies HEAD). `/slack/events` is always POST. */
  routes: ReadonlyMap<string, readonly string[]>;
  /** Unix ms; tests pass a fixed clock. */
  nowMs?: () => number;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps Bolt's request listener with the checks above. */
export function createRequestEdge(options: RequestEdgeOptions, next: Listener): Listener {
  const nowMs = options.nowMs ?? Date.now;
  const seenSignatures = new ExpiringSet(MAX_REMEMBERED);
  const seenBodies = new ExpiringSet(MAX_REMEMBERED);
  const routes = new Map(options.routes);
  routes.set(SLACK_EVENTS_PATH, ['POST']);

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const methods = routes.get(path);
    if (!methods) return next(req, res);
    const allowed = [...new Set(methods.includes('GET') ? [...methods, 'HEAD'] : methods)];
    const method = req.method ?? 'GET';
    if (!allowed.includes(method)) {
      req.resume();
      res.writeHead(405, { allow: allowed.join(', '), 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ ok: false, error: `method ${method} not allowed; use ${allowed.join(' or ')}` }),
      );
      return;
    }
    if (path !== SLACK_EVENTS_PATH) return next(req, res);
    void readBody(req, MAX_SLACK_BODY_BYTES).then(
      (body) => {
        const verdict = checkSlackRequest(
          req,
          body,
          options.signingSecret,
          nowMs(),
          seenSignatures,
          seenBodies,
        );
        if (verdict.status !== 0) {
          if (verdict.status >= 400)
            options.logger.warn({ status: verdict.status, why: verdict.error }, 'slack request refused');
          return reply(res, verdict.status, verdict.error);
        }
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        next(req, res);
      },
      (err: unknown) => reply(res, err instanceof BodyTooLargeError ? 413 : 400, 'could not read the body'),
    );
  };
}

/** status 0 = pass to Bolt; 200 = already handled (a Slack retry); 4xx = refused with `error`. */
type Verdict = { status: number; error: string };

function checkSlackRequest(
  req: IncomingMessage,
  body: Buffer,
  secret: string,
  nowMs: number,
  seenSignatures: ExpiringSet,
  seenBodies: ExpiringSet,
): Verdict {
  const text = body.toString('utf8');
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  // Slack's SSL check carries no signature; Bolt answers it and strips anything else from the body.
  if (
    contentType === 'application/x-www-form-urlencoded' &&
    new URLSearchParams(text).get('ssl_check') === '1'
  )
    return { status: 0, error: '' };
  const signature = header(req, 'x-slack-signature');
  const timestamp = Number(header(req, 'x-slack-request-timestamp'));
  if (!signature || !Number.isInteger(timestamp))
    return { status: 401, error: 'missing Slack signature headers' };
  const skew = Math.abs(nowMs / 1000 - timestamp);
  if (skew > TIMESTAMP_WINDOW_SECONDS) return { status: 401, error: 'timestamp outside the 5-minute window' };
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${text}`).digest('hex')}`;
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { status: 401, error: 'bad signature' };
  const expiresAt = (timestamp + TIMESTAMP_WINDOW_SECONDS) * 1000;
  if (!seenSignatures.add(signature, expiresAt, nowMs)) return { status: 401, error: 'replayed request' };
  const bodyKey = createHash('sha256').update(text).digest('hex');
  const firstTime = seenBodies.add(bodyKey, nowMs + 2 * TIMESTAMP_WINDOW_SECONDS * 1000, nowMs);
  if (!firstTime && header(req, 'x-slack-retry-num')) return { status: 200, error: '' };
  const malformed = payloadProblem(text, contentType);
  return malformed ? { status: 400, error: malformed } : { status: 0, error: '' };
}

/** What is wrong with a signed body, or null when it has the shape of a Slack payload. */
export function payloadProblem(text: string, contentType: string): string | null {
  if (contentType === 'application/json') {
    const parsed = safeJson(text);
    if (!isObject(parsed) || typeof parsed.type !== 'string')
      return 'body is not a JSON object with a `type`';
    return null;
  }
  if (contentType !== 'application/x-www-form-urlencoded')
    return `unsupported content-type ${contentType || '(none)'}`;
  if (/%(?![0-9a-f]{2})/i.test(text)) return 'body is not valid form encoding';
  const form = new URLSearchParams(text);
  const payload = form.get('payload');
  if (payload === null) {
    if (!form.get('command')) return 'form body has neither `command` nor `payload`';
    return null;
  }
  const parsed = safeJson(payload);
  if (!isObject(parsed) || typeof parsed.type !== 'string')
    return '`payload` is not a JSON object with a `type`';
  if (parsed.type === 'block_actions' && (!Array.isArray(parsed.actions) || parsed.actions.length === 0))
    return '`payload.actions` is missing or empty';
  return null;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function reply(res: ServerResponse, status: number, error: string): void {
  if (status === 200) {
    res.writeHead(200);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: false, error }));
}

/** Keys with an expiry; `add` is false when the key is already present and unexpired. Bounded. */
class ExpiringSet {
  private readonly entries = new Map<string, number>();
  constructor(private readonly max: number) {}

  add(key: string, expiresAt: number, nowMs: number): boolean {
    const existing = this.entries.get(key);
    if (existing !== undefined && existing > nowMs) return false;
    if (this.entries.size >= this.max) this.prune(nowMs);
    this.entries.set(key, expiresAt);
    return true;
  }

  private prune(nowMs: number): void {
    for (const [k, exp] of this.entries) if (exp <= nowMs) this.entries.delete(k);
    // Still full of live entries: forget the oldest (Map keeps insertion order).
    while (this.entries.size >= this.max) {
      const first = this.entries.keys().next().value;
      if (first === undefined) break;
      this.entries.delete(first);
    }
  }
}
