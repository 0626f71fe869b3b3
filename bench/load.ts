/**
 * `npm run bench:load`: drives the bot in HTTP mode on the bench database with signed `/metrics` commands
 * at steady rates and prints, per rate, ack and final-answer p50/p95/p99, answers per second and failures.
 * The bot runs as its own process (`tsx src/main.ts`, HTTP mode); a local stand-in for Slack's Web API
 * answers users.info (so commands come from real reps) and receives the response_url posts (the answers).
 * Mix: 70 % team questions many people share (`/metrics winrate team`), 30 % rep (`me`) and org questions.
 * Options: --rates 10,25,50 (commands/s), --seconds 20, BENCH_DATABASE_URL as for `npm run bench`.
 * One script with modes: --mode answers (default) or --mode ack (only the ack figures matter). The ack
 * under a burst, on embedded PGlite and on Postgres, is `npm run bench:ack` (bench/ack.ts).
 * --bot-dir DIR runs another checkout's bot (e.g. main's worktree) for before/after at equal load. Busy
 * replies are timed too (past capacity the bot must say so within 3 s); `uptime` is printed with every table.
 */
import { uptime as upSeconds } from 'node:os';
import pg from 'pg';
import { CliUsageError, parseCli } from '../src/cli/args.js';
import { type Outcome, pct, startBot } from './bot-driver.js';
import { fmt, load } from './measure.js';

/** What `uptime` prints: the time and the load averages over 1, 5 and 15 minutes. */
const uptime = () =>
  `${new Date().toISOString().slice(11, 19)} up ${(upSeconds() / 3600).toFixed(1)} h, load average: ${load()}`;

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tally_bench';

const LOAD_USAGE = `Usage: npm run bench:load -- [--rates 10,25,50] [--seconds 20] [--mode answers|ack] [--bot-dir DIR]
  --rates list    steady command rates to drive, commands per second
  --seconds N     how long each rate runs (default 20)
  --bot-dir DIR   run the bot from this checkout (default: this one)
  --mode m        answers (default: ack and final-answer figures) or ack (only the ack figures matter)
  --help          show this help
BENCH_DATABASE_URL as for npm run bench.`;

/** The options, or null after printing the usage (for --help, exit 0, or a mistake, exit 2). */
function readOptions(
  argv: string[],
): { rates: number[]; seconds: number; mode: string; botDir: string } | null {
  try {
    const cli = parseCli(argv, {
      rates: { type: 'string', default: '10,25,50' },
      seconds: { type: 'string', default: '20' },
      mode: { type: 'string', default: 'answers' },
      'bot-dir': { type: 'string', default: '.' },
    });
    if (cli.help) {
      console.log(LOAD_USAGE);
      return null;
    }
    return {
      rates: String(cli.values.rates).split(',').map(Number),
      seconds: Number(cli.values.seconds),
      mode: String(cli.values.mode),
      botDir: String(cli.values['bot-dir']),
    };
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`${err.message}\n${LOAD_USAGE}`);
    process.exitCode = 2;
    return null;
  }
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) return;
  const { rates, seconds, mode, botDir } = options;
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
  const bot = await startBot({ DATABASE_URL: dbUrl }, rows, botDir);
  try {
    // 70 % team questions from a few popular metrics (many people, same answer), 30 % own and org questions.
    const teamAsks = ['winrate team', 'calls team', 'response team', 'meetings team this month'];
    const otherAsks = ['calls me', 'winrate me this quarter', 'response org', 'revenue org this month'];
    let seq = 0;
    const send = (rnd: number): Promise<Outcome> => {
      const p = rows[Math.floor(rnd * 7919 * (seq + 1)) % rows.length]!;
      seq++;
      const text = rnd < 0.7 ? teamAsks[seq % teamAsks.length]! : otherAsks[seq % otherAsks.length]!;
      return bot.send(text, p);
    };
    console.log(
      `\nLoad bench (${mode}, bot from ${botDir}): ${seconds} s per rate, signed /metrics commands over HTTP; ms.`,
    );
    console.log(`uptime before: ${uptime()}\n`);
    console.log(
      "| rate/s | sent | ack p50 / p95 / p99 | answer p50 / p95 / p99 | answers/s | busy (reply p50 / p99) | couldn't load | no answer | HTTP errors | load |",
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
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
      const busy = outcomes.flatMap((o) => (o.kind === 'busy' ? [o.answerMs!] : [])).sort((a, b) => a - b);
      const three = (l: number[]) => `${fmt(pct(l, 0.5))} / ${fmt(pct(l, 0.95))} / ${fmt(pct(l, 0.99))}`;
      console.log(
        `| ${rate} | ${total} | ${three(acks)} | ${three(answers)} | ${(real.length / elapsed).toFixed(1)} | ${busy.length} (${fmt(pct(busy, 0.5))} / ${fmt(pct(busy, 0.99))}) | ${count('could_not_load')} | ${count('no_answer')} | ${count('http_error')} | ${load()} |`,
      );
      await new Promise((r) => setTimeout(r, 3_000));
    }
    console.log(`\nuptime after: ${uptime()}`);
  } finally {
    await bot.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`Load bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
