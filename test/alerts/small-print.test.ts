import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLeadNudges } from '../../src/alerts/nudges.js';
import {
  buildManagerNudge,
  buildOwnerNudge,
  type LeadCard,
  setOwnerNudgeWaiting,
} from '../../src/alerts/slack/nudge-blocks.js';
import { createSlackApp, type SlackApp } from '../../src/app/slack-app.js';
import { reps } from '../../src/db/schema/index.js';
import { describeDb } from '../helpers/db.js';
import { freePort } from '../helpers/free-port.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { interactionBody, postSigned } from '../helpers/slack-requests.js';
import { addLead, blockText, makeDeps, SIGNING_SECRET, seedWorld, type World } from './fixtures.js';

/** Issue 10, item 12: the small print of nudges and their buttons. */
const stub = useSlackApiStub();
beforeEach(() => stub.reset());

const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);
const lead = (id: number, ownerName: string, ownerNudged: boolean) => ({
  leadId: id,
  crmId: `L-${id}`,
  name: `Lead ${id}`,
  company: null,
  source: 'web',
  crmUrl: null,
  waitingSeconds: 1_200,
  ownerName,
  ownerNudged,
});

describe('manager nudge text', () => {
  const note = (leads: ReturnType<typeof lead>[]) =>
    blockText({ ...buildManagerNudge(leads, 'Inbound', 300) });
  it('says the owner was nudged only when that is true, and names the owners who were skipped', () => {
    expect(note([lead(1, 'Ana López', true)])).toContain(
      'The owner was nudged at the SLA. You hear about each lead once.',
    );
    expect(note([lead(1, 'Eve *Early*', false)])).toContain(
      'No owner could be nudged: Eve \u200D*\u200DEarly\u200D*\u200D has no active Slack account in Tally, so only you hear about this lead. You hear about each lead once.',
    );
    const mixed = note([lead(1, 'Ana López', true), lead(2, 'Eve', false), lead(3, 'Eve', false)]);
    expect(mixed).toContain(
      'Not every owner could be nudged: Eve has no active Slack account in Tally, so only you hear about these leads.',
    );
    expect(mixed).not.toContain('The owner was nudged');
  });
});

describe('owner nudge header after a click', () => {
  it('counts the leads beyond the ten listed ("…and 2 more") among those still waiting', () => {
    const leads = Array.from({ length: 12 }, (_, i) => lead(i + 1, 'Ana', true));
    const dm = buildOwnerNudge(leads, 300, true);
    expect(dm.text).toMatch(/^12 new leads are waiting for you: /);
    // Leads 1–3 contacted: the fallback names only the listed leads still waiting, then those beyond.
    const after = setOwnerNudgeWaiting(dm, 3, leads.slice(3, 10));
    expect(after.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: ':hourglass_flowing_sand: 9 of 12 new leads are still waiting for you' },
    });
    expect(after.text).toBe(
      '9 of 12 new leads are still waiting for you: Lead 4, Lead 5, Lead 6, Lead 7, Lead 8, Lead 9, Lead 10 and 2 more',
    );
    // Every listed lead contacted: the title alone, which counts the two beyond the list.
    expect(setOwnerNudgeWaiting(dm, 10, []).text).toBe('2 of 12 new leads are still waiting for you');
    // A DM posted before the count was in the block id: read from the line's text.
    const old = {
      ...dm,
      blocks: dm.blocks.map((b) => ({
        ...b,
        block_id: b.block_id?.startsWith('alert_more:') ? 'x' : b.block_id,
      })),
    };
    expect(setOwnerNudgeWaiting(old, 10, []).blocks[0]).toMatchObject({
      text: { text: ':hourglass_flowing_sand: 2 of 12 new leads are still waiting for you' },
    });
  });
});

describe('owner nudge lead titles', () => {
  const card = (extra: Partial<LeadCard>): LeadCard => ({
    leadId: 9,
    crmId: '00Q5e000001abc',
    name: null,
    company: null,
    source: 'web',
    crmUrl: 'https://crm.example/leads/9',
    waitingSeconds: 1_200,
    ...extra,
  });
  const sectionOf = (lead: LeadCard) => {
    const msg = buildOwnerNudge([lead], 300, true);
    const section = msg.blocks.find((b) => b.type === 'section') as { text: { text: string } };
    return { text: section.text.text, fallback: msg.text };
  };

  it('names a lead without a name by its company, else by its CRM id, never "Unnamed lead"', () => {
    const byCompany = sectionOf(card({ company: 'Acme & Co' }));
    expect(byCompany.text.split('\n')[0]).toBe('*<https://crm.example/leads/9|Acme &amp; Co>*');
    expect(byCompany.fallback).toBe('A new lead is waiting for you: Acme &amp; Co');
    const byId = sectionOf(card({}));
    expect(byId.text.split('\n')[0]).toBe('*<https://crm.example/leads/9|Lead 00Q5e000001abc>*');
    expect(byId.fallback).toBe('A new lead is waiting for you: Lead 00Q5e000001abc');
    expect(JSON.stringify(buildOwnerNudge([card({ name: '  ' })], 300, true))).not.toContain('Unnamed');
  });

  it('cuts a 40,000-character name before escaping, keeping the wait, company and link whole', () => {
    for (const name of ['x'.repeat(40_000), '&*'.repeat(20_000)]) {
      const { text, fallback } = sectionOf(card({ name, company: 'Acme' }));
      const [title, line] = text.split('\n');
      expect(title).toMatch(/^\*<https:\/\/crm\.example\/leads\/9\|[^<>]+…>\* · Acme$/);
      expect(line).toBe('source: web · waiting *20m 00s* (SLA 5m 00s)');
      expect(text.length).toBeLessThan(1_000);
      expect(fallback).toMatch(/^A new lead is waiting for you: [^<>]{1,400}… \(Acme\)$/);
    }
  });
});

describeDb('alert buttons with odd payloads', (ctx) => {
  let world: World;
  let slackApp: SlackApp | undefined;
  let baseUrl = '';
  let setup: ReturnType<typeof makeDeps>;

  beforeEach(async () => {
    world = await seedWorld(ctx.db());
    setup = makeDeps(ctx.database(), stub, '2026-11-23T10:00:00Z');
    const port = await freePort();
    slackApp = createSlackApp(setup.deps, { mode: 'http', port });
    await slackApp.start();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    await slackApp?.stop();
  });

  const press = (value: string, id: string, withMessage: boolean) =>
    postSigned(
      `${baseUrl}/slack/events`,
      interactionBody({
        type: 'block_actions',
        user: { id: 'U0ANA', username: 'ana', team_id: 'T0001' },
        api_app_id: 'A0TALLY',
        container: {
          type: 'message',
          message_ts: '1700000000.000100',
          channel_id: 'D0ANA',
          is_ephemeral: false,
        },
        trigger_id: '1.2.3',
        team: { id: 'T0001', domain: 'testco' },
        channel: { id: 'D0ANA', name: 'directmessage' },
        ...(withMessage
          ? { message: { type: 'message', ts: '1700000000.000100', text: 'x', blocks: [] } }
          : {}),
        response_url: `${stub.responseBase}${id}`,
        actions: [
          {
            type: 'button',
            action_id: 'alerts_contacted',
            block_id: `alert_lead:${value}`,
            value,
            text: { type: 'plain_text', text: 'Contacted' },
            action_ts: '1700000000.000001',
          },
        ],
      }),
      { secret: SIGNING_SECRET },
    );

  const answerAt = async (id: string) => {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const call = stub.callsTo('response_url').find((c) => c.responseId === id);
      if (call) return call.args;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no answer at ${id}`);
  };

  it('answers "Contacted" without `message` ephemerally instead of wiping the DM', async () => {
    const leadId = await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z');
    await runLeadNudges(setup.deps, at('10:05'));
    setup.clock.set(at('10:07'));
    expect((await press(String(leadId), 'nomsg', false)).status).toBe(200);
    const answer = await answerAt('nomsg');
    expect(answer.text).toMatch(/^:white_check_mark: Contacted — logged by <@U0ANA> at <!date\^/);
    expect(stub.callsTo('chat.update')).toHaveLength(0);
  });

  it('answers "Contacted" with a malformed value instead of staying silent', async () => {
    expect((await press('12abc', 'bad', true)).status).toBe(200);
    expect((await answerAt('bad')).text).toBe(
      "That button doesn't say which lead it is for, so nothing was saved. Please use the buttons on the latest alert.",
    );
  });

  it('tells the manager the owner was not nudged when the owner has no Slack id', async () => {
    await ctx.db().update(reps).set({ slackUserId: null }).where(eq(reps.id, world.ana));
    await addLead(ctx.db(), world.ana, '2026-11-23T10:00:00Z', { name: 'Waiting Lead' });
    for (const t of ['10:05', '10:15']) await runLeadNudges(setup.deps, at(t));
    const managerDm = stub.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0MIA');
    expect(managerDm).toHaveLength(1);
    expect(blockText(managerDm[0]?.args ?? {})).toContain(
      'No owner could be nudged: Ana López has no active Slack account in Tally, so only you hear about this lead.',
    );
  });
});
