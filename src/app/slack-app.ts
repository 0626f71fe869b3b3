import { Server as HttpServer, type ServerResponse } from 'node:http';
import { Server } from 'node:net';
import { App, type Logger as BoltLogger, type CustomRoute, HTTPReceiver, LogLevel } from '@slack/bolt';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { CHART_UPLOAD_LIMIT_MS } from '../chart-button/deliver.js';
import { noteRequestArrived } from '../core/yield-to-io.js';
import { readAuthLost, recordAuthLost } from '../delivery/pacer.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { INGEST_PATH } from '../http/ingest-route.js';
import { createRequestEdge } from '../http/request-edge.js';
import { type SeenRequests, seenRequestsEmbedded, seenRequestsInDb } from '../http/seen-requests.js';
import type { Logger } from '../logger.js';
import { respondFetch } from '../slack/respond.js';
import { botAuthorize } from './bot-authorize.js';
import { FEATURES, listenersOf } from './features.js';
import { DRAIN_MS, InFlight } from './in-flight.js';
import { registerMetricsCommand, SLASH_COMMAND } from './metrics-command.js';
import { gateOnReplayVerdict, isReplayedRequest, replayVerdictProperty } from './replay-gate.js';
import { recordingActions, registerUnknownActions } from './unknown-actions.js';

export interface SlackAppOptions {
  /** `socket` needs SLACK_APP_TOKEN; `http` serves POST /slack/events and GET /healthz on `port`. */
  mode: 'socket' | 'http';
  port?: number;
  /** Extra HTTP routes beside /healthz and the features' routes (the ingest API); HTTP mode only. */
  routes?: CustomRoute[];
  /** How long the ack waits for the shared replay record (ms; default REPLAY_WAIT_MS); HTTP mode only. */
  replayWaitMs?: number;
  /** How long `stop()` waits for Slack work in flight (ms; default DRAIN_MS). */
  drainMs?: number;
  /** How long one response_url post waits for Slack's answer (ms; default RESPOND_TIMEOUT_MS). */
  respondTimeoutMs?: number;
  /**
   * HTTP mode: before it closes the listener, `stop()` keeps taking requests until none arrived for this
   * long (ms; default ARRIVALS_QUIET_MS), at most `arrivalsCapMs` (default ARRIVALS_CAP_MS).
   */
  arrivalsQuietMs?: number;
  arrivalsCapMs?: number;
}

export interface SlackApp {
  app: App;
  /** The deps handed to listeners: the same as given, with `slack` set to the app's Web API client. */
  deps: Deps;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the Bolt app for Socket Mode or HTTP mode. In HTTP mode Bolt's HTTPReceiver verifies every
 * request's signature (v0 HMAC, 5-minute timestamp window) before any listener runs, and also serves
 * `GET /healthz` and `POST /api/v1/ingest`. In Socket Mode the same routes are served on PORT (Slack
 * traffic comes over the WebSocket instead of /slack/events).
 */
export function createSlackApp(deps: Deps, options: SlackAppOptions): SlackApp {
  const { slack: slackConfig } = deps.config;
  if (!slackConfig.botToken) throw new Error('SLACK_BOT_TOKEN is required to connect to Slack');
  const logger = boltLogger(deps);
  // Every Web API call (GovSlack, or the tests' local stand-in) goes to SLACK_API_URL when set.
  const clientOptions = webClientOptions(slackConfig.apiUrl);
  // Bolt posts response_url answers (`respond`) with the App's `fetch`: there they get a timeout too.
  const appClientOptions = { ...clientOptions, fetch: respondFetch(options.respondTimeoutMs) };
  // One client holding the bot token, for jobs and for the bot's own auth.test (see botAuthorize).
  const botClient = new WebClient(slackConfig.botToken, { ...clientOptions, logger });
  logRateLimits(botClient, deps.logger);
  // Chart uploads may take longer than one 10 s request once the person was told the picture follows.
  const uploadClient = new WebClient(slackConfig.botToken, {
    ...clientOptions,
    timeout: CHART_UPLOAD_LIMIT_MS,
    logger,
  });
  logRateLimits(uploadClient, deps.logger);
  // A token Slack refuses at start-up makes /healthz say so at once, as a refused send would.
  const authorize = botAuthorize(botClient, slackConfig.botToken, deps.logger, (error) => {
    recordAuthLost(deps.database.db, error).catch((err: unknown) =>
      deps.logger.warn({ err: describeError(err) }, 'could not record the refused Slack token'),
    );
  });
  // Acked commands, dispatched requests and HTTP route requests (ingest, health, …) still being answered:
  // `stop()` waits for them.
  const inFlight = new InFlight();
  // Where the app is in its life; /healthz reads it (503 `draining` once a stop has begun).
  const lifecycle: { state: LifecycleState } = { state: 'running' };
  // When the last connection or request came in (performance.now()).
  const arrivals = { last: Number.NEGATIVE_INFINITY };
  const noteArrival = () => {
    arrivals.last = performance.now();
  };
  let app: App;
  // HTTP mode: the listening server, once started.
  let httpServer: HttpServer | undefined;
  // The replay record of HTTP mode (the embedded one holds keys in memory between its writes).
  let seen: SeenRequests | undefined;
  if (options.mode === 'socket') {
    if (!slackConfig.appToken) throw new Error('SLACK_APP_TOKEN is required for Socket Mode');
    // Socket Mode serves the same HTTP routes (health, ingest, …) on PORT through Bolt's receiver server.
    app = new App({
      authorize,
      appToken: slackConfig.appToken,
      socketMode: true,
      logger,
      clientOptions: appClientOptions,
      customRoutes: routesOf(deps, options, lifecycle, inFlight),
      installerOptions: {
        port: options.port ?? deps.config.port,
        // apps.connections.open goes where every other Web API call goes.
        clientOptions: slackConfig.apiUrl ? { slackApiUrl: slackConfig.apiUrl } : {},
      },
    });
  } else {
    if (!slackConfig.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required for HTTP mode');
    const customRoutes = routesOf(deps, options, lifecycle, inFlight);
    const receiver = new HTTPReceiver({
      signingSecret: slackConfig.signingSecret,
      endpoints: '/slack/events',
      port: options.port ?? deps.config.port,
      // Ack is sent as soon as a listener calls ack(); the answer then goes through response_url.
      processBeforeResponse: false,
      // Not Slack requests, so no Slack signature: /healthz is read-only, the ingest API checks its bearer token.
      customRoutes,
      // A request let through before the replay record answered carries its pending verdict to the app.
      customPropertiesExtractor: replayVerdictProperty,
      logger,
    });
    // The edge (src/http/request-edge.ts) verifies Slack requests in both time directions, refuses
    // replays and malformed bodies at once, and answers wrong methods with 405 before Bolt sees them.
    seen =
      deps.database.kind === 'pglite'
        ? seenRequestsEmbedded(deps.db, deps.logger)
        : seenRequestsInDb(deps.database.edgeDb, deps.logger);
    receiver.requestListener = createRequestEdge(
      {
        signingSecret: slackConfig.signingSecret,
        logger: deps.logger,
        routes: routeMethods(customRoutes),
        // The ack never waits for the database: on Postgres the record has a pool of its own; the
        // embedded database runs one statement at a time, so there the record is kept in memory.
        seen,
        ...(options.replayWaitMs === undefined ? {} : { replayWaitMs: options.replayWaitMs }),
        // `/metrics` always acks with an empty body and answers through response_url: the edge acks it.
        ackAtOnce: new Set([SLASH_COMMAND]),
        // Waited for, not counted as an answer: Bolt's dispatch of the same request is (see `answered`).
        track: (work) => inFlight.track(work, false),
      },
      receiver.requestListener,
    );
    app = new App({ authorize, receiver, logger, clientOptions: appClientOptions });
    gateOnReplayVerdict(app, deps.logger);
  }
  const appDeps: Deps = { ...deps, slack: botClient, slackUploads: uploadClient };
  // Bolt's `next()` in a global middleware settles once every listener has run (answered and posted).
  app.use(async ({ next }) => {
    await inFlight.track(next());
  });
  watchListenerClients(app, deps.logger);
  // The `/metrics` command first, then every feature's buttons and events, then the answer to a button
  // none of them knows (an older message's).
  registerMetricsCommand(app, appDeps);
  const isKnownAction = recordingActions(app, () => {
    for (const register of listenersOf(FEATURES)) register(app, appDeps);
  });
  registerUnknownActions(app, appDeps, isKnownAction);
  app.error(async (err) => {
    // A replay let through before its verdict stops at its gated ack; the edge logged it.
    if (isReplayedRequest(err)) return;
    deps.logger.error({ err: describeError(err) }, 'slack listener failed');
  });
  return {
    app,
    deps: appDeps,
    start: async () => {
      if (options.mode === 'socket') {
        await app.start();
        return;
      }
      const server: unknown = await app.start(options.port ?? deps.config.port);
      // A burst's connections are accepted one per event-loop turn before their requests are read: answer
      // work keeps waiting while they come in, as it does while requests arrive (see yieldToIo).
      if (server instanceof Server) {
        if (server instanceof HttpServer) httpServer = server;
        server.on('connection', () => {
          noteRequestArrived();
          noteArrival();
        });
        server.on('request', noteArrival);
      }
    },
    /**
     * Stops taking requests, then waits (at most `drainMs`) for those already taken to be answered: Slack
     * requests until their listeners finish, HTTP route requests (the ingest API, /healthz, …) until their
     * response has been sent. In HTTP mode the listener first stays open until requests stop arriving (see
     * untilArrivalsStop), with /healthz answering 503 `draining` meanwhile: Node's `server.close()` resets
     * every connection whose request it has not read yet, so closing at once dropped commands a client had
     * already sent.
     */
    stop: async () => {
      lifecycle.state = 'draining';
      const answeredBefore = inFlight.answered;
      if (options.mode === 'http') {
        await untilArrivalsStop(
          arrivals,
          options.arrivalsQuietMs ?? ARRIVALS_QUIET_MS,
          options.arrivalsCapMs ?? ARRIVALS_CAP_MS,
        );
      }
      const closing = app.stop();
      // A kept-alive connection whose request finished after the listener closed would hold the close
      // open for as long as its client keeps using it (a load balancer's health checks): close idle ones.
      const sweep = httpServer ? setInterval(() => httpServer?.closeIdleConnections(), 100) : undefined;
      const left = await inFlight.drain(options.drainMs ?? DRAIN_MS);
      clearInterval(sweep);
      httpServer?.closeAllConnections();
      await closing;
      // The embedded replay record writes its last keys, so a replay after a restart is refused.
      await seen?.flush?.();
      lifecycle.state = 'stopped';
      // Requests (Slack dispatches, HTTP route responses) finished since the stop began, those already in
      // flight then included. (The log said `taken`, the connections that arrived while stopping: a drain that
      // answered 60 commands logged "taken":0.)
      const answered = inFlight.answered - answeredBefore;
      if (left > 0) deps.logger.warn({ answered, left }, 'stopped with requests still being answered');
      else
        deps.logger.info(
          { answered },
          `stopped: every request in flight was answered, ${answered} during the drain`,
        );
    },
  };
}

/**
 * How long no connection or request must have arrived before a stopping app closes its listener (ms), and
 * the longest it keeps listening for that (ms). Requests already sent are read within a few event-loop
 * turns (one accept per turn); a load balancer that sees /healthz answer 503 stops routing new ones.
 */
export const ARRIVALS_QUIET_MS = 250;
export const ARRIVALS_CAP_MS = 2_000;

/**
 * Resolves once no connection or request has arrived for `quietMs`, or after `capMs`. Each check runs
 * in the check phase, after the event loop's poll: a connection waiting to be accepted (or a request to be
 * read) after a long synchronous step is seen before the quiet is judged, not after the listener closed.
 */
async function untilArrivalsStop(arrivals: { last: number }, quietMs: number, capMs: number): Promise<void> {
  const deadline = performance.now() + capMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setImmediate(r));
    const now = performance.now();
    if (now - arrivals.last >= quietMs || now >= deadline) return;
  }
}

/**
 * Where a Slack app is in its life: `running` (taking requests), `draining` (a stop has begun: the listener
 * stays open until requests stop arriving, then answers those taken) and `stopped` (listener closed).
 */
export type LifecycleState = 'running' | 'draining' | 'stopped';

/**
 * Health, every feature's routes (ingest, OpenAPI, …) and the caller's extras: the same in both modes. Each
 * request a route takes is in flight (`inFlight`) until its response has been sent, so a stop waits for it
 * before the listener's connections and the database are closed.
 */
function routesOf(
  deps: Deps,
  options: SlackAppOptions,
  lifecycle: { readonly state: LifecycleState },
  inFlight: InFlight,
): CustomRoute[] {
  return [
    healthRoute(deps, lifecycle),
    ...FEATURES.flatMap((f) => f.routes?.(deps) ?? []),
    ...(options.routes ?? []),
  ].map((route) => trackedRoute(route, inFlight));
}

/**
 * `route` with each request it takes counted in `inFlight` from the moment its handler is called until the
 * response is closed (sent, or the connection gone). Without this a SIGTERM during a burst of ingest
 * requests saw nothing in flight, reset their connections and closed the database under them: the rows
 * were written and the client got no answer.
 */
function trackedRoute(route: CustomRoute, inFlight: InFlight): CustomRoute {
  return {
    ...route,
    handler: (req, res) => {
      void inFlight.track(responseClosed(res));
      route.handler(req, res);
    },
  };
}

/** Resolves once `res` has been sent in full or its connection has closed; never rejects. */
function responseClosed(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once('close', () => resolve());
  });
}

/**
 * The Web API client Bolt uses for every call: a bounded retry policy for network errors and 5xx answers
 * (3 retries over at most 30 s) and a 10 s request timeout, instead of the library's default of about
 * 30 minutes of retries with no timeout. A 429 is not waited out by the client: `rejectRateLimitedCalls`
 * makes the call reject at once with the library's WebAPIRateLimitedError (`code`
 * `slack_webapi_rate_limited_error`, `retryAfter` = Slack's Retry-After seconds), and each call site
 * decides (tell the person when to try again, wait and publish later, defer a job's lookups). Without it the
 * library pauses its whole request queue for the Retry-After: one method's rate limit (Slack's limits are
 * per method) held every other call of the app — App Home, chart uploads, other users' lookups — as long.
 */
export function webClientOptions(apiUrl: string | null | undefined) {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 10_000, maxRetryTime: 30_000 },
    timeout: 10_000,
    rejectRateLimitedCalls: true,
  };
}

/**
 * Logs each HTTP 429 the client meets as `slack rate limited`, with the Web API method and the
 * Retry-After seconds (the call then rejects at once, per webClientOptions). Nothing else
 * of the call (arguments, token) is logged.
 */
export function logRateLimits(client: WebClient, logger: Logger): void {
  client.on(WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number, request?: { url?: string }) => {
    const method = new URL(request?.url ?? 'unknown:/unknown').pathname.split('/').pop() || 'unknown';
    logger.warn({ method, retryAfterSeconds }, 'slack rate limited');
  });
}

/**
 * Bolt hands each listener a Web API client of its own (one per workspace token, kept by Bolt), not
 * `botClient`: each is given `logRateLimits` the first time a request brings it, so a 429 met by a
 * listener (users.info, views.publish, chat.update, …) is logged like any other, with its method.
 */
function watchListenerClients(app: App, logger: Logger): void {
  const watched = new WeakSet<WebClient>();
  app.use(async ({ client, next }) => {
    if (!watched.has(client)) {
      watched.add(client);
      logRateLimits(client, logger);
    }
    await next();
  });
}

/** Path → methods of the custom routes, for the edge's 405 answers. */
function routeMethods(routes: CustomRoute[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of routes) {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toUpperCase());
    out.set(r.path, [...(out.get(r.path) ?? []), ...methods]);
  }
  if (!out.has(INGEST_PATH)) out.set(INGEST_PATH, ['POST']);
  return out;
}

/**
 * GET (and HEAD) /healthz for load balancers: 200 `{ok:true}` when the database answers within 2 s and Slack still
 * accepts the bot token (as last seen by any instance), else 503 with `database: 'down'` or
 * `slack: 'token_lost'` and the Slack error; 503 `{ok:false, draining:true}` once `lifecycle` has left `running`. Both reads use the edge pool (`edgeDb`), so a pool full of
 * answers does not make a healthy instance look dead; when the token read cannot answer in time (the
 * embedded database busy with a long statement), the last value read stands.
 */
export function healthRoute(
  deps: Pick<Deps, 'database' | 'logger'>,
  lifecycle: { readonly state: LifecycleState } = { state: 'running' },
): CustomRoute {
  let lastLost: string | null = null;
  return {
    path: '/healthz',
    method: ['GET', 'HEAD'],
    handler: (_req, res) => {
      if (lifecycle.state !== 'running') {
        sendJson(res, 503, { ok: false, draining: true });
        return;
      }
      void (async () => {
        const dbOk = await checkHealth(deps);
        if (dbOk) {
          const read = await within(readAuthLost(deps.database.edgeDb), HEALTH_READ_MS).catch(
            () => undefined,
          );
          if (read !== undefined) lastLost = read;
        }
        const lost = dbOk ? lastLost : null;
        const ok = dbOk && lost === null;
        sendJson(res, ok ? 200 : 503, {
          ok,
          database: dbOk ? 'up' : 'down',
          ...(lost ? { slack: 'token_lost', slackError: lost } : {}),
        });
      })();
    },
  };
}

/** How long /healthz waits for the token read once the database has answered its ping. */
const HEALTH_READ_MS = 300;

/** `promise`'s value, or undefined when it takes longer than `ms` (its rejection passes through). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined);
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkHealth(deps: Pick<Deps, 'database' | 'logger'>): Promise<boolean> {
  try {
    const answered = await within(
      deps.database.ping().then(() => true),
      2_000,
    );
    if (answered === undefined) throw new Error('database ping timed out');
    return true;
  } catch (err) {
    deps.logger.warn({ err: describeError(err) }, 'health check failed');
    return false;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Bolt and its Web API client log through our pino logger, so their lines are redacted and leveled like
 * ours. Their debug lines are dropped, even at LOG_LEVEL=debug: they dump request and response bodies
 * (message text, `users.info` profiles with emails), which no log may hold; Tally's own debug lines stay.
 */
function boltLogger(deps: Pick<Deps, 'logger'>): BoltLogger {
  const log = deps.logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.WARN;
  return {
    debug: () => {},
    info: (...msg) => log.info(msg.map(String).join(' ')),
    warn: (...msg) => log.warn(msg.map(String).join(' ')),
    error: (...msg) => log.error(msg.map((m) => describeError(m).message).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
