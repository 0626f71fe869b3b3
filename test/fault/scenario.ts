import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { leads, reps, teamMemberships, teams } from '../../src/db/schema/index.js';
import { createSubscription } from '../../src/digest/store.js';
import { freePort } from '../helpers/free-port.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';
import type { PrivateCluster } from './cluster.js';

/** How big a burst, and how fast the app may post. */
export interface Size {
  channelDigests: number;
  dmDigests: number;
  nudges: number;
  postsPerSecond: number;
}

export type Fault =
  | { kind: 'second-instance-mid-burst' }
  | { kind: 'kill-9'; atShare: number }
  | { kind: 'database-stopped'; atShare: number; forMs: number };

export interface KindCount {
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
}

export interface RunResult {
  name: string;
  counts: Record<'channel digests' | 'DM digests' | 'nudges', KindCount>;
  /** Destinations Slack refused on purpose (channel_not_found): not delivered, and their creator told once. */
  brokenChannels: number;
  brokenNotices: number;
  totalPosts: number;
  /** Instances that exited without being killed by the suite (must be 0). */
  crashes: number;
  seconds: number;
  log: string;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Broken channels per run: posts there answer channel_not_found. */
const BROKEN = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh database on the cluster, migrated and seeded for a burst due on the current minute. */
async function seed(adminUrl: string, name: string, size: Size): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const database = await createDb({ databaseUrl: url, poolSize: 2 });
  await runMigrations(database);
  const db = database.db;
  const now = new Date();
  const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000); // due on this very minute
  const hhmm = slot.toISOString().slice(11, 16);
  const before = new Date(slot.getTime() - 3_600_000);
  const [team] = await db
    .insert(teams)
    .values({ name: 'Fault', timezone: 'UTC', responseSlaSeconds: 300 })
    .returning({ id: teams.id });
  const teamId = team!.id;
  const repRows = Array.from({ length: Math.max(size.dmDigests, size.nudges) }, (_, i) => ({
    name: `Rep ${i}`,
    email: `rep${i}@fault.example`,
    slackUserId: `UF${String(i).padStart(4, '0')}`,
    timezone: 'UTC',
  }));
  const inserted = await db.insert(reps).values(repRows).returning({ id: reps.id });
  await db
    .insert(teamMemberships)
    .values(
      inserted
        .slice(0, size.dmDigests)
        .map((r) => ({ repId: r.id, teamId, validFrom: new Date('2025-01-01T00:00:00Z') })),
    );
  const sub = (target: string) =>
    createSubscription(db, {
      target,
      scope: target === 'dm' ? { kind: 'team', teamId } : { kind: 'org' },
      cadence: 'daily',
      weekday: null,
      localTime: hhmm,
      timezone: 'UTC',
      metrics: ['winrate'],
      createdByRepId: null,
      createdBySlackUserId: 'UADMIN',
      now: before,
    });
  for (let i = 0; i < size.channelDigests; i++) await sub(`CF${String(i).padStart(4, '0')}`);
  if (size.dmDigests > 0) await sub('dm');
  // Leads that waited 6 minutes (SLA 5): one owner nudge each, to distinct owners.
  if (size.nudges > 0)
    await db.insert(leads).values(
      inserted.slice(0, size.nudges).map((r, i) => ({
        externalId: `F-${i}`,
        name: `Lead ${i}`,
        company: 'Fault Co',
        source: 'web',
        ownerRepId: r.id,
        createdAt: new Date(now.getTime() - 6 * 60_000),
      })),
    );
  await database.close();
  return url;
}

interface Instance {
  name: string;
  child: ChildProcess;
}

function startInstance(name: string, env: Record<string, string>, logDir: string): Promise<Instance> {
  const out = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s`)), 60_000);
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('scheduler started')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolve({ name, child });
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it started`));
    });
  });
}

/** Counts what Slack received, per kind and destination, from the stand-in's channel histories. */
function count(stub: SlackApiStub, size: Size): RunResult['counts'] & { broken: number; notices: number } {
  const byKey = new Map<string, number>();
  for (const m of stub.messages) {
    const type = m.metadata?.event_type;
    const key = m.metadata?.event_payload?.delivery_key;
    const kind =
      type === 'tally_digest'
        ? m.channel.startsWith('D')
          ? 'dm'
          : 'channel'
        : typeof key === 'string' && key.startsWith('nudge:owner')
          ? 'nudge'
          : typeof key === 'string' && key.startsWith('broken:')
            ? 'notice'
            : 'other';
    const id = `${kind}|${m.channel}`;
    byKey.set(id, (byKey.get(id) ?? 0) + 1);
  }
  const tally = (kind: string, destinations: string[]): KindCount => {
    let delivered = 0;
    let duplicated = 0;
    for (const d of destinations) {
      const n = byKey.get(`${kind}|${d}`) ?? 0;
      if (n > 0) delivered++;
      duplicated += Math.max(0, n - 1);
    }
    return { expected: destinations.length, delivered, lost: destinations.length - delivered, duplicated };
  };
  const channels = Array.from(
    { length: size.channelDigests - BROKEN },
    (_, i) => `CF${String(i + BROKEN).padStart(4, '0')}`,
  );
  const dm = (i: number) => `DF${String(i).padStart(4, '0')}`;
  return {
    'channel digests': tally('channel', channels),
    'DM digests': tally(
      'dm',
      Array.from({ length: size.dmDigests }, (_, i) => dm(i)),
    ),
    nudges: tally(
      'nudge',
      Array.from({ length: size.nudges }, (_, i) => dm(i)),
    ),
    broken: [0, 1].filter((i) => (byKey.get(`channel|CF000${i}`) ?? 0) > 0).length,
    notices: byKey.get('notice|DADMIN') ?? 0,
  };
}

/**
 * One run: two instances of the real app (separate OS processes, `node --import tsx src/main.ts`) on one
 * database of `cluster`, the Slack stand-in in this process with delays, 429s, 5xx and two broken
 * channels, and one fault. Waits (bounded by `deadlineMs`) until every expected message arrived and a
 * few more ticks passed, then counts what Slack received.
 */
export async function runScenario(
  cluster: PrivateCluster,
  name: string,
  size: Size,
  fault: Fault,
  options: { deadlineMs: number; logDir: string; leaseSeconds?: number },
): Promise<RunResult> {
  const started = Date.now();
  mkdirSync(options.logDir, { recursive: true });
  const dbName = `tally_i11_fault_${name.replace(/\W+/g, '_').toLowerCase()}`;
  const url = await seed(cluster.url, dbName, size);
  const stub = await startSlackApiStub();
  stub.setDelay('chat.postMessage', 15);
  stub.everyNth('chat.postMessage', 97, { kind: 'rate_limited', retryAfterSeconds: 2 });
  stub.everyNth('conversations.open', 41, { kind: 'http', status: 503 });
  stub.failChannel('CF0000', 'channel_not_found');
  stub.failChannel('CF0001', 'channel_not_found');
  const expectedPosts = size.channelDigests - BROKEN + size.dmDigests + size.nudges;
  const env = async (): Promise<Record<string, string>> => ({
    DATABASE_URL: url,
    SLACK_BOT_TOKEN: 'xoxb-fault-suite',
    SLACK_SIGNING_SECRET: 'fault-suite-secret',
    SLACK_API_URL: stub.apiUrl,
    PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    DEFAULT_TIMEZONE: 'UTC',
    TALLY_SLACK_POSTS_PER_SECOND: String(size.postsPerSecond),
    TALLY_SCHEDULER_TICK_SECONDS: '2',
    TALLY_DELIVERY_LEASE_SECONDS: String(options.leaseSeconds ?? 10),
  });
  const instances: Instance[] = [];
  let crashes = 0;
  const killed = new Set<ChildProcess>();
  const watch = (i: Instance) => {
    i.child.once('exit', () => {
      if (!killed.has(i.child)) crashes++;
    });
    return i;
  };
  const posted = () => stub.messages.filter((m) => m.metadata).length;
  const waitPosts = async (n: number) => {
    while (posted() < n && Date.now() - started < options.deadlineMs) await sleep(100);
  };
  try {
    instances.push(watch(await startInstance(`${name}-A`, await env(), options.logDir)));
    if (fault.kind === 'second-instance-mid-burst') {
      await waitPosts(Math.ceil(expectedPosts * 0.25));
      instances.push(watch(await startInstance(`${name}-B`, await env(), options.logDir)));
    } else {
      instances.push(watch(await startInstance(`${name}-B`, await env(), options.logDir)));
      await waitPosts(Math.ceil(expectedPosts * fault.atShare));
      if (fault.kind === 'kill-9') {
        killed.add(instances[0]!.child);
        instances[0]!.child.kill('SIGKILL');
      } else {
        cluster.stop();
        await sleep(fault.forMs);
        cluster.start();
      }
    }
    // Until everything expected arrived, the two broken channels' notices included (or the deadline), then a
    // few more ticks to catch late repeats.
    const done = () => {
      const c = count(stub, size);
      return c['channel digests'].lost + c['DM digests'].lost + c.nudges.lost === 0 && c.notices >= 2;
    };
    const alive = () => instances.some((i) => i.child.exitCode === null && i.child.signalCode === null);
    while (!done() && alive() && Date.now() - started < options.deadlineMs) await sleep(250);
    await sleep(6_000);
    const c = count(stub, size);
    return {
      name,
      counts: { 'channel digests': c['channel digests'], 'DM digests': c['DM digests'], nudges: c.nudges },
      brokenChannels: c.broken,
      brokenNotices: c.notices,
      totalPosts: stub.messages.length,
      crashes,
      seconds: Math.round((Date.now() - started) / 1000),
      log: options.logDir,
    };
  } finally {
    for (const i of instances)
      if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await stub.close();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect().catch(() => {});
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}

/** The table the suite prints: one line per run and kind. */
export function formatResults(results: RunResult[]): string {
  const lines = ['run                           kind              expected delivered lost duplicated'];
  for (const r of results)
    for (const [kind, c] of Object.entries(r.counts))
      lines.push(
        `${r.name.padEnd(30)}${kind.padEnd(18)}${String(c.expected).padStart(8)} ${String(c.delivered).padStart(9)} ${String(c.lost).padStart(4)} ${String(c.duplicated).padStart(10)}`,
      );
  for (const r of results)
    lines.push(
      `${r.name}: ${r.totalPosts} posts in ${r.seconds} s; ${r.crashes} crashed instances; posts accepted in the 2 broken channels: ${r.brokenChannels}; their creator told ${r.brokenNotices}× (logs: ${r.log})`,
    );
  return lines.join('\n');
}
