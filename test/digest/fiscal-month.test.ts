import type { KnownBlock } from '@slack/types';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSlackApp } from '../../src/app/slack-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { activities } from '../../src/db/schema/index.js';
import type { Deps } from '../../src/deps.js';
import { buildDigest, type DigestSpec } from '../../src/digest/build.js';
import { parseByRepPayload } from '../../src/digest/by-rep.js';
import { digestMonthFor } from '../../src/digest/content.js';
import { silentLogger } from '../../src/logger.js';
import { parseFiscalSetting, saveFiscalCalendar } from '../../src/metrics/index.js';
import type { FiscalCalendar } from '../../src/time/fiscal.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, postSigned } from '../helpers/slack-requests.js';
import { seedFixture, USERS } from '../slack/fixtures.js';
import { type RunningApp, SECRET, sendCommand } from '../slack/harness.js';

// "4-4-5 last saturday of january": FY2027 runs Sun 1 Feb 2026 – Sat 30 Jan 2027; its P10 is
// 1 – 28 Nov 2026 (4 weeks) and P11 is 29 Nov – 26 Dec 2026 (4 weeks). Calendar November is neither.
const RETAIL = (parseFiscalSetting('4-4-5 last saturday of january') as { calendar: FiscalCalendar })
  .calendar;

it('takes the fiscal month running on the slot’s day, and the one just ended on its first day', () => {
  const month = (iso: string, zone = 'Europe/Berlin', fiscal?: FiscalCalendar) =>
    digestMonthFor(new Date(iso), zone, fiscal);
  // Sun 29 Nov 2026, 08:30 Berlin: P11's first day, so P10 (ended last night).
  expect(month('2026-11-29T07:30:00Z', 'Europe/Berlin', RETAIL)).toMatchObject({
    spec: 'P10 FY2027',
    label: 'P10 FY2027 (1 Nov – 28 Nov 2026)',
    running: false,
  });
  // Mon 30 Nov and Tue 1 Dec (the calendar 1st): P11, running.
  expect(month('2026-11-30T07:30:00Z', 'Europe/Berlin', RETAIL)).toMatchObject({
    spec: 'P11 FY2027',
    running: true,
  });
  expect(month('2026-12-01T07:30:00Z', 'Europe/Berlin', RETAIL).spec).toBe('P11 FY2027');
  // Sat 28 Nov 23:30 UTC is already Sun 29 Nov in Berlin (P11's first day) but Sat 28 Nov in New York.
  expect(month('2026-11-28T23:30:00Z', 'Europe/Berlin', RETAIL).spec).toBe('P10 FY2027');
  expect(month('2026-11-28T23:30:00Z', 'America/New_York', RETAIL)).toMatchObject({
    spec: 'P10 FY2027',
    running: true,
  });
  // Sun 29 Nov in New York (until 05:00 UTC on the 30th) is P11's first day there; Mon 30 Nov is its second.
  expect(month('2026-11-30T04:30:00Z', 'America/New_York', RETAIL).spec).toBe('P10 FY2027');
  expect(month('2026-11-30T12:30:00Z', 'America/New_York', RETAIL).spec).toBe('P11 FY2027');
  // Calendar months (no calendar, or a month-based fiscal year) as before: the running month, on the 1st the last.
  expect(month('2026-11-29T07:30:00Z')).toMatchObject({ spec: '2026-11', running: true });
  expect(month('2026-12-01T07:30:00Z')).toMatchObject({ spec: '2026-11', label: 'November 2026' });
  expect(month('2026-12-02T07:30:00Z').spec).toBe('2026-12');
  expect(month('2026-12-01T07:30:00Z', 'Europe/Berlin', { kind: 'months', startMonth: 2 }).spec).toBe(
    '2026-11',
  );
});

// Thu 3 Dec 2026, 10:00 Berlin: when the button is pressed and /metrics asked (P11 still running).
const PRESSED = new Date('2026-12-03T09:00:00Z');

describeDb('digest month on a 4-4-5 fiscal calendar', (ctx) => {
  let stub: SlackApiStub;
  let app: RunningApp | undefined;
  beforeAll(async () => {
    stub = await startSlackApiStub();
  });
  afterAll(async () => {
    await stub.close();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  let emea = 0;
  beforeEach(async () => {
    stub.reset();
    for (const u of Object.values(USERS)) stub.users.set(u.id, { id: u.id, email: u.email });
    const f = await seedFixture(ctx.db(), { withData: false });
    emea = f.emea;
    await saveFiscalCalendar(ctx.db(), RETAIL, f.ada);
    let n = 0;
    const call = (repId: number, at: string) => ({
      externalId: `fm${++n}`,
      repId,
      kind: 'call' as const,
      direction: 'outbound' as const,
      occurredAt: new Date(at),
    });
    // EMEA (Berlin): Ana and Eve. P10 (1–28 Nov): Ana 2, Eve 3. P11 (from 29 Nov): Ana 2, Eve 1.
    await ctx
      .db()
      .insert(activities)
      .values([
        call(f.ana, '2026-10-31T10:00:00Z'), // P9 (and calendar October)
        call(f.ana, '2026-11-02T09:00:00Z'),
        call(f.ana, '2026-11-10T09:00:00Z'),
        call(f.eve, '2026-11-10T10:00:00Z'),
        call(f.eve, '2026-11-27T09:00:00Z'),
        call(f.eve, '2026-11-28T09:00:00Z'),
        call(f.ana, '2026-11-29T06:00:00Z'), // Sun 29 Nov 07:00 Berlin: P11's first hour of work
        call(f.ana, '2026-11-30T09:00:00Z'),
        call(f.eve, '2026-11-30T10:00:00Z'),
      ]);
    const port = await freePort();
    const deps: Deps = {
      config: loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-t',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: stub.apiUrl,
      }),
      database: ctx.database(),
      db: ctx.db(),
      logger: silentLogger,
      clock: fixedClock(PRESSED),
      slack: null,
    };
    const slackApp = createSlackApp(deps, { mode: 'http', port });
    await slackApp.start();
    app = { url: `http://127.0.0.1:${port}`, slackApp, deps, stop: () => slackApp.stop() };
  });

  const spec = (slot: Date, over: Partial<DigestSpec> = {}): DigestSpec => ({
    subscriptionId: 3,
    scope: { kind: 'team', teamId: emea },
    scopeLabel: 'EMEA',
    metrics: ['calls'],
    cadence: 'daily',
    timezone: 'Europe/Berlin',
    slot,
    lateScheduledLocal: null,
    personal: false,
    ...over,
  });

  const buttonValue = (blocks: KnownBlock[]) =>
    blocks
      .flatMap((b) => (b.type === 'actions' ? (b.elements as { action_id?: string; value?: string }[]) : []))
      .find((e) => e.action_id === 'digest_by_rep')?.value;

  const click = (blocks: KnownBlock[], responseId: string) => {
    const value = buttonValue(blocks);
    const payload = {
      type: 'block_actions',
      user: { id: USERS.ada.id, team_id: 'T0001' },
      api_app_id: 'A0TALLY',
      token: 'x',
      container: { type: 'message', message_ts: '1700000009.000100', channel_id: 'C0EMEA' },
      trigger_id: 't',
      team: { id: 'T0001', domain: 'testco' },
      channel: { id: 'C0EMEA', name: 'sales-emea' },
      message: { ts: '1700000009.000100', text: 'digest', blocks },
      response_url: `${stub.responseBase}${responseId}`,
      actions: [{ type: 'button', action_id: 'digest_by_rep', block_id: 'b', value, action_ts: '1' }],
    };
    return postSigned(`${app!.url}/slack/events`, interactionBody(payload), { secret: SECRET });
  };

  it('reports the running fiscal month, not the calendar month, and its button breaks down the same one', async () => {
    // Tue 1 Dec 2026, 08:30 Berlin: the calendar 1st, but day 3 of P11 FY2027.
    const slot = new Date('2026-12-01T07:30:00Z');
    const digest = await buildDigest(app!.deps, spec(slot), slot);
    expect(digest.text).toContain('Calls: yesterday 2, P11 FY2027 to date 3');
    const all = JSON.stringify(digest.blocks);
    expect(all).toContain('Yesterday and P11 FY2027 to date · Europe/Berlin');
    expect(all).toContain('P11 FY2027 (29 Nov – 26 Dec 2026) to date *3*');
    expect(all).not.toContain('November 2026');

    // The button carries the fiscal month in the /metrics grammar, and pressing it (two days later)
    // posts the per-rep table of that month in the digest's thread.
    const payload = parseByRepPayload(buttonValue(digest.blocks));
    expect(payload?.month).toBe('P11 FY2027');
    expect((await click(digest.blocks, 'fm1')).status).toBe(200);
    const [post] = await stub.waitFor('chat.postMessage');
    expect(String(post?.args.text)).toBe('By rep, P11 FY2027 (29 Nov – 26 Dec 2026): Calls');
    const thread = JSON.stringify(post?.args.blocks);
    expect(thread).toContain('1. Ana López — 2');
    expect(thread).toContain('2. Eve Early — 1');

    // /metrics reads the same words and gives the same figures: 3 for EMEA, Ana 2 and Eve 1.
    const asked = await sendCommand(app!, stub, USERS.ada.id, `calls EMEA by rep ${payload!.month}`);
    const answer = JSON.stringify(asked.reply);
    expect(asked.reply.text).toContain('P11 FY2027 (29 Nov – 26 Dec 2026): 3');
    expect(answer).toContain('1. Ana López — 2');
    expect(answer).toContain('2. Eve Early — 1');
  });

  it('reports the fiscal month just ended on its first day, in the period’s zone', async () => {
    // Sun 29 Nov 2026, 08:30 Berlin: P11 begins today, so the digest gives P10 (1–28 Nov), final.
    const slot = new Date('2026-11-29T07:30:00Z');
    const digest = await buildDigest(app!.deps, spec(slot), slot);
    expect(digest.text).not.toContain('No records');
    expect(digest.text).toContain('Calls: yesterday 1, P10 FY2027 (1 Nov – 28 Nov 2026) 5');
    const all = JSON.stringify(digest.blocks);
    expect(all).toContain('Yesterday and P10 FY2027 (1 Nov – 28 Nov 2026) · Europe/Berlin');
    expect(all).toContain('Yesterday *1* · P10 FY2027 (1 Nov – 28 Nov 2026) *5*');
    expect(parseByRepPayload(buttonValue(digest.blocks))?.month).toBe('P10 FY2027');
    const asked = await sendCommand(app!, stub, USERS.ada.id, 'calls EMEA P10 FY2027');
    expect(asked.reply.text).toContain('P10 FY2027 (1 Nov – 28 Nov 2026): 5');

    // Scheduled 18:30 New York on Sat 28 Nov is 00:30 on Sun 29 Nov in Berlin, the team's (and the
    // period's) zone: P11's first day there, so P10 too, though the schedule's zone is still on the 28th.
    const late = new Date('2026-11-28T23:30:00Z');
    const ny = await buildDigest(app!.deps, spec(late, { timezone: 'America/New_York' }), late);
    expect(parseByRepPayload(buttonValue(ny.blocks))?.month).toBe('P10 FY2027');
    expect(ny.text).toContain('P10 FY2027 (1 Nov – 28 Nov 2026) 5');
  });
});
