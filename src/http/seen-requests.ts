import { createHash } from 'node:crypto';
import { type Db, queryRows, sql } from '../db/client.js';
import { asBackgroundQueries } from '../db/query-priority.js';
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
  /** Writes what is still held in memory (the embedded record, before a graceful stop); absent: nothing held. */
  flush?(): Promise<void>;
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

/**
 * At most this many of the record's statements in flight at once: the edge pool's size (2), so a
 * statement that waits on a lock (the same key being inserted by another instance) leaves the other
 * connection to the rest.
 */
const RECORD_STATEMENTS_IN_FLIGHT = 2;

/** A request's keys waiting for the next statement of the shared record. */
interface PendingRecord {
  sig: string;
  bod: string;
  at: string;
  resolve: (seen: { signatureNew: boolean; bodyNew: boolean }) => void;
  reject: (err: unknown) => void;
}

/**
 * The database-backed record (see SeenRequests), with an opportunistic purge of expired keys. Requests
 * that arrive together share one statement: while RECORD_STATEMENTS_IN_FLIGHT statements are running,
 * new requests queue, and the next statement records all of them (`insert … values (…), (…), …`), so a
 * burst of 20 commands costs a couple of round trips instead of 20 queued on two connections. Within
 * one statement a key that occurs twice (the same body under two signatures) is new only for the
 * first request that brought it, as with separate statements in that order.
 */
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
  const queue: PendingRecord[] = [];
  let inFlight = 0;
  const flush = () => {
    if (queue.length === 0 || inFlight >= RECORD_STATEMENTS_IN_FLIGHT) return;
    const batch = queue.splice(0);
    inFlight++;
    // Keys in one order on every instance: two instances inserting the same keys in opposite orders
    // would each wait for the other's uncommitted key (a deadlock, one statement failing after 1 s).
    const rows = batch
      .flatMap((r) => [
        { key: r.sig, at: r.at },
        { key: r.bod, at: r.at },
      ])
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((r) => sql`(${r.key}, ${r.at})`);
    queryRows<{ key: string }>(
      db,
      sql`insert into slack_seen_requests (key, seen_at) values ${sql.join(rows, sql`, `)}
          on conflict (key) do nothing returning key`,
    )
      .then(
        (inserted) => {
          // Each inserted key is new for the first request of the batch that brought it.
          const fresh = new Set(inserted.map((r) => r.key));
          const take = (key: string) => fresh.delete(key);
          for (const r of batch) r.resolve({ signatureNew: take(r.sig), bodyNew: take(r.bod) });
        },
        (err: unknown) => {
          for (const r of batch) r.reject(err);
        },
      )
      .finally(() => {
        inFlight--;
        flush();
      });
  };
  return {
    record(signature, body, nowMs) {
      const at = new Date(nowMs).toISOString();
      const seen = new Promise<{ signatureNew: boolean; bodyNew: boolean }>((resolve, reject) => {
        queue.push({ sig: sigKey(signature), bod: bodyKey(body), at, resolve, reject });
      });
      flush();
      purge(nowMs);
      return seen;
    },
  };
}

/** How often the embedded record writes the keys seen since its last write to `slack_seen_requests` (ms). */
export const EMBEDDED_WRITE_EVERY_MS = 250;

/** One record per embedded database, so every app on it (tests run two) shares it, as they would share a table. */
const embeddedRecords = new WeakMap<Db, SeenRequests>();

/**
 * The record for the embedded database (PGlite), which runs one statement at a time: a request's check
 * must not queue behind a long answer, so the record lives in this process's memory (authoritative:
 * only one process can open an embedded database) and is written to `slack_seen_requests` behind the
 * ack, in one statement per EMBEDDED_WRITE_EVERY_MS at background priority (a statement per request took
 * ~3 ms of the database's one thread each: at 50 commands/s, 15 % of it). At start it loads the keys still
 * within SEEN_RETENTION_MS, so a replay after a restart is refused too (a request recorded within the last
 * EMBEDDED_WRITE_EVERY_MS before a kill -9 is not kept across it; a graceful stop writes them). Until that
 * load has finished (the first moments after start) a check waits for it.
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
  // Keys seen since the last write (key → ms; the latest sighting wins, as `greatest` does in the table).
  const unwritten = new Map<string, number>();
  let writeTimer: NodeJS.Timeout | null = null;
  const write = (): Promise<void> => {
    writeTimer = null;
    if (unwritten.size === 0) return Promise.resolve();
    const rows = [...unwritten].map(([key, at]) => sql`(${key}, ${new Date(at).toISOString()})`);
    unwritten.clear();
    return asBackgroundQueries(() =>
      db.execute(
        sql`insert into slack_seen_requests (key, seen_at) values ${sql.join(rows, sql`, `)}
            on conflict (key) do update set seen_at = greatest(slack_seen_requests.seen_at, excluded.seen_at)`,
      ),
    ).then(
      () => undefined,
      (err: unknown) => logger.warn({ err: describeError(err) }, 'could not store seen Slack requests'),
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
      for (const key of [sig, bod]) unwritten.set(key, Math.max(nowMs, unwritten.get(key) ?? nowMs));
      if (!writeTimer) {
        writeTimer = setTimeout(() => void write(), EMBEDDED_WRITE_EVERY_MS);
        writeTimer.unref();
      }
      purge(nowMs);
      return seen;
    },
    flush: () => {
      if (writeTimer) clearTimeout(writeTimer);
      return write();
    },
  };
  embeddedRecords.set(db, record);
  return record;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
