import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A local stand-in for Slack's Web API (the bot's SLACK_API_URL points here in tests) and for
 * response_url callbacks. It records every call and can answer with Slack errors or HTTP 429 rate limits.
 * Everything else in the tests is real: Bolt, HTTP, signatures, databases.
 */
export interface RecordedCall {
  /** Web API method (`chat.postMessage`) or `response_url` for posts to /response/<id>. */
  method: string;
  args: Record<string, unknown>;
  /** For response_url calls, the id in the path. */
  responseId?: string;
  at: Date;
}

/** A file uploaded through files.getUploadURLExternal → POST upload_url → files.completeUploadExternal. */
export interface UploadedFile {
  id: string;
  filename: string;
  /** The `length` declared to files.getUploadURLExternal. */
  length: number;
  altText: string | null;
  /** The bytes POSTed to the upload URL (the PNG, when the upload carried one), or null before the POST. */
  bytes: Buffer | null;
  title: string | null;
  /** Set by files.completeUploadExternal; only completed files can be shown in blocks. */
  completed: boolean;
  /** Channel it was shared to at completion, or null for a private upload. */
  channelId: string | null;
}

type Answer =
  | { kind: 'error'; error: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number };

/** A message the stand-in accepted (chat.postMessage answered ok), as conversations.history returns it. */
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  metadata?: { event_type: string; event_payload?: Record<string, unknown> };
  /** When the stand-in accepted it (ms since the epoch). */
  at: number;
}

export interface SlackUser {
  id: string;
  email?: string;
  name?: string;
  tz?: string;
  is_bot?: boolean;
}

export interface SlackApiStub {
  /** Base URL to use as SLACK_API_URL, ending in `/api/`. */
  apiUrl: string;
  /** Base URL for response_url values: `${responseBase}<id>`. */
  responseBase: string;
  calls: RecordedCall[];
  /** Calls of one method, in order. */
  callsTo(method: string): RecordedCall[];
  /** Fixed answers by method (e.g. `apps.connections.open` → a local WebSocket URL for Socket Mode). */
  answers: Map<string, Record<string, unknown>>;
  /** Users known to users.info / users.lookupByEmail. */
  users: Map<string, SlackUser>;
  /** Files by id, from files.getUploadURLExternal on. */
  files: Map<string, UploadedFile>;
  /** The next `times` calls to `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times?: number): void;
  /** The next `times` calls to `method` answer HTTP 429 with Retry-After. */
  rateLimitNext(method: string, retryAfterSeconds: number, times?: number): void;
  /** The next `times` calls to `method` answer with a bare HTTP status (e.g. 500). */
  httpErrorNext(method: string, status: number, times?: number): void;
  /** Every message accepted, in order (the stand-in's channel histories). */
  messages: PostedMessage[];
  /** Every later call to `method` waits `ms` before it is answered (0 = no delay). */
  setDelay(method: string, ms: number): void;
  /** Every post to `channel` answers `{ ok: false, error }` until cleared with `null`. */
  failChannel(channel: string, error: string | null): void;
  /** Every `n`-th call to `method` (counting from now) gets `answer`; `null` clears it. */
  everyNth(method: string, n: number, answer: Answer | null): void;
  /** Resolves once at least `count` calls to `method` were recorded (or rejects after `timeoutMs`). */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 at a free port. */
export async function startSlackApiStub(): Promise<SlackApiStub> {
  const calls: RecordedCall[] = [];
  const users = new Map<string, SlackUser>();
  const answers = new Map<string, Record<string, unknown>>();
  const files = new Map<string, UploadedFile>();
  let fileCounter = 0;
  const queued = new Map<string, Answer[]>();
  const messages: PostedMessage[] = [];
  const delays = new Map<string, number>();
  const brokenChannels = new Map<string, string>();
  const periodic = new Map<string, { n: number; answer: Answer; seen: number }>();
  let tsCounter = 0;

  const enqueue = (method: string, answer: Answer, times: number) => {
    const list = queued.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(answer);
    queued.set(method, list);
  };

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const body = raw.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The upload URL from files.getUploadURLExternal: Slack takes the bytes (raw or multipart) and says "OK".
    const uploadMatch = /^\/upload\/(F[A-Z0-9]+)$/.exec(url.pathname);
    if (uploadMatch) {
      const file = files.get(uploadMatch[1]!);
      calls.push({
        method: 'file_upload',
        args: { fileId: uploadMatch[1], size: raw.length },
        at: new Date(),
      });
      const answer = queued.get('file_upload')?.shift();
      if (!file || answer) {
        res.writeHead(answer?.kind === 'http' ? answer.status : 404);
        res.end();
        return;
      }
      file.bytes = extractPng(raw) ?? raw;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${file.bytes.length}`);
      return;
    }
    const args = parseArgs(body, req.headers['content-type'] ?? '');
    const responseMatch = /^\/response\/(.+)$/.exec(url.pathname);
    const method = responseMatch ? 'response_url' : url.pathname.replace(/^\/api\//, '');
    calls.push({ method, args, at: new Date(), ...(responseMatch ? { responseId: responseMatch[1] } : {}) });
    const delay = delays.get(method) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    let answer = queued.get(method)?.shift();
    const every = periodic.get(method);
    if (!answer && every && ++every.seen % every.n === 0) answer = every.answer;
    const broken = method === 'chat.postMessage' ? brokenChannels.get(String(args.channel)) : undefined;
    if (!answer && broken) answer = { kind: 'error', error: broken };
    if (answer?.kind === 'rate_limited') {
      res.writeHead(429, {
        'Retry-After': String(answer.retryAfterSeconds),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (answer?.kind === 'http') {
      res.writeHead(answer.status);
      res.end();
      return;
    }
    if (answer?.kind === 'error') {
      json(res, { ok: false, error: answer.error });
      return;
    }
    // An image block may only show a file that was uploaded and completed (Slack: invalid_blocks; on a
    // response_url that comes back as HTTP 404 with the same body).
    if (
      (responseMatch || method === 'chat.postMessage' || method === 'chat.postEphemeral') &&
      !slackFilesKnown(args.blocks, files)
    ) {
      if (responseMatch) res.writeHead(404, { 'content-type': 'application/json' });
      else res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'invalid_blocks' }));
      return;
    }
    if (responseMatch) {
      json(res, { ok: true });
      return;
    }
    const fixed = answers.get(method);
    if (fixed) {
      json(res, fixed);
      return;
    }
    if (method === 'files.getUploadURLExternal' || method === 'files.completeUploadExternal') {
      json(
        res,
        fileAnswer(method, args, files, base, () => `F0CHART${String(++fileCounter).padStart(4, '0')}`),
      );
      return;
    }
    if (method === 'conversations.history') {
      json(res, history(messages, args));
      return;
    }
    const payload = defaultAnswer(method, args, users, () => `${1_700_000_000 + ++tsCounter}.000100`);
    if (method === 'chat.postMessage') {
      messages.push({
        channel: String(args.channel),
        ts: String(payload.ts),
        text: String(args.text ?? ''),
        ...(args.metadata ? { metadata: args.metadata as PostedMessage['metadata'] } : {}),
        at: Date.now(),
      });
    }
    json(res, payload);
  });

  // Keep idle connections open longer than any client's keep-alive, as Slack's edge does: with Node's
  // 5 s default, a busy machine lets the server close a socket just as the client reuses it
  // ("fetch failed"), and a test sees a retry that real Slack would not cause.
  server.keepAliveTimeout = 65_000;
  let base = '';
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  const stub: SlackApiStub = {
    apiUrl: `${base}/api/`,
    responseBase: `${base}/response/`,
    calls,
    users,
    answers,
    files,
    messages,
    callsTo: (method) => calls.filter((c) => c.method === method),
    setDelay: (method, ms) => {
      delays.set(method, ms);
    },
    failChannel: (channel, error) => {
      if (error === null) brokenChannels.delete(channel);
      else brokenChannels.set(channel, error);
    },
    everyNth: (method, n, answer) => {
      if (answer === null) periodic.delete(method);
      else periodic.set(method, { n, answer, seen: 0 });
    },
    failNext: (method, error, times = 1) => enqueue(method, { kind: 'error', error }, times),
    rateLimitNext: (method, retryAfterSeconds, times = 1) =>
      enqueue(method, { kind: 'rate_limited', retryAfterSeconds }, times),
    httpErrorNext: (method, status, times = 1) => enqueue(method, { kind: 'http', status }, times),
    waitFor: async (method, count = 1, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = stub.callsTo(method);
        if (found.length >= count) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(
        `timed out waiting for ${count} call(s) to ${method}; saw ${stub.callsTo(method).length}`,
      );
    },
    reset: () => {
      calls.length = 0;
      messages.length = 0;
      queued.clear();
      files.clear();
      delays.clear();
      brokenChannels.clear();
      periodic.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}

function defaultAnswer(
  method: string,
  args: Record<string, unknown>,
  users: Map<string, SlackUser>,
  nextTs: () => string,
): Record<string, unknown> {
  switch (method) {
    case 'auth.test':
      return {
        ok: true,
        user_id: 'UTALLYBOT',
        bot_id: 'BTALLY',
        team_id: 'T0001',
        team: 'Test Co',
        user: 'tally',
      };
    case 'chat.postMessage':
      return { ok: true, channel: args.channel, ts: nextTs(), message: { text: args.text } };
    case 'chat.update':
      return { ok: true, channel: args.channel, ts: args.ts };
    case 'chat.postEphemeral':
      return { ok: true, message_ts: nextTs() };
    case 'conversations.open': {
      const who = String(args.users ?? '').split(',')[0] ?? '';
      return { ok: true, channel: { id: `D${who.replace(/^U/, '')}` } };
    }
    case 'conversations.info':
      return {
        ok: true,
        channel: { id: args.channel, name: String(args.channel).toLowerCase(), is_member: true },
      };
    case 'users.info': {
      const user = users.get(String(args.user));
      if (!user) return { ok: false, error: 'user_not_found' };
      return { ok: true, user: toSlackUser(user) };
    }
    case 'users.lookupByEmail': {
      const user = [...users.values()].find((u) => u.email === args.email);
      return user ? { ok: true, user: toSlackUser(user) } : { ok: false, error: 'users_not_found' };
    }
    default:
      return { ok: true };
  }
}

/**
 * The two Web API methods of Slack's external upload flow, as documented: getUploadURLExternal needs
 * `filename` and an integer `length` and returns `upload_url` + `file_id`; completeUploadExternal takes
 * `files` (JSON `[{id, title}]`), optionally `channel_id`, and fails with `file_not_found` for an id
 * that was never uploaded to.
 */
function fileAnswer(
  method: string,
  args: Record<string, unknown>,
  files: Map<string, UploadedFile>,
  base: string,
  nextId: () => string,
): Record<string, unknown> {
  if (method === 'files.getUploadURLExternal') {
    const length = Number(args.length);
    if (typeof args.filename !== 'string' || args.filename === '' || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: 'invalid_arguments' };
    const id = nextId();
    files.set(id, {
      id,
      filename: args.filename,
      length,
      altText: typeof args.alt_text === 'string' ? args.alt_text : null,
      bytes: null,
      title: null,
      completed: false,
      channelId: null,
    });
    return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
  }
  const list = (typeof args.files === 'string' ? safeJson(args.files) : args.files) as {
    id: string;
    title?: string;
  }[];
  if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
  const done: Record<string, unknown>[] = [];
  for (const entry of list) {
    const file = files.get(entry.id);
    if (!file || file.bytes === null) return { ok: false, error: 'file_not_found' };
    file.completed = true;
    file.title = entry.title ?? file.filename;
    file.channelId = typeof args.channel_id === 'string' ? args.channel_id : null;
    done.push({
      id: file.id,
      name: file.filename,
      title: file.title,
      mimetype: 'image/png',
      size: file.bytes.length,
    });
  }
  return { ok: true, files: done };
}

/** Whether every image block's `slack_file.id` names a completed upload. */
function slackFilesKnown(blocks: unknown, files: Map<string, UploadedFile>): boolean {
  if (!Array.isArray(blocks)) return true;
  return blocks.every((b: { type?: string; slack_file?: { id?: string } }) => {
    if (b?.type !== 'image' || !b.slack_file) return true;
    return b.slack_file.id !== undefined && files.get(b.slack_file.id)?.completed === true;
  });
}

/** The PNG inside an upload body (multipart or raw): from its signature to the end of its IEND chunk. */
function extractPng(raw: Buffer): Buffer | null {
  const start = raw.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (start < 0) return null;
  const iend = raw.indexOf(Buffer.from('IEND', 'ascii'), start);
  return iend < 0 ? null : raw.subarray(start, iend + 8);
}

/**
 * conversations.history as Slack answers it: newest first, messages after `oldest`, at most `limit`
 * (default 100), metadata only with `include_all_metadata`.
 */
function history(messages: PostedMessage[], args: Record<string, unknown>): Record<string, unknown> {
  const oldest = Number(args.oldest ?? 0);
  const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
  const withMeta = String(args.include_all_metadata) === 'true';
  const found = messages
    // The stand-in's ts values are counters, not times: `oldest` is compared with when it accepted the post.
    .filter((m) => m.channel === args.channel && m.at / 1000 > oldest)
    .reverse()
    .slice(0, limit)
    .map((m) => ({
      type: 'message',
      ts: m.ts,
      text: m.text,
      ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
    }));
  return { ok: true, messages: found, has_more: false };
}

function toSlackUser(u: SlackUser): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name ?? u.id.toLowerCase(),
    real_name: u.name ?? u.id,
    tz: u.tz ?? 'UTC',
    is_bot: u.is_bot ?? false,
    profile: { email: u.email, real_name: u.name ?? u.id, display_name: u.name ?? u.id },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** WebClient sends form-encoded bodies with nested values (blocks, …) as JSON strings; response_url gets JSON. */
function parseArgs(body: string, contentType: string): Record<string, unknown> {
  if (body === '') return {};
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { _raw: body };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function json(res: import('node:http').ServerResponse, payload: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

/**
 * Starts one stand-in for the enclosing describe block (or file) and closes it afterwards. The returned
 * object forwards to the running stand-in, so tests use it like the stand-in itself.
 */
export function useSlackApiStub(): SlackApiStub {
  let current: SlackApiStub | undefined;
  beforeAll(async () => {
    current = await startSlackApiStub();
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as SlackApiStub, {
    get(_target, key) {
      if (!current)
        throw new Error('the Slack API stand-in is used before it started (use it inside a test or hook)');
      return Reflect.get(current, key, current);
    },
  });
}
