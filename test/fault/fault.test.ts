import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { type PrivateCluster, startPrivateCluster } from './cluster.js';
import { formatResults, type RunResult, runScenario, type Size } from './scenario.js';

/**
 * The fault suite's short form (the full one is `npm run fault`): two real app processes on one private
 * Postgres cluster, a smaller burst, a shorter outage. What it proves is what docs/architecture.md states.
 */
const size: Size = { channelDigests: 24, dmDigests: 24, nudges: 10, postsPerSecond: 20 };
const logDir = mkdtempSync(path.join(tmpdir(), 'tally-fault-logs-'));
let cluster: PrivateCluster;
const results: RunResult[] = [];

describe('delivery under faults (two instances, one database)', () => {
  beforeAll(async () => {
    cluster = startPrivateCluster(await freePort());
  }, 120_000);
  afterAll(() => {
    cluster?.destroy();
    if (results.length > 0) process.stderr.write(`${formatResults(results)}\n`);
  });

  const expectExactlyOnce = (r: RunResult) => {
    for (const [kind, c] of Object.entries(r.counts)) {
      expect({ kind, lost: c.lost, duplicated: c.duplicated, delivered: c.delivered }).toEqual({
        kind,
        lost: 0,
        duplicated: 0,
        delivered: c.expected,
      });
    }
    expect(r.brokenNotices).toBe(2); // each broken channel's creator told once
    expect(r.brokenChannels).toBe(0);
    expect(r.crashes).toBe(0);
  };

  it('(a) no crash, the second instance starting mid-burst: nothing lost, nothing twice', async () => {
    const r = await runScenario(
      cluster,
      'a',
      size,
      { kind: 'second-instance-mid-burst' },
      { deadlineMs: 150_000, logDir },
    );
    results.push(r);
    expectExactlyOnce(r);
  }, 200_000);

  it('(b) kill -9 of an instance mid-burst: the survivor finishes; nothing lost, nothing twice (history check)', async () => {
    const r = await runScenario(
      cluster,
      'b',
      size,
      { kind: 'kill-9', atShare: 0.4 },
      { deadlineMs: 150_000, logDir },
    );
    results.push(r);
    expectExactlyOnce(r);
  }, 200_000);

  it('(c) the database stopped mid-burst: nothing lost, nothing twice', async () => {
    const r = await runScenario(
      cluster,
      'c',
      size,
      { kind: 'database-stopped', atShare: 0.3, forMs: 15_000 },
      { deadlineMs: 150_000, logDir },
    );
    results.push(r);
    expectExactlyOnce(r);
  }, 200_000);
});
