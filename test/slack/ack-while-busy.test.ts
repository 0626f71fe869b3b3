import { expect, it } from 'vitest';
import { describeDb, holdEveryConnection } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';
import { USERS } from './fixtures.js';
import { SECRET, useRunningApp } from './harness.js';

/**
 * How long the busy statements run (s): past Slack's 3 s ack deadline, so an ack waiting for them could not
 * hide, and under the pools' 5 s connection wait, after which an answer honestly says "Couldn't load".
 */
const BUSY_SECONDS = 4;

/**
 * The ack never waits for the database (issue 10, item 9). While the database is busy, a signed
 * `/metrics help` is acked and GET /healthz answers 200 before the busy statements end (the order is
 * asserted, not a time). Embedded PGlite runs one statement at a time, so one long statement keeps it
 * busy; on Postgres every connection of the app's pools (the main pool and the metrics pool) is held.
 */
describeDb('the ack while the database is busy', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  /** Starts statements that keep the database (every pooled connection on Postgres) busy; resolves when they end. */
  const keepBusy = () => {
    const started = performance.now();
    const state = { endedAt: Number.POSITIVE_INFINITY, ranMs: 0 };
    const done = holdEveryConnection(ctx, BUSY_SECONDS).then(() => {
      state.endedAt = performance.now();
      state.ranMs = state.endedAt - started;
    });
    return { state, done };
  };

  it('acks /metrics help before the busy statements end, then answers', async () => {
    const busy = keepBusy();
    // Let the statements reach the database first.
    await new Promise((r) => setTimeout(r, 500));
    const body = slashCommandBody({
      text: 'help',
      userId: USERS.ada.id,
      responseUrl: `${stub.responseBase}busy1`,
    });
    const res = await postSigned(`${app.url}/slack/events`, body, { secret: SECRET });
    const ackedAt = performance.now();
    expect(res.status).toBe(200);
    await busy.done;
    expect(ackedAt).toBeLessThan(busy.state.endedAt);
    // The statements really held the database that long (pg_sleep is not a no-op here).
    expect(busy.state.ranMs).toBeGreaterThanOrEqual(BUSY_SECONDS * 1000 - 50);
    // The answer comes too (help needs no data, so it does not even wait for the database).
    const [reply] = await stub.waitFor('response_url', 1, 15_000);
    expect(JSON.stringify(reply?.args)).toContain('/metrics');
    expect(JSON.stringify(reply?.args)).not.toContain("Couldn't load");
  });

  it('answers GET /healthz with 200 before the busy statements end', async () => {
    const busy = keepBusy();
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(`${app.url}/healthz`);
    const answeredAt = performance.now();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'up' });
    await busy.done;
    expect(answeredAt).toBeLessThan(busy.state.endedAt);
  });
});
