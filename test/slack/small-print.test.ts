import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { allText, clickButton, sendCommand, useRunningApp } from './harness.js';

/** Issue 10, items 5 and 12: the small print of answers and targets, over signed HTTP. */
describeDb('small print of answers', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  const ask = async (user: string, text: string) => (await sendCommand(app, stub, user, text)).reply;

  it('refuses a zero target', async () => {
    expect((await ask(USERS.mia.id, 'target set calls 0 team')).text).toBe(
      'A calls target of 0 is met by doing nothing; set one above zero.',
    );
  });

  it('shows a prorated calls target as whole calls', async () => {
    await ask(USERS.mia.id, 'target set calls 400 team month');
    const reply = await ask(USERS.mia.id, 'calls team this week');
    // 400 a month prorated to a week: 400 × 7 / 30.4375 days = 92.0, shown whole.
    expect(reply.text).toContain('target 92 (off track)');
    expect(allText(reply)).toContain('Target 92 · 3% attained');
  });

  it('warns about stale data only for a running period', async () => {
    // Stale after 30 minutes, so a running period whose newest record is 50 minutes old gets the warning.
    await app.restart({ TALLY_STALE_AFTER_HOURS: '0.5' });
    // October's newest deal closed on 20 Oct, 34 days before "now": old by nature, not a stalled sync.
    const finished = await ask(USERS.ada.id, 'winrate org 2026-10');
    expect(allText(finished)).toContain('Data as of Tue, 20 Oct 2026, 15:00 (34 days ago)');
    expect(allText(finished)).not.toContain('Data may be stale');
    // Bob's newest record (a call at 09:10) is 50 minutes old in a running quarter: worth a warning.
    const running = await ask(USERS.ada.id, `winrate <@${USERS.bob.id}|bob> this quarter`);
    expect(allText(running)).toContain(
      ':warning: *Data may be stale:* the newest record behind this answer is from',
    );
  });

  it('keeps private leaderboards out of channels: share word, Share button and the buttons offered', async () => {
    await app.restart({ TALLY_LEADERBOARDS_PUBLIC: 'false' });
    const labels = (blocks: { type: string }[]) =>
      JSON.stringify(blocks.filter((b) => b.type === 'actions')).match(/"text":"[^"]+"/g) ?? [];
    const refusal =
      'Sorry — leaderboards by rep are private in this workspace, so they stay with you and are not posted to the channel. You can share the total (without `by rep`) or a split `by team`, `by product` or `by source`.';
    // A manager may see EMEA by rep, but not post it.
    const shared = await ask(USERS.mia.id, 'calls team by rep share');
    expect(shared.response_type).toBe('ephemeral');
    expect(shared.text).toBe(refusal);
    const board = await ask(USERS.mia.id, 'calls team by rep');
    expect(board.text).toContain('Calls by rep · EMEA');
    expect(labels(board.blocks)).not.toContain('"text":"Share in channel"');
    // Her plain team answer offers By rep and Share; a rep's offers neither By rep nor a way around it.
    const mine = await ask(USERS.mia.id, 'calls team');
    expect(labels(mine.blocks)).toEqual(
      expect.arrayContaining(['"text":"By rep"', '"text":"Share in channel"']),
    );
    const rep = await ask(USERS.ana.id, 'calls team');
    expect(labels(rep.blocks)).not.toContain('"text":"By rep"');
    // A Share button carrying `by rep` (an old message, or a copied value) is refused the same way.
    const byRep = await clickButton(app, stub, USERS.mia.id, mine.blocks, 'By rep');
    expect(byRep.reply.text).toContain('Calls by rep · EMEA');
    const oldShare = {
      ...mine.blocks.find((b) => b.type === 'actions' && JSON.stringify(b).includes('Share in channel'))!,
    };
    const forged = JSON.parse(JSON.stringify(oldShare).replace(/\\"b\\":null/g, '\\"b\\":\\"rep\\"'));
    const click = await clickButton(app, stub, USERS.mia.id, [forged], 'Share in channel');
    expect(click.reply.text).toBe(refusal);
  });
});
