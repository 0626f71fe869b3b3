import { type Db, queryRows, sql } from '../db/client.js';

/**
 * When the next bot-initiated post may leave. Two implementations with one policy:
 * - `createLocalPacer`: in-process (one instance, tests on virtual time);
 * - `createPgPacer`: shared by every instance on one database (rows in `slack_pace`), so the
 *   workspace rate (TALLY_SLACK_POSTS_PER_SECOND) and Slack's one-post-per-second-per-channel hold
 *   across any number of instances, and a 429 seen by one instance pauses all of them.
 *
 * Policy: a post to channel C leaves at max(now, workspace next, C's next, pause end); then the
 * workspace's next moves by `globalIntervalMs` and C's by `perChannelIntervalMs`. After sleeping until
 * its turn, a sender re-checks the pause (a 429 may have arrived meanwhile) and waits again if needed.
 */
export interface Pacer {
  /** Waits for this post's turn; returns when it may leave (ms since the epoch, by the pacer's clock). */
  waitTurn(channel: string): Promise<number>;
  /** A 429 with Retry-After: nobody posts for `ms`. */
  pause(ms: number): Promise<void>;
  /** Records that Slack no longer accepts the token; true when this call changed the state (log once). */
  setAuthLost(error: string): Promise<boolean>;
  /** Clears a lost token after a successful call; true when it was lost. */
  clearAuthLost(): Promise<boolean>;
  /** The Slack error that marked the token lost, or null. */
  authLost(): Promise<string | null>;
}

export interface PaceOptions {
  /** Minimum ms between any two posts of the workspace (default 1000). */
  globalIntervalMs?: number;
  /** Minimum ms between two posts to one channel (default 1000). */
  perChannelIntervalMs?: number;
  /** Waits `ms`; injectable so tests run on virtual time. */
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Bound on re-checks after a pause, so a broken clock can never spin a sender forever. */
const MAX_TURN_LOOPS = 1000;

/** The in-process pacer: one instance's pace, on the clock `now` (ms). */
export function createLocalPacer(now: () => number, options: PaceOptions = {}): Pacer {
  const globalInterval = options.globalIntervalMs ?? 1000;
  const channelInterval = options.perChannelIntervalMs ?? 1000;
  const sleep = options.sleep ?? realSleep;
  let globalNext = 0;
  let pausedUntil = 0;
  let auth: string | null = null;
  const channelNext = new Map<string, number>();
  // Reservations are taken synchronously, so concurrent senders never get the same slot.
  const reserve = (channel: string): number => {
    const at = Math.max(now(), globalNext, channelNext.get(channel) ?? 0, pausedUntil);
    globalNext = at + globalInterval;
    channelNext.set(channel, at + channelInterval);
    return at;
  };
  return {
    waitTurn: async (channel) => {
      for (let loop = 0; ; loop++) {
        const at = reserve(channel);
        const wait = at - now();
        if (wait > 0) await sleep(wait);
        if (pausedUntil <= now() || loop >= MAX_TURN_LOOPS) return at;
      }
    },
    pause: async (ms) => {
      pausedUntil = Math.max(pausedUntil, now() + ms);
      globalNext = Math.max(globalNext, pausedUntil);
    },
    setAuthLost: async (error) => {
      const changed = auth === null;
      auth = error;
      return changed;
    },
    clearAuthLost: async () => {
      const was = auth !== null;
      auth = null;
      return was;
    },
    authLost: async () => auth,
  };
}

/** Serializes pace reservations of every instance (transaction-level advisory lock). */
const PACE_LOCK = 724_211_002;

/**
 * The shared pacer on the database's clock (`clock_timestamp()`, so instances with skewed clocks agree).
 * One short transaction per post: take the advisory lock, read the workspace and channel rows, move both.
 */
export function createPgPacer(db: Db, options: PaceOptions = {}): Pacer {
  const globalInterval = options.globalIntervalMs ?? 1000;
  const channelInterval = options.perChannelIntervalMs ?? 1000;
  const sleep = options.sleep ?? realSleep;

  const reserve = async (channel: string): Promise<{ at: number; waitMs: number }> =>
    db.transaction(async (tx) => {
      const ck = `channel:${channel}`;
      await tx.execute(sql`select pg_advisory_xact_lock(${PACE_LOCK})`);
      await tx.execute(
        sql`insert into slack_pace (key, next_at) values ('workspace', clock_timestamp()), (${ck}, clock_timestamp()) on conflict (key) do nothing`,
      );
      const [row] = await queryRows<{ at: string | Date; wait_ms: number }>(
        tx as unknown as Db,
        sql`
        with s as (
          select greatest(clock_timestamp(), max(next_at), coalesce(max(paused_until), '-infinity')) as at
          from slack_pace where key in ('workspace', ${ck})
        )
        update slack_pace p
           set next_at = s.at + make_interval(secs => (case when p.key = 'workspace' then ${globalInterval} else ${channelInterval} end)::float8 / 1000)
          from s
         where p.key in ('workspace', ${ck})
        returning s.at, (extract(epoch from s.at - clock_timestamp()) * 1000)::float8 as wait_ms`,
      );
      return { at: new Date(row!.at).getTime(), waitMs: Math.max(0, Number(row!.wait_ms)) };
    });

  const pausedFor = async (): Promise<number> => {
    const [row] = await queryRows<{ ms: number | null }>(
      db,
      sql`select (extract(epoch from paused_until - clock_timestamp()) * 1000)::float8 as ms from slack_pace where key = 'workspace'`,
    );
    return Math.max(0, Number(row?.ms ?? 0));
  };

  return {
    waitTurn: async (channel) => {
      for (let loop = 0; ; loop++) {
        const { at, waitMs } = await reserve(channel);
        if (waitMs > 0) await sleep(waitMs);
        // Re-checked after every sleep: a 429 seen by any instance meanwhile pauses this post too.
        if ((await pausedFor()) <= 0 || loop >= MAX_TURN_LOOPS) return at;
      }
    },
    pause: async (ms) => {
      await db.execute(sql`
        insert into slack_pace (key, paused_until) values ('workspace', clock_timestamp() + make_interval(secs => ${ms}::float8 / 1000))
        on conflict (key) do update set paused_until = greatest(coalesce(slack_pace.paused_until, excluded.paused_until), excluded.paused_until)`);
    },
    setAuthLost: (error) => recordAuthLost(db, error),
    clearAuthLost: async () => {
      const rows = await queryRows<{ key: string }>(
        db,
        sql`update slack_pace set auth_error = null, auth_error_at = null where key = 'workspace' and auth_error is not null returning key`,
      );
      return rows.length > 0;
    },
    authLost: () => readAuthLost(db),
  };
}

/**
 * Records that Slack refused the bot token (`error`: invalid_auth, token_revoked, …) for every instance, unless
 * a loss is already recorded. Resolves true when this call recorded it.
 */
export async function recordAuthLost(db: Db, error: string): Promise<boolean> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`
    insert into slack_pace (key, auth_error, auth_error_at) values ('workspace', ${error}, clock_timestamp())
    on conflict (key) do update set auth_error = excluded.auth_error, auth_error_at = excluded.auth_error_at
      where slack_pace.auth_error is null
    returning key`,
  );
  return rows.length > 0;
}

/** The lost-token error recorded by any instance, or null (for /healthz). */
export async function readAuthLost(db: Db): Promise<string | null> {
  const [row] = await queryRows<{ auth_error: string | null }>(
    db,
    sql`select auth_error from slack_pace where key = 'workspace'`,
  );
  return row?.auth_error ?? null;
}
