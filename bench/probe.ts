/**
 * `npm run bench:probe -- <metrics> <rep|team|orgByRep> [explain|time|full]`: the statements one headline
 * sends (how many, when each started and how long it took), found by wrapping `pg.Client#query`, with the
 * headline's median wall time and process CPU over ITER runs (default 20). `explain` adds each statement's
 * planning and execution time and buffers (EXPLAIN ANALYZE BUFFERS, on a session like the metrics pool's);
 * `time` runs each statement 7 times alone (median); `full` prints each statement and its plan.
 * BENCH_DATABASE_URL (default tally_bench); read-only. Scopes as `npm run bench` picks them. PROBE_FULL=1
 * probes the full answer (target, trend, 8-period series) instead of the headline; PROBE_SHARED=1 asks
 * through a sharing point without a cache, as `npm run bench` times answers (the data-version read on the
 * main pool beside the computation).
 */
import pg from 'pg';
import { createDb } from '../src/db/client.js';
import { readDataVersion } from '../src/db/data-version.js';
import { createMetricAnswers, getMetric } from '../src/metrics/index.js';
import type { MetricDeps, MetricQuery } from '../src/metrics/types.js';
import { pickScopes } from './scopes.js';

interface Seen {
  text: string;
  values: unknown[];
  ms: number;
  start: number;
}
let log: Seen[] | null = null;
const t0 = performance.now();
const orig = pg.Client.prototype.query as unknown as (
  this: pg.Client,
  ...a: unknown[]
) => Promise<{ rows: Record<string, unknown>[] }>;
// biome-ignore lint/suspicious/noExplicitAny: probe
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const cfg = args[0];
  const text = typeof cfg === 'string' ? cfg : cfg?.text;
  const values = typeof cfg === 'string' ? args[1] : (cfg?.values ?? args[1]);
  const start = performance.now();
  const entry: Seen = { text, values: values ?? [], ms: 0, start: start - t0 };
  if (log) log.push(entry);
  const cb = args.at(-1);
  if (typeof cb === 'function')
    args[args.length - 1] = (...r: unknown[]) => {
      entry.ms = performance.now() - start;
      return cb(...r);
    };
  // biome-ignore lint/suspicious/noExplicitAny: probe
  const out = (orig as any).apply(this, args);
  if (out && typeof out.then === 'function')
    out.then(
      () => {
        entry.ms = performance.now() - start;
      },
      () => {},
    );
  return out;
};

async function main() {
  const [metricsArg = 'calls', caseArg = 'rep', explain] = process.argv.slice(2);
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tally_bench';
  const database = await createDb({ databaseUrl: url, poolSize: 4, metricsStatementTimeoutMs: 300_000 });
  const now = new Date();
  const { teamId, repId } = await pickScopes(database, now);
  const answers = process.env.PROBE_SHARED
    ? createMetricAnswers({
        dataVersion: () => readDataVersion(database.db),
        maxConcurrent: database.metricsConcurrency,
        maxEntries: 0,
      })
    : undefined;
  const deps: MetricDeps = {
    db: database.metricsDb,
    defaultTimezone: 'UTC',
    now,
    ...(answers ? { answers } : {}),
  };
  for (const metric of metricsArg.split(',') as MetricQuery['metric'][]) {
    const q: MetricQuery =
      caseArg === 'rep'
        ? { metric, scope: { kind: 'rep', repId }, period: 'this quarter' }
        : caseArg === 'team'
          ? { metric, scope: { kind: 'team', teamId }, period: '30d' }
          : { metric, scope: { kind: 'org' }, period: 'this year', by: 'rep' };
    // PROBE_FULL=1: the full answer (target, trend, series) instead of the headline.
    const headQ: MetricQuery = process.env.PROBE_FULL
      ? q
      : { ...q, include: { target: false, trend: false, series: false } };
    for (let i = 0; i < 3; i++) await getMetric(deps, headQ);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < Number(process.env.ITER ?? 20); i++) {
      const c = process.cpuUsage();
      const w = performance.now();
      await getMetric(deps, headQ);
      wall.push(performance.now() - w);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    log = [];
    const w0 = performance.now() - t0;
    await getMetric(deps, headQ);
    const seen = log;
    log = null;
    console.log(
      `\n== ${metric} ${caseArg}: ${seen.length} queries; wall median ${med(wall).toFixed(2)} ms, node cpu median ${med(cpu).toFixed(2)} ms`,
    );
    for (const s of seen) {
      console.log(
        `  @${(s.start - w0).toFixed(2)} ${s.ms.toFixed(2)} ms  ${s.text.replace(/\s+/g, ' ').slice(0, 160)}`,
      );
    }
    if (explain) {
      const client = new pg.Client({
        connectionString: url,
        options: '-c jit=off -c TimeZone=UTC -c work_mem=64MB -c max_parallel_workers_per_gather=0',
      });
      await client.connect();
      for (const s of seen) {
        for (let i = 0; i < 2; i++)
          await orig.call(client, `explain (analyze, buffers, format json) ${s.text}`, s.values);
        const r = await orig.call(client, `explain (analyze, buffers, format json) ${s.text}`, s.values);
        // biome-ignore lint/suspicious/noExplicitAny: probe
        const plan = (r as any).rows[0]['QUERY PLAN'][0];
        console.log(
          `  plan ${plan['Planning Time'].toFixed(2)} ms, exec ${plan['Execution Time'].toFixed(2)} ms, shared hit ${plan.Plan['Shared Hit Blocks']} read ${plan.Plan['Shared Read Blocks']}, planning buffers ${JSON.stringify(plan.Planning ?? {})} :: ${s.text.replace(/\s+/g, ' ').slice(0, 80)}`,
        );
        if (explain === 'time') {
          const ms: number[] = [];
          for (let i = 0; i < 7; i++) {
            const t = performance.now();
            await orig.call(client, s.text, s.values);
            ms.push(performance.now() - t);
          }
          ms.sort((a, b) => a - b);
          console.log(`  time median ${ms[3]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)})`);
        }
        if (explain === 'full') {
          const t = await orig.call(client, `explain (analyze, buffers) ${s.text}`, s.values);
          console.log(s.text, JSON.stringify(s.values));
          console.log(t.rows.map((x) => x['QUERY PLAN']).join('\n'));
        }
      }
      await client.end();
    }
  }
  await database.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
