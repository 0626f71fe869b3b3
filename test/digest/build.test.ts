import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { activities, leads, opportunities, targets } from '../../src/db/schema/index.js';
import { buildDigest, type DigestSpec } from '../../src/digest/build.js';
import { buildByRepMessage, parseByRepPayload } from '../../src/digest/by-rep.js';
import { recentWindowFor } from '../../src/digest/content.js';
import { recordArrival } from '../../src/ingest/origin.js';
import { silentLogger } from '../../src/logger.js';
import { LIMITS } from '../../src/slack/limits.js';
import { describeDb } from '../helpers/db.js';
import { addRep, addTeam } from './fixtures.js';

// Tue 24 Nov 2026, 08:30 in Berlin (CET, UTC+1).
const NOW = new Date('2026-11-24T07:30:00Z');

describeDb('digest content', (ctx) => {
  const config = loadConfig({});

  async function seed(teamName = 'EMEA') {
    const db = ctx.db();
    const teamId = await addTeam(ctx.database(), teamName, 'Europe/Berlin');
    const ana = await addRep(ctx.database(), { name: 'Ana', slackUserId: 'UANA', teamId });
    const bob = await addRep(ctx.database(), { name: 'Bob', slackUserId: 'UBOB', teamId });
    let n = 0;
    const call = (repId: number, at: string) => ({
      externalId: `a${++n}`,
      repId,
      kind: 'call' as const,
      direction: 'outbound' as const,
      occurredAt: new Date(at),
    });
    await db.insert(activities).values([
      // Yesterday (Mon 23 Nov, Berlin): Ana 3 calls, Bob 1.
      call(ana, '2026-11-23T09:00:00Z'),
      call(ana, '2026-11-23T10:00:00Z'),
      call(ana, '2026-11-23T11:00:00Z'),
      call(bob, '2026-11-23T12:00:00Z'),
      // Earlier in November: Ana 2 more.
      call(ana, '2026-11-10T09:00:00Z'),
      call(ana, '2026-11-10T10:00:00Z'),
      // October: the data starts before November, so November's target is judged (before-data.ts).
      call(ana, '2026-10-05T09:00:00Z'),
    ]);
    await db.insert(leads).values([
      // Ana answered in 2 minutes, Bob in 30: Bob is over the 5-minute SLA.
      {
        externalId: 'l1',
        ownerRepId: ana,
        createdAt: new Date('2026-11-20T09:00:00Z'),
        firstTouchAt: new Date('2026-11-20T09:02:00Z'),
      },
      {
        externalId: 'l2',
        ownerRepId: bob,
        createdAt: new Date('2026-11-20T10:00:00Z'),
        firstTouchAt: new Date('2026-11-20T10:30:00Z'),
      },
    ]);
    await db.insert(opportunities).values([
      {
        externalId: 'o1',
        ownerRepId: ana,
        createdAt: new Date('2026-11-02T09:00:00Z'),
        closedAt: new Date('2026-11-23T15:00:00Z'),
        outcome: 'won',
        amountMinor: 500_000,
      },
      {
        externalId: 'o2',
        ownerRepId: bob,
        createdAt: new Date('2026-11-03T09:00:00Z'),
        closedAt: new Date('2026-11-12T15:00:00Z'),
        outcome: 'lost',
        amountMinor: 300_000,
      },
    ]);
    // 100 calls a month: 6 by 24 Nov 08:30 is far behind the pro-rated pace.
    await db
      .insert(targets)
      .values({ metric: 'calls', scopeKind: 'team', scopeId: teamId, periodKind: 'month', value: 100 });
    return { teamId, ana, bob };
  }

  const spec = (teamId: number, over: Partial<DigestSpec> = {}): DigestSpec => ({
    subscriptionId: 7,
    scope: { kind: 'team', teamId },
    scopeLabel: 'EMEA',
    metrics: ['calls', 'winrate', 'response'],
    cadence: 'daily',
    timezone: 'Europe/Berlin',
    slot: NOW,
    lateScheduledLocal: null,
    personal: false,
    ...over,
  });

  it('summarises yesterday and the month to date, who led and what needs attention', async () => {
    const { teamId } = await seed();
    const msg = await buildDigest({ db: ctx.db(), config }, spec(teamId), NOW);
    expect(msg.text).toContain('Daily digest · EMEA.');
    expect(msg.text).toContain('Calls: yesterday 4, to date 6 (off track)');
    expect(msg.text).toContain('Win rate: yesterday 100.0%, to date 50.0%');
    const all = JSON.stringify(msg.blocks);
    // Leaderboard by the first counting metric (calls), November to date.
    expect(all).toContain('1. Ana — 5');
    expect(all).toContain('2. Bob — 1');
    expect(all).toContain('Lead response above the 5 min SLA (median, last 7 days): Bob.');
    expect(all).toContain('Calls is off track');
    // A 50% win rate on 2 deals is flagged as a small sample.
    expect(all).toContain('n=2, small sample');
    // One rule for yesterday and to date: yesterday's 100% on 1 deal is flagged the same way.
    expect(all).toContain('Yesterday *100.0%* _(n=1, small sample)_');
    expect(all).toContain('Data as of');
    // The details button answers in the thread.
    expect(all).toContain('digest_by_rep');
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  });

  it('says the pipeline may be stalling only after a working day without new opportunities', async () => {
    // Fresh tester helper-206: a Sunday's digest said "No new opportunities yesterday" of a Saturday.
    const { teamId, ana } = await seed();
    await ctx
      .db()
      .insert(activities)
      .values({
        externalId: 'friday',
        repId: ana,
        kind: 'call',
        direction: 'outbound',
        occurredAt: new Date('2026-11-27T09:00:00Z'),
      });
    const at = async (slot: string) => {
      const when = new Date(slot);
      const msg = await buildDigest(
        { db: ctx.db(), config },
        spec(teamId, { slot: when, metrics: ['calls', 'opps'] }),
        when,
      );
      return JSON.stringify(msg.blocks);
    };
    const stalling = 'No new opportunities yesterday — pipeline may be stalling.';
    // Saturday 28 Nov 08:30 Berlin: Friday had no new opportunity.
    expect(await at('2026-11-28T07:30:00Z')).toContain(stalling);
    // Sunday 29 Nov: yesterday was a Saturday.
    expect(await at('2026-11-29T07:30:00Z')).not.toContain('pipeline may be stalling');
  });

  it('says plainly that data is stale instead of showing zeros for yesterday', async () => {
    const { teamId } = await seed();
    // Mon 30 Nov 2026 08:30 Berlin: the newest record (23 Nov 15:00 UTC) is 6.7 days old.
    const later = new Date('2026-11-30T07:30:00Z');
    const msg = await buildDigest({ db: ctx.db(), config }, spec(teamId, { slot: later }), later);
    expect(msg.text).toContain('Data may be stale: no new records since Mon, 23 Nov 2026, 16:00');
    expect(msg.text).not.toContain('yesterday 0');
    expect(JSON.stringify(msg.blocks)).toContain(
      "The CRM sync may be stalled, so yesterday's numbers are left out rather than shown as zeros.",
    );
    // A weekly digest's recent window is the last 7 days: no "in the last 7 days's numbers".
    const weekly = await buildDigest(
      { db: ctx.db(), config },
      spec(teamId, { slot: later, cadence: 'weekly' }),
      later,
    );
    expect(JSON.stringify(weekly.blocks)).toContain(
      'The CRM sync may be stalled, so the numbers in the last 7 days are left out rather than shown as zeros.',
    );
  });

  // Fresh tester (MED): right after a CSV import whose newest record was days old, the digest said "No new data
  // since … The CRM sync may be stalled" and left yesterday's numbers out, while /metrics at the same moment
  // said "Data may be behind". Only a stale sync (nothing arrived for TALLY_STALE_AFTER_HOURS) is stalled.
  it('calls data behind, not stalled, when an import just arrived whose newest record is days old', async () => {
    await seed();
    // Mon 30 Nov 2026 08:30 Berlin: the newest record (23 Nov 15:00 UTC) is 6.7 days old, imported a minute ago.
    const later = new Date('2026-11-30T07:30:00Z');
    await recordArrival(
      ctx.db(),
      'csv',
      ['activities', 'leads', 'opportunities'],
      new Date(later.getTime() - 60_000),
    );
    const org = { scope: { kind: 'org' as const }, scopeLabel: 'Acme', slot: later };
    const msg = await buildDigest({ db: ctx.db(), config }, spec(0, org), later);
    const all = JSON.stringify(msg.blocks);
    expect(all).not.toContain('No new data');
    expect(all).not.toContain('stalled');
    expect(all).toContain(
      ":warning: *Data may be behind:* the newest record is from Mon, 23 Nov 2026, 16:00, yet a CSV import last sent data on Mon, 30 Nov 2026, 08:29 (1 minute ago); records since then may be missing, so yesterday's numbers may be incomplete.",
    );
    // The answers' line, as /metrics words it, in the footer.
    expect(all).toContain('*Data may be behind:* the newest record here is from');
    // Yesterday's numbers are shown, beside the month to date.
    expect(all).toContain('Yesterday *0*');
    expect(msg.text).toContain('Calls: yesterday 0, to date 6');
    expect(msg.text).toContain(
      'Data may be behind: the newest record is from Mon, 23 Nov 2026, 16:00, yet a CSV import last sent data 1 minute ago.',
    );
    expect(msg.text).not.toContain('Data may be stale');

    // Nothing arrived for 2 days (over the 24 h threshold): the sync is stale, the stalled banner stays.
    await ctx
      .db()
      .execute(
        sql`update data_arrivals set last_at = ${new Date(later.getTime() - 48 * 3_600_000).toISOString()}::timestamptz`,
      );
    const stale = await buildDigest({ db: ctx.db(), config }, spec(0, org), later);
    expect(JSON.stringify(stale.blocks)).toContain(
      ":warning: *No new data since Mon, 23 Nov 2026, 16:00.* The CRM sync may be stalled, so yesterday's numbers are left out rather than shown as zeros.",
    );
    expect(JSON.stringify(stale.blocks)).not.toContain('Data may be behind');
    expect(stale.text).toContain('Data may be stale: no new records since Mon, 23 Nov 2026, 16:00');
    expect(stale.text).not.toContain('yesterday 0');
  });

  it("names the zone the figures are cut in (the team's), not the schedule's", async () => {
    const { teamId } = await seed();
    // Scheduled in UTC (07:30 UTC, Tue 24 Nov 2026) for a team whose periods are cut in Berlin.
    const msg = await buildDigest({ db: ctx.db(), config }, spec(teamId, { timezone: 'UTC' }), NOW);
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Yesterday and period to date · Europe/Berlin');
    expect(all).not.toContain('· UTC');
  });

  it('never makes a small-sample rate a biggest mover', async () => {
    const db = ctx.db();
    const teamId = await addTeam(ctx.database(), 'EMEA', 'Europe/Berlin');
    const ana = await addRep(ctx.database(), { name: 'Ana', slackUserId: 'UANA', teamId });
    const calls = (month: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        externalId: `${month}-c${i}`,
        repId: ana,
        kind: 'call' as const,
        direction: 'outbound' as const,
        occurredAt: new Date(`2026-${month}-05T09:${String(i).padStart(2, '0')}:00Z`),
      }));
    // Calls 10 → 11 (+10%) against a win rate of 50% on 2 deals → 100% on 1 (+100%, n=1).
    await db.insert(activities).values([...calls('10', 10), ...calls('11', 11)]);
    const deal = (id: string, closed: string, outcome: 'won' | 'lost') => ({
      externalId: id,
      ownerRepId: ana,
      createdAt: new Date('2026-09-01T09:00:00Z'),
      closedAt: new Date(closed),
      outcome,
      amountMinor: 100_000,
    });
    await db
      .insert(opportunities)
      .values([
        deal('o1', '2026-10-06T09:00:00Z', 'won'),
        deal('o2', '2026-10-07T09:00:00Z', 'lost'),
        deal('o3', '2026-11-06T09:00:00Z', 'won'),
      ]);
    const msg = await buildDigest(
      { db: ctx.db(), config },
      spec(teamId, { metrics: ['calls', 'winrate'] }),
      NOW,
    );
    const movers = JSON.stringify(msg.blocks.filter((b) => JSON.stringify(b).includes('Biggest movers')));
    expect(movers).toContain('Calls');
    expect(movers).not.toContain('Win rate');
    // The win rate itself is still shown, marked as the small sample it is.
    expect(JSON.stringify(msg.blocks)).toContain('*100.0%* _(n=1, small sample)_');
  });

  it('never makes a change up from a small sample a biggest mover', async () => {
    const db = ctx.db();
    const teamId = await addTeam(ctx.database(), 'EMEA', 'Europe/Berlin');
    const ana = await addRep(ctx.database(), { name: 'Ana', slackUserId: 'UANA', teamId });
    const calls = (month: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        externalId: `${month}-c${i}`,
        repId: ana,
        kind: 'call' as const,
        direction: 'outbound' as const,
        occurredAt: new Date(`2026-${month}-05T09:${String(i).padStart(2, '0')}:00Z`),
      }));
    // Calls 10 → 11 (+10%) against a win rate of 100% on 1 deal in October → 50% on 10 in November (−50%,
    // previous n=1): the current figure is no small sample, the previous one is.
    await db.insert(activities).values([...calls('10', 10), ...calls('11', 11)]);
    const deal = (id: string, closed: string, outcome: 'won' | 'lost') => ({
      externalId: id,
      ownerRepId: ana,
      createdAt: new Date('2026-09-01T09:00:00Z'),
      closedAt: new Date(closed),
      outcome,
      amountMinor: 100_000,
    });
    await db
      .insert(opportunities)
      .values([
        deal('p1', '2026-10-06T09:00:00Z', 'won'),
        ...Array.from({ length: 10 }, (_, i) =>
          deal(`p${2 + i}`, `2026-11-${String(2 + i).padStart(2, '0')}T09:00:00Z`, i < 5 ? 'won' : 'lost'),
        ),
      ]);
    const msg = await buildDigest(
      { db: ctx.db(), config },
      spec(teamId, { metrics: ['calls', 'winrate'] }),
      NOW,
    );
    const movers = JSON.stringify(msg.blocks.filter((b) => JSON.stringify(b).includes('Biggest movers')));
    expect(movers).toContain('Calls');
    expect(movers).not.toContain('Win rate');
    expect(JSON.stringify(msg.blocks)).toContain('50.0%');
  });

  it('reports the month just ended on the 1st, not an empty new month', async () => {
    const { teamId } = await seed();
    // Tue 1 Dec 2026, 08:30 Berlin: December has no records yet; yesterday (30 Nov) and November do.
    const first = new Date('2026-12-01T07:30:00Z');
    const msg = await buildDigest({ db: ctx.db(), config }, spec(teamId, { slot: first }), first);
    expect(msg.text).not.toContain('No records');
    expect(msg.text).toContain('Calls: yesterday 0, November 2026 6 (off track)');
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Yesterday and November 2026 · Europe/Berlin');
    expect(all).toContain('Yesterday *0* · November 2026 *6*');
    expect(all).toContain('1. Ana — 5');
    // The By rep button breaks down the same month, even when pressed days later.
    const value = msg.blocks
      .flatMap((b) => ('elements' in b ? (b.elements as { value?: string }[]) : []))
      .find((e) => e.value?.includes('"month"'))?.value;
    const payload = parseByRepPayload(value);
    expect(payload?.month).toBe('2026-11');
    const thread = await buildByRepMessage(
      { db: ctx.db(), config, logger: silentLogger },
      payload!,
      new Date('2026-12-03T09:00:00Z'),
    );
    expect(thread.text).toContain('By rep, November 2026: Calls, Win rate');
    expect(JSON.stringify(thread.blocks)).toMatch(/Ana[^"]*5/);
  });

  it('keeps a by-rep metric that failed to load, saying so, and logs why', async () => {
    const { teamId } = await seed();
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const payload = {
      scope: { kind: 'team' as const, teamId },
      metrics: ['calls', 'response'],
      tz: 'Europe/Berlin',
    };
    // A real database failure for one metric only: the table lead response time reads is gone for a moment.
    await ctx.db().execute(sql`alter table leads rename to leads_away`);
    let thread: Awaited<ReturnType<typeof buildByRepMessage>>;
    try {
      thread = await buildByRepMessage(
        { db: ctx.db(), config, logger },
        { ...payload, month: '2026-11' },
        NOW,
      );
    } finally {
      await ctx.db().execute(sql`alter table leads_away rename to leads`);
    }
    expect(thread.text).toBe("By rep, November 2026: Calls, Lead response time (couldn't load)");
    const blocks = JSON.stringify(thread.blocks);
    expect(blocks).toMatch(/Ana[^"]*5/);
    expect(blocks).toContain("*Lead response time* — couldn't load right now; please try again in a minute.");
    expect(blocks).not.toMatch(/leads_away|42P01|at .*\.ts/); // no error text or stack in Slack
    const logged = lines.find((l) => l.msg === 'digest by-rep metric failed');
    expect(logged).toMatchObject({ metric: 'response', err: { code: '42P01' } });
  });

  it('says in which month there is nothing to report', async () => {
    const { teamId } = await seed();
    // Wed 2 Dec 2026: December has no records (November had).
    const second = new Date('2026-12-02T07:30:00Z');
    const msg = await buildDigest({ db: ctx.db(), config }, spec(teamId, { slot: second }), second);
    expect(JSON.stringify(msg.blocks)).toContain('No records for EMEA this month yet — nothing to report.');
    expect(msg.text).toContain('No records this month yet.');
  });

  // Fresh tester (LOW): "No records for Whole org this month yet — nothing to report." above a mover
  // "Calls ▼ −2 (−100%)". A drop to nothing is something to report, and "Whole org" reads as a name.
  it('does not say "nothing to report" above the movers, and says "the whole org" in a sentence', async () => {
    await seed();
    // Fri 11 Dec 2026: December so far has no records; 1–10 November had Ana's 2 calls.
    const eleventh = new Date('2026-12-11T07:30:00Z');
    const org = spec(0, { scope: { kind: 'org' }, scopeLabel: 'Whole org', slot: eleventh });
    const blocks = JSON.stringify((await buildDigest({ db: ctx.db(), config }, org, eleventh)).blocks);
    expect(blocks).not.toContain('nothing to report');
    // Tester (LOW): "No records … this month yet" beside a biggest mover "−100%" read as a contradiction:
    // the drop is said as what the previous period had, with no movers list.
    expect(blocks).toContain(
      'No records for the whole org this month yet; November 2026 at the same point had Calls 2.',
    );
    expect(blocks).not.toContain('Biggest movers');
    expect(blocks).not.toContain('−100%');
  });

  it('says when it was posted late, and escapes names from the data', async () => {
    const { teamId } = await seed('A&B <Sales>');
    const msg = await buildDigest(
      { db: ctx.db(), config },
      spec(teamId, { scopeLabel: 'A&B <Sales>', lateScheduledLocal: '08:30' }),
      new Date('2026-11-24T09:00:00Z'),
    );
    expect(msg.text).toContain('Daily digest · A&amp;B &lt;Sales&gt;. (posted late: scheduled 08:30)');
    expect(JSON.stringify(msg.blocks)).toContain('posted late: scheduled 08:30');
  });

  it('posts no per-rep leaderboard to the channel when leaderboards are private', async () => {
    const { teamId } = await seed();
    const privateConfig = loadConfig({ TALLY_LEADERBOARDS_PUBLIC: 'false' });
    const msg = await buildDigest({ db: ctx.db(), config: privateConfig }, spec(teamId), NOW);
    expect(msg.text).toContain('Calls: yesterday 4, to date 6 (off track)');
    const all = JSON.stringify(msg.blocks);
    expect(all).not.toContain('Leaderboard');
    expect(all).not.toContain('1. Ana — 5');
    // Reps over the SLA are counted, not named, in the channel.
    expect(all).toContain('Lead response above the 5 min SLA (median, last 7 days): 1 rep.');
    expect(all).not.toContain('Bob');
    // Managers still get the per-rep numbers from the button, answered to them alone (digest/actions).
    expect(all).toContain('digest_by_rep');
  });

  it('marks a leaderboard of a rate on small samples as the answers do (helper-188)', async () => {
    const { teamId } = await seed();
    // No counting metric: the leaderboard ranks win rate, on 1 deal each (Ana won hers, Bob lost his).
    const msg = await buildDigest({ db: ctx.db(), config }, spec(teamId, { metrics: ['winrate'] }), NOW);
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('*Leaderboard* — Win rate');
    expect(all).toContain('1. Ana — 100.0% _n=1, small sample_');
    expect(all).toContain('2. Bob — 0.0% _n=1, small sample_');
    expect(all).toContain('Small samples (n &lt; 10) are marked');
  });

  it('leaves the leaderboard and button out of a personal digest', async () => {
    const { ana } = await seed();
    const msg = await buildDigest(
      { db: ctx.db(), config },
      spec(0, { scope: { kind: 'rep', repId: ana }, scopeLabel: 'Ana (EMEA)', personal: true }),
      NOW,
    );
    expect(msg.text).toContain('Calls: yesterday 3, to date 5');
    const all = JSON.stringify(msg.blocks);
    expect(all).not.toContain('Leaderboard');
    expect(all).not.toContain('digest_by_rep');
  });
});

it('covers Friday to Sunday in a Monday weekday digest', () => {
  // Mon 23 Nov 2026, 08:30 Berlin.
  expect(recentWindowFor('weekdays', new Date('2026-11-23T07:30:00Z'), 'Europe/Berlin')).toEqual({
    label: 'Since Friday',
    spec: '2026-11-20..2026-11-22',
  });
  // Tue 24 Nov: just yesterday. A daily digest on Monday: just Sunday.
  expect(recentWindowFor('weekdays', NOW, 'Europe/Berlin').spec).toBe('2026-11-23..2026-11-23');
  expect(recentWindowFor('daily', new Date('2026-11-23T07:30:00Z'), 'Europe/Berlin').spec).toBe(
    '2026-11-22..2026-11-22',
  );
  expect(recentWindowFor('weekly', NOW, 'Europe/Berlin')).toEqual({
    label: 'Last 7 days',
    spec: '2026-11-17..2026-11-23',
  });
});
