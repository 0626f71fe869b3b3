/**
 * `npm run bench`: per metric and case, Tally's full answer (headline, previous period, 8-period series,
 * target, split), Tally's headline alone and the hand-written SQL of `bench/hand-sql.ts`, timed interleaved
 * on real Postgres (median and p95), with a check that Tally's figures equal the hand SQL's.
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tally_bench) is created when missing.
 * Options: --runs N (default 15), --warmups N (default 8), --metric id[,id], --synthetic (a quick set-based data set),
 * --reps N / --days N (a smaller bench data set, e.g. for the history-growth comparison),
 * --save file.json (write the medians), --baseline file.json (print each median's ratio to that run's).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { CliUsageError, parseCli } from '../src/cli/args.js';
import { createDb, queryRows, sql } from '../src/db/client.js';
import { readDataVersion } from '../src/db/data-version.js';
import { runMigrations } from '../src/db/migrate.js';
import {
  createMetricAnswers,
  findMetric,
  getMetric,
  METRICS,
  resolvePeriod,
  resolveScope,
} from '../src/metrics/index.js';
import type { MetricDeps, MetricQuery } from '../src/metrics/types.js';
import { ensureBenchData } from '../src/seed/bench.js';
import { grainBounds, HAND_SQL, HAND_USES_AS_OF, type HandCase } from './hand-sql.js';
import {
  compareWithHand,
  fmt,
  type HandRow,
  load,
  sameNumbers,
  type Timing,
  timeInterleaved,
} from './measure.js';
import { pickScopes } from './scopes.js';
import { createSyntheticData } from './synthetic.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tally_bench';

const BENCH_USAGE = `Usage: npm run bench -- [--runs 15] [--metric winrate,calls] [--synthetic]
  --runs N        timed runs per metric (default 15)
  --warmups N     untimed rounds before them (default 8: Postgres plans a prepared statement afresh for
                  its first five executions on a connection, then settles on a generic plan, as a bot
                  that has been up a while has)
  --metric ids    only these metrics (comma-separated)
  --synthetic     a quick set-based data set instead of the seed's bench data
  --reps N        bench data size: reps (seed profile)
  --days N        bench data size: days of history (seed profile)
  --baseline F    compare with figures saved earlier by --save F
  --save F        save this run's medians as JSON
  --no-migrate    measure the database as it is: no migration (a shared read-only bench database whose
                  migrations lag this branch's; the data must be complete, nothing is seeded)
  --help          show this help
BENCH_DATABASE_URL (default ${DEFAULT_URL}) is created when missing.`;

/** The bench's options, or null after printing the usage (for --help or a mistake). */
function readOptions(argv: string[]): {
  runs: number;
  warmups: number;
  only?: string[];
  synthetic: boolean;
  migrate: boolean;
  text: Record<string, string | undefined>;
} | null {
  try {
    const cli = parseCli(argv, {
      runs: { type: 'string' },
      warmups: { type: 'string' },
      metric: { type: 'string' },
      synthetic: { type: 'boolean' },
      'no-migrate': { type: 'boolean' },
      reps: { type: 'string' },
      days: { type: 'string' },
      baseline: { type: 'string' },
      save: { type: 'string' },
    });
    if (cli.help) {
      console.log(BENCH_USAGE);
      return null;
    }
    const runs = Number(cli.values.runs ?? 15);
    if (!Number.isInteger(runs) || runs < 1)
      throw new CliUsageError('--runs must be a whole number, 1 or more');
    const warmups = Number(cli.values.warmups ?? 8);
    if (!Number.isInteger(warmups) || warmups < 0)
      throw new CliUsageError('--warmups must be a whole number, 0 or more');
    const only = typeof cli.values.metric === 'string' ? cli.values.metric.split(',') : undefined;
    const text: Record<string, string | undefined> = {};
    for (const name of ['reps', 'days', 'baseline', 'save'] as const) {
      const value = cli.values[name];
      text[name] = typeof value === 'string' ? value : undefined;
    }
    return {
      runs,
      warmups,
      ...(only ? { only } : {}),
      synthetic: cli.values.synthetic === true,
      migrate: cli.values['no-migrate'] !== true,
      text,
    };
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

interface Case {
  key: HandCase;
  name: string;
  query: (metric: MetricQuery['metric']) => MetricQuery;
  scopeId: number | null;
}

interface Cell {
  full: Timing;
  headline: Timing;
  hand: Timing | undefined;
  check: string;
}

async function measure(
  deps: MetricDeps,
  pool: pg.Pool,
  c: Case,
  metric: MetricQuery['metric'],
  runs: number,
  warmups: number,
): Promise<Cell> {
  const q = c.query(metric);
  const headlineQ: MetricQuery = { ...q, include: { target: false, trend: false, series: false } };
  const sc = await resolveScope(deps, q.scope);
  const period = resolvePeriod(q.period, sc, deps.now);
  const end = HAND_USES_AS_OF.has(metric)
    ? new Date(Math.min(period.end.getTime(), deps.now.getTime()))
    : period.end;
  const bounds = grainBounds(period.start, end).map((d) => d.toISOString());
  const text = HAND_SQL[metric]?.[c.key];
  const params = [...bounds.slice(0, 2), c.scopeId, ...bounds.slice(2)];
  const used = Math.max(0, ...[...(text ?? '').matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const hand = text ? () => pool.query<HandRow>(text, params.slice(0, used)) : null;
  const full = await getMetric(deps, q);
  const head = await getMetric(deps, headlineQ);
  let check = sameNumbers(full, head) ? 'ok' : 'full ≠ headline';
  if (hand && check === 'ok')
    check = compareWithHand(head, (await hand()).rows, c.key === 'orgByRep') ?? 'ok';
  else if (!hand) check = check === 'ok' ? '(no hand SQL)' : check;
  const variants = [() => getMetric(deps, q), () => getMetric(deps, headlineQ), ...(hand ? [hand] : [])];
  const [tFull, tHead, tHand] = await timeInterleaved(variants, runs, warmups);
  return { full: tFull!, headline: tHead!, hand: tHand, check };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) return;
  const { runs, warmups, only } = options;
  const arg = (flag: string): string | undefined => options.text[flag.replace(/^--/, '')];
  const url = process.env.BENCH_DATABASE_URL || DEFAULT_URL;
  const now = new Date();
  await ensureDatabase(url);
  // A generous statement timeout: the bench measures slow answers rather than cancelling them.
  const database = await createDb({ databaseUrl: url, poolSize: 4, metricsStatementTimeoutMs: 300_000 });
  const pool = new pg.Pool({ connectionString: url, max: 2, options: '-c jit=off -c work_mem=64MB' });
  try {
    if (options.migrate) await runMigrations(database);
    const log = (line: string) => console.error(`  ${line}`);
    if (!options.migrate) {
      const [r] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from seed_runs where profile = 'bench' and completed_at is not null and restore_sql is null`,
      );
      if ((r?.n ?? 0) === 0)
        throw new Error('--no-migrate needs a database holding a complete bench data set');
    } else if (options.synthetic) {
      const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from reps`);
      if ((r?.n ?? 0) === 0) await createSyntheticData(database, { now }, log);
    } else {
      const sizes = {
        ...(arg('--reps') ? { reps: Number(arg('--reps')) } : {}),
        ...(arg('--days') ? { days: Number(arg('--days')) } : {}),
      };
      const result = await ensureBenchData(database, {
        now,
        progress: log,
        ...(Object.keys(sizes).length > 0 ? { sizes } : {}),
      });
      console.error(
        `Bench data ${result.reused ? 'reused' : `seeded in ${(result.ms / 1000).toFixed(0)} s`}:`,
        result.counts,
      );
    }
    const { teamId, repId } = await pickScopes(database, now);
    // Answers go through a sharing point as the app's do (src/app/bootstrap.ts): the data version read on the
    // main pool, the computation in a slot; with no cache (maxEntries 0), so every timed run computes.
    const answers = createMetricAnswers({
      dataVersion: () => readDataVersion(database.db),
      maxConcurrent: database.metricsConcurrency,
      maxEntries: 0,
    });
    const deps: MetricDeps = { db: database.metricsDb, defaultTimezone: 'UTC', now, answers };
    const cases: Case[] = [
      {
        key: 'team',
        name: 'team × 30d',
        scopeId: teamId,
        query: (metric) => ({ metric, scope: { kind: 'team', teamId }, period: '30d' }),
      },
      {
        key: 'rep',
        name: 'rep × this quarter',
        scopeId: repId,
        query: (metric) => ({ metric, scope: { kind: 'rep', repId }, period: 'this quarter' }),
      },
      {
        key: 'orgByRep',
        name: 'org × this year by rep',
        scopeId: null,
        // Pipeline coverage has no split: its org case is the org's headline.
        query: (metric) => ({
          metric,
          scope: { kind: 'org' },
          period: 'this year',
          ...(findMetric(metric)?.dimensions.includes('rep') ? { by: 'rep' as const } : {}),
        }),
      },
    ];
    const loadBefore = load();
    const baseline = arg('--baseline')
      ? (JSON.parse(readFileSync(arg('--baseline')!, 'utf8')) as Record<string, number>)
      : null;
    const saved: Record<string, number> = {};
    const lines: string[] = [];
    for (const m of METRICS) {
      if (only && !only.includes(m.id)) continue;
      for (const c of cases) {
        const cell = await measure(deps, pool, c, m.id, runs, warmups);
        saved[`${m.id} ${c.key}`] = cell.full.median;
        const ratio = baseline?.[`${m.id} ${c.key}`];
        const line = [
          m.id,
          c.name,
          `${fmt(cell.full.median)} / ${fmt(cell.full.p95)}`,
          `${fmt(cell.headline.median)} / ${fmt(cell.headline.p95)}`,
          `${fmt(cell.hand?.median)} / ${fmt(cell.hand?.p95)}`,
          cell.hand ? `${(cell.headline.median / cell.hand.median).toFixed(2)}×` : '—',
          cell.check,
          ...(baseline ? [ratio ? `${(cell.full.median / ratio).toFixed(2)}×` : '—'] : []),
        ];
        lines.push(`| ${line.join(' | ')} |`);
        console.error(`  ${line.join('  ')}`);
      }
    }
    console.log(
      `\nMetrics bench (team ${teamId}, rep ${repId}): ${runs} interleaved runs each after ${warmups} warm-ups; ms median / p95.`,
    );
    console.log(`Load average (1/5/15 min) before: ${loadBefore}; after: ${load()}.\n`);
    const growth = baseline ? ['full vs baseline'] : [];
    const header = [
      'metric',
      'case',
      'full answer',
      'headline',
      'hand SQL',
      'headline ÷ hand',
      'equal',
      ...growth,
    ];
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map(() => '---').join('|')}|`);
    for (const l of lines) console.log(l);
    if (arg('--save')) writeFileSync(arg('--save')!, JSON.stringify(saved, null, 1));
  } finally {
    await pool.end();
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`Bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
