import { createDb } from '../src/db/client.js';
import { getMetric } from '../src/metrics/index.js';
import type { MetricDeps, MetricQuery } from '../src/metrics/types.js';
import { pickScopes } from '../bench/scopes.js';
import { createMetricAnswers } from '../src/metrics/index.js';
import { readDataVersion } from '../src/db/data-version.js';

async function main() {
  const [metric = 'winrate', caseArg = 'rep', n = '2000'] = process.argv.slice(2);
  const database = await createDb({ databaseUrl: process.env.BENCH_DATABASE_URL!, poolSize: 4, metricsStatementTimeoutMs: 300_000 });
  const now = new Date();
  const { teamId, repId } = await pickScopes(database, now);
  const answers = createMetricAnswers({ dataVersion: () => readDataVersion(database.db), maxConcurrent: database.metricsConcurrency, maxEntries: 0 });
  const deps: MetricDeps = { db: database.metricsDb, defaultTimezone: 'UTC', now, answers };
  const q: MetricQuery = caseArg === 'rep' ? { metric: metric as any, scope: { kind: 'rep', repId }, period: 'this quarter' }
    : caseArg === 'team' ? { metric: metric as any, scope: { kind: 'team', teamId }, period: '30d' }
    : { metric: metric as any, scope: { kind: 'org' }, period: 'this year', by: 'rep' };
  const headQ: MetricQuery = { ...q, include: { target: false, trend: false, series: false } };
  for (let i = 0; i < 50; i++) await getMetric(deps, headQ);
  const c = process.cpuUsage(); const w = performance.now();
  for (let i = 0; i < Number(n); i++) await getMetric(deps, headQ);
  const d = process.cpuUsage(c);
  console.log(`${metric} ${caseArg}: wall/iter ${((performance.now() - w) / Number(n)).toFixed(3)} ms, cpu/iter ${((d.user + d.system) / 1000 / Number(n)).toFixed(3)} ms`);
  await database.close();
}
main();
