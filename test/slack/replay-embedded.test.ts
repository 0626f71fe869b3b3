import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createDb, type Database, type Db, queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { seenRequestsEmbedded } from '../../src/http/seen-requests.js';
import { silentLogger } from '../../src/logger.js';

/**
 * The embedded database's replay record lives in memory and is written to `slack_seen_requests` in
 * batches (one statement per EMBEDDED_WRITE_EVERY_MS, not one per request: each took ~3 ms of the one
 * database thread), so that a replay after a restart is still refused.
 */
let dir: string | undefined;
const open: Database[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function openAt(dataDir: string): Promise<Database> {
  const database = await createDb({ dataDir });
  open.push(database);
  await runMigrations(database);
  return database;
}

/** `db` with its `execute` calls counted (the record's writes and purges go through it). */
function counting(db: Db): { db: Db; executed: () => number } {
  let n = 0;
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'execute')
        return (...args: Parameters<Db['execute']>) => {
          n++;
          return target.execute(...args);
        };
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db: wrapped, executed: () => n };
}

it('writes a burst of requests in one statement, and refuses their replays after a restart', async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tally-replay-'));
  const first = await openAt(dir);
  const { db, executed } = counting(first.db);
  const seen = seenRequestsEmbedded(db, silentLogger);
  const t0 = Date.now();
  // The first record loads the kept keys and purges expired ones (at most once a minute).
  expect(await seen.record('v0=first', 'first body', t0)).toEqual({ signatureNew: true, bodyNew: true });
  await seen.flush?.();
  const before = executed();
  const verdicts = await Promise.all(
    Array.from({ length: 30 }, (_, i) => seen.record(`v0=burst${i}`, `body ${i}`, t0 + i)),
  );
  for (const v of verdicts) expect(v).toEqual({ signatureNew: true, bodyNew: true });
  // Taken in memory at once; a replay inside this process is refused before anything is written.
  expect(await seen.record('v0=burst7', 'body 7', t0 + 40)).toEqual({ signatureNew: false, bodyNew: false });
  await seen.flush?.();
  expect(executed() - before).toBe(1);
  const [{ n }] = (await queryRows<{ n: number }>(
    first.db,
    sql`select count(*)::int as n from slack_seen_requests`,
  )) as [{ n: number }];
  expect(n).toBe(2 * 31);
  await first.close();
  open.length = 0;

  const again = await openAt(dir);
  const after = seenRequestsEmbedded(again.db, silentLogger);
  expect(await after.record('v0=burst12', 'body 12', t0 + 1_000)).toEqual({
    signatureNew: false,
    bodyNew: false,
  });
  expect(await after.record('v0=new', 'a new body', t0 + 1_000)).toEqual({
    signatureNew: true,
    bodyNew: true,
  });
});
