import { createHash } from 'node:crypto';
import { type Db, queryRows, sql } from '../db/client.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Which Slack requests any instance has already seen, shared through the database so a replay sent
 * to another instance behind the load balancer is refused too (table `slack_seen_requests`).
 */
export interface SeenRequests {
  /**
   * Records a request's signature and body (raw strings; stored as SHA-256 keys) at `nowMs` (Unix ms)
   * in one statement, `insert … on conflict do nothing`, so exactly one concurrent caller sees a key
   * as new. Resolves which of the two were new; rejects when the database cannot answer.
   */
  record(
    signature: string,
    body: string,
    nowMs: number,
  ): Promise<{ signatureNew: boolean; bodyNew: boolean }>;
}

/**
 * How long a key is kept: a signature is valid until its timestamp + 5 minutes and the timestamp may be
 * up to 5 minutes ahead of us (10 minutes in all); bodies are remembered 10 minutes; plus 5 minutes'
 * margin for clocks that differ between instances.
 */
export const SEEN_RETENTION_MS = 15 * 60_000;
/** Each instance purges expired keys at most this often, after a request, off the ack path. */
const PURGE_EVERY_MS = 60_000;

const sigKey = (signature: string) => `sig:${sha256(signature)}`;
const bodyKey = (body: string) => `body:${sha256(body)}`;

/** The database-backed record (see SeenRequests), with an opportunistic purge of expired keys. */
export function seenRequestsInDb(db: Db, logger: Logger): SeenRequests {
  let lastPurge = 0;
  const purge = (nowMs: number) => {
    if (nowMs - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = nowMs;
    const before = new Date(nowMs - SEEN_RETENTION_MS).toISOString();
    db.execute(sql`delete from slack_seen_requests where seen_at < ${before}`).catch((err: unknown) =>
      logger.warn({ err: describeError(err) }, 'could not purge seen Slack requests'),
    );
  };
  return {
    async record(signature, body, nowMs) {
      const [sig, bod] = [sigKey(signature), bodyKey(body)];
      const at = new Date(nowMs).toISOString();
      const rows = await queryRows<{ key: string }>(
        db,
        sql`insert into slack_seen_requests (key, seen_at) values (${sig}, ${at}), (${bod}, ${at})
            on conflict (key) do nothing returning key`,
      );
      purge(nowMs);
      const fresh = new Set(rows.map((r) => r.key));
      return { signatureNew: fresh.has(sig), bodyNew: fresh.has(bod) };
    },
  };
}

/** One record per embedded database, so every app on it (tests run two) shares it, as they would share a table. */
const embeddedRecords = new WeakMap<Db, SeenRequests>();

/**
 * The record for the embedded database (PGlite), which runs one statement at a time: a request's check
 * must not queue behind a long answer, so the record lives in this process's memory (authoritative:
 * only one process can open an embedded database) and is written to `slack_seen_requests` behind the
 * ack. At start it loads the keys still within SEEN_RETENTION_MS, so a replay after a restart is refused
 * too. Until that load has finished (the first moments after start) a check waits for it.
 */
export function seenRequestsEmbedded(db: Db, logger: Logger): SeenRequests {
  const existing = embeddedRecords.get(db);
  if (existing) return existing;
  const keys = new Map<string, number>();
  let lastPurge = 0;
  const startedAt = Date.now();
  const loaded = queryRows<{ key: string; at: number }>(
    db,
    sql`select key, (extract(epoch from seen_at) * 1000)::float8 as at from slack_seen_requests
        where seen_at >= ${new Date(startedAt - SEEN_RETENTION_MS).toISOString()}`,
  ).then(
    (rows) => {
      for (const r of rows) if (!keys.has(r.key)) keys.set(r.key, r.at);
    },
    (err: unknown) => logger.warn({ err: describeError(err) }, 'could not load seen Slack requests'),
  );
  let ready = false;
  void loaded.then(() => {
    ready = true;
  });
  const purge = (nowMs: number) => {
    if (nowMs - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = nowMs;
    for (const [key, at] of keys) if (at < nowMs - SEEN_RETENTION_MS) keys.delete(key);
    const before = new Date(nowMs - SEEN_RETENTION_MS).toISOString();
    db.execute(sql`delete from slack_seen_requests where seen_at < ${before}`).catch((err: unknown) =>
      logger.warn({ err: describeError(err) }, 'could not purge seen Slack requests'),
    );
  };
  const record: SeenRequests = {
    async record(signature, body, nowMs) {
      if (!ready) await loaded;
      const [sig, bod] = [sigKey(signature), bodyKey(body)];
      const fresh = (key: string) => {
        const at = keys.get(key);
        if (at !== undefined && at >= nowMs - SEEN_RETENTION_MS) return false;
        keys.set(key, nowMs);
        return true;
      };
      const seen = { signatureNew: fresh(sig), bodyNew: fresh(bod) };
      const at = new Date(nowMs).toISOString();
      db.execute(
        sql`insert into slack_seen_requests (key, seen_at) values (${sig}, ${at}), (${bod}, ${at})
            on conflict (key) do update set seen_at = greatest(slack_seen_requests.seen_at, excluded.seen_at)`,
      ).catch((err: unknown) =>
        logger.warn({ err: describeError(err) }, 'could not store a seen Slack request'),
      );
      purge(nowMs);
      return seen;
    },
  };
  embeddedRecords.set(db, record);
  return record;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
