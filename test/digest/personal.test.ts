import { beforeEach, expect, it } from 'vitest';
import { listRuns } from '../../src/digest/ledger.js';
import { runDueDigests } from '../../src/digest/run.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { addDigest, addRep, addTeam, recordingOutbox, testClient, testDeps } from './fixtures.js';

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

describeDb('personal DM digests', (ctx) => {
  it("DMs each active rep of the team at 08:30 in the rep's own time zone", async () => {
    const db = ctx.database();
    const emea = await addTeam(db, 'EMEA', 'Europe/London');
    const other = await addTeam(db, 'Americas', 'America/Chicago');
    const ana = await addRep(db, {
      name: 'Ana',
      slackUserId: 'UANA',
      timezone: 'Europe/Berlin',
      teamId: emea,
    });
    const bob = await addRep(db, {
      name: 'Bob',
      slackUserId: 'UBOB',
      timezone: 'America/New_York',
      teamId: emea,
    });
    const cy = await addRep(db, { name: 'Cy', slackUserId: 'UCY', teamId: emea }); // no zone of his own: the team's
    await addRep(db, { name: 'Dee', slackUserId: null, teamId: emea }); // not on Slack: cannot be DMed
    await addRep(db, { name: 'Eve', slackUserId: 'UEVE', timezone: 'Europe/Berlin', teamId: other });
    // Created Mon 23 Nov 2026 00:00 UTC.
    const id = await addDigest(db, {
      now: new Date('2026-11-23T00:00:00Z'),
      target: 'dm',
      scope: { kind: 'team', teamId: emea },
      timezone: 'Europe/London',
    });
    const client = testClient(stub);
    const deps = testDeps(db, client, '2026-11-23T07:30:00Z');
    const outbox = recordingOutbox(client);
    const build = async (_d: unknown, spec: { scopeLabel: string }) => ({
      text: `for ${spec.scopeLabel}`,
      blocks: [],
    });
    const tick = (iso: string) => runDueDigests(deps, new Date(iso), { outbox, build });

    // 07:30 UTC = 08:30 Berlin: Ana. 08:30 UTC = 08:30 London: Cy. 13:30 UTC = 08:30 New York: Bob.
    await tick('2026-11-23T07:30:00Z');
    expect(stub.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['UANA']);
    await tick('2026-11-23T08:30:00Z');
    await tick('2026-11-23T13:29:00Z');
    await tick('2026-11-23T13:30:00Z');
    await tick('2026-11-23T13:31:00Z');
    expect(stub.callsTo('chat.postMessage').map((c) => [c.args.channel, c.args.text])).toEqual([
      ['DANA', 'for Ana (EMEA)'],
      ['DCY', 'for Cy (EMEA)'],
      ['DBOB', 'for Bob (EMEA)'],
    ]);
    const runs = await listRuns(ctx.db(), id);
    expect(runs.map((r) => [r.recipient, r.state, r.slot.toISOString()]).sort()).toEqual(
      [
        [`rep:${ana}`, 'posted', '2026-11-23T07:30:00.000Z'],
        [`rep:${bob}`, 'posted', '2026-11-23T13:30:00.000Z'],
        [`rep:${cy}`, 'posted', '2026-11-23T08:30:00.000Z'],
      ].sort(),
    );
  });

  it('finds a rep known only by email in Slack and DMs them, and asks once about one Slack does not know', async () => {
    stub.users.clear();
    const db = ctx.database();
    const team = await addTeam(db, 'EMEA', 'Europe/London');
    await addRep(db, { name: 'Ana', slackUserId: 'UANA', timezone: 'Europe/Berlin', teamId: team });
    // Imported from a CRM: an email (fay@example.com, dee@example.com), no Slack id.
    await addRep(db, { name: 'Fay', slackUserId: null, teamId: team });
    await addRep(db, { name: 'Dee', slackUserId: null, teamId: team });
    stub.users.set('UFAY', { id: 'UFAY', email: 'fay@example.com', tz: 'Europe/Berlin' });
    await addDigest(db, {
      now: new Date('2026-11-23T00:00:00Z'),
      target: 'dm',
      scope: { kind: 'team', teamId: team },
      timezone: 'Europe/London',
    });
    const client = testClient(stub);
    const deps = testDeps(db, client, '2026-11-23T07:30:00Z');
    const outbox = recordingOutbox(client);
    const build = async (_d: unknown, spec: { scopeLabel: string }) => ({
      text: `for ${spec.scopeLabel}`,
      blocks: [],
    });
    // 07:30 UTC = 08:30 in Berlin, Fay's zone as Slack gives it.
    await runDueDigests(deps, new Date('2026-11-23T07:30:00Z'), { outbox, build });
    expect(stub.callsTo('users.lookupByEmail').map((c) => c.args.email)).toEqual([
      'fay@example.com',
      'dee@example.com',
    ]);
    // Both DMs leave in one drain, up to four at a time: their order at Slack is not fixed.
    expect(
      stub
        .callsTo('chat.postMessage')
        .map((c) => [c.args.channel, c.args.text])
        .sort(),
    ).toEqual([
      ['DANA', 'for Ana (EMEA)'],
      ['DFAY', 'for Fay (EMEA)'],
    ]);
    for (const t of ['07:31', '07:32', '08:30'])
      await runDueDigests(deps, new Date(`2026-11-23T${t}:00Z`), { outbox, build });
    expect(stub.callsTo('users.lookupByEmail')).toHaveLength(2);
    expect(stub.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('logs and skips a rep Slack cannot DM, without breaking the subscription for the others', async () => {
    const db = ctx.database();
    const team = await addTeam(db, 'EMEA', 'Europe/Berlin');
    await addRep(db, { name: 'Ana', slackUserId: 'UANA', teamId: team });
    await addRep(db, { name: 'Gone', slackUserId: 'UGONE', teamId: team });
    await addDigest(db, {
      now: new Date('2026-11-23T00:00:00Z'),
      target: 'dm',
      scope: { kind: 'team', teamId: team },
    });
    stub.failNext('conversations.open', 'account_inactive');
    const client = testClient(stub);
    const deps = testDeps(db, client, '2026-11-23T07:30:00Z');
    const build = async () => ({ text: 'digest', blocks: [] });
    const report = await runDueDigests(deps, new Date('2026-11-23T07:30:00Z'), {
      outbox: recordingOutbox(client),
      build,
    });
    expect(report).toMatchObject({ posted: 1, failed: 1 });
    // Next day both are tried again: a DM failure never marks the subscription broken.
    await runDueDigests(deps, new Date('2026-11-24T07:30:00Z'), { outbox: recordingOutbox(client), build });
    expect(stub.callsTo('chat.postMessage')).toHaveLength(3);
  });
});
