/**
 * `npm run bench:ack`: does the ack stay fast while the database works? The bot runs in HTTP mode (its own
 * process, `tsx src/main.ts`), first on embedded PGlite, then on Postgres, each on the demo org. At once
 * 20 org-wide commands arrive together, and a steady 50 commands/s (team, rep and org questions) runs for
 * 20 s. Prints, per database and scope, ack p50/p95/p99/max and answer p50/p95/p99 (ms), with the load
 * average. Targets (issue 10): ack p99 < 50 ms on both; answer p95 < 1 s for team and rep scopes.
 *
 * Databases: the embedded one lives in BENCH_ACK_DATA_DIR (default .tally/bench-ack; the demo org is
 * seeded there on first use); Postgres is BENCH_ACK_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/tally_ack_demo, which must exist: `createdb tally_ack_demo`), migrated
 * and given the same demo org when it has no data (a database with data is used as it is).
 * Options: --seconds 20, --rate 50, --burst 20, --only embedded|postgres. A/B: `--compare DIR` runs
 * the bot of another checkout (DIR, e.g. a worktree of main) on the same database right after this one's,
 * `--rounds N` times in turn, so both are measured in the same minutes of a shared machine.
 */
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CliUsageError, parseCli } from '../src/cli/args.js';
import { systemClock } from '../src/clock.js';
import { createDb, queryRows, sql } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { seedDemoIfEmpty } from '../src/seed/seed.js';
import { type BenchRep, type LoopProbe, type Outcome, pct, startBot } from './bot-driver.js';
import { fmt, load } from './measure.js';

const USAGE = `Usage: npm run bench:ack -- [--seconds 20] [--rate 50] [--burst 20] [--only embedded|postgres]
  [--compare DIR [--rounds 1]]
BENCH_ACK_DATA_DIR (embedded, default .tally/bench-ack), BENCH_ACK_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/tally_ack_demo; seeded with the demo org when empty).`;

type Scope = 'team' | 'rep' | 'org';
const ASKS: Record<Scope, string[]> = {
  team: ['winrate team', 'calls team', 'response team', 'meetings team this month', 'pipeline team'],
  rep: ['calls me', 'winrate me this quarter', 'response me', 'meetings me'],
  org: ['winrate org', 'revenue org this month', 'response org', 'calls org this quarter'],
};
/** The burst: org-wide questions, each different (no sharing between them). */
const BURST = [
  'winrate org',
  'revenue org this quarter',
  'response org',
  'calls org',
  'meetings org this month',
  'dealsize org',
  'winrate org by team',
  'calls org by team last month',
  'revenue org last quarter',
  'response org last month',
  'pipeline org',
  'winrate org last quarter',
  'calls org last 90d',
  'meetings org last quarter',
  'dealsize org last quarter',
  'revenue org by team',
  'response org last 90d',
  'winrate org last 90d',
  'calls org this month',
  'meetings org by team',
];

interface Sample extends Outcome {
  scope: Scope | 'burst';
  /** When it was sent, ms after the burst. */
  sentAt: number;
}

/** Opens the database the bot will use, migrates it, seeds the demo org when empty, returns its reps. */
async function prepare(target: { dataDir?: string; databaseUrl?: string }): Promise<BenchRep[]> {
  const database = await createDb(target);
  try {
    await runMigrations(database);
    await seedDemoIfEmpty(database, { now: systemClock() });
    return await queryRows<BenchRep>(
      database.db,
      sql`select r.id, r.email from reps r
          join team_memberships m on m.rep_id = r.id and m.valid_to is null
          where r.email is not null order by r.id`,
    );
  } finally {
    await database.close();
  }
}

async function runOne(
  name: string,
  env: Record<string, string>,
  reps: BenchRep[],
  o: Options,
  cwd = '.',
): Promise<void> {
  const bot = await startBot(env, reps, cwd, true);
  let probe: LoopProbe | null = null;
  /** When the burst was sent (epoch ms, comparable with the bot probe's timeline). */
  let burstSentAt = 0;
  try {
    // Warm-up: the first answers compile plans and fill caches.
    for (const s of ['team', 'rep', 'org'] as const) await bot.send(ASKS[s][0]!, reps[0]!);
    bot.markWindow();
    // The driver's own loop: a late turn here adds to every ack it measures.
    const driverDelay = monitorEventLoopDelay({ resolution: 5 });
    driverDelay.enable();
    const loadBefore = load();
    const pending: Promise<Sample>[] = [];
    const t0 = performance.now();
    const tag = (scope: Sample['scope'], p: Promise<Outcome>) => {
      const sentAt = performance.now() - t0;
      return p.then((r) => ({ ...r, scope, sentAt }));
    };
    burstSentAt = performance.timeOrigin + performance.now();
    BURST.slice(0, o.burst).forEach((text, i) => {
      pending.push(tag('burst', bot.send(text, reps[(i * 7) % reps.length]!)));
    });
    const started = performance.now();
    const total = Math.round(o.rate * o.seconds);
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / o.rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // 50 % team, 30 % rep, 20 % org: a floor of reps asking about themselves and their team.
      const scope: Scope = i % 10 < 5 ? 'team' : i % 10 < 8 ? 'rep' : 'org';
      const asks = ASKS[scope];
      pending.push(tag(scope, bot.send(asks[i % asks.length]!, reps[(i * 13) % reps.length]!)));
    }
    const samples = await Promise.all(pending);
    const loadAfter = load();
    driverDelay.disable();
    console.log(`\n${name}: ${o.burst} org-wide commands at once + ${o.rate}/s for ${o.seconds} s (ms)`);
    console.log(`load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}`);
    console.log(
      "| scope | sent | ack p50 / p95 / p99 / max | answer p50 / p95 / p99 | busy | couldn't load | no answer | HTTP errors |",
    );
    console.log('|---|---|---|---|---|---|---|---|');
    const row = (label: string, list: Sample[]) => {
      const acks = list.flatMap((s) => (s.ackMs === null ? [] : [s.ackMs])).sort((a, b) => a - b);
      const answers = list
        .flatMap((s) => (s.kind === 'answer' && s.answerMs !== null ? [s.answerMs] : []))
        .sort((a, b) => a - b);
      const count = (k: Outcome['kind']) => list.filter((s) => s.kind === k).length;
      console.log(
        `| ${label} | ${list.length} | ${fmt(pct(acks, 0.5))} / ${fmt(pct(acks, 0.95))} / ${fmt(pct(acks, 0.99))} / ${fmt(acks.at(-1))} | ${fmt(pct(answers, 0.5))} / ${fmt(pct(answers, 0.95))} / ${fmt(pct(answers, 0.99))} | ${count('busy')} | ${count('could_not_load')} | ${count('no_answer')} | ${count('http_error')} |`,
      );
    };
    for (const scope of ['burst', 'team', 'rep', 'org'] as const)
      row(
        scope === 'burst' ? 'org burst' : scope,
        samples.filter((s) => s.scope === scope),
      );
    row('all', samples);
    // Where the tail comes from: team and rep answers by the second they were sent in.
    const bySecond = Array.from({ length: Math.ceil(o.seconds) }, (_, k) => {
      const list = samples
        .filter((x) => (x.scope === 'team' || x.scope === 'rep') && Math.floor(x.sentAt / 1000) === k)
        .flatMap((x) => (x.kind === 'answer' && x.answerMs !== null ? [x.answerMs] : []))
        .sort((a, b) => a - b);
      return `${k}s ${fmt(pct(list, 0.95))}`;
    });
    console.log(`team and rep answer p95 by second of the run: ${bySecond.join(', ')}`);
    const ms = (ns: number) => ns / 1e6;
    console.log(
      `the load driver's own event-loop delay (part of every ack it measures) p50 / p99 / max ${fmt(ms(driverDelay.percentile(50)))} / ${fmt(ms(driverDelay.percentile(99)))} / ${fmt(ms(driverDelay.max))}`,
    );
  } finally {
    probe = await bot.stop();
  }
  if (probe)
    console.log(
      `inside the bot during the run: event-loop delay p50 / p99 / max ${fmt(probe.loopDelay.p50)} / ${fmt(probe.loopDelay.p99)} / ${fmt(probe.loopDelay.max)}; ` +
        `GC ${probe.gc.count} pauses, ${fmt(probe.gc.totalMs)} in all, longest ${fmt(probe.gc.maxMs)}; ` +
        `CPU ${fmt(probe.cpuMs)} in ${fmt(probe.wallMs)} of wall time (all threads); ` +
        `ack inside the bot (request read to ack sent) p50 / p99 / max ${fmt(probe.ack.p50)} / ${fmt(probe.ack.p99)} / ${fmt(probe.ack.max)} ` +
        `of ${probe.ack.count}, first 20 p50 / max ${fmt(probe.ack.first20.p50)} / ${fmt(probe.ack.first20.max)}`,
    );
  if (probe?.ack.firstTimeline) {
    // Where the burst's ack time went: ms after the driver sent it, per request, in the bot's order.
    const at = (t: number | null) => (t === null ? 'reused' : fmt(t - burstSentAt));
    console.log(
      `the burst inside the bot, ms after it was sent (accepted → headers read → acked): ${probe.ack.firstTimeline
        .map(([a, r, k]) => `${at(a)}→${at(r)}→${at(k)}`)
        .join(', ')}`,
    );
  }
}

interface Options {
  seconds: number;
  rate: number;
  burst: number;
  only: string | undefined;
  compare: string | undefined;
  rounds: number;
}

function readOptions(argv: string[]): Options | null {
  try {
    const cli = parseCli(argv, {
      seconds: { type: 'string', default: '20' },
      rate: { type: 'string', default: '50' },
      burst: { type: 'string', default: '20' },
      only: { type: 'string' },
      compare: { type: 'string' },
      rounds: { type: 'string', default: '1' },
    });
    if (cli.help) {
      console.log(USAGE);
      return null;
    }
    const only = cli.values.only === undefined ? undefined : String(cli.values.only);
    if (only !== undefined && only !== 'embedded' && only !== 'postgres')
      throw new CliUsageError('--only must be embedded or postgres');
    return {
      seconds: Number(cli.values.seconds),
      rate: Number(cli.values.rate),
      burst: Math.min(BURST.length, Number(cli.values.burst)),
      only,
      compare: cli.values.compare === undefined ? undefined : String(cli.values.compare),
      rounds: Math.max(1, Number(cli.values.rounds)),
    };
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
    return null;
  }
}

async function main(): Promise<void> {
  const o = readOptions(process.argv.slice(2));
  if (!o) return;
  // Absolute, so the other checkout's bot (--compare) opens the same directory.
  const dataDir = resolve(process.env.BENCH_ACK_DATA_DIR || '.tally/bench-ack');
  const url = process.env.BENCH_ACK_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tally_ack_demo';
  // This checkout, or (A/B) this one and the other in turn.
  const runs = async (name: string, env: Record<string, string>, reps: BenchRep[]) => {
    for (let round = 1; round <= (o.compare ? o.rounds : 1); round++) {
      await runOne(o.compare ? `${name}, this checkout (A), round ${round}` : name, env, reps, o);
      if (o.compare) await runOne(`${name}, ${o.compare} (B), round ${round}`, env, reps, o, o.compare);
    }
  };
  if (o.only !== 'postgres')
    await runs(`Embedded PGlite (${dataDir})`, { TALLY_DATA_DIR: dataDir }, await prepare({ dataDir }));
  if (o.only !== 'embedded')
    await runs(
      `Postgres (${url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@')})`,
      { DATABASE_URL: url },
      await prepare({ databaseUrl: url }),
    );
}

main().catch((err: unknown) => {
  console.error(`Ack bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
