import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteRequestArrived, yieldToIo } from '../core/yield-to-io.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { alreadyAckedResponse } from './acked-response.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { SeenRequests } from './seen-requests.js';

/**
 * The HTTP edge in front of Bolt's receiver: everything that can be decided from the request alone is
 * decided here, at once, before any listener or database work.
 *
 * - Known paths answer wrong methods with 405 and an `Allow` header; `HEAD` works wherever `GET` does.
 * - Slack requests (`POST /slack/events`) are verified here: v0 HMAC signature, timestamp within 5 minutes
 *   either way (Bolt only checks the past), and each signature accepted once while it is valid, so a
 *   captured request cannot be replayed, to this instance or any other on the same database (the
 *   record is `SeenRequests`, one indexed insert). Slack's own retries (`X-Slack-Retry-Num`) come with
 *   a fresh signature; when the same body was already handled they get an empty 200 and nothing runs
 *   twice. The ack never waits long for the database: past `replayWaitMs` the request goes on to Bolt
 *   with its verdict pending, and the listeners' work waits for it after the ack (see
 *   `pendingReplayVerdict`). When the database cannot answer within RECORD_TIMEOUT_MS the check falls
 *   back to this instance's memory (see checkSeen).
 * - A verified body that is not a Slack payload (`%%%`, `payload="a string"`, block_actions without
 *   actions, …) gets a 400 naming the problem, instead of waiting for Bolt's 3-second "unhandled" 404.
 * - Slash commands named in `ackAtOnce` (their listeners ack with an empty body and answer through
 *   response_url) are acked here, with that empty 200, as soon as they pass these checks; Bolt gets them
 *   on a later turn (see yieldToIo), with a response that drops its own ack. Each Bolt dispatch costs a
 *   couple of milliseconds of CPU before its ack, and a burst was acked one dispatch at a time (the 20th
 *   command of a burst waited for 19 dispatches); now a burst is acked as fast as it can be read.
 * Passing requests go on to Bolt with the body already buffered (Bolt reuses `rawBody`).
 */

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's documented window for `X-Slack-Request-Timestamp`, applied to the future too. */
export const TIMESTAMP_WINDOW_SECONDS = 5 * 60;
/** Slack payloads are small; anything bigger is not from Slack. */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;
/** Past this the replay check stops waiting for the database and uses this instance's memory (ms). */
export const RECORD_TIMEOUT_MS = 1_000;
/**
 * How long the ack waits for the shared replay record (ms). 0: not at all (the check phase of the same
 * event-loop turn), so the ack never waits for a database round trip; the request goes on with its
 * verdict pending and its work still runs at most once (a replay is acked with an empty 200, as every
 * Tally ack is, and dropped). A replay this instance already saw, and any replay on the embedded
 * database (its record is in memory), is still refused with 401 at once. Tests that assert a replay's
 * 401 across instances pass a longer wait.
 */
export const REPLAY_WAIT_MS = 0;
/** A refused Slack request is logged at most once per reason this often (ms), with a count of the rest. */
export const REFUSED_LOG_MS = 60_000;

/** Bound on what one instance remembers while the database is down; entries expire with the window. */
const MAX_REMEMBERED = 50_000;

export interface RequestEdgeOptions {
  signingSecret: string;
  logger: Logger;
  /** Path → methods served there (GET implies HEAD). `/slack/events` is always POST. */
  routes: ReadonlyMap<string, readonly string[]>;
  /** The shared record of signatures and bodies already seen (src/http/seen-requests.ts). */
  seen: SeenRequests;
  /** Unix ms; tests pass a fixed clock. */
  nowMs?: () => number;
  /** See REPLAY_WAIT_MS (the default). */
  replayWaitMs?: number;
  /**
   * Slash commands (e.g. `/metrics`) the edge acks itself with an empty 200 before Bolt dispatches them
   * (see above). Only for commands whose listeners always ack with an empty body.
   */
  ackAtOnce?: ReadonlySet<string>;
  /**
   * Told of each Slack request's handling at the edge, from its arrival until it is handed to Bolt (a
   * command acked here waits for a later turn before that): a stop waits for it (src/app/in-flight.ts).
   */
  track?: (work: Promise<void>) => void;
}

/** A request the edge let through before the replay record answered: resolves true when it may run. */
const pendingVerdicts = new WeakMap<IncomingMessage, Promise<boolean>>();

/**
 * The replay verdict still pending for `req` (undefined when it was decided before the request went on).
 * Resolves true when the request is new, false when it was a replay or an already handled Slack retry;
 * never rejects. Bolt's listeners wait for it after their ack (src/app/replay-gate.ts).
 */
export function pendingReplayVerdict(req: IncomingMessage): Promise<boolean> | undefined {
  return pendingVerdicts.get(req);
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps Bolt's request listener with the checks above. */
export function createRequestEdge(options: RequestEdgeOptions, next: Listener): Listener {
  const nowMs = options.nowMs ?? Date.now;
  const routes = new Map(options.routes);
  routes.set(SLACK_EVENTS_PATH, ['POST']);
  const local: LocalSeen = {
    signatures: new ExpiringSet(MAX_REMEMBERED),
    bodies: new ExpiringSet(MAX_REMEMBERED),
  };

  // Refused requests are logged once per reason a minute, with how many more came meanwhile: anyone can
  // POST unsigned requests, and one line each would let an outsider fill the log (fresh tester).
  const refused = new Map<string, { loggedAt: number; more: number }>();
  const logRefused = (now: number, verdict: Verdict) => {
    const key = `${verdict.status} ${verdict.error}`;
    const seenReason = refused.get(key);
    if (seenReason && now - seenReason.loggedAt < REFUSED_LOG_MS) {
      seenReason.more++;
      return;
    }
    if (refused.size >= 100) refused.clear();
    const more = seenReason?.more ?? 0;
    refused.set(key, { loggedAt: now, more: 0 });
    options.logger.warn(
      { status: verdict.status, why: verdict.error, ...(more > 0 ? { moreSinceLastLine: more } : {}) },
      'slack request refused',
    );
  };

  return (req, res) => {
    const path = pathOf(req.url);
    if (path === null) {
      req.resume();
      return reply(res, 400, 'malformed request target');
    }
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
    // Answer work waits while a burst of requests is still being accepted (see yieldToIo).
    noteRequestArrived();
    const handled = readBody(req, MAX_SLACK_BODY_BYTES).then(
      async (body) => {
        const now = nowMs();
        let verdict = checkSlackRequest(req, body, options.signingSecret, now);
        if (verdict.status === SEEN_CHECK) verdict = await checkSeen(req, body, now, options, local);
        if (verdict.status !== 0) {
          if (verdict.status >= 400) logRefused(now, verdict);
          return reply(res, verdict.status, verdict.error);
        }
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        if (options.ackAtOnce && isCommandIn(req, body, options.ackAtOnce)) {
          reply(res, 200, '');
          await yieldToIo();
          next(req, alreadyAckedResponse());
          return;
        }
        next(req, res);
      },
      (err: unknown) => {
        if (!(err instanceof BodyTooLargeError)) return reply(res, 400, 'could not read the body');
        // Said as the ingest API says it: the size is the problem, not the body's reading.
        res.setHeader('Connection', 'close');
        reply(res, 413, `body larger than ${MAX_SLACK_BODY_BYTES} bytes`);
      },
    );
    options.track?.(handled);
  };
}

/** status 0 = pass to Bolt; 200 = already handled (a Slack retry); 4xx = refused with `error`. */
type Verdict = { status: number; error: string };
/** Signed, in the window and well formed: the shared record decides (checkSeen). */
const SEEN_CHECK = -1;

/**
 * First sight of the signature passes; a seen one is a replay; a seen body with a retry header is done.
 * This instance remembers every signature it took, so a replay to it is refused at once. The shared
 * record decides the rest; when it has not answered within `replayWaitMs` the request passes now and
 * its verdict is left for the listeners (pendingReplayVerdict).
 * When the database cannot answer within RECORD_TIMEOUT_MS the check falls back to this instance's
 * memory (`local`): the request is answered (the listeners then tell the user the data cannot be
 * loaded) and a replay to this instance is still refused; one to another instance is not, until the
 * database is back.
 */
async function checkSeen(
  req: IncomingMessage,
  body: Buffer,
  nowMs: number,
  options: RequestEdgeOptions,
  local: LocalSeen,
): Promise<Verdict> {
  const signature = header(req, 'x-slack-signature')!;
  const signatureExpiry = nowMs + 2 * TIMESTAMP_WINDOW_SECONDS * 1000;
  if (!local.signatures.add(signature, signatureExpiry, nowMs))
    return { status: 401, error: 'replayed request' };
  const decided = recordShared(req, signature, body.toString('utf8'), nowMs, signatureExpiry, options, local);
  const waitMs = options.replayWaitMs ?? REPLAY_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const waited = new Promise<'later'>((resolve) => {
    if (waitMs > 0) timer = setTimeout(() => resolve('later'), waitMs);
    else immediate = setImmediate(() => resolve('later'));
  });
  const first = await Promise.race([decided, waited]);
  clearTimeout(timer);
  clearImmediate(immediate);
  if (first !== 'later') return first;
  // Let it through now; the listeners' work waits for the verdict (pendingReplayVerdict).
  pendingVerdicts.set(
    req,
    decided.then((late) => {
      if (late.status !== 0)
        options.logger.warn({ why: late.error || 'already handled' }, 'slack request dropped after the ack');
      return late.status === 0;
    }),
  );
  return { status: 0, error: '' };
}

/** The shared record's verdict for a signature this instance has not seen; never rejects. */
async function recordShared(
  req: IncomingMessage,
  signature: string,
  text: string,
  nowMs: number,
  signatureExpiry: number,
  options: RequestEdgeOptions,
  local: LocalSeen,
): Promise<Verdict> {
  const retry = header(req, 'x-slack-retry-num') !== undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), RECORD_TIMEOUT_MS);
  });
  let seen: { signatureNew: boolean; bodyNew: boolean };
  try {
    const recording = options.seen.record(signature, text, nowMs);
    recording.catch(() => undefined);
    const outcome = await Promise.race([recording, timedOut]);
    if (outcome === 'timeout') throw new Error(`the replay record took over ${RECORD_TIMEOUT_MS} ms`);
    seen = outcome;
  } catch (err) {
    options.logger.error(
      { err: describeError(err) },
      'replay check: database unavailable, using this instance memory only',
    );
    const bodyKey = createHash('sha256').update(text).digest('hex');
    // The signature is new to this instance (checkSeen took it); only the body can have been seen.
    seen = { signatureNew: true, bodyNew: local.bodies.add(bodyKey, signatureExpiry, nowMs) };
  } finally {
    clearTimeout(timer);
  }
  if (!seen.signatureNew) return { status: 401, error: 'replayed request' };
  if (!seen.bodyNew && retry) return { status: 200, error: '' };
  return { status: 0, error: '' };
}

/** Signatures this instance took, and bodies it accepted while the database could not answer. */
interface LocalSeen {
  signatures: ExpiringSet;
  bodies: ExpiringSet;
}

function checkSlackRequest(req: IncomingMessage, body: Buffer, secret: string, nowMs: number): Verdict {
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
  const malformed = payloadProblem(text, contentType);
  return malformed ? { status: 400, error: malformed } : { status: SEEN_CHECK, error: '' };
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

/** Whether a verified form body is a slash command named in `commands` (not an SSL check). */
function isCommandIn(req: IncomingMessage, body: Buffer, commands: ReadonlySet<string>): boolean {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return false;
  const form = new URLSearchParams(body.toString('utf8'));
  const command = form.get('command');
  return command !== null && commands.has(command) && form.get('ssl_check') === null && !form.has('payload');
}

/**
 * The request's path exactly as Bolt's receiver reads it (WHATWG URL against a dummy origin: dot segments
 * resolved, query and fragment dropped, absolute-form targets reduced to their path), so every request
 * Bolt would treat as `/slack/events` passes through the checks above. Null when it cannot be parsed.
 */
function pathOf(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
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
