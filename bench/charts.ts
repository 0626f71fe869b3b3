/**
 * `npm run bench:charts`: chart render time (spec → SVG → PNG) per chart kind on the demo data, and the
 * process's peak memory with charts on. Opens the embedded demo database like `npm run console`
 * (TALLY_DATA_DIR; seeded on first run). Options: --runs N (default 40). Target: p95 < 150 ms per chart.
 */
import { loadavg } from 'node:os';
import { openDeps } from '../src/app/bootstrap.js';
import {
  buildFunnelChart,
  buildLeaderboardChart,
  buildTrendChart,
  type ChartSpec,
  renderChart,
} from '../src/charts/index.js';
import { getCoachingCard } from '../src/coach/card.js';
import { buildCoachChart } from '../src/coach/chart.js';
import { loadConfig } from '../src/config.js';
import { queryRows, sql } from '../src/db/client.js';
import { metricDepsFor } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { getFunnel, getMetric } from '../src/metrics/index.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = Math.min(1_000, Math.max(5, Number(runsArg >= 0 ? process.argv[runsArg + 1] : 40) || 40));
const TARGET_P95_MS = 150;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const deps = await openDeps(loadConfig(), createLogger('warn'), {
    announce: (t) => process.stderr.write(`${t}\n`),
  });
  try {
    const md = metricDepsFor(deps, deps.clock());
    const [rep] = await queryRows<{ id: number }>(
      deps.db,
      sql`select rep_id as id from team_memberships where valid_to is null order by rep_id limit 1`,
    );
    const org = { kind: 'org' as const };
    const calls = await getMetric(md, { metric: 'calls', scope: org, period: 'this week' });
    const winrate = await getMetric(md, { metric: 'winrate', scope: org, period: 'this month' });
    const board = await getMetric(md, { metric: 'calls', scope: org, period: 'last month', by: 'rep' });
    const funnel = await getFunnel(md, { scope: org, period: 'last quarter' });
    const card = await getCoachingCard(md, { repId: rep?.id ?? 1, showPeers: true });
    const before = process.memoryUsage().rss;
    const charts: [string, () => ChartSpec][] = [
      ['trend (bars)', () => buildTrendChart(calls)],
      ['trend (line)', () => buildTrendChart(winrate)],
      [`leaderboard (${board.segments?.rows.length ?? 0} reps)`, () => buildLeaderboardChart(board)],
      ['funnel', () => buildFunnelChart(funnel)],
      ['coaching card', () => buildCoachChart(card)],
    ];
    const all: number[] = [];
    const rows: string[] = [];
    for (const [name, build] of charts) {
      await renderChart(build()); // warm-up: first compile of each spec shape
      const ms: number[] = [];
      let bytes = 0;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        const out = await renderChart(build());
        ms.push(performance.now() - t);
        bytes = out.png.length;
      }
      const cpu = process.cpuUsage(cpu0);
      // CPU time of all threads (main + rasteriser worker) per chart: what the chart costs when the
      // machine is shared, unlike wall-clock time.
      const cpuMs = (cpu.user + cpu.system) / 1000 / RUNS;
      ms.sort((a, b) => a - b);
      all.push(...ms);
      rows.push(
        `| ${name.padEnd(24)} | ${quantile(ms, 0.5).toFixed(1).padStart(7)} | ${quantile(ms, 0.95).toFixed(1).padStart(7)} | ${cpuMs.toFixed(1).padStart(7)} | ${(bytes / 1024).toFixed(0).padStart(6)} KB |`,
      );
    }
    all.sort((a, b) => a - b);
    const p95 = quantile(all, 0.95);
    const usage = process.resourceUsage();
    console.log(
      `Chart render (spec → SVG → 2× PNG), ${RUNS} runs each, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log('| chart                    | p50 ms  | p95 ms  | CPU ms  |   PNG     |');
    console.log('|--------------------------|---------|---------|---------|-----------|');
    for (const row of rows) console.log(row);
    console.log(
      `All charts: p95 ${p95.toFixed(1)} ms (target < ${TARGET_P95_MS} ms): ${p95 < TARGET_P95_MS ? 'OK' : 'OVER TARGET'}`,
    );
    console.log(
      `Memory: RSS ${mb(before)} before rendering, ${mb(process.memoryUsage().rss)} after; peak RSS of the process ${mb(usage.maxRSS * 1024)}`,
    );
  } finally {
    await deps.database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
