import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { reps } from '../../src/db/schema/index.js';
import { METRICS } from '../../src/metrics/index.js';
import { DIMENSIONS } from '../../src/slack/grammar/words.js';
import { LIMITS } from '../../src/slack/limits.js';
import { describeDb } from '../helpers/db.js';
import { type SlackApiStub, startSlackApiStub, useSlackApiStub } from '../helpers/slack-api.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';
import { type Fixture, seedFixture, USERS } from './fixtures.js';
import { allText, type RunningApp, SECRET, sendCommand, startApp } from './harness.js';

describeDb('/metrics over HTTP', (ctx) => {
  let stub: SlackApiStub;
  let app: RunningApp;
  let f: Fixture;

  beforeAll(async () => {
    stub = await startSlackApiStub();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(async () => {
    f = await seedFixture(ctx.db());
    stub.reset();
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('acks with an empty 200 and answers the win rate ephemerally through response_url', async () => {
    const { status, reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    expect(status).toBe(200);
    expect(reply.response_type).toBe('ephemeral');
    // Ana: 3 won, 1 lost this quarter = 75.0%.
    expect(reply.text).toContain('Win rate · Ana López · Q4 2026: 75.0%');
    expect(reply.blocks[0]).toMatchObject({ type: 'header' });
    expect(allText(reply)).toContain('*75.0%*');
  });

  // Fresh tester (LOW): a slash command without response_url got no answer and an error "respond is not a
  // function". Slack always sends one; without it the answer goes through the Web API, still ephemeral.
  it('answers a command that came without response_url ephemerally through chat.postEphemeral', async () => {
    const params = new URLSearchParams(
      slashCommandBody({ text: 'winrate', userId: USERS.ana.id, responseUrl: 'x' }),
    );
    params.delete('response_url');
    const res = await postSigned(`${app.url}/slack/events`, params.toString(), { secret: SECRET });
    expect(res.status).toBe(200);
    const [call] = await stub.waitFor('chat.postEphemeral');
    expect(call!.args).toMatchObject({ channel: 'C0SALES', user: USERS.ana.id });
    expect(String(call!.args.text)).toContain('Win rate · Ana López · Q4 2026: 75.0%');
    expect(stub.callsTo('chat.postMessage')).toHaveLength(0);
  });

  // Tester (LOW): without response_url and with chat.postEphemeral refused (channel_not_found) the user saw
  // nothing and the log said "response_url post failed". The answer now comes as a DM, and the log names the
  // failed method and Slack's error.
  it('sends the answer as a DM when chat.postEphemeral is refused, logging the method and Slack error', async () => {
    await app.stop();
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    app = await startApp(ctx.database(), stub, {}, { logger });
    stub.failNext('chat.postEphemeral', 'channel_not_found');
    const params = new URLSearchParams(
      slashCommandBody({ text: 'winrate', userId: USERS.ana.id, responseUrl: 'x' }),
    );
    params.delete('response_url');
    const res = await postSigned(`${app.url}/slack/events`, params.toString(), { secret: SECRET });
    expect(res.status).toBe(200);
    const [dm] = await stub.waitFor('chat.postMessage');
    expect(dm!.args.channel).toBe(USERS.ana.id);
    expect(String(dm!.args.text)).toContain('Win rate · Ana López · Q4 2026: 75.0%');
    expect(stub.callsTo('chat.postEphemeral')).toHaveLength(1);
    const failed = lines.find((l) => l.method === 'chat.postEphemeral');
    expect(failed).toMatchObject({ slackError: 'channel_not_found', level: 40 });
    expect(lines.some((l) => l.msg === 'response_url post failed')).toBe(false);
  });

  it('reads a metric written as words, as managers type it: win rate, response time, deal size', async () => {
    const win = await sendCommand(app, stub, USERS.ana.id, 'win rate team');
    expect(win.reply.text).toContain('Win rate · EMEA · Q4 2026: 80.0%');
    expect((await sendCommand(app, stub, USERS.ana.id, 'Response Time team')).reply.text).toContain(
      'Lead response time · EMEA',
    );
    expect((await sendCommand(app, stub, USERS.ana.id, 'deal size team EMEA')).reply.text).toContain(
      '$18,100',
    );
    expect((await sendCommand(app, stub, USERS.ana.id, 'help win rate')).reply.text).toContain('Win rate');
  });

  it('answers every metric through the command without breaking Block Kit limits', async () => {
    for (const metric of METRICS) {
      const { reply } = await sendCommand(app, stub, USERS.ada.id, `${metric.id} org`);
      expect(reply.text, metric.id).toContain(metric.label);
      expect(reply.blocks.length, metric.id).toBeLessThanOrEqual(LIMITS.messageBlocks);
      expect(allText(reply), metric.id).toContain(metric.definition.slice(0, 30));
    }
  });

  it('computes team and org numbers by hand: EMEA win rate 80.0%, org 71.4%, EMEA deal size $18,100', async () => {
    expect((await sendCommand(app, stub, USERS.ana.id, 'winrate team')).reply.text).toContain('80.0%');
    expect((await sendCommand(app, stub, USERS.ana.id, 'winrate org')).reply.text).toContain('71.4%');
    // (10,000 + 20,000 + 30,000 + 12,400) / 4 won deals.
    expect((await sendCommand(app, stub, USERS.ana.id, 'dealsize team EMEA')).reply.text).toContain(
      '$18,100',
    );
  });

  it('shows usage for bare /metrics and the definition for help <metric>', async () => {
    const usage = await sendCommand(app, stub, USERS.ana.id, '');
    expect(allText(usage.reply)).toContain('/metrics [metric] [scope] [period]');
    const help = await sendCommand(app, stub, USERS.ana.id, 'help winrate');
    expect(help.reply.text).toContain('Deals won ÷ (won + lost)');
  });

  // Tester: the usage line `[by rep|team|product|source]` left out `reason` and `template`.
  it('lists every split the grammar reads in the usage line, on bare /metrics and after a grammar error', async () => {
    const splits = [...new Set(DIMENSIONS.values())].sort();
    for (const text of ['', 'winrat team']) {
      const { reply } = await sendCommand(app, stub, USERS.ana.id, text);
      const listed = /\[by ([a-z|]+)\]/.exec(allText(reply))?.[1]?.split('|').sort();
      expect(listed, text).toEqual(splits);
    }
  });

  it("answers help <subcommand> with that subcommand's summary and usage only", async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'help digest');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^\/metrics digest: Scheduled digests/);
    const text = allText(reply);
    expect(text).toContain('/metrics digest add');
    expect(text).not.toContain('/metrics [metric] [scope] [period]');
    expect(text).not.toContain('/metrics target set');
  });

  it('answers a typo with "did you mean" and the usage, ephemerally', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrat team');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Did you mean `winrate team`?');
    expect(allText(reply)).toContain('Usage:');
  });

  it('suggests a team name for a misspelt team', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team EMAE');
    expect(reply.text).toContain('Did you mean "EMEA"?');
  });

  it('refuses a rep asking for another rep, politely and saying what they can ask', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, `calls <@${USERS.bob.id}|bob>`);
    expect(reply.text).toMatch(/^Sorry — other people's numbers are for their managers/);
    // The suggestions are for the metric asked (calls), not a fixed one.
    expect(reply.text).toContain('`/metrics calls team`');
    expect(reply.text).not.toContain('winrate');
  });

  it('lets a manager see reps of the team they manage, but not other teams', async () => {
    const ana = await sendCommand(app, stub, USERS.mia.id, `winrate <@${USERS.ana.id}|ana>`);
    expect(ana.reply.text).toContain('Win rate · Ana López');
    expect(ana.reply.text).toContain('75.0%');
    const bob = await sendCommand(app, stub, USERS.mia.id, `winrate <@${USERS.bob.id}|bob>`);
    expect(bob.reply.text).toContain('Sorry');
  });

  it('lets an admin see anyone', async () => {
    // Bob: 1 won, 1 lost = 50.0%.
    const { reply } = await sendCommand(app, stub, USERS.ada.id, 'winrate Bob');
    expect(reply.text).toContain('Win rate · Bob Baker');
    expect(reply.text).toContain('50.0%');
  });

  it("says Slack could not be reached, not 'Tally doesn't know you', when users.info fails (tester)", async () => {
    for (const error of ['ratelimited', 'invalid_auth']) {
      stub.failNext('users.info', error);
      const { reply } = await sendCommand(app, stub, USERS.stranger.id, 'winrate');
      expect(reply.text, error).toContain("Couldn't reach Slack to look that person up right now");
      expect(reply.text, error).not.toContain("doesn't know you");
    }
    // Slack's own answer that there is no such user still means Tally doesn't know them.
    const { reply } = await sendCommand(app, stub, USERS.stranger.id, 'winrate');
    expect(reply.text).toContain("Tally doesn't know you yet");
  });

  it('tells a Slack user Tally does not know how an admin adds them', async () => {
    const { reply } = await sendCommand(app, stub, USERS.stranger.id, 'winrate');
    expect(reply.text).toContain("Tally doesn't know you yet");
    expect(allText(reply)).toContain('reps CSV');
  });

  // Fresh tester: `winrate org` from an unknown user said Tally "can't tell which numbers are yours", though an
  // org question asks for nobody's numbers. Unknown users see no figures (usage.md): say that, and who can ask.
  it('tells a Slack user Tally does not know, asking for the org, that only people on its reps list get figures', async () => {
    const { reply } = await sendCommand(app, stub, USERS.stranger.id, 'winrate org');
    expect(reply.text).toBe(
      "Tally doesn't know you yet: it answers only people on its reps list (reps, managers and admins), so it can't show you any figures, not even the org's.",
    );
    expect(allText(reply)).toContain(
      'To be added, ask a Tally admin: they import a reps CSV with your Slack email',
    );
    expect(allText(reply)).not.toContain('yours');
  });

  it('links a rep found by the email from users.info and remembers the Slack id', async () => {
    const { reply } = await sendCommand(app, stub, USERS.eve.id, 'winrate team');
    expect(reply.text).toContain('80.0%');
    expect(stub.callsTo('users.info').map((c) => c.args.user)).toEqual([USERS.eve.id]);
    const [eve] = await ctx.db().select({ slack: reps.slackUserId }).from(reps).where(eq(reps.id, f.eve));
    expect(eve?.slack).toBe(USERS.eve.id);
  });

  it('escapes hostile names in leaderboards so nobody gets pinged', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team by rep');
    const text = allText(reply);
    expect(text).toContain('&lt;!channel&gt; &amp; Co');
    expect(text).not.toContain('<!channel>');
    // Ana's own row is marked.
    expect(text).toContain('Ana López — 75.0% _n=4, small sample_* ← you');
  });

  it('escapes hostile words echoed back from the command', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate <!channel> & friends');
    expect(allText(reply)).not.toContain('<!channel>');
    expect(allText(reply)).toContain('&lt;!channel&gt;');
  });

  it('posts for the channel with share, without buttons', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team share');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(allText(reply)).toContain('Shared by Ana López');
  });

  it('sets a target as a manager and shows it with attainment; a rep may not set one', async () => {
    const set = await sendCommand(app, stub, USERS.mia.id, 'target set winrate 90% team EMEA quarter');
    expect(set.reply.text).toBe('Target set: Win rate 90.0% (quarterly) for team EMEA.');
    const answer = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    // 80.0% of a 90.0% target = 88.9% attained, shown rounded down (88%): at risk (≥ 85%).
    expect(allText(answer.reply)).toContain('Target 90.0% · 88% attained');
    expect(answer.reply.text).toContain('at risk');
    const refused = await sendCommand(app, stub, USERS.ana.id, 'target set winrate 50% team');
    expect(refused.reply.text).toContain('Targets are set by managers and admins');
    const list = await sendCommand(app, stub, USERS.ana.id, 'target list');
    expect(allText(list.reply)).toContain('Team EMEA — set by Mia Manager');
    // A rate is not spread over the quarter: "(quarterly)", not "per quarter".
    expect(allText(list.reply)).toContain('*Win rate* 90.0% (quarterly) · Team EMEA');
  });

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('posts the answer again after a response_url 500, once: one answer accepted, not two, not zero', async () => {
    stub.httpErrorNext('response_url', 500, 1);
    const { status, reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate');
    expect(status).toBe(200);
    const [refused, accepted] = await stub.waitFor('response_url', 2, 10_000);
    // The stand-in answered the first post 500 and the second 200; no third comes after the success.
    await pause(1_500);
    expect(stub.callsTo('response_url')).toHaveLength(2);
    expect(accepted!.responseId).toBe(refused!.responseId);
    expect(accepted!.args).toEqual(reply);
    expect(String(accepted!.args.text)).toContain('Win rate · Ana López · Q4 2026: 75.0%');
  });

  it('never posts again after a response_url 4xx (an expired or used-up URL)', async () => {
    stub.httpErrorNext('response_url', 404, 1);
    await sendCommand(app, stub, USERS.ana.id, 'winrate');
    // Past the first retry's longest wait (RESPOND_RETRY: 250 ms × up to 2 of jitter).
    await pause(1_500);
    expect(stub.callsTo('response_url')).toHaveLength(1);
  });

  it('gives up on a response_url that keeps answering 5xx after a bounded number of tries', async () => {
    stub.httpErrorNext('response_url', 503, 10);
    await sendCommand(app, stub, USERS.ana.id, 'winrate');
    // 1 try + RESPOND_RETRY.retries (3), then no more.
    await stub.waitFor('response_url', 4, 10_000);
    await pause(2_500);
    expect(stub.callsTo('response_url')).toHaveLength(4);
  });
});

describeDb('/metrics with private leaderboards', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    app = await startApp(ctx.database(), stub, { TALLY_LEADERBOARDS_PUBLIC: 'false' });
  });
  afterEach(async () => {
    await app.stop();
  });

  it('keeps by-rep leaderboards to managers of the team, while team splits stay open', async () => {
    const rep = await sendCommand(app, stub, USERS.ana.id, 'winrate team by rep');
    expect(rep.reply.text).toContain('leaderboards by rep are for managers');
    const manager = await sendCommand(app, stub, USERS.mia.id, 'winrate team EMEA by rep');
    expect(manager.reply.text).toContain('Win rate by rep · EMEA');
    const byTeam = await sendCommand(app, stub, USERS.ana.id, 'winrate org by team');
    expect(byTeam.reply.text).toContain('Win rate by team · Whole org');
  });
});

describeDb('/metrics on an empty database', (ctx) => {
  const stub = useSlackApiStub();
  let app: RunningApp;
  beforeEach(async () => {
    await seedFixture(ctx.db(), { withData: false });
    app = await startApp(ctx.database(), stub);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('says "no data" with the reason instead of a misleading 0%', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team');
    expect(reply.text).toContain('Win rate · EMEA · Q4 2026: no data');
    expect(allText(reply)).toContain('No data:');
    expect(allText(reply)).toContain('No records behind this answer yet.');
    expect(allText(reply)).not.toContain('0.0%');
  });
});
