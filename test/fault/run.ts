import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { startPrivateCluster } from './cluster.js';
import { type Fault, formatResults, type RunResult, runScenario, type Size } from './scenario.js';

/**
 * `npm run fault`: the delivery fault suite, full size. Two instances of the real app on one private
 * Postgres cluster (stopped and started for real in run (c)), the Slack stand-in with delays, 429s, 5xx and
 * two broken channels; 240 channel digests, 240 DM digests and 90 lead nudges due on one minute.
 * Runs: (a) no crash, second instance starting mid-burst; (b) kill -9 of an instance at 15 %, 50 % and 85 %
 * of the burst; (c) the database stopped for 2 minutes at 30 %. Prints delivered / lost / duplicated per
 * kind; exits 1 when anything was lost or duplicated. Loopback only; every wait is bounded.
 * Env: FAULT_POSTS_PER_SECOND (default 20), FAULT_OUTAGE_SECONDS (default 120), FAULT_ONLY (a, b or c).
 */
async function main(): Promise<void> {
  const size: Size = {
    channelDigests: 240,
    dmDigests: 240,
    nudges: 90,
    postsPerSecond: Number(process.env.FAULT_POSTS_PER_SECOND ?? 20),
  };
  const outageMs = Number(process.env.FAULT_OUTAGE_SECONDS ?? 120) * 1000;
  const only = process.env.FAULT_ONLY;
  const runs: [string, Fault][] = [
    ['a second instance mid-burst', { kind: 'second-instance-mid-burst' }],
    ['b kill -9 at 15%', { kind: 'kill-9', atShare: 0.15 }],
    ['b kill -9 at 50%', { kind: 'kill-9', atShare: 0.5 }],
    ['b kill -9 at 85%', { kind: 'kill-9', atShare: 0.85 }],
    [`c database down ${outageMs / 1000}s`, { kind: 'database-stopped', atShare: 0.3, forMs: outageMs }],
  ];
  const logDir = mkdtempSync(path.join(tmpdir(), 'tally-fault-logs-'));
  const cluster = startPrivateCluster(await freePort());
  const results: RunResult[] = [];
  try {
    for (const [name, fault] of runs) {
      if (only && !name.startsWith(only)) continue;
      process.stderr.write(`== ${name}\n`);
      results.push(await runScenario(cluster, name, size, fault, { deadlineMs: 15 * 60_000, logDir }));
      process.stdout.write(`${formatResults(results.slice(-1))}\n`);
    }
  } finally {
    cluster.destroy();
  }
  process.stdout.write(`\n${formatResults(results)}\n`);
  const bad = results.some(
    (r) => r.crashes > 0 || Object.values(r.counts).some((c) => c.lost > 0 || c.duplicated > 0),
  );
  process.exit(bad ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
