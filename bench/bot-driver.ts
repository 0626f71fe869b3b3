/**
 * What the HTTP benches share: a stand-in for Slack's Web API (users.info from the bench's reps; the
 * response_url posts are the answers), the bot started as its own process in HTTP mode, and one signed
 * `/metrics` command with its ack and answer times.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  ack: { count: number; p50: number; p99: number; max: number; first20: { p50: number; max: number } };
  gc: { count: number; totalMs: number; maxMs: number };
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c) => {
      s += c;
    });
    req.on('end', () => resolve(s));
  });

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** Slack's Web API stand-in: users.info from the bench reps; response_url posts resolve the waiting command. */
function slackStandIn(reps: BenchRep[], answered: (id: string, text: string) => void): Server {
  const people = new Map(reps.map((r) => [`U${r.id}`, r]));
  return createServer(async (req, res) => {
    const body = await readBody(req);
    const url = req.url ?? '';
    res.setHeader('content-type', 'application/json');
    if (url.startsWith('/response/')) {
      if (process.env.BENCH_LOAD_DEBUG) console.error(body.slice(0, 300));
      answered(url.slice('/response/'.length), body);
      res.end('{"ok":true}');
      return;
    }
    if (url.startsWith('/api/auth.test')) {
      // As Slack answers for a bot token: with the bot's ids (without them the bot asks again on each request).
      res.end(JSON.stringify({ ok: true, team_id: 'T0001', user_id: 'UBENCHBOT', bot_id: 'BBENCHBOT' }));
      return;
    }
    if (url.startsWith('/api/users.info')) {
      const id = new URLSearchParams(body).get('user') ?? '';
      const p = people.get(id);
      res.end(
        JSON.stringify(
          p
            ? { ok: true, user: { id, profile: { email: p.email }, tz: 'UTC' } }
            : { ok: false, error: 'user_not_found' },
        ),
      );
      return;
    }
    res.end('{"ok":true}');
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
  const waiting = new Map<string, (text: string) => void>();
  const stub = slackStandIn(reps, (id, text) => waiting.get(id)?.(text));
  const stubPort = await listen(stub);
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
    await new Promise((r) => stub.close(r));
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
  const bot = `http://127.0.0.1:${botPort}/slack/events`;
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
    const answer = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), ANSWER_WAIT_MS);
      waiting.set(id, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
    let ackMs: number | null = null;
    try {
      const res = await fetch(bot, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
        body,
      });
      await res.arrayBuffer();
      ackMs = performance.now() - t0;
      if (!res.ok) return { ackMs, answerMs: null, kind: 'http_error' };
    } catch {
      return { ackMs: null, answerMs: null, kind: 'http_error' };
    }
    const text2 = await answer;
    waiting.delete(id);
    const answerMs = text2 === null ? null : performance.now() - t0;
    if (text2 === null) return { ackMs, answerMs, kind: 'no_answer' };
    if (text2.includes("Couldn't load")) return { ackMs, answerMs, kind: 'could_not_load' };
    if (text2.includes('busy')) return { ackMs, answerMs, kind: 'busy' };
    return { ackMs, answerMs, kind: 'answer' };
  };
  const markWindow = () => {
    if (probeFile && child.exitCode === null) child.kill('SIGUSR2');
  };
  return { send, stop, markWindow };
}

/** The q-quantile (0..1) of ascending `sorted`, nearest rank; undefined when empty. */
export const pct = (sorted: number[], q: number) =>
  sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
