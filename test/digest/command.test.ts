import { beforeEach, expect, it } from 'vitest';
import { digestCommand } from '../../commands/digest.js';
import type { CommandInput } from '../../commands/types.js';
import type { Caller } from '../../src/core/types.js';
import { teamManagers } from '../../src/db/schema/index.js';
import { getSubscription, listSubscriptions } from '../../src/digest/store.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { addRep, addTeam, testClient, testDeps } from './fixtures.js';

// Mon 23 Nov 2026, 10:00 UTC.
const NOW = new Date('2026-11-23T10:00:00Z');

const stub = useSlackApiStub();
beforeEach(() => stub.reset());

describeDb('/metrics digest', (ctx) => {
  let emea: number;
  let apac: number;
  let manager: Caller;

  beforeEach(async () => {
    const db = ctx.database();
    emea = await addTeam(db, 'EMEA', 'Europe/London');
    apac = await addTeam(db, 'APAC', 'Asia/Tokyo');
    const repId = await addRep(db, { name: 'Mia', slackUserId: 'UMIA', teamId: emea, role: 'manager' });
    await ctx.db().insert(teamManagers).values({ teamId: emea, repId });
    manager = {
      slackUserId: 'UMIA',
      repId,
      name: 'Mia',
      email: null,
      role: 'manager',
      teamIds: [emea],
      managedTeamIds: [emea],
      timezone: null,
    };
  });

  const run = (text: string, caller: Caller = manager) => {
    const deps = testDeps(ctx.database(), testClient(stub), NOW.toISOString());
    const input: CommandInput = {
      tokens: text.split(/\s+/).filter(Boolean),
      text,
      caller,
      channelId: 'C0SALES',
      now: NOW,
    };
    return digestCommand.run(deps, input);
  };
  const replyText = async (text: string, caller?: Caller) => (await run(text, caller)).message.text;

  it('adds a channel digest from a Slack channel link, checking the channel with Slack', async () => {
    const reply = await run(
      'add <#C0EMEA|sales-emea> team emea daily at 9:05 tz europe/berlin metrics winrate,calls,wins',
    );
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.message.text).toMatch(/^Digest #\d+ added\.$/);
    expect(stub.callsTo('conversations.info').map((c) => c.args.channel)).toEqual(['C0EMEA']);
    const [sub] = await listSubscriptions(ctx.db());
    expect(sub).toMatchObject({
      target: 'C0EMEA',
      scopeKind: 'team',
      teamId: emea,
      cadence: 'daily',
      localTime: '09:05',
      timezone: 'Europe/Berlin',
      metrics: ['winrate', 'calls'],
      createdBySlackUserId: 'UMIA',
      paused: false,
    });
    // First one: Tue 24 Nov 09:05 Berlin (today's 09:05 Berlin = 08:05 UTC has passed).
    expect(JSON.stringify(reply.message.blocks)).toContain('Tue, 24 Nov 2026, 09:05');
  });

  it("defaults to the manager's team, weekdays at 08:30 in the team's zone", async () => {
    await run('add <#C0EMEA|sales-emea>');
    const [sub] = await listSubscriptions(ctx.db());
    expect(sub).toMatchObject({
      teamId: emea,
      cadence: 'weekdays',
      localTime: '08:30',
      timezone: 'Europe/London',
      metrics: [],
    });
  });

  it("reads a bare `team` as the caller's own team, as questions do", async () => {
    await run('add dm team at 07:45');
    await run('add <#C0EMEA|sales-emea> team daily');
    const subs = await listSubscriptions(ctx.db());
    expect(subs.map((s) => [s.target, s.teamId, s.localTime, s.cadence])).toEqual([
      ['dm', emea, '07:45', 'weekdays'],
      ['C0EMEA', emea, '08:30', 'daily'],
    ]);
  });

  it('counts every changing verb as a change, parsed or not (an outage then says nothing was saved)', () => {
    for (const text of [
      'add dm team at 25:00',
      'add',
      'rm x',
      'delete 3',
      'pause',
      'resume 2',
      'chart maybe',
    ])
      expect(digestCommand.changes?.(text.split(' ')), text).toBe(true);
    for (const text of ['list', 'preview', 'help', ''])
      expect(digestCommand.changes?.(text.split(' ').filter(Boolean)), text).toBe(false);
  });

  it('adds a personal DM digest and a weekly digest', async () => {
    await run('add dm team EMEA weekly fri at 16:00');
    const [sub] = await listSubscriptions(ctx.db());
    expect(sub).toMatchObject({ target: 'dm', cadence: 'weekly', weekday: 5, localTime: '16:00' });
    expect(stub.callsTo('conversations.info')).toHaveLength(0);
  });

  it('refuses bad input with clear messages and stores nothing', async () => {
    stub.failNext('conversations.info', 'channel_not_found');
    expect(await replyText('add <#C0GONE|old-sales>')).toContain("I can't find #old-sales");
    expect(await replyText('add #sales')).toContain("Pick it from Slack's suggestions");
    expect(await replyText('add <#C0EMEA|x> tz Mars/Olympus')).toContain('not a time zone I know');
    expect(await replyText('add <#C0EMEA|x> at 25:00')).toContain('not a time');
    expect(await replyText('add <#C0EMEA|x> team Narnia')).toContain('There is no team called “Narnia”');
    expect(await replyText('add <#C0EMEA|x> metrics winrate,vibes')).toContain(
      "I don't know the metric “vibes”",
    );
    expect(await replyText('add')).toContain('Say where the digest goes');
    expect(await replyText('frobnicate')).toContain("I don't know `digest frobnicate`");
    expect(await replyText('remove abc')).toContain('Say which digest');
    expect(await listSubscriptions(ctx.db())).toHaveLength(0);
  });

  it('refuses a channel Tally is not in, or an archived one', async () => {
    const deps = testDeps(ctx.database(), testClient(stub), NOW.toISOString());
    const client = deps.slack!;
    client.conversations.info = (async () => ({
      ok: true,
      channel: { id: 'C1', is_member: false },
    })) as never;
    const input = (text: string): CommandInput => ({
      tokens: text.split(' '),
      text,
      caller: manager,
      channelId: null,
      now: NOW,
    });
    const reply = await digestCommand.run(deps, input('add <#C1|private-sales>'));
    expect(reply.message.text).toContain('Tally is not in #private-sales yet');
    client.conversations.info = (async () => ({
      ok: true,
      channel: { id: 'C1', is_archived: true },
    })) as never;
    expect((await digestCommand.run(deps, input('add <#C1|old>'))).message.text).toContain(
      '#old is archived',
    );
    expect(await listSubscriptions(ctx.db())).toHaveLength(0);
  });

  it('lets only managers of the team and admins manage digests', async () => {
    const rep = { ...manager, role: 'rep' as const, managedTeamIds: [] };
    expect(await replyText('list', rep)).toContain('Only managers and admins');
    expect(await replyText('add <#C0APAC|apac> team APAC')).toContain('Only managers of APAC and admins');
    expect(await replyText('add <#C0ALL|all> org')).toContain('Only admins can add whole-org digests');
    const admin = { ...manager, role: 'admin' as const, managedTeamIds: [] };
    await run('add <#C0APAC|apac> team APAC', admin);
    const [sub] = await listSubscriptions(ctx.db());
    expect(sub?.teamId).toBe(apac);
    // The EMEA manager can neither see nor change APAC's digest.
    expect(await replyText('list')).toBe('No digests yet.');
    expect(await replyText(`remove ${sub!.id}`)).toBe(`There is no digest #${sub!.id} you manage.`);
  });

  // Fresh tester helper-231: an admin on a team added `digest add #sales team at 8:30am` (or with no scope)
  // and got a whole-org digest, though docs/digests.md says the default is your team, as `/metrics winrate
  // team` reads it. An admin on no team still gets the whole org.
  it("adds an admin's digest with no team named for the admin's own team, and the org for an admin on none", async () => {
    const admin: Caller = { ...manager, role: 'admin', managedTeamIds: [] };
    await run('add <#C0EMEA|sales-emea> team at 8:30am', admin);
    await run('add <#C0EMEA|sales-emea> weekly mon', admin);
    await run('add <#C0ALL|all>', { ...admin, teamIds: [] });
    const subs = await listSubscriptions(ctx.db());
    expect(subs.map((s) => s.teamId).sort()).toEqual([emea, emea, null].sort());
  });

  // Tester: a rep imported with role=manager but no is_manager=yes was refused `digest add` with no reason
  // (or one naming their own team, as if they asked for someone else's). The role alone manages no team.
  it('tells a manager by role who manages no team why, and how to become a team manager in the data', async () => {
    const roleOnly: Caller = { ...manager, managedTeamIds: [] };
    const why =
      "You manage no team in Tally yet: a team's manager is a rep with `is_manager=yes` and that `team` in the reps file (see docs/data-in.md, reps). Until then an admin can add the digest.";
    for (const text of [
      'add <#C0EMEA|sales-emea>',
      'add <#C0EMEA|sales-emea> team EMEA daily',
      'add dm team',
      'add <#C0ALL|all> org',
    ])
      expect(await replyText(text, roleOnly), text).toBe(why);
    // On no team either: the same reason, not "only admins can add whole-org digests".
    expect(await replyText('add <#C0EMEA|sales-emea>', { ...roleOnly, teamIds: [] })).toBe(why);
    expect(stub.callsTo('conversations.info')).toHaveLength(0);
    expect(await listSubscriptions(ctx.db())).toHaveLength(0);
  });

  // The same `digest add` sent twice stored two digests: the channel got the same post twice a day.
  it('refuses a digest that is already there (same channel, scope, schedule and metrics in any order)', async () => {
    const add = 'add <#C0S1|sales> team EMEA daily at 10:05 tz UTC metrics winrate,calls';
    expect(await replyText(add)).toMatch(/^Digest #\d+ added\.$/);
    const [first] = await listSubscriptions(ctx.db());
    const again = await run('add <#C0S1|sales> team EMEA daily at 10:05 tz UTC metrics calls,winrate');
    expect(again.visibility).toBe('ephemeral');
    expect(again.message.text).toBe(
      `Digest #${first!.id} already posts winrate, calls to <#C0S1> daily at 10:05 UTC — nothing added. Remove it first (\`/metrics digest remove ${first!.id}\`) or add this one at another time.`,
    );
    // Paused, it is still the same digest: resuming it is the way back.
    await replyText(`pause ${first!.id}`);
    expect(await replyText(add)).toContain(
      `Digest #${first!.id} (paused) is already set to post winrate, calls to <#C0S1> daily at 10:05 UTC — nothing added. Resume it (\`/metrics digest resume ${first!.id}\`)`,
    );
    expect(await listSubscriptions(ctx.db())).toHaveLength(1);
    // Any difference is another digest: the time, the zone, the days, the metrics, the channel, the scope.
    for (const other of [
      'add <#C0S1|sales> team EMEA daily at 10:06 tz UTC metrics winrate,calls',
      'add <#C0S1|sales> team EMEA daily at 10:05 tz Europe/London metrics winrate,calls',
      'add <#C0S1|sales> team EMEA weekdays at 10:05 tz UTC metrics winrate,calls',
      'add <#C0S1|sales> team EMEA daily at 10:05 tz UTC metrics winrate',
      'add <#C0S2|sales-2> team EMEA daily at 10:05 tz UTC metrics winrate,calls',
      'add dm team EMEA daily at 10:05 tz UTC metrics winrate,calls',
    ])
      expect(await replyText(other), other).toMatch(/^Digest #\d+ added\.$/);
    expect(await listSubscriptions(ctx.db())).toHaveLength(7);
  });

  it('adds a digest sent twice at once only once (two instances racing)', async () => {
    const add = 'add <#C0S1|sales> team EMEA weekly mon at 10:05 tz UTC';
    const replies = await Promise.all([run(add), run(add), run(add)]);
    const texts = replies.map((r) => r.message.text);
    expect(texts.filter((t) => /^Digest #\d+ added\.$/.test(t))).toHaveLength(1);
    expect(
      texts.filter((t) => t.includes('already posts the scorecard to <#C0S1> weekly on Mon')),
    ).toHaveLength(2);
    expect(await listSubscriptions(ctx.db())).toHaveLength(1);
  });

  // A team called "*Stars* _Team_" showed bold and italic in the refusal, as no other message does.
  it('shows team names in refusals as written, not as Slack formatting', async () => {
    await addTeam(ctx.database(), '*Stars* _Team_');
    const zwj = (c: string) => `\u200D${c}\u200D`;
    const stars = `${zwj('*')}Stars${zwj('*')} ${zwj('_')}Team${zwj('_')}`;
    expect(await replyText('add <#C0S1|sales> team *Stars* _Team_')).toBe(
      `Only managers of ${stars} and admins can add digests for it.`,
    );
    expect(await replyText('add <#C0S1|sales> team *Moon* ~Team~')).toBe(
      `There is no team called “${zwj('*')}Moon${zwj('*')} ${zwj('~')}Team${zwj('~')}”.`,
    );
    stub.failNext('conversations.info', 'channel_not_found');
    expect(await replyText('add <#C0S9|_old_> team EMEA')).toContain(
      `I can't find #${zwj('_')}old${zwj('_')}`,
    );
  });

  it('lists, pauses, resumes and removes', async () => {
    await run('add <#C0EMEA|sales-emea> daily');
    const [sub] = await listSubscriptions(ctx.db());
    const id = sub!.id;
    const list = JSON.stringify((await run('list')).message.blocks);
    expect(list).toContain(
      `*#${id}* <#C0EMEA> · EMEA · daily at 08:30 Europe/London · scorecard · next Tue, 24 Nov 2026, 08:30`,
    );
    expect(await replyText(`pause ${id}`)).toContain(`Digest #${id} paused`);
    expect((await getSubscription(ctx.db(), id))?.paused).toBe(true);
    expect(JSON.stringify((await run('list')).message.blocks)).toContain('paused');
    expect(await replyText(`resume ${id}`)).toContain(`Digest #${id} resumed`);
    expect((await getSubscription(ctx.db(), id))?.activeSince.toISOString()).toBe(NOW.toISOString());
    expect(await replyText(`remove ${id}`)).toBe(`Digest #${id} removed.`);
    expect(await listSubscriptions(ctx.db())).toHaveLength(0);
  });

  it('turns the headline chart off and on, from add and from `chart`, and shows it in the list', async () => {
    await run('add <#C0EMEA|sales-emea> daily nochart');
    const [sub] = await listSubscriptions(ctx.db());
    const id = sub!.id;
    expect(sub?.chart).toBe(false);
    expect(JSON.stringify((await run('list')).message.blocks)).toContain('08:30 · chart off');
    expect(await replyText(`chart on ${id}`)).toContain(`Digest #${id} will carry a trend chart`);
    expect((await getSubscription(ctx.db(), id))?.chart).toBe(true);
    expect(JSON.stringify((await run('list')).message.blocks)).toContain('08:30 · chart on');
    expect(await replyText(`chart off ${id}`)).toContain(`Digest #${id} goes out without a chart`);
    expect((await getSubscription(ctx.db(), id))?.chart).toBe(false);
    expect(await replyText('chart off 999')).toBe('There is no digest #999 you manage.');
  });

  it('previews a digest to the caller only, built by the same function the scheduler uses', async () => {
    await run('add <#C0EMEA|sales-emea> metrics calls');
    const [sub] = await listSubscriptions(ctx.db());
    const reply = await run(`preview ${sub!.id}`);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.message.text).toBe('Daily digest · EMEA. No records this month yet.');
    // Its "By rep" button is marked a preview: pressed, it answers the asker alone (helper-213, finding 2).
    expect(JSON.stringify(reply.message.blocks)).toContain('\\"preview\\":true');
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await replyText('preview 999')).toBe('There is no digest #999 you manage.');
  });
});
