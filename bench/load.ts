/**
 * `npm run bench:load`: drives the bot in HTTP mode on the bench database with signed `/metrics` commands
 * at steady rates and prints, per rate, ack and final-answer p50/p95/p99, answers per second and failures.
 * The bot runs as its own process (`tsx src/main.ts`, HTTP mode); a local stand-in for Slack's Web API
 * answers users.info (so commands come from real reps) and receives the response_url posts (the answers).
 * Mix: 70 % team questions many people share (`/metrics winrate team`), 30 % rep (`me`) and org questions.
 * Options: --rates 10,25,50 (commands/s), --seconds 20, BENCH_DATABASE_URL as for `npm run bench`.
 * One script with modes: --mode answers (default) or --mode ack (only the ack figures matter).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { CliUsageError, parseCli } from '../src/cli/args.js';
import { fmt, load } from './measure.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tally_bench';
const SECRET = 'bench-signing-secret';
const ANSWER_WAIT_MS = 15_000;

const LOAD_USAGE = `Usage: npm run bench:load -- [--rates 10,25,50] [--seconds 20] [--mode answers|ack]
  --rates list    steady command rates to drive, commands per second
  --seconds N     how long each rate runs (default 20)
  --mode m        answers (default: ack and final-answer figures) or ack (only the ack figures matter)
  --help          show this help
BENCH_DATABASE_URL as for npm run bench.`;

/** The options, or null after printing the usage (for --help, exit 0, or a mistake, exit 2). */
function readOptions(argv: string[]): { rates: number[]; seconds: number; mode: string } | null {
  try {
    const cli = parseCli(argv, {
      rates: { type: 'string', default: '10,25,50' },
      seconds: { type: 'string', default: '20' },
      mode: { type: 'string', default: 'answers' },
    });
    if (cli.help) {
      console.log(LOAD_USAGE);
      return null;
    }
    return {
      rates: String(cli.values.rates).split(',').map(Number),
      seconds: Number(cli.values.seconds),
      mode: String(cli.values.mode),
    };
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`${err.message}\n${LOAD_USAGE}`);
    process.exitCode = 2;
    return null;
  }
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

interface Person {
  userId: string;
  email: string;
}

/** Slack's Web API stand-in: users.info from the bench reps; response_url posts resolve the waiting command. */
function slackStandIn(people: Map<string, Person>, answered: (id: string, text: string) => void): Server {
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
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error('the bot exited while starting');
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the bot did not become healthy in 2 minutes');
}

const pct = (sorted: number[], q: number) =>
  sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

interface Outcome {
  ackMs: number | null;
  answerMs: number | null;
  kind: 'answer' | 'busy' | 'could_not_load' | 'no_answer' | 'http_error';
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) return;
  const { rates, seconds, mode } = options;
  const dbUrl = process.env.BENCH_DATABASE_URL || DEFAULT_URL;
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query<{ id: number; email: string; team_id: number }>(
    `select r.id, r.email, m.team_id from reps r
     join team_memberships m on m.rep_id = r.id and m.valid_to is null
     where r.email is not null order by r.id`,
  );
  await client.end();
  if (rows.length === 0) throw new Error('The bench database has no reps (run `npm run bench` first).');
  const people = new Map(rows.map((r) => [`U${r.id}`, { userId: `U${r.id}`, email: r.email }]));
  const waiting = new Map<string, (text: string) => void>();
  const stub = slackStandIn(people, (id, text) => waiting.get(id)?.(text));
  const stubPort = await listen(stub);
  const portProbe = createServer();
  const botPort = await listen(portProbe);
  await new Promise((r) => portProbe.close(r));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `http://127.0.0.1:${stubPort}/api/`,
      PORT: String(botPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitHealthy(`http://127.0.0.1:${botPort}/healthz`, child);
    const bot = `http://127.0.0.1:${botPort}/slack/events`;
    // 70 % team questions from a few popular metrics (many people, same answer), 30 % own and org questions.
    const teamAsks = ['winrate team', 'calls team', 'response team', 'meetings team this month'];
    const otherAsks = ['calls me', 'winrate me this quarter', 'response org', 'revenue org this month'];
    let seq = 0;
    const send = async (rnd: number): Promise<Outcome> => {
      const p = rows[Math.floor(rnd * 7919 * (seq + 1)) % rows.length]!;
      const id = `c${++seq}`;
      const text = rnd < 0.7 ? teamAsks[seq % teamAsks.length]! : otherAsks[seq % otherAsks.length]!;
      const body = new URLSearchParams({
        token: 'x',
        team_id: 'T0001',
        team_domain: 'bench',
        channel_id: 'C0SALES',
        channel_name: 'sales',
        user_id: `U${p.id}`,
        user_name: `u${p.id}`,
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
    console.log(`\nLoad bench (${mode}): ${seconds} s per rate, signed /metrics commands over HTTP; ms.`);
    console.log(`Load average before: ${load()}.\n`);
    console.log(
      "| rate/s | sent | ack p50 / p95 / p99 | answer p50 / p95 / p99 | answers/s | busy | couldn't load | no answer | HTTP errors |",
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const rate of rates) {
      const started = performance.now();
      const pending: Promise<Outcome>[] = [];
      const total = Math.round(rate * seconds);
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(send((((i * 0.6180339887) % 1) + 1) % 1));
      }
      const outcomes = await Promise.all(pending);
      const elapsed = (performance.now() - started) / 1000;
      const acks = outcomes.flatMap((o) => (o.ackMs === null ? [] : [o.ackMs])).sort((a, b) => a - b);
      const real = outcomes.filter((o) => o.kind === 'answer');
      const answers = real.map((o) => o.answerMs!).sort((a, b) => a - b);
      const count = (k: Outcome['kind']) => outcomes.filter((o) => o.kind === k).length;
      console.log(
        `| ${rate} | ${total} | ${fmt(pct(acks, 0.5))} / ${fmt(pct(acks, 0.95))} / ${fmt(pct(acks, 0.99))} | ${fmt(pct(answers, 0.5))} / ${fmt(pct(answers, 0.95))} / ${fmt(pct(answers, 0.99))} | ${(real.length / elapsed).toFixed(1)} | ${count('busy')} | ${count('could_not_load')} | ${count('no_answer')} | ${count('http_error')} |`,
      );
      await new Promise((r) => setTimeout(r, 3_000));
    }
    console.log(`\nLoad average after: ${load()}.`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => stub.close(r));
  }
}

main().catch((err: unknown) => {
  console.error(`Load bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
