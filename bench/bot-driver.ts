/**
 * What the HTTP benches share: a stand-in for Slack's Web API (users.info from the bench's reps; the
 * response_url posts are the answers) in a worker thread of its own (bench/slack-stand-in.mjs), the bot
 * started as its own process in HTTP mode, and one signed `/metrics` command with its ack and answer times.
 * The ack is timed on the driver's thread when the response's headers are parsed; the answer when the
 * stand-in's thread receives it. So the driver's event loop, which only sends and reads acks, is not also
 * parsing every answer and serving the bot's Web API calls while it times acks (it was, before
 * 1 Dec 2026: real Slack is not on the bot's machine, let alone on the load driver's event loop).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const SECRET = 'bench-signing-secret';
const ANSWER_WAIT_MS = 15_000;

export interface BenchRep {
  id: number;
  email: string;
}

export interface Outcome {
  ackMs: number | null;
  answerMs: number | null;
  kind: 'answer' | 'busy' | 'could_not_load' | 'no_answer' | 'http_error';
}

export interface RunningBot {
  /** Sends `/metrics <text>` signed, as rep `rep`; resolves when the answer arrived (or 15 s passed). */
  send(text: string, rep: BenchRep): Promise<Outcome>;
  /** Starts the measured window of the bot's loop probe (bench/loop-probe.mjs), after the warm-up. */
  markWindow(): void;
  /** Stops the bot; resolves with the probe's figures for the window, null when there was no probe. */
  stop(): Promise<LoopProbe | null>;
}

/** What bench/loop-probe.mjs saw inside the bot during the measured window (ms). */
export interface LoopProbe {
  wallMs: number;
  cpuMs: number;
  loopDelay: { p50: number; p99: number; max: number };
  /** Slack requests inside the bot, headers read to ack sent; `first20`: the window's first 20 (the burst). */
  ack: {
    count: number;
    p50: number;
    p99: number;
    max: number;
    first20: { p50: number; max: number };
    /** The burst, per request: [accepted, headers read, ack sent], epoch ms (accepted null on a reused connection). */
    firstTimeline?: [number | null, number, number][];
  };
  gc: { count: number; totalMs: number; maxMs: number };
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** One answer as the stand-in saw it: its kind and when it arrived (absolute ms, see slack-stand-in.mjs). */
interface Answered {
  id: string;
  kind: 'answer' | 'busy' | 'could_not_load';
  at: number;
}

/**
 * Starts Slack's stand-in (bench/slack-stand-in.mjs) in a worker thread, so the answers it receives are
 * read and parsed off the driver's event loop; resolves with its port, the worker and how to stop it.
 */
async function startStandIn(
  reps: BenchRep[],
  answered: (a: Answered) => void,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const worker = new Worker(new URL('./slack-stand-in.mjs', import.meta.url), { workerData: { reps } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { type?: string; port?: number } & Partial<Answered>) => {
      if (m.type === 'listening') resolve(m.port!);
      else answered(m as Answered);
    });
  });
  const stop = async () => {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.postMessage({ type: 'stop' });
    // A keep-alive connection of the bot's Web API client would hold the server open: end it anyway.
    const timer = setTimeout(() => void worker.terminate(), 2_000);
    await exited;
    clearTimeout(timer);
  };
  return { port, stop };
}

/**
 * POSTs `body` to `url` with `headers`; resolves when the response's status line and headers arrive (the
 * ack: Slack's ack has an empty body), with its status and that instant (performance.now()). Node's own
 * HTTP client over kept-alive connections: the time is taken on the turn the response's bytes are parsed,
 * not after a chain of fetch's stream promises. Rejects on a connection error.
 */
function postForAck(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; at: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const at = performance.now();
        res.resume();
        resolve({ status: res.statusCode ?? 0, at });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 480; i++) {
    if (child.exitCode !== null) throw new Error('the bot exited while starting');
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the bot did not become healthy in 4 minutes');
}

/**
 * Starts the bot (`tsx src/main.ts`, HTTP mode, a free port) with `env` (DATABASE_URL or TALLY_DATA_DIR)
 * and the stand-in, and waits until /healthz answers. `cwd`: the checkout whose bot to run (default this one).
 * `probe`: preload bench/loop-probe.mjs (this checkout's) into the bot, so `stop()` returns its figures.
 */
export async function startBot(
  env: Record<string, string>,
  reps: BenchRep[],
  cwd = '.',
  probe = false,
): Promise<RunningBot> {
  const probeFile = probe ? join(mkdtempSync(join(tmpdir(), 'tally-probe-')), 'probe.json') : null;
  const waiting = new Map<string, (a: Answered) => void>();
  const stub = await startStandIn(reps, (a) => waiting.get(a.id)?.(a));
  const stubPort = stub.port;
  const portProbe = createServer();
  const botPort = await listen(portProbe);
  await new Promise((r) => portProbe.close(r));
  const preload = probeFile ? ['--import', fileURLToPath(new URL('./loop-probe.mjs', import.meta.url))] : [];
  const child = spawn(process.execPath, [...preload, '--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `http://127.0.0.1:${stubPort}/api/`,
      PORT: String(botPort),
      LOG_LEVEL: 'warn',
      ...(probeFile ? { BENCH_LOOP_PROBE_FILE: probeFile } : {}),
      ...env,
    },
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<LoopProbe | null> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    agent.destroy();
    await stub.stop();
    if (!probeFile) return null;
    try {
      return JSON.parse(readFileSync(probeFile, 'utf8')) as LoopProbe;
    } catch {
      return null;
    } finally {
      rmSync(dirname(probeFile), { recursive: true, force: true });
    }
  };
  try {
    await waitHealthy(`http://127.0.0.1:${botPort}/healthz`, child);
  } catch (err) {
    await stop();
    throw err;
  }
  const bot = new URL(`http://127.0.0.1:${botPort}/slack/events`);
  // Kept-alive connections, as fetch kept them: a new connection per command would measure its handshake.
  const agent = new Agent({ keepAlive: true });
  let seq = 0;
  const send = async (text: string, rep: BenchRep): Promise<Outcome> => {
    const id = `c${++seq}`;
    const body = new URLSearchParams({
      token: 'x',
      team_id: 'T0001',
      team_domain: 'bench',
      channel_id: 'C0SALES',
      channel_name: 'sales',
      user_id: `U${rep.id}`,
      user_name: `u${rep.id}`,
      command: '/metrics',
      text,
      api_app_id: 'A0TALLY',
      response_url: `http://127.0.0.1:${stubPort}/response/${id}`,
      trigger_id: `${id}.t`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const t0 = performance.now();
    const answer = new Promise<Answered | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), ANSWER_WAIT_MS);
      waiting.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
    });
    let ackMs: number | null = null;
    try {
      const res = await postForAck(
        agent,
        bot,
        {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
        body,
      );
      ackMs = res.at - t0;
      if (res.status < 200 || res.status >= 300) return { ackMs, answerMs: null, kind: 'http_error' };
    } catch {
      return { ackMs: null, answerMs: null, kind: 'http_error' };
    }
    const got = await answer;
    waiting.delete(id);
    if (got === null) return { ackMs, answerMs: null, kind: 'no_answer' };
    // The stand-in's arrival time, on this thread's clock.
    return { ackMs, answerMs: got.at - performance.timeOrigin - t0, kind: got.kind };
  };
  const markWindow = () => {
    if (probeFile && child.exitCode === null) child.kill('SIGUSR2');
  };
  return { send, stop, markWindow };
}

/** The q-quantile (0..1) of ascending `sorted`, nearest rank; undefined when empty. */
export const pct = (sorted: number[], q: number) =>
  sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
