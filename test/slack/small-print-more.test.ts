import type { KnownBlock } from '@slack/types';
import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { allText, sendCommand, useRunningApp } from './harness.js';

/**
 * Issue 10, "anything of the same kind": more small print found by trying every metric, scope and
 * period, over signed HTTP. Fixture data: test/slack/fixtures.ts (now = Mon 23 Nov 2026, 10:00 UTC;
 * the first record, deals created on 1 Oct 2026 09:00 UTC).
 */
describeDb('more small print of answers', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply;
  const sectionText = (blocks: KnownBlock[]) =>
    blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
  const buttons = (blocks: KnownBlock[]) =>
    blocks.flatMap((b) =>
      b.type === 'actions' ? b.elements.flatMap((e) => (e.type === 'button' ? [e.text.text] : [])) : [],
    );

  it('answers all time from the first record, without comparison, target or sparkline', async () => {
    await ask(USERS.ada.id, 'target set calls 400 org month');
    const reply = await ask(USERS.ada.id, 'calls org all time');
    // Calls count from the first activity (Mon 23 Nov), not the first deal (1 Oct).
    expect(reply.text).toBe('Calls · Whole org · All time (since 23 Nov 2026): 4, n=4');
    // The headline alone: no "Target 2,196,330", no "vs 31 Jan 1973 – 31 Dec 1999", no 27-year sparkline.
    expect(sectionText(reply.blocks)[0]).toBe('*4*  calls');
    const text = allText(reply);
    // 4 calls by 2 reps over the one weekday, Mon 23 Nov: 4 / 2 = 2 a day.
    expect(text).toContain('"text":"*Calls per rep per working day*\\n2.0/day"');
    expect(text).toContain('n = 4 · Mon 23 Nov 2026 (UTC)');
    // Nothing to draw as a trend, so no Chart button; the period buttons stay.
    expect(buttons(reply.blocks)).toEqual(expect.arrayContaining(['This week', 'How is this calculated?']));
    expect(buttons(reply.blocks)).not.toContain('Chart');
  });

  it('starts a team and a person at their own first record, in their zone', async () => {
    const team = await ask(USERS.mia.id, 'calls team all time');
    expect(team.text).toBe('Calls · EMEA · All time (since 23 Nov 2026): 3, n=3');
    expect(allText(team)).toContain('n = 3 · Mon 23 Nov 2026 (Europe/Berlin)');
    // Eve has no records at all: her all time starts where the org's deals do (the first created 1 Oct 2026),
    // not at 1 Jan 2000, which her answer's window showed (helper-171 #9).
    const eve = await ask(USERS.mia.id, 'winrate Eve Early all time');
    expect(eve.text).toBe('Win rate · Eve Early · All time (since 1 Oct 2026): no data, n=0');
    // A split by rep keeps its leaderboard chart.
    const board = await ask(USERS.mia.id, 'winrate team all time by rep');
    expect(board.text).toBe('Win rate by rep · EMEA · All time (since 1 Oct 2026): 80.0%, n=5');
    expect(buttons(board.blocks)).toContain('Chart');
  });
});
