/**
 * `npm run bench`: times every metric on a large data set in real Postgres and prints a table.
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tally_bench) is created when missing.
 * Options: --runs N (default 15), --synthetic (a quick set-based data set instead of the seed's bench data),
 * --metric id[,id] (only these).
 */
import pg from 'pg';
import { CliUsageError, parseCli } from '../src/cli/args.js';
import { createDb, type Database, queryRows, sql } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { getMetric, METRICS } from '../src/metrics/index.js';
import type { MetricQuery } from '../src/metrics/types.js';
import { ensureBenchData } from '../src/seed/bench.js';
import { createSyntheticData } from './synthetic.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tally_bench';

const BENCH_USAGE = `Usage: npm run bench -- [--runs 15] [--metric winrate,calls] [--synthetic]
  --runs N        timed runs per metric (default 15)
  --metric ids    only these metrics (comma-separated)
  --synthetic     a quick set-based data set instead of the seed's bench data
  --help          show this help
BENCH_DATABASE_URL (default ${DEFAULT_URL}) is created when missing.`;

/** The bench's options, or null after printing the usage (for --help or a mistake). */
function readOptions(argv: string[]): { runs: number; only?: string[]; synthetic: boolean } | null {
  try {
    const cli = parseCli(argv, {
      runs: { type: 'string' },
      metric: { type: 'string' },
      synthetic: { type: 'boolean' },
    });
    if (cli.help) {
      console.log(BENCH_USAGE);
      return null;
    }
    const runs = Number(cli.values.runs ?? 15);
    if (!Number.isInteger(runs) || runs < 1)
      throw new CliUsageError('--runs must be a whole number, 1 or more');
    const only = typeof cli.values.metric === 'string' ? cli.values.metric.split(',') : undefined;
    return { runs, ...(only ? { only } : {}), synthetic: cli.values.synthetic === true };
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`${err.message}\n${BENCH_USAGE}`);
    process.exitCode = 2;
    return null;
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z0-9_]+$/i.test(name)) throw new Error(`Unsupported database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function time(fn: () => Promise<unknown>, runs: number): Promise<{ median: number; p95: number }> {
  await fn();
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: quantile(ms, 0.5), p95: quantile(ms, 0.95) };
}

async function pickScopes(database: Database): Promise<{ teamId: number; repId: number }> {
  const [team] = await queryRows<{ team_id: number }>(
    database.db,
    sql`select team_id from team_memberships where valid_to is null group by team_id order by count(*) desc, team_id limit 1`,
  );
  if (!team) throw new Error('The bench database has no teams.');
  const [rep] = await queryRows<{ rep_id: number }>(
    database.db,
    sql`select rep_id from team_memberships where valid_to is null and team_id = ${team.team_id} order by rep_id limit 1`,
  );
  return { teamId: team.team_id, repId: rep!.rep_id };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) return;
  const { runs, only } = options;
  const url = process.env.BENCH_DATABASE_URL || DEFAULT_URL;
  const now = new Date();
  await ensureDatabase(url);
  const database = await createDb({ databaseUrl: url, poolSize: 4 });
  try {
    await runMigrations(database);
    const log = (line: string) => console.error(`  ${line}`);
    if (options.synthetic) {
      const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from reps`);
      if ((r?.n ?? 0) === 0) await createSyntheticData(database, { now }, log);
    } else {
      const result = await ensureBenchData(database, { now, progress: log });
      console.error(
        `Bench data ${result.reused ? 'reused' : `seeded in ${(result.ms / 1000).toFixed(0)} s`}:`,
        result.counts,
      );
    }
    const { teamId, repId } = await pickScopes(database);
    const deps = { db: database.db, defaultTimezone: 'UTC', now };
    const cases: { name: string; query: (metric: MetricQuery['metric']) => MetricQuery }[] = [
      { name: 'team × 30d', query: (metric) => ({ metric, scope: { kind: 'team', teamId }, period: '30d' }) },
      {
        name: 'rep × this quarter',
        query: (metric) => ({ metric, scope: { kind: 'rep', repId }, period: 'this quarter' }),
      },
      {
        name: 'org × this year by rep',
        query: (metric) => ({ metric, scope: { kind: 'org' }, period: 'this year', by: 'rep' }),
      },
    ];
    const header = ['metric', ...cases.flatMap((c) => [`${c.name} median`, 'p95'])];
    const rows: string[][] = [];
    for (const m of METRICS) {
      if (only && !only.includes(m.id)) continue;
      const row: string[] = [m.id];
      for (const c of cases) {
        const t = await time(() => getMetric(deps, c.query(m.id)), runs);
        row.push(`${t.median.toFixed(1)} ms`, `${t.p95.toFixed(1)} ms`);
      }
      rows.push(row);
      console.error(`  ${row.join('  ')}`);
    }
    console.log(
      `\nMetrics bench: ${runs} runs each (after 2 warm-ups), target, trend, 8-period series included.\n`,
    );
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map(() => '---').join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`Bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
