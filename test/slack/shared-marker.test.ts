import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { allText, clickButton, sendCommand, useRunningApp } from './harness.js';

/**
 * Tester (LOW): a shared answer kept the sharer's "← you" marker: `/metrics calls team by rep share` posted
 * `*9. Zoe Park — 8 _n=8_* ← you` in the channel, where every reader saw "you" pointing at someone else.
 * Channel posts mark no one; the asker's own (ephemeral) answer keeps the marker.
 */
describeDb('the "← you" marker and who reads the answer', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  // Ana's own row, as her ephemeral answer marks it (3/4 deals won this quarter).
  const anaRow = 'Ana López — 75.0% _n=4, small sample_';

  it("marks the asker's row in their own answer", async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team by rep');
    expect(reply.response_type).toBe('ephemeral');
    expect(allText(reply)).toContain(`*2. ${anaRow}* ← you`);
  });

  it('marks no one in an answer posted with `share`', async () => {
    const { reply } = await sendCommand(app, stub, USERS.ana.id, 'winrate team by rep share');
    expect(reply.response_type).toBe('in_channel');
    const text = allText(reply);
    expect(text).toContain(`2. ${anaRow}`);
    expect(text).not.toContain('← you');
    expect(text).not.toContain(`*2. ${anaRow}*`);
    expect(text).toContain('Shared by Ana López');
  });

  it('marks no one in an answer posted with the "Share in channel" button', async () => {
    const first = await sendCommand(app, stub, USERS.ana.id, 'winrate team by rep');
    expect(allText(first.reply)).toContain('← you');
    const { reply } = await clickButton(app, stub, USERS.ana.id, first.reply.blocks, 'Share in channel');
    expect(reply.response_type).toBe('in_channel');
    const text = allText(reply);
    expect(text).toContain(`2. ${anaRow}`);
    expect(text).not.toContain('← you');
    expect(text).not.toContain(`*2. ${anaRow}*`);
  });
});
