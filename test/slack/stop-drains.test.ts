import { expect, it } from 'vitest';
import { describeDb, holdEveryConnection } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';
import { seedFixture, USERS } from './fixtures.js';
import { SECRET, startApp } from './harness.js';

/**
 * A stop (SIGTERM: main.ts stops the app, then closes the database) answers every command it already
 * acked. A fresh tester's rolling-deploy test lost 39 of 40 acked commands: the pools were closed under
 * answers still being computed ("Cannot use a pool after calling end on the pool"), and the users were told
 * nothing. Here the database is held so the answers are still running when the stop begins; `stop()` must
 * resolve only after each command got its one real answer.
 */
describeDb('stopping the app', (ctx) => {
  const stub = useSlackApiStub();

  it('answers every acked command before stop() resolves, then takes no more', async () => {
    await seedFixture(ctx.db());
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    const app = await startApp(ctx.database(), stub);
    const busy = holdEveryConnection(ctx, 1.5);
    await new Promise((r) => setTimeout(r, 300));
    const ids = ['stop1', 'stop2', 'stop3', 'stop4', 'stop5'];
    const texts = ['calls team', 'winrate team', 'meetings me', 'calls org', 'response team'];
    const acks = await Promise.all(
      ids.map((id, i) =>
        postSigned(
          `${app.url}/slack/events`,
          slashCommandBody({
            text: texts[i]!,
            userId: USERS.ada.id,
            responseUrl: `${stub.responseBase}${id}`,
          }),
          { secret: SECRET },
        ),
      ),
    );
    expect(acks.map((r) => r.status)).toEqual(ids.map(() => 200));
    // The database is still held: nothing is answered yet when the stop begins.
    expect(stub.callsTo('response_url')).toEqual([]);
    await app.stop();
    const answered = stub.callsTo('response_url');
    expect(answered.map((c) => c.responseId).sort()).toEqual([...ids].sort());
    for (const call of answered) expect(JSON.stringify(call.args)).not.toMatch(/Couldn't load|busy/i);
    await busy;
    // Stopped: a new command is not taken.
    await expect(
      postSigned(
        `${app.url}/slack/events`,
        slashCommandBody({
          text: 'calls team',
          userId: USERS.ada.id,
          responseUrl: `${stub.responseBase}late`,
        }),
        { secret: SECRET },
      ),
    ).rejects.toThrow();
  });
});
